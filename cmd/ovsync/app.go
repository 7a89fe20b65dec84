package main

import (
	"errors"
	"fmt"
	"io"
	"runtime/debug"
	"strings"

	"github.com/urfave/cli/v2"

	"github.com/ovsync/ovsync/internal/redact"
)

// Exit statuses shared by every subcommand. Subcommands with more
// outcomes (push) document their own beyond these.
const (
	exitOK       = 0
	exitFindings = 1 // lint found problems at the failing level
	exitUsage    = 2 // the run itself failed: usage, unreadable input
)

// version is set at build time with -ldflags "-X main.version=v1.2.3";
// otherwise the module version of "go install ...@version" is used.
var version = ""

// exitError carries the exit status of a failed run. Its message, if any,
// has already been printed or is printed by run.
type exitError struct {
	code int
	err  error
}

func (e *exitError) Error() string {
	if e.err == nil {
		return fmt.Sprintf("exit status %d", e.code)
	}
	return e.err.Error()
}

func (e *exitError) Unwrap() error { return e.err }

// exitWith returns an error that makes run exit with code, printing err
// (if not nil) on stderr.
func exitWith(code int, err error) error { return &exitError{code: code, err: err} }

// toolVersion returns the version for --version and reports.
func toolVersion() string {
	if version != "" {
		return version
	}
	if bi, ok := debug.ReadBuildInfo(); ok && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
		return bi.Main.Version
	}
	return "dev"
}

// newApp builds the command-line application reading stdin and writing
// to the run's streams (see redact.go): stdout for messages until runApp
// knows the subcommand.
func newApp(stdin io.Reader, s *streams) *cli.App {
	app := &cli.App{
		Name:  "ovsync",
		Usage: "check, convert, draw and push Officevibe org files",
		Description: `ovsync works on the three CSV files an HR system pushes to Officevibe
(users.csv, groups.csv, groups-mapping.csv) and on the original Enterprise
Sync Tool's config.json. Each push is a full overwrite: anyone missing from
the files is removed. Lint the files before every push.

Examples:
   ovsync build hr-export.xlsx --out Data       an HR export to the files, with every manager's teams
   ovsync convert --config config.json hr-export.xlsx   spreadsheets to the three CSV files
   ovsync lint testdata/sample                 lint the org of a config.json's folder
   ovsync lint --format sarif -o lint.sarif .  SARIF for code scanning
   ovsync graph . --format svg -o org.svg      draw the teams, problems marked
   ovsync report . -o report.html              one HTML page: findings, plan, team tree
   ovsync plan . -o plan.json                  what the next push changes, for review
   ovsync push --plan plan.json .              apply exactly the reviewed plan
   ovsync diff yesterday/ today/               what changed between two exports
   ovsync push --dry-run .                     lint, plan and show what a push would do
   ovsync push .                               push (OFFICEVIBE_API_KEY holds the key)
   ovsync migrate . --out ../workleap          legacy files to Workleap's format
   ovsync schema users                         print the JSON Schema of a users.csv row
   ovsync rules                                lint's rules: when each fires, and the fix`,
		Version:              toolVersion(),
		EnableBashCompletion: true,
		HideHelpCommand:      false,
		Reader:               stdin,
		Writer:               s.out,
		ErrWriter:            s.err,
		Metadata:             map[string]any{streamsKey: s},
		ExitErrHandler:       func(*cli.Context, error) {}, // run decides the exit status
		OnUsageError:         usageError,
		Action: func(c *cli.Context) error {
			if c.NArg() > 0 {
				return exitWith(exitUsage, fmt.Errorf("unknown command %q (see \"ovsync help\")", c.Args().First()))
			}
			return cli.ShowAppHelp(c)
		},
		Commands: []*cli.Command{
			lintCommand(),
			buildCommand(),
			convertCommand(),
			templateCommand(),
			graphCommand(),
			reportCommand(),
			migrateCommand(),
			schemaCommand(),
			rulesCommand(),
			planCommand(),
			diffCommand(),
			pushCommand(),
			pingCommand(),
			completionCommand(),
		},
	}
	for _, cmd := range app.Commands {
		cmd.OnUsageError = usageError
	}
	return app
}

// usageError turns a flag error into a one-line usage error on stderr,
// instead of urfave/cli's help page on stdout, where it would mix with a
// report a script is reading.
func usageError(c *cli.Context, err error, _ bool) error {
	name := "ovsync"
	if c.Command != nil && c.Command.Name != "" {
		name += " " + c.Command.Name
	}
	return exitWith(exitUsage, fmt.Errorf("%v (see \"%s --help\")", err, name))
}

// run runs the application with args (args[0] is the program name) on
// the three streams and returns the exit status. main and the CLI tests
// share it. Messages go through the run's redactor, data through its
// guard (redact.go).
func run(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	s := newStreams(stdout, stderr)
	code := runApp(args, stdin, s)
	if err := s.close(); err != nil && code == exitOK {
		printError(s.err, fmt.Errorf("standard output: %w", err))
		s.err.Flush()
		code = exitUsage
	}
	return code
}

// runApp is run on the run's streams. stdout is the data stream for the
// subcommands streamOf says write data, the redacted one otherwise.
func runApp(args []string, stdin io.Reader, s *streams) int {
	app := newApp(stdin, s)
	args = flagsFirst(app, args)
	if len(args) > 1 {
		if cmd := app.Command(args[1]); cmd != nil && streamOf[cmd.Name] == dataStream {
			app.Writer = s.data
		}
	}
	err := app.Run(args)
	if err == nil {
		return exitOK
	}
	stderr := s.err
	var ee *exitError
	var kd *keyInDataError
	if errors.Is(err, redact.ErrSecret) && !errors.As(err, &kd) {
		// Data on stdout stopped by its guard.
		code := exitUsage
		if errors.As(err, &ee) {
			code = ee.code
		}
		err = exitWith(code, &keyInDataError{what: "standard output", err: err})
	}
	if errors.As(err, &ee) {
		if ee.err != nil {
			printError(stderr, ee.err)
		}
		return ee.code
	}
	// Errors from flag parsing and urfave/cli itself are usage errors.
	printError(stderr, err)
	return exitUsage
}

// flagsFirst moves a subcommand's flags before its arguments, so that
// "ovsync lint DIR --format json" works as people type it: urfave/cli v2
// stops reading flags at the first argument. A flag's value stays with
// it; "--" ends the flags as usual.
func flagsFirst(app *cli.App, args []string) []string {
	if len(args) < 3 {
		return args
	}
	cmd := app.Command(args[1])
	if cmd == nil {
		return args
	}
	takesValue := map[string]bool{}
	for _, f := range cmd.Flags {
		_, isBool := f.(*cli.BoolFlag)
		for _, name := range f.Names() {
			takesValue[name] = !isBool
		}
	}
	flags := []string{}
	var rest []string
	for i := 2; i < len(args); i++ {
		a := args[i]
		if a == "--" {
			rest = append(rest, args[i:]...)
			break
		}
		if len(a) < 2 || a[0] != '-' {
			rest = append(rest, a)
			continue
		}
		flags = append(flags, a)
		name := strings.TrimLeft(a, "-")
		if !strings.Contains(name, "=") && takesValue[name] && i+1 < len(args) {
			i++
			flags = append(flags, args[i])
		}
	}
	out := append([]string{args[0], args[1]}, flags...)
	return append(out, rest...)
}
