package lint

import (
	"crypto/sha256"
	"encoding/hex"
	"maps"
	"os"
	"slices"
	"strings"
	"sync"
	"testing"
)

// TestRowsHook lints the sample and the broken org with Options.Rows and
// Options.Digests: every record after the header is handed over once, in
// file order, with its values as lint reads them and the index of what
// it became in the model; the digests are those of the files' bytes.
func TestRowsHook(t *testing.T) {
	for _, dir := range []string{"../testdata/sample", "../testdata/broken"} {
		t.Run(dir, func(t *testing.T) {
			var mu sync.Mutex
			got := map[Kind][]hookRow{}
			ends := map[Kind]int{}
			rep, err := Run(Options{Path: dir, Digests: true, Rows: func(r *Row) {
				if r.Record == nil {
					mu.Lock()
					ends[r.Kind]++
					mu.Unlock()
					return
				}
				id := ""
				switch r.Kind {
				case KindUsers:
					id = r.Values[r.Header.Col(UserID)]
				case KindGroups:
					id = r.Values[r.Header.Col(TeamID)]
				}
				mu.Lock()
				got[r.Kind] = append(got[r.Kind], hookRow{r.Record.Line, r.Index, strings.Clone(id), r.Whole})
				mu.Unlock()
			}})
			if err != nil {
				t.Fatal(err)
			}
			org := rep.Org
			if want := (map[Kind]int{KindUsers: 1, KindGroups: 1, KindMapping: 1}); !maps.Equal(ends, want) {
				t.Errorf("ends of the files %v, want one each", ends)
			}
			for k, n := range org.Rows {
				if len(got[Kind(k)]) != n {
					t.Errorf("%s: %d records handed over, %d rows", Kind(k), len(got[Kind(k)]), n)
				}
			}
			declared := map[Kind]int{}
			for k, rows := range got {
				for i, r := range rows {
					if i > 0 && r.line <= rows[i-1].line {
						t.Errorf("%s: line %d after line %d", k, r.line, rows[i-1].line)
					}
					switch {
					case k == KindMapping && r.index != i:
						t.Errorf("mapping row %d (line %d) has index %d", i, r.line, r.index)
					case k == KindMapping:
					case r.index < 0:
						if r.id != "" && !declaredBefore(org, k, r.id, r.line) {
							t.Errorf("%s line %d: id %q declared nothing, and no earlier row declared it", k, r.line, r.id)
						}
					case r.index != declared[k]:
						t.Errorf("%s line %d: index %d, want %d", k, r.line, r.index, declared[k])
					case k == KindUsers && (org.Users[r.index].ID != r.id || int(org.Users[r.index].Line) != r.line):
						t.Errorf("users line %d: index %d is %+v", r.line, r.index, org.Users[r.index])
					case k == KindGroups && (org.Teams[r.index].ID != r.id || int(org.Teams[r.index].Line) != r.line):
						t.Errorf("groups line %d: index %d is %+v", r.line, r.index, org.Teams[r.index])
					}
					if r.index >= 0 {
						declared[k]++
					}
				}
			}
			if dir == "../testdata/broken" && !slices.ContainsFunc(slices.Concat(got[KindUsers], got[KindGroups], got[KindMapping]), func(r hookRow) bool { return !r.whole }) {
				t.Errorf("the broken org has no ragged or broken record")
			}
			cfg, _, err := ReadPath(dir)
			if err != nil {
				t.Fatal(err)
			}
			for k, p := range []string{cfg.UsersCSV, cfg.GroupsCSV, cfg.MappingCSV} {
				raw, err := os.ReadFile(p)
				if err != nil {
					t.Fatal(err)
				}
				sum := sha256.Sum256(raw)
				if want := hex.EncodeToString(sum[:]); rep.Digests[k] != want {
					t.Errorf("%s: digest %s, want %s", Kind(k), rep.Digests[k], want)
				}
			}
		})
	}
}

// declaredBefore reports whether a row before line declared id.
func declaredBefore(org *Org, k Kind, id string, line int) bool {
	if k == KindUsers {
		i, ok := org.UserIndex(id)
		return ok && int(org.Users[i].Line) < line
	}
	i, ok := org.TeamIndex(id)
	return ok && int(org.Teams[i].Line) < line
}

// hookRow is what TestRowsHook keeps of a record handed over.
type hookRow struct {
	line, index int
	id          string
	whole       bool
}

// TestModelHook: Options.Model is handed the report's model once, after
// every record of the three files was handed to Rows and the model holds
// them all, and before the org rules run (their findings are not in the
// model, which they only read).
func TestModelHook(t *testing.T) {
	for _, dir := range []string{"../testdata/sample", "../testdata/broken"} {
		t.Run(dir, func(t *testing.T) {
			var mu sync.Mutex
			rows, calls := 0, 0
			var seen *Org
			var users, teams, mappings, rowsAtModel int
			rep, err := Run(Options{Path: dir,
				Rows: func(r *Row) {
					if r.Record != nil {
						mu.Lock()
						rows++
						mu.Unlock()
					}
				},
				Model: func(o *Org) {
					calls++
					seen = o
					users, teams, mappings = len(o.Users), len(o.Teams), len(o.Mappings)
					mu.Lock()
					rowsAtModel = rows
					mu.Unlock()
				}})
			if err != nil {
				t.Fatal(err)
			}
			if calls != 1 || seen != rep.Org {
				t.Fatalf("Model called %d times, with the report's org: %t", calls, seen == rep.Org)
			}
			if rowsAtModel != rows {
				t.Errorf("Model called after %d of %d records", rowsAtModel, rows)
			}
			o := rep.Org
			if users != len(o.Users) || teams != len(o.Teams) || mappings != len(o.Mappings) {
				t.Errorf("the model grew after Model: %d/%d/%d, then %d/%d/%d", users, teams, mappings, len(o.Users), len(o.Teams), len(o.Mappings))
			}
		})
	}
}
