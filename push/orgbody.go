package push

import (
	"fmt"
	"io"

	"github.com/ovsync/ovsync/internal/displaypath"
	"github.com/ovsync/ovsync/lint"
	"github.com/ovsync/ovsync/push/plan"
)

// wireFormat is how one protocol writes its body: an optional head, then
// three arrays, with the file format it reads them from and its keys. The
// arrays differ between the protocols in their key names only.
type wireFormat struct {
	// head, if not nil, writes the body's first key and its value, before
	// the arrays (the legacy settings block).
	head func(bw *bodyWriter, cfg *lint.Config)
	// files is the vocabulary the CSV files are read with.
	files *lint.Vocabulary
	// users, groups and mappings are the keys of the three arrays.
	users, groups, mappings string
	// userKeys are the standard keys of a user object in the order the
	// body writes them. A key is always written, as "" when the file has
	// no such column; custom columns follow, named as in the header.
	userKeys []plan.RoleKey
	// groupKeys are the prefixes of a group's id and name.
	groupKeys [2]string
	// mappingKeys are the prefixes of a mapping's team, user, sub-team,
	// isMember and isManager.
	mappingKeys [5]string
}

// column is a column of a CSV file with the key prefix it is written
// with in the body.
type column struct {
	index  int
	prefix string
}

// userColumns lines up a users (members) header with the keys of a user
// object: the standard keys, then one key per custom column, named as in
// the header, in header order.
func userColumns(h *lint.Header, keys []plan.RoleKey) []column {
	cols := make([]column, 0, len(keys)+len(h.Custom()))
	for i, k := range keys {
		cols = append(cols, column{index: h.Col(k.Role), prefix: keyPrefix(k.Key, i == 0)})
	}
	for _, i := range h.Custom() {
		cols = append(cols, column{index: i, prefix: keyPrefix(h.Names[i], false)})
	}
	return cols
}

// keyNames are the keys of a user object for header h, in order.
func (w *wireFormat) keyNames(h *lint.Header) []string {
	names := make([]string, 0, len(w.userKeys)+len(h.Custom()))
	for _, k := range w.userKeys {
		names = append(names, k.Key)
	}
	for _, i := range h.Custom() {
		names = append(names, h.Names[i])
	}
	return names
}

// keyRoles are the roles of keyNames (-1 for a custom column).
func (w *wireFormat) keyRoles(h *lint.Header) []lint.Role {
	roles := make([]lint.Role, 0, len(w.userKeys)+len(h.Custom()))
	for _, k := range w.userKeys {
		roles = append(roles, k.Role)
	}
	for range h.Custom() {
		roles = append(roles, -1)
	}
	return roles
}

// field returns field i of rec as written, or "" when there is none (a
// missing column, a short row).
func field(rec *lint.Record, i int) string {
	if i < 0 || i >= len(rec.Fields) {
		return ""
	}
	return rec.Fields[i]
}

// writeBody streams a whole body to out and returns its size: one object
// holding the head, if the protocol has one, then the three arrays,
// users (members), groups (teams) and mappings, each read row by row
// from its CSV file with every value as written; booleans are the only
// values that are not strings. obs, if not nil, is told of each record.
func (w *wireFormat) writeBody(out io.Writer, cfg *lint.Config, obs plan.Recorder) (int64, error) {
	bw := newBodyWriter(out)
	err := w.write(bw, cfg, obs)
	return bw.n, err
}

// write writes the body into bw.
func (w *wireFormat) write(bw *bodyWriter, cfg *lint.Config, obs plan.Recorder) error {
	bw.raw("{")
	first := true
	if w.head != nil {
		w.head(bw, cfg)
		first = false
	}
	var cols []column
	var header *lint.Header
	var vals []string
	err := w.writeArray(bw, w.users, first, lint.KindUsers, cfg.UsersCSV, func(h *lint.Header, rec *lint.Record) error {
		if h != header {
			header, cols = h, userColumns(h, w.userKeys)
			if obs != nil {
				obs.UserKeys(w.keyNames(h), w.keyRoles(h))
			}
		}
		start := len(bw.buf)
		vals = vals[:0]
		bw.raw("{")
		for _, c := range cols {
			v := field(rec, c.index)
			vals = append(vals, v)
			bw.raw(c.prefix)
			bw.str(v)
		}
		bw.raw("}")
		if obs != nil {
			obs.User(vals, bw.buf[start:])
		}
		return nil
	})
	if err != nil {
		return err
	}

	err = w.writeArray(bw, w.groups, false, lint.KindGroups, cfg.GroupsCSV, func(h *lint.Header, rec *lint.Record) error {
		id, name := field(rec, h.Col(lint.TeamID)), field(rec, h.Col(lint.TeamName))
		bw.raw("{")
		bw.raw(w.groupKeys[0])
		bw.str(id)
		bw.raw(w.groupKeys[1])
		bw.str(name)
		bw.raw("}")
		if obs != nil {
			obs.Team(id, name)
		}
		return nil
	})
	if err != nil {
		return err
	}

	err = w.writeArray(bw, w.mappings, false, lint.KindMapping, cfg.MappingCSV, func(h *lint.Header, rec *lint.Record) error {
		team, user, sub := field(rec, h.Col(lint.MapTeam)), field(rec, h.Col(lint.MapUser)), field(rec, h.Col(lint.MapSubTeam))
		member, ok1 := lint.ParseBool(field(rec, h.Col(lint.MapIsMember)))
		manager, ok2 := lint.ParseBool(field(rec, h.Col(lint.MapIsManager)))
		if !ok1 || !ok2 {
			return fmt.Errorf("%s:%d: isMember and isManager must be TRUE or FALSE (run ovsync lint)", displaypath.Of(cfg.MappingCSV), rec.Line)
		}
		bw.raw("{")
		bw.raw(w.mappingKeys[0])
		bw.str(team)
		bw.raw(w.mappingKeys[1])
		bw.str(user)
		bw.raw(w.mappingKeys[2])
		bw.str(sub)
		bw.raw(w.mappingKeys[3])
		bw.boolean(member)
		bw.raw(w.mappingKeys[4])
		bw.boolean(manager)
		bw.raw("}")
		if obs != nil {
			obs.Mapping(team, user, sub, member, manager)
		}
		return nil
	})
	if err != nil {
		return err
	}
	bw.raw("}")
	return bw.flush()
}

// writeArray writes the array of key (first says whether it is the
// object's first key), one element per row of the CSV file of kind at
// path: elem writes a row's element, without the comma before it.
func (w *wireFormat) writeArray(bw *bodyWriter, key string, first bool, kind lint.Kind, path string, elem func(h *lint.Header, rec *lint.Record) error) error {
	bw.raw(keyPrefix(key, first))
	bw.raw("[")
	n := 0
	err := lint.ReadRows(w.files, kind, path, func(h *lint.Header, rec *lint.Record) error {
		if n > 0 {
			bw.raw(",")
		}
		n++
		if err := elem(h, rec); err != nil {
			return err
		}
		return bw.boundary()
	})
	if err != nil {
		return err
	}
	bw.raw("]")
	return nil
}
