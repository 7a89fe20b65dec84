package plan

import "github.com/ovsync/ovsync/lint"

// Hooks for the tests of package plan_test, which need package push's
// protocols (push imports plan).

// ParseState reads a state file, as a plan reads the state of the last
// push.
func ParseState(raw []byte) error {
	_, err := parseState(raw)
	return err
}

// BodyState has p write the body of cfg's org once and records the org
// it holds, as the planning pass does, and returns the body's size.
func BodyState(p Protocol, cfg *lint.Config) (int64, error) {
	st, err := bodyState(p, cfg, nil)
	if err != nil {
		return 0, err
	}
	return st.Bytes, nil
}
