package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/urfave/cli/v2"

	"github.com/ovsync/ovsync/internal/atomicfile"
	"github.com/ovsync/ovsync/internal/displaypath"
	"github.com/ovsync/ovsync/internal/redact"
	"github.com/ovsync/ovsync/lint"
	"github.com/ovsync/ovsync/push"
	"github.com/ovsync/ovsync/push/plan"
)

// A run writes two kinds of output, each through its own writers, never
// mixed on one stream.
//
// Data is what a subcommand exists to write: convert's and migrate's CSV
// files, lint's json, github and sarif reports, plan's and diff's JSON and
// the plan file, graph's drawing, report's page, schema's, template's and
// completion's output, and push's state file and dump (package push writes
// those the same way). Data holds the org's values exactly, even where
// they share a few characters with the API key: those are the org's, not
// a secret. A whole key is never data: lint's api-key rule stops push,
// plan, report and graph; convert and migrate refuse a cell that holds
// one; and every data writer is a redact.Guard, which passes bytes on
// unchanged but refuses to let a whole key through. A subcommand writes
// data to c.App.Writer, which is the guarded stdout for the subcommands
// that streamOf marks dataStream, or to a file through writeData.
//
// Messages are everything else: errors, warnings, notes, progress and -v,
// and the text a person reads on stdout (lint's, plan's and diff's text,
// push's plan and summary). They go through the run's redactor, which
// removes any piece of a key: c.App.ErrWriter always, c.App.Writer of a
// messageStream subcommand, msgOut(c) for the text a data subcommand
// prints on stdout, and writeText for a text report written to a file.
// Text that came from outside the org's files (a service's answers and
// headers) is redacted before any cut, by package push.
//
// The redactor knows OFFICEVIBE_API_KEY from the start, the ApiKey of any
// config a subcommand reads (seeConfig), and the key a push or ping finds
// (plan.Options.Keys, push.PingOptions.Keys). It is also the key matcher
// that lint (lint.Options.Keys), convert and migrate look for whole keys
// with.
//
// Every subcommand is in streamOf (TestEveryCommandHasAStream fails until
// a new one is): a subcommand that writes data — the employee-export
// builder too — is a dataStream one, writes its data to c.App.Writer or
// writeData, and its messages through the functions of messages.go.

// stream is what a subcommand's stdout carries.
type stream int

const (
	// messageStream: stdout is text for a person, through the redactor.
	messageStream stream = iota
	// dataStream: stdout is data, written exactly through a guard.
	dataStream
)

// streamOf says what the stdout of each subcommand carries.
var streamOf = map[string]stream{
	"lint":       dataStream, // its text format goes to msgOut
	"build":      dataStream,
	"convert":    dataStream,
	"template":   dataStream,
	"graph":      dataStream,
	"report":     dataStream,
	"migrate":    dataStream,
	"schema":     dataStream,
	"rules":      dataStream, // the catalogue, as text, JSON or Markdown
	"plan":       dataStream, // its text format goes to msgOut
	"diff":       dataStream, // its text format goes to msgOut
	"completion": dataStream,
	"push":       messageStream,
	"ping":       messageStream,
	"help":       messageStream,
}

// streams are the writers of a run: the redactor, stdout for messages
// and for data, and stderr.
type streams struct {
	red  *redact.Redactor
	out  *redact.Writer // stdout, for messages
	data *redact.Guard  // stdout, for data
	err  *redact.Writer // stderr, always messages
}

// newStreams returns the writers of a run on stdout and stderr, with a
// redactor that knows the key of the environment.
func newStreams(stdout, stderr io.Writer) *streams {
	k := os.Getenv(push.KeyEnv)
	red := redact.New(k, strings.TrimSpace(k))
	return &streams{red: red, out: red.Writer(stdout), data: red.Guard(stdout), err: red.Writer(stderr)}
}

// close writes what the writers hold back: the data first, as a run
// writes only data or only messages on stdout.
func (s *streams) close() error {
	err := s.data.Close()
	s.out.Flush()
	s.err.Flush()
	return err
}

// streamsKey is the key of the run's streams in the app's Metadata.
const streamsKey = "streams"

// streamsOf returns the run's streams.
func streamsOf(c *cli.Context) *streams {
	s, _ := c.App.Metadata[streamsKey].(*streams)
	return s
}

// redactorOf returns the run's redactor.
func redactorOf(c *cli.Context) *redact.Redactor { return streamsOf(c).red }

// msgOut returns stdout for the text a person reads (a data subcommand's
// text format), through the redactor.
func msgOut(c *cli.Context) io.Writer { return streamsOf(c).out }

// seeConfig tells the run's redactor the ApiKey of the config of path (a
// config.json, a folder holding one, "" for the current folder), before
// anything about that config is printed. A config that cannot be read
// gives nothing here: the subcommand reports it.
func seeConfig(c *cli.Context, path string) {
	cfgPath, err := lint.FindConfig(path)
	if err != nil {
		return
	}
	if cfg, _, err := lint.LoadConfig(cfgPath, displaypath.Of(cfgPath)); err == nil && cfg != nil {
		redactorOf(c).Add(cfg.APIKey)
		redactorOf(c).Add(strings.TrimSpace(cfg.APIKey))
	}
}

// writeData writes the file path atomically with the data write produces,
// exactly, through a guard: a whole key stops it, and the file is then
// not written.
func writeData(c *cli.Context, path string, write func(io.Writer) error) error {
	err := atomicfile.Write(path, func(f io.Writer) error {
		g := redactorOf(c).Guard(f)
		if err := write(g); err != nil {
			return err
		}
		return g.Close()
	})
	if errors.Is(err, redact.ErrSecret) {
		return &keyInDataError{what: path, err: err}
	}
	return err
}

// writeText writes the file path atomically with the text for a person
// that write produces, through the redactor (lint -o with the text
// format).
func writeText(c *cli.Context, path string, write func(io.Writer) error) error {
	return atomicfile.Write(path, func(f io.Writer) error {
		w := redactorOf(c).Writer(f)
		if err := write(w); err != nil {
			return err
		}
		return w.Close()
	})
}

// keyInDataError is data that was not written because it would have held
// the API key whole.
type keyInDataError struct {
	what string // the file, or "standard output"
	err  error
}

func (e *keyInDataError) Error() string {
	// A writer that named its destination itself is not named twice.
	msg := strings.TrimPrefix(e.err.Error(), e.what+": ")
	return fmt.Sprintf("%s: not written: %s\nhint: %s", e.what, msg, plan.KeyInDataHint)
}

func (e *keyInDataError) Unwrap() error { return e.err }
