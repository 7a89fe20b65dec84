package build

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"testing"
	"unicode/utf8"

	"github.com/ovsync/ovsync/lint"
)

// linePlace finds the line numbers a message names: "hr.csv:12" and "line
// 12".
var linePlace = regexp.MustCompile(`(?:hr\.csv:|line )(\d+)`)

// FuzzBuild builds exports made by the fuzzer, with flags from a byte.
// Nothing may panic; a build that succeeds must lint with no error and no
// warning; every error must be valid UTF-8 and name only lines of the
// input. The input and the output are rewritten in one directory per
// fuzzing process.
func FuzzBuild(f *testing.F) {
	f.Add([]byte(smallExport), uint8(0))
	f.Add([]byte(smallExport), uint8(0b1110))
	f.Add([]byte("Key,id,email,Boss,Status,Dept\nk1,1,a@x.co,,Active,A\nk2,2,b@x.co,k1,Active,B\nk3,2,b@x.co,k2,Gone,B\n"), uint8(0b10011))
	for _, tt := range defectTests {
		f.Add([]byte(tt.export), uint8(1))
	}
	for _, tt := range headerTests {
		f.Add([]byte(tt.export), uint8(0))
	}
	dir := f.TempDir()
	in := filepath.Join(dir, "hr.csv")
	out := filepath.Join(dir, "out")
	f.Fuzz(func(t *testing.T, export []byte, flags uint8) {
		if err := os.WriteFile(in, export, 0o644); err != nil {
			t.Fatal(err)
		}
		opt := Options{Input: in, OutDir: out, Columns: Columns{Manager: "Boss"}}
		if !bytes.Contains(export, []byte("Boss")) {
			opt.Columns.Manager = ""
		}
		if flags&1 != 0 {
			opt.Where = []string{"Status=Active"}
		}
		if flags&2 != 0 {
			opt.TeamBy = []string{"Dept"}
		}
		opt.UnknownManagerRoot = flags&4 != 0
		if flags&8 != 0 {
			opt.Format = "provisioning"
		}
		if flags&16 != 0 {
			opt.Columns.ManagerKey = "Key"
		}
		sum, err := Run(opt)
		if err != nil {
			checkErrors(t, err, export)
			return
		}
		v := sum.Format
		rep, err := lint.Run(lint.Options{Users: filepath.Join(out, v.FileNames[0]), Groups: filepath.Join(out, v.FileNames[1]), Mapping: filepath.Join(out, v.FileNames[2])})
		if err != nil {
			t.Fatalf("lint: %v", err)
		}
		for _, fd := range rep.Findings {
			if fd.Severity >= lint.Warning {
				t.Fatalf("the build does not lint clean: %s (hint: %s)", fd, fd.Hint)
			}
		}
		if rep.Summary.Users != sum.People {
			t.Fatalf("%d users written, %d people built", rep.Summary.Users, sum.People)
		}
	})
}

// checkErrors checks each error of a failed build: valid UTF-8, and every
// line it names a line of the input.
func checkErrors(t *testing.T, err error, input []byte) {
	t.Helper()
	errs := []error{err}
	var many interface{ Unwrap() []error }
	if errors.As(err, &many) {
		errs = many.Unwrap()
	}
	// A line ends in LF, CRLF, or a CR alone (a classic Mac file).
	lines := bytes.Count(input, []byte{'\n'}) + bytes.Count(input, []byte{'\r'}) - bytes.Count(input, []byte("\r\n")) + 1
	for _, e := range errs {
		msg := e.Error()
		if !utf8.ValidString(msg) {
			t.Fatalf("not UTF-8: %q", msg)
		}
		for _, m := range linePlace.FindAllStringSubmatch(msg, -1) {
			if n, _ := strconv.Atoi(m[1]); n < 1 || n > lines {
				t.Fatalf("line %d of an input of %d lines: %s", n, lines, msg)
			}
		}
	}
}

// TestErrorsInsideTheInput checks the errors of the defect tests as
// FuzzBuild does.
func TestErrorsInsideTheInput(t *testing.T) {
	for _, tt := range defectTests {
		dir := t.TempDir()
		in := filepath.Join(dir, "hr.csv")
		if err := os.WriteFile(in, []byte(tt.export), 0o644); err != nil {
			t.Fatal(err)
		}
		tt.opt.Input, tt.opt.OutDir = in, filepath.Join(dir, "out")
		_, err := Run(tt.opt)
		if err == nil {
			t.Fatalf("%s: built", tt.name)
		}
		checkErrors(t, err, []byte(tt.export))
	}
}
