package plan

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/ovsync/ovsync/internal/displaypath"
	"github.com/ovsync/ovsync/internal/fserr"
)

// LockedError stops a push because another push holds the lock of the
// same state file. Nothing was sent.
type LockedError struct {
	// Lock is the lock file as displayed.
	Lock string
	// Holder is who holds it, as far as the lock file says.
	Holder LockHolder
}

// Error names the holder, with a hint.
func (e *LockedError) Error() string {
	who := "another ovsync push"
	if e.Holder.PID != 0 {
		who = fmt.Sprintf("ovsync push pid %d on %s since %s", e.Holder.PID, e.Holder.Host, e.Holder.Since.Format(time.RFC3339))
	}
	return fmt.Sprintf("%s: %s holds the lock of this state file, so nothing was sent\nhint: wait for that push to end (one push at a time per state file), then push again", e.Lock, who)
}

// LockHolder is what a lock file says of the push that holds it.
type LockHolder struct {
	PID   int       `json:"pid"`
	Host  string    `json:"host"`
	Since time.Time `json:"since"`
}

// StateLock is a held lock of a state file: an OS lock on the file
// beside it (flock, LockFileEx), which the OS lets go when the process
// ends, however it ends. The file names the holder while it is held.
type StateLock struct {
	f *os.File
}

// Lock takes the lock of the state file, held by a push from before
// planning until the state is written, or returns a [*LockedError] at
// once when another process holds it. A lock file that names a holder
// but is not locked was left by a process that ended without letting go
// (killed): it is taken over with a warning.
func (pl *Planner) Lock() (*StateLock, error) {
	path := pl.state + ".lock"
	shown := displaypath.Of(path)
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return nil, fmt.Errorf("%s: cannot create the state folder: %w", shown, fserr.WithoutPath(err))
	}
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o644)
	if err != nil {
		return nil, fmt.Errorf("%s: cannot open the lock file: %w", shown, fserr.WithoutPath(err))
	}
	if err := lockFile(f); err != nil {
		holder := readHolder(f)
		f.Close()
		if errors.Is(err, errLocked) {
			return nil, &LockedError{Lock: shown, Holder: holder}
		}
		return nil, fmt.Errorf("%s: cannot lock: %w", shown, fserr.WithoutPath(err))
	}
	if h := readHolder(f); h.PID != 0 {
		pl.warn(fmt.Sprintf("%s: took over the lock left by ovsync push pid %d on %s since %s, which no longer holds it (the process ended without letting go)",
			shown, h.PID, h.Host, h.Since.Format(time.RFC3339)), "")
	}
	host, _ := os.Hostname()
	b, _ := json.Marshal(LockHolder{PID: os.Getpid(), Host: host, Since: time.Now().UTC().Truncate(time.Second)})
	if err := writeHolder(f, append(b, '\n')); err != nil {
		unlockFile(f)
		f.Close()
		return nil, fmt.Errorf("%s: cannot write the lock file: %w", shown, fserr.WithoutPath(err))
	}
	return &StateLock{f: f}, nil
}

// Unlock empties the lock file and lets the lock go.
func (l *StateLock) Unlock() {
	_ = writeHolder(l.f, nil)
	unlockFile(l.f)
	l.f.Close()
}

// readHolder reads who the lock file names; the zero holder when none.
func readHolder(f *os.File) LockHolder {
	var h LockHolder
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		return h
	}
	b, err := io.ReadAll(io.LimitReader(f, 4096))
	if err != nil || strings.TrimSpace(string(b)) == "" {
		return h
	}
	_ = json.Unmarshal(b, &h)
	return h
}

// writeHolder replaces the lock file's content with b.
func writeHolder(f *os.File, b []byte) error {
	if err := f.Truncate(0); err != nil {
		return err
	}
	if _, err := f.WriteAt(b, 0); err != nil {
		return err
	}
	return f.Sync()
}

// errLocked is what lockFile returns when another process holds the lock.
var errLocked = errors.New("locked by another process")
