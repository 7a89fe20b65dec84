package main

import (
	"io"
	"os"
	"strings"

	"github.com/urfave/cli/v2"

	"github.com/ovsync/ovsync/internal/atomicfile"
	"github.com/ovsync/ovsync/internal/redact"
	"github.com/ovsync/ovsync/lint"
	"github.com/ovsync/ovsync/push"
)

// The API key never leaves the process, not even a piece of it: run
// sends stdout and stderr of every subcommand through one redactor,
// which knows OFFICEVIBE_API_KEY from the start, the ApiKey of any
// config a subcommand reads (seeConfig), and the key a push or ping finds
// (push.Remote.Redactor). Files a subcommand writes go through it too
// (writeOutput). A new subcommand that sees a key writes through these,
// and nothing else.

// redactorKey is the key of the run's redactor in the app's Metadata.
const redactorKey = "redactor"

// newRedactor returns the redactor of a run, knowing the key of the
// environment.
func newRedactor() *redact.Redactor {
	k := os.Getenv(push.KeyEnv)
	return redact.New(k, strings.TrimSpace(k))
}

// redactorOf returns the run's redactor.
func redactorOf(c *cli.Context) *redact.Redactor {
	r, _ := c.App.Metadata[redactorKey].(*redact.Redactor)
	return r
}

// seeConfig tells the run's redactor the ApiKey of the config of path (a
// config.json, a folder holding one, "" for the current folder), before
// anything about that config is printed. A config that cannot be read
// gives nothing here: the subcommand reports it.
func seeConfig(c *cli.Context, path string) {
	cfgPath, err := lint.FindConfig(path)
	if err != nil {
		return
	}
	if cfg, _, err := lint.LoadConfig(cfgPath, lint.DisplayPath(cfgPath)); err == nil && cfg != nil {
		redactorOf(c).Add(cfg.APIKey)
		redactorOf(c).Add(strings.TrimSpace(cfg.APIKey))
	}
}

// writeOutput writes path atomically with what write produces, through
// the run's redactor: every file a subcommand writes.
func writeOutput(c *cli.Context, path string, write func(io.Writer) error) error {
	return atomicfile.Write(path, func(f io.Writer) error {
		w := redactorOf(c).Writer(f)
		if err := write(w); err != nil {
			return err
		}
		return w.Close()
	})
}
