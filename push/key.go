package push

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"strings"

	"github.com/ovsync/ovsync/internal/displaypath"
	"github.com/ovsync/ovsync/internal/fserr"
	"github.com/ovsync/ovsync/internal/redact"
	"github.com/ovsync/ovsync/lint"
)

// KeyEnv is the environment variable that holds the API key, so that it
// stays out of files, command lines and shell history.
const KeyEnv = "OFFICEVIBE_API_KEY"

// apiKey is the key and where it came from. Only the source is ever
// shown; the key itself goes into the request header and nowhere else:
// everything written goes through the run's [redact.Redactor], which
// knows it as soon as it is found.
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
		k = apiKey{value: strings.TrimSpace(cfg.APIKey), source: "ApiKey in " + displaypath.Of(cfg.Path)}
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

// redacted replaces the key, or any piece of it, wherever a message holds
// it.
const redacted = redact.Mask

// secrets returns every key the run can see, the one in use and the
// others, so that none of them is ever shown: a key file does not make
// OFFICEVIBE_API_KEY or ApiKey in config.json any less secret.
func secrets(getenv func(string) string, cfg *lint.Config, k apiKey) []string {
	if getenv == nil {
		getenv = os.Getenv
	}
	out := []string{k.value, strings.TrimSpace(getenv(KeyEnv))}
	if cfg != nil {
		out = append(out, strings.TrimSpace(cfg.APIKey))
	}
	return out
}
