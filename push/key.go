package push

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/ovsync/ovsync/internal/fserr"
	"github.com/ovsync/ovsync/lint"
)

// KeyEnv is the environment variable that holds the API key, so that it
// stays out of files, command lines and shell history.
const KeyEnv = "OFFICEVIBE_API_KEY"

// apiKey is the key and where it came from. Only the source is ever
// shown; the key itself goes into the request header and nowhere else.
type apiKey struct {
	value  string
	source string
}

// resolveKey finds the key. The first source that gives one wins:
//
//  1. the file of --api-key-file (keyFile), surrounding white space removed;
//  2. the environment variable OFFICEVIBE_API_KEY, when not empty;
//  3. ApiKey in config.json.
//
// A flag is the most explicit choice, the environment the usual one for
// schedulers and CI, the config file the original tool's way. An empty
// result is not an error here: a dry run needs no key.
func resolveKey(keyFile string, getenv func(string) string, cfg *lint.Config) (apiKey, error) {
	if getenv == nil {
		getenv = os.Getenv
	}
	var k apiKey
	switch {
	case keyFile != "":
		raw, err := os.ReadFile(keyFile)
		if err != nil {
			if errors.Is(err, os.ErrNotExist) {
				return k, fmt.Errorf("--api-key-file %s: no such file", keyFile)
			}
			return k, fmt.Errorf("--api-key-file %s: cannot read: %w", keyFile, fserr.WithoutPath(err))
		}
		raw = bytes.TrimPrefix(raw, []byte{0xEF, 0xBB, 0xBF})
		k = apiKey{value: strings.TrimSpace(string(raw)), source: "--api-key-file " + keyFile}
		if k.value == "" {
			return k, fmt.Errorf("--api-key-file %s: the file holds no key", keyFile)
		}
	case getenv(KeyEnv) != "":
		k = apiKey{value: strings.TrimSpace(getenv(KeyEnv)), source: KeyEnv}
	case cfg.APIKey != "":
		k = apiKey{value: strings.TrimSpace(cfg.APIKey), source: "ApiKey in " + lint.DisplayPath(cfg.Path)}
	}
	if k.value != "" {
		for i := 0; i < len(k.value); i++ {
			if c := k.value[i]; c <= ' ' || c >= 0x7f {
				return apiKey{}, fmt.Errorf("the API key from %s holds a space, a control character or a non-ASCII character\nhint: copy the key again from Admin › Integrations › Custom Integration", k.source)
			}
		}
	}
	return k, nil
}

// errNoKey is the error of a push or ping without a key.
func errNoKey() error {
	return fmt.Errorf("no API key: set %s (or give --api-key-file FILE)\nhint: the key is in Officevibe, Admin › Integrations › Custom Integration; ApiKey in config.json works too but keeps the key in a file", KeyEnv)
}

// redacted replaces the key wherever a message holds it.
const redacted = "[redacted]"

// scrub returns s with every occurrence of the key replaced.
func (k apiKey) scrub(s string) string {
	if k.value == "" || !strings.Contains(s, k.value) {
		return s
	}
	return strings.ReplaceAll(s, k.value, redacted)
}

// scrubErr returns err, or an error with the same chain whose message no
// longer holds the key.
func (k apiKey) scrubErr(err error) error {
	if err == nil {
		return nil
	}
	if msg := err.Error(); k.scrub(msg) != msg {
		return &scrubbedError{err: err, msg: k.scrub(msg)}
	}
	return err
}

// scrubWriter passes whole lines to w with the key replaced. The key
// holds no line break (resolveKey refuses one), so it can never be split
// across two lines. Flush writes a last, unterminated line.
type scrubWriter struct {
	w   io.Writer
	key *apiKey
	buf []byte
}

func (s *scrubWriter) Write(p []byte) (int, error) {
	s.buf = append(s.buf, p...)
	i := bytes.LastIndexByte(s.buf, '\n')
	if i < 0 {
		return len(p), nil
	}
	line := s.buf[:i+1]
	var err error
	if s.key.value != "" && bytes.Contains(line, []byte(s.key.value)) {
		_, err = io.WriteString(s.w, s.key.scrub(string(line)))
	} else {
		_, err = s.w.Write(line)
	}
	s.buf = append(s.buf[:0], s.buf[i+1:]...)
	if err != nil {
		return 0, err
	}
	return len(p), nil
}

// Flush writes what is left of the last line.
func (s *scrubWriter) Flush() error {
	if len(s.buf) == 0 {
		return nil
	}
	_, err := io.WriteString(s.w, s.key.scrub(string(s.buf)))
	s.buf = s.buf[:0]
	return err
}
