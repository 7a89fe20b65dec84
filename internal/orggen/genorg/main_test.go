package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestRun(t *testing.T) {
	out := filepath.Join(t.TempDir(), "org")
	tests := []struct {
		name       string
		args       []string
		wantCode   int
		wantStdout string // prefix
		wantStderr string // prefix
	}{
		{"writes an org", []string{"-users", "100", "-seed", "2", "-out", out}, 0, "users 100, teams ", ""},
		{"an export", []string{"-users", "100", "-export", filepath.Join(t.TempDir(), "hr.csv")}, 0, "users 100, ", ""},
		{"no folder", []string{"-users", "100"}, 2, "", "genorg: usage: genorg (-out DIR | -export FILE)"},
		{"a folder and an export", []string{"-out", out, "-export", "x.csv"}, 2, "", "genorg: usage: genorg (-out DIR | -export FILE)"},
		{"extra argument", []string{"-out", out, "more"}, 2, "", "genorg: usage: genorg (-out DIR | -export FILE)"},
		{"unknown flag", []string{"-size", "3"}, 2, "", "flag provided but not defined: -size"},
		{"too few users", []string{"-users", "1", "-out", out}, 2, "", "genorg: users must be at least 2, got 1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			code := run(tt.args, &stdout, &stderr)
			if code != tt.wantCode {
				t.Errorf("exit status %d, want %d (stderr %q)", code, tt.wantCode, stderr.String())
			}
			if !strings.HasPrefix(stdout.String(), tt.wantStdout) {
				t.Errorf("stdout %q, want it to start with %q", stdout.String(), tt.wantStdout)
			}
			if !strings.HasPrefix(stderr.String(), tt.wantStderr) {
				t.Errorf("stderr %q, want it to start with %q", stderr.String(), tt.wantStderr)
			}
		})
	}

	var files []string
	err := filepath.WalkDir(out, func(path string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			rel, _ := filepath.Rel(out, path)
			files = append(files, filepath.ToSlash(rel))
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"Data/groups-mapping.csv", "Data/groups.csv", "Data/users.csv", "config.json"}
	if diff := cmp.Diff(want, files); diff != "" {
		t.Errorf("files written (-want +got):\n%s", diff)
	}
}
