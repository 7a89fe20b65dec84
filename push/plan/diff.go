package plan

import (
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

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
// be read stops it, and so does an id given to two users or two teams
// of New, which the records of Old could not be told apart by. New is
// read whole, then Old is compared with it as it is read, as a plan
// compares the state of the last push.
func Diff(opt DiffOptions) (*Plan, error) {
	old, err := openSide(opt.Old, opt.Protocols)
	if err != nil {
		return nil, err
	}
	defer old.file.close()
	st, err := readNew(opt.New, opt.Protocols, old.file != nil && old.file.head.v1())
	if err != nil {
		return nil, err
	}
	cur, err := newStateOrg(st)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", displaypath.Of(opt.New), err)
	}
	var fixed repairStats
	head := &stateHead{Version: stateVersion}
	if old.file != nil {
		head = &old.file.head
		if whole := old.file.whole; whole != nil && !whole.Exact && whole.masked() {
			if fixed, err = repair(whole, st, nil); err != nil {
				return nil, fmt.Errorf("%s: %w", displaypath.Of(opt.Old), err)
			}
		}
	}
	c := newComparison(cur, head, false)
	if err := old.compare(c); err != nil {
		if errors.Is(err, errTwice) {
			err = fmt.Errorf("%s: %w", displaypath.Of(opt.Old), err)
		}
		return nil, err
	}
	p := c.plan()
	p.Known.Damaged, p.Known.Unknown = fixed.Damaged, fixed.Unknown
	p.Mode, p.Protocol = "DIFF", st.Protocol
	p.Old, p.New = displaypath.Of(opt.Old), displaypath.Of(opt.New)
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

// side is the old side of a diff: a state file, or the files of an org
// as a push of protocol proto would send them.
type side struct {
	file  *stateFile
	cfg   *lint.Config
	proto Protocol
}

// openSide opens the old side of a diff.
func openSide(path string, protocols Protocols) (*side, error) {
	if isState(path) {
		sf, err := openState(path)
		if err == nil && sf == nil {
			err = fmt.Errorf("%s: no such state file", displaypath.Of(path))
		}
		return &side{file: sf}, err
	}
	cfg, proto, err := readOrgConfig(path, protocols)
	return &side{cfg: cfg, proto: proto}, err
}

// compare hands the records of the side to c, in their order.
func (s *side) compare(c *comparison) error {
	if s.file != nil {
		_, err := s.file.compare(c, c)
		return err
	}
	feed := &orgFeed{c: c}
	_, err := s.proto.WriteBody(io.Discard, s.cfg, feed)
	if err == nil {
		err = feed.err
	}
	return err
}

// readNew reads the new side of a diff whole: a state file, or the
// state of the files of an org as a push would send them, with the
// hashes of its users' objects if objects is set (the old side is a
// state of version 1).
func readNew(path string, protocols Protocols, objects bool) (*state, error) {
	if isState(path) {
		st, err := loadState(path)
		if err == nil && st == nil {
			err = fmt.Errorf("%s: no such state file", displaypath.Of(path))
		}
		return st, err
	}
	cfg, proto, err := readOrgConfig(path, protocols)
	if err != nil {
		return nil, err
	}
	return bodyState(proto, cfg, objects)
}

// isState reports whether path is a state file of a push.
func isState(path string) bool {
	fi, err := os.Stat(path)
	return err == nil && fi.Mode().IsRegular() && isStateFile(path)
}

// readOrgConfig reads the config of an org (or its folder of files) as
// lint reads it, with the protocol of its files' format.
func readOrgConfig(path string, protocols Protocols) (*lint.Config, Protocol, error) {
	cfg, _, err := lint.ReadPath(path) // as lint reads it: a data folder too
	if err != nil {
		var ce *lint.ConfigError
		if !errors.As(err, &ce) {
			err = fmt.Errorf("%w\nhint: give a config.json, a folder holding one or the org's files, or a state file of ovsync push", err)
		}
		return nil, nil, err
	}
	proto, _, err := protocols.choose("", cfg)
	return cfg, proto, err
}

// bodyState has proto write the body of cfg's org once and returns the
// state of the org it holds: exactly what the body holds, every user's
// values as sent, and the hashes of their objects if objects is set.
func bodyState(proto Protocol, cfg *lint.Config, objects bool) (*state, error) {
	c := newCollector(objects)
	size, err := proto.WriteBody(io.Discard, cfg, c)
	if err != nil {
		return nil, err
	}
	return c.state(stateHead{Protocol: proto.Name(), Bytes: size}), nil
}

// orgFeed is the [Recorder] that hands the records of an org's body to a
// comparison as the last push's, as the state file of a push of it
// would hold them.
type orgFeed struct {
	c   *comparison
	pos [4]int
	err error
}

func (f *orgFeed) UserKeys(keys []string, rs []lint.Role) {
	f.pos = [4]int{-1, -1, -1, -1}
	for k, r := range rs {
		for j, role := range roles {
			if r == role && f.pos[j] < 0 {
				f.pos[j] = k
			}
		}
	}
	f.c.setKeys(keys, f.pos)
}

func (f *orgFeed) User(vals []string, _ []byte) {
	if f.err == nil {
		// The old side of a diff of orgs is never of version 1: no object's
		// hash is compared.
		f.err = f.c.lastUser(strings.TrimSpace(valueAt(vals, f.pos[0])), valueAt(vals, f.pos[1]), vals, 0)
	}
}

func (f *orgFeed) Team(id, name string) {
	if f.err == nil {
		f.err = f.c.team(&stateTeam{ID: strings.TrimSpace(id), Name: name})
	}
}

func (f *orgFeed) Mapping(team, user, sub string, member, manager bool) {
	if f.err == nil {
		f.err = f.c.mapping(&stateMapping{Team: strings.TrimSpace(team), User: strings.TrimSpace(user), SubTeam: strings.TrimSpace(sub), Member: member, Manager: manager})
	}
}
