package plan

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/ovsync/ovsync/internal/atomicfile"
	"github.com/ovsync/ovsync/internal/displaypath"
	"github.com/ovsync/ovsync/internal/fserr"
	"github.com/ovsync/ovsync/internal/redact"
	"github.com/ovsync/ovsync/lint"
)

// Record is what a push keeps once the service accepted its sync: the
// state of the org it sent, exactly, the record the next push is planned
// against. The plan holds only its head (the body's digest and size, the
// counts, the user keys); [Record.Stage] writes the lists from the files,
// read row by row with the body they make, which must be the planned one.
type Record struct {
	proto Protocol
	cfg   *lint.Config
	head  stateHead
	path  string
	keys  *redact.Redactor
}

// errChangedSincePlanned stops a record whose files no longer make the
// planned body.
var errChangedSincePlanned = errors.New("the files changed since the push was planned (they no longer make the planned body), so nothing was sent\nhint: push again: it plans the files as they are now")

// Stage writes the record of a push made at into b, beside its state
// file (whose folder it makes first): the file is replaced only when b
// is committed. A push stages its record before sending anything, so
// that a folder that cannot take it (no space, no permission) stops the
// push while nothing happened. The record goes through a guard of the
// run's keys: a whole key stops it.
func (r *Record) Stage(b *atomicfile.Batch, at time.Time) error {
	if err := os.MkdirAll(filepath.Dir(r.path), 0o755); err != nil {
		return fmt.Errorf("%s: cannot create the state folder: %w", displaypath.Of(r.path), fserr.WithoutPath(err))
	}
	r.head.PushedAt = at.UTC()
	err := b.Add(r.path, r.encode)
	switch {
	case errors.Is(err, errChangedSincePlanned):
		return err
	case errors.Is(err, redact.ErrSecret):
		err = fmt.Errorf("%s: not written, and nothing sent: %w\nhint: %s", displaypath.Of(r.path), err, KeyInDataHint)
	}
	if err != nil {
		return fmt.Errorf("%w\nhint: nothing was sent: a push keeps its record before sending; make room or fix the permissions of the state folder, then push again", err)
	}
	return nil
}

// encode writes the record: the head, then the lists of the files as the
// body the protocol writes from them holds them.
func (r *Record) encode(out io.Writer) error {
	w, err := newStateWriter(out, r.keys, r.head)
	if err != nil {
		return err
	}
	lines := &recordLines{w: w}
	h := sha256.New()
	size, err := r.proto.WriteBody(h, r.cfg, lines)
	if err != nil {
		return err
	}
	if size != r.head.Bytes || "sha256:"+hex.EncodeToString(h.Sum(nil)) != r.head.Digest ||
		lines.counts != r.head.Counts || !slices.Equal(lines.keys, r.head.UserKeys) {
		return errChangedSincePlanned
	}
	return w.close()
}

// recordLines is the [Recorder] that writes each record of a body as a
// line of the state: a user's values as sent, a team's id (spaces around
// it removed) and name as sent, a mapping row's ids (spaces around them
// removed) and flags.
type recordLines struct {
	w      *stateWriter
	keys   []string
	counts [3]int
}

func (r *recordLines) UserKeys(keys []string, _ []lint.Role) { r.keys = keys }

func (r *recordLines) User(vals []string, _ []byte) {
	r.counts[0]++
	r.w.userValues(vals)
}

func (r *recordLines) Team(id, name string) {
	r.counts[1]++
	r.w.team(strings.TrimSpace(id), name)
}

func (r *recordLines) Mapping(team, user, sub string, member, manager bool) {
	r.counts[2]++
	r.w.mapping(strings.TrimSpace(team), strings.TrimSpace(user), strings.TrimSpace(sub), member, manager)
}
