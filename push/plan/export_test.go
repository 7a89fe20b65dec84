package plan

import (
	"bytes"
	"encoding/json"
	"io"

	"github.com/ovsync/ovsync/internal/redact"
	"github.com/ovsync/ovsync/lint"
)

// Hooks for the tests of package plan_test, which need package push's
// protocols (push imports plan).

// ParseState reads a state file, as a plan reads the state of the last
// push.
func ParseState(raw []byte) error {
	_, err := parseState(raw)
	return err
}

// UnpackLists returns the head line of a state file with lists (version
// 2 or 3) and its lists unpacked.
func UnpackLists(raw []byte) (head, lists []byte, err error) {
	return unpackLists(raw)
}

// BodyState has p write the body of cfg's org once from its files and
// records the org it holds whole, as the new side of a diff is read, and
// returns the body's size.
func BodyState(p Protocol, cfg *lint.Config) (int64, error) {
	st, err := bodyState(p, cfg, false)
	if err != nil {
		return 0, err
	}
	return st.Bytes, nil
}

// ReferencePlan compares the state files of two pushes held whole (prev
// nil for none) as plans were made before the comparison streamed the
// state of the last push (compare_ref_test.go), a state an earlier key
// filter masked repaired first with keys: the reference of the streamed
// comparison.
func ReferencePlan(prev, cur []byte, keys *redact.Redactor, invite bool) (*Plan, error) {
	c, err := parseState(cur)
	if err != nil {
		return nil, err
	}
	if prev == nil {
		return refPlan(nil, c, invite), nil
	}
	p, err := parseState(prev)
	if err != nil {
		return nil, err
	}
	fixed, err := repair(p, c, keys)
	if err != nil {
		return nil, err
	}
	out := refPlan(p, c, invite)
	out.Known.Damaged, out.Known.Unknown = fixed.Damaged, fixed.Unknown
	return out, nil
}

// MaskState returns the state file raw as an earlier ovsync wrote it,
// through a key filter of red: each value and key masked where it holds a
// piece of a key, no "exact" in the head, version 2.
func MaskState(raw []byte, red *redact.Redactor) ([]byte, error) {
	st, err := parseState(raw)
	if err != nil {
		return nil, err
	}
	for i, k := range st.UserKeys {
		st.UserKeys[i] = red.String(k)
	}
	for i := range st.Users {
		u := &st.Users[i]
		u.ID, u.Email, u.Values = red.String(u.ID), red.String(u.Email), red.String(u.Values)
	}
	for i := range st.Teams {
		t := &st.Teams[i]
		t.ID, t.Name = red.String(t.ID), red.String(t.Name)
	}
	for i := range st.Mappings {
		m := &st.Mappings[i]
		m.Team, m.User, m.SubTeam = red.String(m.Team), red.String(m.User), red.String(m.SubTeam)
	}
	st.APIURL = red.String(st.APIURL)
	st.Bytes *= 2 // the masked values may be longer than the body's
	var b bytes.Buffer
	if err := st.encode(&b, nil); err != nil {
		return nil, err
	}
	line, lists, err := unpackLists(b.Bytes())
	if err != nil {
		return nil, err
	}
	var head map[string]any
	if err := json.Unmarshal(line, &head); err != nil {
		return nil, err
	}
	// That ovsync wrote version 2: gzip, and no "exact".
	delete(head, "exact")
	head["version"] = stateVersion2
	line, err = json.Marshal(head)
	if err != nil {
		return nil, err
	}
	return append(append(line, '\n'), packed(gzipPacking, string(lists))...), nil
}

// encode writes the state as version 3, its values exactly as they were
// sent (Exact), through guards of red that see the text before it is
// compressed, the head line and the lists alike: a whole key stops it.
func (st *state) encode(out io.Writer, red *redact.Redactor) error {
	h := st.stateHead
	h.Counts = [3]int{len(st.Users), len(st.Teams), len(st.Mappings)}
	w, err := newStateWriter(out, red, h)
	if err != nil {
		return err
	}
	for i := range st.Users {
		w.user(st.Users[i].Values)
	}
	for _, t := range st.Teams {
		w.team(t.ID, t.Name)
	}
	for _, m := range st.Mappings {
		w.mapping(m.Team, m.User, m.SubTeam, m.Member, m.Manager)
	}
	return w.close()
}

// user writes a user's line: its values, escaped and joined by tabs.
func (w *stateWriter) user(values string) {
	w.buf = append(w.buf, "U\t"...)
	w.buf = append(w.buf, values...)
	w.line()
}
