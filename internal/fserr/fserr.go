// Package fserr shapes file-system errors for ovsync's messages, which
// name the file themselves ("users.csv: cannot read: permission denied").
package fserr

import (
	"errors"
	"io/fs"
)

// WithoutPath returns the cause of an *fs.PathError (or err unchanged),
// so that a message that already names the path does not name it twice.
func WithoutPath(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}
