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

// field returns field i of a record as written, or "" when there is
// none (a missing column, a short row).
func field(fields []string, i int) string {
	if i < 0 || i >= len(fields) {
		return ""
	}
	return fields[i]
}

// writeBody streams a whole body to out and returns its size: one object
// holding the head, if the protocol has one, then the three arrays,
// users (members), groups (teams) and mappings, each read row by row
// from its CSV file with every value as written (read a few batches
// ahead, [readRowsAhead]); booleans are the only values that are not
// strings. obs, if not nil, is told of each record.
func (w *wireFormat) writeBody(out io.Writer, cfg *lint.Config, obs plan.Recorder) (int64, error) {
	b := w.newBody(out, cfg, obs)
	rows := readRowsAhead(w.files, [3]string{cfg.UsersCSV, cfg.GroupsCSV, cfg.MappingCSV})
	err := rows.each(func(kind lint.Kind, h *lint.Header, rec *lint.Record) error {
		switch kind {
		case lint.KindUsers:
			return b.User(h, rec.Fields)
		case lint.KindGroups:
			return b.Team(field(rec.Fields, h.Col(lint.TeamID)), field(rec.Fields, h.Col(lint.TeamName)))
		}
		member, ok1 := lint.ParseBool(field(rec.Fields, h.Col(lint.MapIsMember)))
		manager, ok2 := lint.ParseBool(field(rec.Fields, h.Col(lint.MapIsManager)))
		if !ok1 || !ok2 {
			return fmt.Errorf("%s:%d: isMember and isManager must be TRUE or FALSE (run ovsync lint)", displaypath.Of(cfg.MappingCSV), rec.Line)
		}
		return b.Mapping(field(rec.Fields, h.Col(lint.MapTeam)), field(rec.Fields, h.Col(lint.MapUser)), field(rec.Fields, h.Col(lint.MapSubTeam)), member, manager)
	})
	if err != nil {
		return b.bw.n, err
	}
	return b.Close()
}

// body writes one body of a protocol record by record, in the body's
// order: the object's head, then users, groups and mapping rows, each
// array opened as its first element (or the next array) comes. The rows
// of the files (writeBody) and the planning pass (plan.Body) hand their
// records to it alike, so that both write the same bytes.
type body struct {
	w   *wireFormat
	bw  *bodyWriter
	obs plan.Recorder
	// array is the array being written (users 0, groups 1, mappings 2;
	// -1 before the first, 3 once the body is closed), n its elements.
	array, n int
	// header is the users header the columns were lined up with.
	header *lint.Header
	cols   []column
	vals   []string
}

// newBody starts a body on out, its head written; obs, if not nil, is
// told of each record.
func (w *wireFormat) newBody(out io.Writer, cfg *lint.Config, obs plan.Recorder) *body {
	b := &body{w: w, bw: newBodyWriter(out), obs: obs, array: -1}
	b.bw.raw("{")
	if w.head != nil {
		w.head(b.bw, cfg)
	}
	return b
}

// element starts an element of array k, opening the arrays up to it.
func (b *body) element(k int) {
	for b.array < k {
		if b.array >= 0 {
			b.bw.raw("]")
		}
		b.array++
		if b.array == 3 {
			return
		}
		key := [3]string{b.w.users, b.w.groups, b.w.mappings}[b.array]
		b.bw.raw(keyPrefix(key, b.array == 0 && b.w.head == nil))
		b.bw.raw("[")
		b.n = 0
	}
	if b.n > 0 {
		b.bw.raw(",")
	}
	b.n++
}

// User writes the user (member) object of a record of the users file,
// its fields as written under header h.
func (b *body) User(h *lint.Header, fields []string) error {
	if h != b.header {
		b.header, b.cols = h, userColumns(h, b.w.userKeys)
		if b.obs != nil {
			b.obs.UserKeys(b.w.keyNames(h), b.w.keyRoles(h))
		}
	}
	b.element(0)
	bw := b.bw
	start := len(bw.buf)
	b.vals = b.vals[:0]
	bw.raw("{")
	for _, c := range b.cols {
		v := field(fields, c.index)
		b.vals = append(b.vals, v)
		bw.raw(c.prefix)
		bw.str(v)
	}
	bw.raw("}")
	if b.obs != nil {
		b.obs.User(b.vals, bw.buf[start:])
	}
	return bw.boundary()
}

// Team writes a group (team) object: its id and name as written.
func (b *body) Team(id, name string) error {
	b.element(1)
	bw := b.bw
	bw.raw("{")
	bw.raw(b.w.groupKeys[0])
	bw.str(id)
	bw.raw(b.w.groupKeys[1])
	bw.str(name)
	bw.raw("}")
	if b.obs != nil {
		b.obs.Team(id, name)
	}
	return bw.boundary()
}

// Mapping writes a mapping object: its ids as written and its flags.
func (b *body) Mapping(team, user, sub string, member, manager bool) error {
	b.element(2)
	bw := b.bw
	bw.raw("{")
	bw.raw(b.w.mappingKeys[0])
	bw.str(team)
	bw.raw(b.w.mappingKeys[1])
	bw.str(user)
	bw.raw(b.w.mappingKeys[2])
	bw.str(sub)
	bw.raw(b.w.mappingKeys[3])
	bw.boolean(member)
	bw.raw(b.w.mappingKeys[4])
	bw.boolean(manager)
	bw.raw("}")
	if b.obs != nil {
		b.obs.Mapping(team, user, sub, member, manager)
	}
	return bw.boundary()
}

// Close closes the arrays and the object, hands the rest of the body on
// and returns its size.
func (b *body) Close() (int64, error) {
	b.element(3)
	b.bw.raw("}")
	err := b.bw.flush()
	return b.bw.n, err
}
