package build

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/ovsync/ovsync/internal/atomicfile"
	"github.com/ovsync/ovsync/internal/displaypath"
	"github.com/ovsync/ovsync/internal/plural"
	"github.com/ovsync/ovsync/lint"
)

// handMade holds the hand-made teams and mapping rows of --add (project
// teams, committees), as written.
type handMade struct {
	vocab           *lint.Vocabulary
	groups, mapping string // the files read, as displayed; "" for none
	teams           []handTeam
	rows            []handRow
}

// handTeam is a row of the hand-made groups.csv.
type handTeam struct {
	id, name       string
	line           int
	idCol, nameCol int // byte columns in the file
	outLine        int // its line in the groups.csv written
}

// handRow is a row of the hand-made mapping, its fields in the
// vocabulary's column order (team, user, sub-team, isMember, isManager).
type handRow struct {
	fields  [5]string
	line    int
	cols    [5]int
	outLine int
}

// mappingRoles are the mapping's roles in the order handRow keeps them.
var mappingRoles = [5]lint.Role{lint.MapTeam, lint.MapUser, lint.MapSubTeam, lint.MapIsMember, lint.MapIsManager}

// rowsOrNil returns the hand-made mapping rows, none for no --add.
func (h *handMade) rowsOrNil() []handRow {
	if h == nil {
		return nil
	}
	return h.rows
}

// readHandMade reads the hand-made files of path: a config.json (or a
// folder holding one), or a folder holding groups.csv and
// groups-mapping.csv (or teams.csv and teams-mappings.csv).
func readHandMade(path string) (*handMade, error) {
	st, err := os.Stat(path)
	if err != nil {
		return nil, fmt.Errorf("--add %s: no such file or folder", path)
	}
	var files [3]string
	_, cfgErr := os.Stat(filepath.Join(path, "config.json"))
	if !st.IsDir() || cfgErr == nil {
		cp, err := lint.FindConfig(path)
		if err != nil {
			return nil, err
		}
		cfg, _, err := lint.LoadConfig(cp, displaypath.Of(cp))
		if err != nil {
			return nil, err
		}
		files = [3]string{cfg.UsersCSV, cfg.GroupsCSV, cfg.MappingCSV}
		for k, p := range files {
			if _, err := os.Stat(p); err != nil {
				files[k] = ""
			}
		}
	} else {
		best := 0
		for _, v := range lint.Vocabularies {
			var found [3]string
			n := 0
			for k, name := range v.FileNames {
				if st, err := os.Stat(filepath.Join(path, name)); err == nil && !st.IsDir() {
					found[k], n = filepath.Join(path, name), n+1
				}
			}
			if n > best {
				files, best = found, n
			}
		}
	}
	if files[lint.KindUsers] != "" {
		return nil, fmt.Errorf("--add %s: %s holds people: hand-made files add teams and mappings only, the people come from the export; add them to the export, or leave the file out", path, displaypath.Of(files[lint.KindUsers]))
	}
	if files[lint.KindGroups] == "" && files[lint.KindMapping] == "" {
		return nil, fmt.Errorf("--add %s: no groups.csv or groups-mapping.csv (nor teams.csv or teams-mappings.csv) there", path)
	}
	v, err := lint.DetectFormat(files)
	if err != nil {
		return nil, err
	}
	h := &handMade{vocab: v}
	if p := files[lint.KindGroups]; p != "" {
		h.groups = displaypath.Of(p)
		if err := h.readGroups(p); err != nil {
			return nil, err
		}
	}
	if p := files[lint.KindMapping]; p != "" {
		h.mapping = displaypath.Of(p)
		if err := h.readMapping(p); err != nil {
			return nil, err
		}
	}
	return h, nil
}

// missingColumns returns an error naming the required columns a
// hand-made file's header lacks.
func missingColumns(v *lint.Vocabulary, k lint.Kind, display string, h *lint.Header) error {
	var missing []string
	for i, r := range v.Roles(k) {
		if h.Col(r) < 0 && slices.Contains(v.Required(k), v.Columns(k)[i]) {
			missing = append(missing, strconv.Quote(v.Columns(k)[i]))
		}
	}
	if len(missing) == 0 {
		return nil
	}
	return fmt.Errorf("%s:1: the header lacks %s: name the columns as in %s (%s)", display, plural.And(missing), v.FileNames[k], plural.And(v.Required(k)))
}

// readGroups reads the hand-made teams through lint's reader.
func (h *handMade) readGroups(path string) error {
	v := h.vocab
	return lint.ReadRows(v, lint.KindGroups, path, func(hd *lint.Header, rec *lint.Record) error {
		if err := missingColumns(v, lint.KindGroups, h.groups, hd); err != nil {
			return err
		}
		t := handTeam{line: rec.Line}
		if i := hd.Col(lint.TeamID); i < len(rec.Fields) {
			t.id = rec.Fields[i]
			_, t.idCol = rec.Pos(i)
		}
		if i := hd.Col(lint.TeamName); i < len(rec.Fields) {
			t.name = rec.Fields[i]
			_, t.nameCol = rec.Pos(i)
		}
		t.id, t.name = strings.Clone(t.id), strings.Clone(t.name)
		h.teams = append(h.teams, t)
		return nil
	})
}

// readMapping reads the hand-made mapping rows through lint's reader.
func (h *handMade) readMapping(path string) error {
	v := h.vocab
	return lint.ReadRows(v, lint.KindMapping, path, func(hd *lint.Header, rec *lint.Record) error {
		if err := missingColumns(v, lint.KindMapping, h.mapping, hd); err != nil {
			return err
		}
		r := handRow{line: rec.Line}
		for k, role := range mappingRoles {
			if i := hd.Col(role); i >= 0 && i < len(rec.Fields) {
				r.fields[k] = strings.Clone(rec.Fields[i])
				_, r.cols[k] = rec.Pos(i)
			}
		}
		h.rows = append(h.rows, r)
		return nil
	})
}

// mergeHandMade adds the hand-made teams after the generated ones,
// refusing an id a generated team has.
func (b *builder) mergeHandMade() {
	generated := make(map[string]int, len(b.teams))
	for i, t := range b.teams {
		generated[t.id] = i
	}
	for i, t := range b.add.teams {
		if j, clash := generated[t.id]; clash {
			g := &b.teams[j]
			b.defects.add("hand-made team ids that clash", 0, fmt.Sprintf("%s:%d:%d", b.add.groups, t.line, t.idCol),
				fmt.Sprintf("team id %q is also the id of a team the build makes (%s)", t.id, b.describe(g)),
				"rename the hand-made team, or give --team-id-prefix to keep the generated ids apart")
			continue
		}
		b.teams = append(b.teams, team{kind: handmade, owner: int32(i), id: t.id, name: t.name})
		b.sum.HandMade++
	}
}

// describe says what a generated team is, for messages.
func (b *builder) describe(t *team) string {
	switch t.kind {
	case direct:
		return "the direct reports of " + b.name(t.owner)
	case hierarchy:
		return "the hierarchy of " + b.name(t.owner)
	case segment:
		return fmt.Sprintf("the segment %q of %q", b.segments[t.col].segs[t.owner].spelling(), b.cols.header[b.cols.teamBy[t.col]])
	}
	return "a hand-made team"
}

// lintMerged lints the files written, before they replace anything: the
// hand-made teams and rows are the user's, so lint's rules judge the
// whole. An error or a warning stops the run, named at the hand-made
// file's line where it comes from one.
func (b *builder) lintMerged(batch *atomicfile.Batch) error {
	var tmp [3]string
	for k, p := range b.dest {
		tmp[k] = batch.Temp(p)
	}
	rep, err := lint.Run(lint.Options{Users: tmp[0], Groups: tmp[1], Mapping: tmp[2], Keys: b.opt.Keys})
	if err != nil {
		return err
	}
	// The temporary files are named as the files they become.
	var names []string
	for k, p := range tmp {
		names = append(names, displaypath.Of(p), displaypath.Of(b.dest[k]))
	}
	rename := strings.NewReplacer(names...)
	var ds defects
	for _, f := range rep.Findings {
		if f.Severity < lint.Warning {
			continue
		}
		where, order := b.handMadeAt(f, tmp)
		if where == "" && f.Rule == lint.RuleNoHierarchy {
			where, order = b.hiddenHandMade(rep, f)
		}
		msg := fmt.Sprintf("%s: %s [%s]", f.Severity, b.handMadeLines(rename.Replace(f.Message), f, tmp), f.Rule)
		hint := rename.Replace(f.Hint)
		if where == "" {
			k := slices.IndexFunc(tmp[:], func(p string) bool { return filepath.Base(p) == filepath.Base(f.File) })
			where = fmt.Sprintf("%s:%d", displaypath.Of(b.dest[max(k, 0)]), f.Line)
			hint = "the build made this, not the hand-made files: please report it"
		}
		ds.add("findings of lint", order, where, msg, hint)
	}
	if ds.n > 0 {
		return join(ds.err(), errors.New("the merged organisation must lint with no error and no warning: fix the hand-made files of --add"))
	}
	return nil
}

// lineRef finds "line N" in lint's messages, which names a line of the
// finding's own file.
var lineRef = regexp.MustCompile(`\bline (\d+)\b`)

// handMadeLines rewrites the lines a message of lint names in the merged
// files as the hand-made files' lines, or names the file written.
func (b *builder) handMadeLines(msg string, f lint.Finding, tmp [3]string) string {
	base := filepath.Base(f.File)
	return lineRef.ReplaceAllStringFunc(msg, func(m string) string {
		n, _ := strconv.Atoi(m[len("line "):])
		switch base {
		case filepath.Base(tmp[lint.KindGroups]):
			for _, t := range b.add.teams {
				if t.outLine == n {
					return fmt.Sprintf("line %d", t.line)
				}
			}
			return fmt.Sprintf("line %d of %s", n, displaypath.Of(b.dest[lint.KindGroups]))
		case filepath.Base(tmp[lint.KindMapping]):
			for _, r := range b.add.rows {
				if r.outLine == n {
					return fmt.Sprintf("line %d", r.line)
				}
			}
			return fmt.Sprintf("line %d of %s", n, displaypath.Of(b.dest[lint.KindMapping]))
		}
		return m
	})
}

// hiddenHandMade returns where the hand-made team is that a
// manager-without-hierarchy finding on a generated row is about: a
// hand-made team managed by someone whose own manager cannot see it. ""
// when the team hidden is not hand-made.
func (b *builder) hiddenHandMade(rep *lint.Report, f lint.Finding) (string, pos) {
	o := rep.Org
	for _, g := range o.Problems.HierarchyGaps {
		if int(o.Mappings[g.Row].Line) != f.Line {
			continue
		}
		id := o.Teams[g.Hidden].ID
		for _, t := range b.add.teams {
			if t.id == id {
				return fmt.Sprintf("%s:%d:0", b.add.groups, t.line), pos(t.line)
			}
		}
	}
	return "", 0
}

// handMadeAt returns where a finding in the merged files is in the
// hand-made files, "" when it is about a generated row.
func (b *builder) handMadeAt(f lint.Finding, tmp [3]string) (string, pos) {
	base := filepath.Base(f.File)
	v := b.vocab
	switch base {
	case filepath.Base(tmp[lint.KindGroups]):
		for _, t := range b.add.teams {
			if t.outLine == f.Line {
				col := 0
				switch f.Field {
				case v.Column(lint.KindGroups, lint.TeamID):
					col = t.idCol
				case v.Column(lint.KindGroups, lint.TeamName):
					col = t.nameCol
				}
				return fmt.Sprintf("%s:%d:%d", b.add.groups, t.line, col), pos(t.line)
			}
		}
	case filepath.Base(tmp[lint.KindMapping]):
		for _, r := range b.add.rows {
			if r.outLine == f.Line {
				col := 0
				for k, role := range mappingRoles {
					if f.Field != "" && f.Field == v.Column(lint.KindMapping, role) {
						col = r.cols[k]
					}
				}
				return fmt.Sprintf("%s:%d:%d", b.add.mapping, r.line, col), pos(r.line)
			}
		}
	}
	return "", 0
}
