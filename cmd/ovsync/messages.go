package main

import (
	"fmt"
	"io"
	"strings"

	"github.com/urfave/cli/v2"

	"github.com/ovsync/ovsync/lint"
)

// Messages and data never share a writer (redact.go has the whole rule):
// data — files, reports, drawings, JSON — holds the org's values exactly
// and goes to c.App.Writer of a data subcommand or through writeData;
// messages go through the run's key filter, which removes any piece of the
// API key: c.App.ErrWriter, and msgOut(c) for the text a person reads on
// stdout. A subcommand's own messages on stderr follow these rules, and
// are written only by the functions of this file:
//
//   - Every line starts with "ovsync: ", then "warning: " for a warning,
//     or the subcommand's name for a line of progress (--verbose); an
//     error has no word of its own (the exit status says it failed).
//   - The message is lower case, says what is wrong, and has no final
//     period. It names the file, line and column when there is one.
//   - The fix is a hint on its own line below, indented by four spaces:
//     "    hint: ...". An error's text holds it after "\nhint: ".
//   - Counts agree with their noun (internal/plural), as in lint's report.
//   - Nothing printed holds the API key, not even a piece of it: stderr
//     and msgOut go through the run's redactor (redact.go).
//   - A package that speaks to a person (push, plan) is handed these
//     writers as funcs (voice), or the stream its printer writes to; it
//     never writes "ovsync:" itself.

// printError prints an error as "ovsync: message", with any "hint:" lines
// of the message indented below it. Each error of a joined error
// (errors.Join) is a message of its own, so that every problem of the
// input is named at once.
func printError(w io.Writer, err error) {
	if many, ok := err.(interface{ Unwrap() []error }); ok {
		for _, e := range many.Unwrap() {
			printMessage(w, e)
		}
		return
	}
	printMessage(w, err)
}

// printMessage prints one error as printError does.
func printMessage(w io.Writer, err error) {
	msg := err.Error()
	first, rest, _ := strings.Cut(msg, "\n")
	fmt.Fprintf(w, "ovsync: %s\n", first)
	if rest != "" {
		for _, l := range strings.Split(rest, "\n") {
			fmt.Fprintf(w, "    %s\n", strings.TrimSpace(l))
		}
	}
}

// warnf prints a warning, "ovsync: warning: message", and its hint on its
// own line when hint is not "".
func warnf(w io.Writer, hint, format string, args ...any) {
	fmt.Fprintf(w, "ovsync: warning: "+format+"\n", args...)
	if hint != "" {
		fmt.Fprintf(w, "    hint: %s\n", hint)
	}
}

// notef prints a note, "ovsync: message": something the user should know
// that is no problem of the run.
func notef(w io.Writer, format string, args ...any) {
	fmt.Fprintf(w, "ovsync: "+format+"\n", args...)
}

// progressf prints a line of progress (--verbose), "ovsync: COMMAND:
// message".
func progressf(w io.Writer, command, format string, args ...any) {
	fmt.Fprintf(w, "ovsync: %s: %s\n", command, fmt.Sprintf(format, args...))
}

// voice returns the funcs a package gives its messages to, in the voice
// of the command of c, on its stderr: warn prints a warning and its hint
// with warnf; log, nil without --verbose, a line of progress with
// progressf.
func voice(c *cli.Context) (warn func(msg, hint string), log func(msg string)) {
	w := c.App.ErrWriter
	warn = func(msg, hint string) { warnf(w, hint, "%s", msg) }
	if c.Bool("verbose") {
		name := c.Command.Name
		log = func(msg string) { progressf(w, name, "%s", msg) }
	}
	return warn, log
}

// lintStop prints the findings of a lint report whose org holds the API
// key (err, a *lint.KeyError) on stderr, through the redactor, and
// returns the exit status of lint errors: a subcommand that would write
// data from that org writes none.
func lintStop(c *cli.Context, rep *lint.Report, err error) error {
	if perr := lint.Print(c.App.ErrWriter, "text", rep, lint.PrintOptions{MaxPerRule: 50}); perr != nil {
		return exitWith(exitUsage, perr)
	}
	return exitWith(exitFindings, err)
}
