package push

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ovsync/ovsync/internal/orggen"
	"github.com/ovsync/ovsync/lint"
)

// TestRowsAhead reads a generated org through readRowsAhead and through
// lint.ReadRows: the same records, lines and headers in the same order;
// an error of fn stops the reading at once and is the one returned; an
// unreadable file is the reading's error, after the records before it.
func TestRowsAhead(t *testing.T) {
	dir := t.TempDir()
	if _, err := orggen.WriteDir(dir, orggen.Options{Users: 3000, Seed: 7}); err != nil {
		t.Fatal(err)
	}
	cfg, _, err := lint.LoadConfig(filepath.Join(dir, "config.json"), "config.json")
	if err != nil {
		t.Fatal(err)
	}
	paths := [3]string{cfg.UsersCSV, cfg.GroupsCSV, cfg.MappingCSV}
	v := lint.Legacy
	type row struct {
		kind   lint.Kind
		line   int
		fields string
	}
	join := func(fs []string) string {
		s := ""
		for _, f := range fs {
			s += f + "\x00"
		}
		return s
	}
	var want []row
	for k, p := range paths {
		if err := lint.ReadRows(v, lint.Kind(k), p, func(h *lint.Header, rec *lint.Record) error {
			want = append(want, row{lint.Kind(k), rec.Line, join(rec.Fields)})
			return nil
		}); err != nil {
			t.Fatal(err)
		}
	}
	var got []row
	headers := map[lint.Kind]*lint.Header{}
	if err := readRowsAhead(v, paths).each(func(kind lint.Kind, h *lint.Header, rec *lint.Record) error {
		if headers[kind] == nil {
			headers[kind] = h
		} else if headers[kind] != h {
			t.Fatalf("%s: a second header", kind)
		}
		got = append(got, row{kind, rec.Line, join(rec.Fields)})
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if len(got) != len(want) {
		t.Fatalf("%d records, want %d", len(got), len(want))
	}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("record %d: %+v, want %+v", i, got[i], want[i])
		}
	}

	stop := errors.New("enough")
	n := 0
	if err := readRowsAhead(v, paths).each(func(lint.Kind, *lint.Header, *lint.Record) error {
		if n++; n == 1000 {
			return stop
		}
		return nil
	}); err != stop || n != 1000 {
		t.Errorf("stopped after %d records with %v, want 1000 and %v", n, err, stop)
	}

	if err := os.Remove(cfg.GroupsCSV); err != nil {
		t.Fatal(err)
	}
	users := 0
	err = readRowsAhead(v, paths).each(func(kind lint.Kind, _ *lint.Header, _ *lint.Record) error {
		if kind != lint.KindUsers {
			t.Fatalf("a record of %s after the groups file failed", kind)
		}
		users++
		return nil
	})
	if err == nil || !strings.Contains(err.Error(), "groups.csv: no such file") || users != 3000 {
		t.Errorf("without groups.csv: %d users, then %v; want 3000 and the missing file", users, err)
	}
}
