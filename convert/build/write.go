package build

import (
	"bytes"
	"encoding/csv"
	"io"

	"github.com/ovsync/ovsync/internal/atomicfile"
	"github.com/ovsync/ovsync/lint"
)

// csvOut writes the rows of one output file: comma-separated, quoted as
// RFC 4180 needs, LF line ends.
//
// What the build writes is the organisation's data, kept exactly as the
// export has it: it does not go through the key filter that rewrites
// messages (a 6-character piece of a key may well be part of an id).
// Every value written passes through row, the one place where a check of
// each cell belongs (such as refusing a whole API key pasted into a cell).
type csvOut struct {
	w     *csv.Writer
	count *lineCounter
}

// lineCounter counts the lines written through it.
type lineCounter struct {
	w     io.Writer
	lines int
}

func (l *lineCounter) Write(p []byte) (int, error) {
	n, err := l.w.Write(p)
	l.lines += bytes.Count(p[:n], []byte{'\n'})
	return n, err
}

// newCSVOut writes to w.
func newCSVOut(w io.Writer) *csvOut {
	lc := &lineCounter{w: w}
	return &csvOut{w: csv.NewWriter(lc), count: lc}
}

// row writes one record.
func (o *csvOut) row(fields ...string) error { return o.w.Write(fields) }

// line returns the line the next record starts on (1-based), once the
// records written so far are flushed.
func (o *csvOut) line() int {
	o.w.Flush()
	return o.count.lines + 1
}

// flush writes what is buffered.
func (o *csvOut) flush() error {
	o.w.Flush()
	return o.w.Error()
}

// The flags of mapping rows.
const (
	isTrue  = "TRUE"
	isFalse = "FALSE"
)

// writeGroups adds groups.csv to the batch.
func (b *builder) writeGroups(batch *atomicfile.Batch) error {
	v := b.vocab
	return batch.Add(b.dest[lint.KindGroups], func(w io.Writer) error {
		out := newCSVOut(w)
		if err := out.row(v.Column(lint.KindGroups, lint.TeamID), v.Column(lint.KindGroups, lint.TeamName)); err != nil {
			return err
		}
		for i := range b.teams {
			t := &b.teams[i]
			if t.kind == handmade {
				b.add.teams[t.owner].outLine = out.line()
			}
			if err := out.row(t.id, t.name); err != nil {
				return err
			}
		}
		return out.flush()
	})
}

// writeMapping adds the mapping to the batch. It reads of the teams only
// what their names do not change (kind, owner, id), so that it may run
// while they are named.
func (b *builder) writeMapping(batch *atomicfile.Batch) error {
	v := b.vocab
	return batch.Add(b.dest[lint.KindMapping], func(w io.Writer) error {
		out := newCSVOut(w)
		if err := out.row(v.Columns(lint.KindMapping)...); err != nil {
			return err
		}
		// A row in the vocabulary's column order: team, user, sub-team,
		// isMember, isManager.
		user := func(team, u, member, manager string) error {
			b.sum.Mappings++
			return out.row(team, u, "", member, manager)
		}
		sub := func(team, s string) error {
			b.sum.Mappings++
			return out.row(team, "", s, isFalse, isFalse)
		}
		for i := range b.teams {
			t := &b.teams[i]
			switch t.kind {
			case direct:
				if err := user(t.id, b.people[t.owner].id(), isFalse, isTrue); err != nil {
					return err
				}
				for _, k := range b.reports(t.owner) {
					if err := user(t.id, b.people[k].id(), isTrue, isFalse); err != nil {
						return err
					}
				}
			case hierarchy:
				if err := user(t.id, b.people[t.owner].id(), isFalse, isTrue); err != nil {
					return err
				}
				if err := sub(t.id, b.opt.TeamIDPrefix+directPrefix+b.people[t.owner].id()); err != nil {
					return err
				}
				for _, k := range b.reports(t.owner) {
					if b.kidAt[k+1] > b.kidAt[k] {
						if err := sub(t.id, b.subTeam(k)); err != nil {
							return err
						}
					}
				}
			case segment:
				for _, p := range b.segments[t.col].membersOf(t.owner) {
					if err := user(t.id, b.people[p].id(), isTrue, isFalse); err != nil {
						return err
					}
				}
			}
		}
		for i := range b.add.rowsOrNil() {
			r := &b.add.rows[i]
			r.outLine = out.line()
			b.sum.Mappings++
			if err := out.row(r.fields[:]...); err != nil {
				return err
			}
		}
		return out.flush()
	})
}
