package plan

import (
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/ovsync/ovsync/internal/atomicfile"
	"github.com/ovsync/ovsync/internal/displaypath"
	"github.com/ovsync/ovsync/internal/fserr"
	"github.com/ovsync/ovsync/internal/redact"
)

// Record is what a push keeps once the service accepted its sync: the
// state of the org it sent, exactly, the record the next push is planned
// against.
type Record struct {
	st   *state
	path string
	keys *redact.Redactor
}

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
	r.st.PushedAt = at.UTC()
	if err := r.st.stage(b, r.path, r.keys); err != nil {
		return fmt.Errorf("%w\nhint: nothing was sent: a push keeps its record before sending; make room or fix the permissions of the state folder, then push again", err)
	}
	return nil
}
