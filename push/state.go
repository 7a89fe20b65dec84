package push

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"time"

	"github.com/ovsync/ovsync/internal/atomicfile"
	"github.com/ovsync/ovsync/internal/fserr"
	"github.com/ovsync/ovsync/internal/redact"
	"github.com/ovsync/ovsync/lint"
)

// DefaultStateFile is where the state is kept, relative to the config
// file's folder, unless Options.State says otherwise.
const DefaultStateFile = ".ovsync/state.json"

// stateVersion is the version of the state file format this package
// writes and reads.
const stateVersion = 1

// state is what the last successful push sent: enough to plan the next
// one. Users and teams are kept readable; mappings only as hashes.
type state struct {
	stateHead
	// Users are the users of users.csv in file order.
	Users []stateUser `json:"users"`
	// Teams are the teams of groups.csv in file order.
	Teams []stateTeam `json:"teams"`
	// Mappings are the mapping rows as [mappingKey] values, sorted.
	Mappings []hash64 `json:"mappings"`
}

// stateHead is the part of a state before its lists.
type stateHead struct {
	Version  int       `json:"version"`
	Protocol string    `json:"protocol"`
	APIURL   string    `json:"apiUrl"`
	PushedAt time.Time `json:"pushedAt"`
	// Digest is "sha256:HEX" of the body; Bytes its size.
	Digest string `json:"digest"`
	Bytes  int64  `json:"bytes"`
	// InviteNewUsers is the setting the body carried.
	InviteNewUsers bool `json:"inviteNewUsers"`
}

// stateUser is one user of a state: id, email and a hash of the user's
// JSON object as sent, which changes when any value does.
type stateUser struct {
	ID    string `json:"id"`
	Email string `json:"email"`
	Hash  hash64 `json:"hash"`
}

// stateTeam is one team of a state.
type stateTeam struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

// hash64 is a 64-bit hash written as 16 hex digits.
type hash64 uint64

// MarshalText writes the hash as 16 hex digits.
func (h hash64) MarshalText() ([]byte, error) {
	return h.appendHex(make([]byte, 0, 16)), nil
}

// appendHex appends the hash as 16 lower-case hex digits.
func (h hash64) appendHex(b []byte) []byte {
	for shift := 60; shift >= 0; shift -= 4 {
		b = append(b, hexDigits[h>>shift&0xf])
	}
	return b
}

// UnmarshalText reads 16 hex digits.
func (h *hash64) UnmarshalText(b []byte) error {
	v, err := strconv.ParseUint(string(b), 16, 64)
	if err != nil || len(b) != 16 {
		return fmt.Errorf("hash %q is not 16 hex digits", b)
	}
	*h = hash64(v)
	return nil
}

// statePath returns the state file of a config: the given one, or
// .ovsync/state.json beside the config file.
func statePath(given, configPath string) string {
	if given != "" {
		return given
	}
	return filepath.Join(filepath.Dir(configPath), filepath.FromSlash(DefaultStateFile))
}

// loadState reads a state file; nil without error means there is none.
func loadState(path string) (*state, error) {
	display := lint.DisplayPath(path)
	raw, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	hint := "\nhint: give another --state FILE, or delete this one to make the next push a first push (which turns the removal guard off)"
	if err != nil {
		return nil, fmt.Errorf("%s: cannot read the state file: %w%s", display, fserr.WithoutPath(err), hint)
	}
	var st state
	if err := json.Unmarshal(raw, &st); err != nil {
		return nil, fmt.Errorf("%s: not a state file of ovsync push: %v%s", display, err, hint)
	}
	if st.Version != stateVersion {
		return nil, fmt.Errorf("%s: state file version %d, this ovsync reads version %d%s", display, st.Version, stateVersion, hint)
	}
	return &st, nil
}

// checkFor makes sure a state describes the service a push goes to: a
// plan against another service's state would be wrong.
func (st *state) checkFor(path, proto string, e endpoint) error {
	if st.Protocol == proto && st.APIURL == e.String() {
		return nil
	}
	if st.Protocol != proto {
		return fmt.Errorf("%s: the state file is about a %s push to %s, not a %s push to %s\nhint: give this protocol its own state file (e.g. --state .ovsync/%s.json); its first push is planned without the removal guard",
			lint.DisplayPath(path), st.Protocol, st.APIURL, proto, e, proto)
	}
	return fmt.Errorf("%s: the state file is about a %s push to %s, not a %s push to %s\nhint: keep one state file per service: give --state FILE (e.g. --state .ovsync/sandbox.json)",
		lint.DisplayPath(path), st.Protocol, st.APIURL, proto, e)
}

// write writes the state atomically, one user, team or mapping a line,
// creating its folder if needed, through red as every file of a run.
func (st *state) write(path string, red *redact.Redactor) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return fmt.Errorf("%s: cannot create the state folder: %w", lint.DisplayPath(path), fserr.WithoutPath(err))
	}
	return atomicfile.Write(path, func(f io.Writer) error {
		w := red.Writer(f)
		head, err := json.Marshal(st.stateHead)
		if err != nil {
			return err
		}
		bw := newBodyWriter(w)
		// The head without its closing brace, then the lists a line each.
		bw.buf = append(bw.buf, head[:len(head)-1]...)
		bw.raw(",\n\"users\":[")
		for i, u := range st.Users {
			bw.buf = appendSep(bw.buf, i)
			bw.raw(`{"id":`)
			bw.str(u.ID)
			bw.raw(`,"email":`)
			bw.str(u.Email)
			bw.raw(`,"hash":"`)
			bw.buf = u.Hash.appendHex(bw.buf)
			bw.raw(`"}`)
			if err := bw.boundary(); err != nil {
				return err
			}
		}
		bw.raw("\n],\n\"teams\":[")
		for i, t := range st.Teams {
			bw.buf = appendSep(bw.buf, i)
			bw.raw(`{"id":`)
			bw.str(t.ID)
			bw.raw(`,"name":`)
			bw.str(t.Name)
			bw.raw("}")
			if err := bw.boundary(); err != nil {
				return err
			}
		}
		bw.raw("\n],\n\"mappings\":[")
		for i, m := range st.Mappings {
			bw.buf = appendSep(bw.buf, i)
			bw.raw(`"`)
			bw.buf = m.appendHex(bw.buf)
			bw.raw(`"`)
			if err := bw.boundary(); err != nil {
				return err
			}
		}
		bw.raw("\n]}\n")
		if err := bw.flush(); err != nil {
			return err
		}
		return w.Close()
	})
}

// appendSep starts element i of a list on its own line.
func appendSep(buf []byte, i int) []byte {
	if i > 0 {
		buf = append(buf, ',')
	}
	return append(buf, '\n')
}
