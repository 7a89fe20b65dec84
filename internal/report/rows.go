package report

import (
	"fmt"
	"io"
	"os"
	"slices"

	"github.com/ovsync/ovsync/internal/fserr"
	"github.com/ovsync/ovsync/lint"
)

// readSources returns the files of the report with their headers and the
// records its findings point at, read through lint's CSV reader (whose
// findings lint has already made, so they are dropped here). config.json
// gets no rows: it may hold the API key.
func readSources(rep *lint.Report) ([]Source, error) {
	lines := map[string][]int{}
	for _, f := range rep.Findings {
		if f.Line > 0 {
			lines[f.File] = append(lines[f.File], f.Line)
		}
	}
	var out []Source
	seen := map[string]bool{}
	add := func(file string, csv bool) error {
		if file == "" || seen[file] {
			return nil
		}
		seen[file] = true
		src := Source{File: file, Rows: []Row{}}
		if csv {
			want := slices.Compact(slices.Sorted(slices.Values(lines[file])))
			if err := readRows(&src, want); err != nil {
				return err
			}
		}
		out = append(out, src)
		return nil
	}
	if err := add(rep.Config, false); err != nil {
		return nil, err
	}
	for _, f := range []string{rep.Files.Users, rep.Files.Groups, rep.Files.Mapping} {
		if err := add(f, true); err != nil {
			return nil, err
		}
	}
	for _, f := range rep.Findings { // a file no config or flag named
		if err := add(f.File, false); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// readRows reads the header of src's file and the records that hold the
// wanted lines (sorted), in one pass: a record holds the lines from its
// first to the one before the next record's first.
func readRows(src *Source, want []int) error {
	f, err := os.Open(src.File)
	if err != nil {
		return fmt.Errorf("%s: cannot read: %w", src.File, fserr.WithoutPath(err))
	}
	defer f.Close()
	cr := lint.NewCSVReader(src.File, f, func(lint.Finding) {})
	var prev *Row
	var prevPos [][2]int
	keep := func(next int) { // next: the first line after prev's record
		for len(want) > 0 && want[0] < prev.Line {
			want = want[1:]
		}
		if len(want) > 0 && want[0] < next {
			src.Rows = append(src.Rows, *prev)
			src.pos = append(src.pos, prevPos)
		}
	}
	for {
		rec, err := cr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return err
		}
		if prev != nil {
			keep(rec.Line)
		} else if src.Header == nil {
			src.Header = cleanAll(rec.Fields)
		}
		if len(want) == 0 {
			return nil
		}
		pos := make([][2]int, len(rec.Fields))
		for i := range pos {
			pos[i][0], pos[i][1] = rec.Pos(i)
		}
		prev, prevPos = &Row{Line: rec.Line, Fields: cleanAll(rec.Fields)}, pos
	}
	if prev != nil {
		keep(int(^uint(0) >> 1))
	}
	return nil
}

// cleanAll copies the fields, made valid UTF-8.
func cleanAll(fields []string) []string {
	out := make([]string, len(fields))
	for i, s := range fields {
		out[i] = clean(s)
	}
	return out
}
