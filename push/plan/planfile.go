package plan

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/ovsync/ovsync/internal/atomicfile"
	"github.com/ovsync/ovsync/internal/displaypath"
	"github.com/ovsync/ovsync/internal/fserr"
	"github.com/ovsync/ovsync/internal/redact"
	"github.com/ovsync/ovsync/lint"
)

// MismatchError stops a push --plan whose files, state or target no
// longer match the plan. Nothing was sent.
type MismatchError struct {
	// PlanFile is the plan as displayed.
	PlanFile string
	// Reasons names what no longer matches, one sentence each.
	Reasons []string
}

// Error lists what no longer matches, with a hint.
func (e *MismatchError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s: the push does not match the plan, so nothing was sent", e.PlanFile)
	for _, r := range e.Reasons {
		b.WriteString("\n- ")
		b.WriteString(r)
	}
	b.WriteString("\nhint: make a new plan (ovsync plan -o FILE), review it, then push with it")
	return b.String()
}

// inputDigests hashes the config and the three CSV files.
func inputDigests(cfg *lint.Config, rep *lint.Report) ([]Input, error) {
	sum, err := fileDigest(cfg.Path)
	if err != nil {
		return nil, err
	}
	in := []Input{{Role: "config", Path: displaypath.Of(cfg.Path), SHA256: sum}}
	for k, path := range []string{cfg.UsersCSV, cfg.GroupsCSV, cfg.MappingCSV} {
		in = append(in, Input{Role: lint.Kind(k).String(), Path: displaypath.Of(path), SHA256: rep.Digests[k]})
	}
	return in, nil
}

// fileDigest returns the hex SHA-256 of a file.
func fileDigest(path string) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", fmt.Errorf("%s: cannot read: %w", displaypath.Of(path), fserr.WithoutPath(err))
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return "", fmt.Errorf("%s: cannot read: %w", displaypath.Of(path), fserr.WithoutPath(err))
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

// WriteJSON writes the plan's JSON form, indented.
func (p *Plan) WriteJSON(w io.Writer) error {
	b, err := json.MarshalIndent(p, "", "  ")
	if err != nil {
		return err
	}
	_, err = w.Write(append(b, '\n'))
	return err
}

// WriteFile writes the plan's JSON form to path, atomically: the org's
// values exactly, through a guard of the keys of the run that made it
// (Options.Keys), which refuses a whole key (lint stops an org that holds
// one before a plan is made).
func (p *Plan) WriteFile(path string) error {
	var buf bytes.Buffer
	g := p.red.Guard(&buf)
	err := p.WriteJSON(g)
	if err == nil {
		err = g.Close()
	}
	if errors.Is(err, redact.ErrSecret) {
		return fmt.Errorf("%s: not written: %w\nhint: %s", displaypath.Of(path), err, KeyInDataHint)
	}
	if err != nil {
		return err
	}
	if err := atomicfile.WriteFile(path, buf.Bytes()); err != nil {
		return fmt.Errorf("%s: cannot write the plan: %w", displaypath.Of(path), fserr.WithoutPath(err))
	}
	return nil
}

// ReadFile reads a plan written by [Plan.WriteFile].
func ReadFile(path string) (*Plan, error) {
	shown := displaypath.Of(path)
	raw, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("--plan %s: cannot read: %w", shown, fserr.WithoutPath(err))
	}
	var p Plan
	if err := json.Unmarshal(raw, &p); err != nil {
		return nil, fmt.Errorf("--plan %s: not a plan of ovsync plan -o: %v\nhint: write one with: ovsync plan -o %s", shown, err, shown)
	}
	if p.Version != Version {
		return nil, fmt.Errorf("--plan %s: plan version %d, this ovsync reads version %d\nhint: make the plan again with this ovsync", shown, p.Version, Version)
	}
	if p.Digest == "" || len(p.Inputs) == 0 || p.Target.URL == "" {
		return nil, fmt.Errorf("--plan %s: the plan lacks its digests or target\nhint: write one with: ovsync plan -o %s", shown, shown)
	}
	p.source = shown
	return &p, nil
}

// Matches checks that the push about to be made (cur) is the planned
// one: same protocol and target, same input files, same state, same
// body.
func (p *Plan) Matches(cur *Plan) error {
	var reasons []string
	if p.Protocol != cur.Protocol {
		reasons = append(reasons, fmt.Sprintf("the plan is for the %s protocol, this push speaks %s", p.Protocol, cur.Protocol))
	}
	if p.Target.URL != cur.Target.URL {
		reasons = append(reasons, fmt.Sprintf("the plan goes to %s, this push to %s", p.Target.URL, cur.Target.URL))
	}
	planned := map[string]Input{}
	for _, in := range p.Inputs {
		planned[in.Role] = in
	}
	for _, in := range cur.Inputs {
		was, ok := planned[in.Role]
		switch {
		case !ok:
			reasons = append(reasons, fmt.Sprintf("the plan has no %s file", in.Role))
		case was.SHA256 != in.SHA256 && was.Path != in.Path:
			reasons = append(reasons, fmt.Sprintf("the %s file is %s, the plan's was %s (another file, or changed)", in.Role, in.Path, was.Path))
		case was.SHA256 != in.SHA256:
			reasons = append(reasons, fmt.Sprintf("%s changed since the plan (sha256 %s, planned %s)", in.Path, short(in.SHA256), short(was.SHA256)))
		}
	}
	switch {
	case p.State.SHA256 == cur.State.SHA256:
	case p.State.SHA256 == "":
		reasons = append(reasons, fmt.Sprintf("the state file %s was written since the plan, which was a first push", cur.State.Path))
	case cur.State.SHA256 == "":
		reasons = append(reasons, fmt.Sprintf("the state file %s of the plan is gone", p.State.Path))
	default:
		reasons = append(reasons, fmt.Sprintf("the state file %s changed since the plan (another push ran?)", cur.State.Path))
	}
	if len(reasons) == 0 && (p.Digest != cur.Digest || p.Bytes != cur.Bytes) {
		reasons = append(reasons, fmt.Sprintf("the body is %s, the plan's was %s", cur.Digest, p.Digest))
	}
	if len(reasons) > 0 {
		return &MismatchError{PlanFile: p.source, Reasons: reasons}
	}
	return nil
}

// short is the first 12 hex digits of a digest.
func short(sum string) string {
	if len(sum) > 12 {
		return sum[:12]
	}
	return sum
}
