package plan

import (
	"errors"
	"fmt"
	"os"

	"github.com/ovsync/ovsync/internal/displaypath"
	"github.com/ovsync/ovsync/lint"
)

// DiffOptions say which two orgs to compare.
type DiffOptions struct {
	// Old and New are each a config.json, a folder holding one, a folder
	// of org files (lint.DataFolder), or a state file of a push.
	Old, New string
	// Protocols are the protocols a push can speak (Options.Protocols):
	// an org is read as the one of its files' format would send it.
	Protocols Protocols
}

// Diff compares two orgs as a push of New after Old would: the same plan,
// without network or key. The files are read through package lint's
// reader but not linted (run "ovsync lint" for that): a file that cannot
// be read stops it. Both sides are read at the same time.
func Diff(opt DiffOptions) (*Plan, error) {
	type result struct {
		st  *state
		err error
	}
	oldc := make(chan result, 1)
	go func() {
		st, err := readSide(opt.Old, opt.Protocols)
		oldc <- result{st, err}
	}()
	cur, err := readSide(opt.New, opt.Protocols)
	old := <-oldc
	if old.err != nil {
		return nil, old.err
	}
	if err != nil {
		return nil, err
	}
	fixed, err := repair(old.st, cur, nil)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", displaypath.Of(opt.Old), err)
	}
	p := comparePlan(old.st, cur, false)
	p.Known.Damaged, p.Known.Unknown = fixed.Damaged, fixed.Unknown
	p.Mode, p.Protocol = "DIFF", cur.Protocol
	p.Old, p.New = displaypath.Of(opt.Old), displaypath.Of(opt.New)
	p.Bytes, p.Digest = 0, ""
	p.Unchanged = !p.HasChanges()
	p.Inputs = []Input{}
	return p, nil
}

// HasChanges reports whether the plan changes anything.
func (p *Plan) HasChanges() bool {
	for _, c := range []Count{p.Users, p.Teams, p.Mappings} {
		if c.Added+c.Removed+c.Changed > 0 {
			return true
		}
	}
	return p.EmailChanges > 0
}

// readSide reads one side of a diff: a state file, or the org of a
// config (or its folder) as a push would send it.
func readSide(path string, protocols Protocols) (*state, error) {
	if fi, err := os.Stat(path); err == nil && fi.Mode().IsRegular() && isStateFile(path) {
		st, err := loadState(path)
		if err == nil && st == nil {
			err = fmt.Errorf("%s: no such state file", displaypath.Of(path))
		}
		return st, err
	}
	cfg, _, err := lint.ReadPath(path) // as lint reads it: a data folder too
	if err != nil {
		var ce *lint.ConfigError
		if !errors.As(err, &ce) {
			err = fmt.Errorf("%w\nhint: give a config.json, a folder holding one or the org's files, or a state file of ovsync push", err)
		}
		return nil, err
	}
	proto, _, err := protocols.choose("", cfg)
	if err != nil {
		return nil, err
	}
	return bodyState(proto, cfg, nil)
}
