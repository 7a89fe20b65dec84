package push

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/ovsync/ovsync/internal/atomicfile"
	"github.com/ovsync/ovsync/internal/displaypath"
	"github.com/ovsync/ovsync/internal/fserr"
	"github.com/ovsync/ovsync/internal/redact"
	"github.com/ovsync/ovsync/push/plan"
)

// dumpTo is the tee of a plan that writes the body, indented, to the
// dump file path, atomically: the body exactly, through a guard of the
// run's keys, which refuses a whole key.
func dumpTo(path string, o *output) plan.Tee {
	return func(write func(extra io.Writer) error) error {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			return fmt.Errorf("%s: cannot create the folder: %w", path, fserr.WithoutPath(err))
		}
		err := atomicfile.Write(path, func(f io.Writer) error {
			g := o.red.Guard(f)
			in := newIndenter(g)
			if err := write(in); err != nil {
				return err
			}
			if err := in.Close(); err != nil {
				return err
			}
			return g.Close()
		})
		if errors.Is(err, redact.ErrSecret) {
			return fmt.Errorf("%s: not written: %w\nhint: %s", displaypath.Of(path), err, plan.KeyInDataHint)
		}
		if err == nil {
			o.logf("dump: %s written", displaypath.Of(path))
		}
		return err
	}
}
