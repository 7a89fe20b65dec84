package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ovsync/ovsync/internal/orggen"
	"github.com/ovsync/ovsync/internal/redact"
	"github.com/ovsync/ovsync/push"
	"github.com/ovsync/ovsync/push/plan"
	"github.com/ovsync/ovsync/push/pushtest"
)

// TestEveryCommandHasAStream: every subcommand says what its stdout
// carries, data or messages (redact.go). A new subcommand fails here
// until it is added to streamOf.
func TestEveryCommandHasAStream(t *testing.T) {
	s := newStreams(&bytes.Buffer{}, &bytes.Buffer{})
	app := newApp(strings.NewReader(""), s)
	names := map[string]bool{"help": true}
	for _, c := range app.Commands {
		names[c.Name] = true
		if _, ok := streamOf[c.Name]; !ok {
			t.Errorf("subcommand %q is not in streamOf: say whether its stdout carries data or messages", c.Name)
		}
	}
	for name := range streamOf {
		if !names[name] {
			t.Errorf("streamOf names %q, which is no subcommand", name)
		}
	}
}

// TestStdoutStreams: a data subcommand writes its stdout exactly, pieces
// of the key included; a message subcommand's stdout goes through the
// key filter; stderr always does.
func TestStdoutStreams(t *testing.T) {
	const key = "ovk-Streams-0001234-9c1e"
	t.Setenv(push.KeyEnv, key)
	dir := t.TempDir()
	users := "id,email\n0001234,u0001234@example.com\n"
	os.WriteFile(filepath.Join(dir, "users.csv"), []byte(users), 0o644)
	// convert is a data subcommand: its stdout is the file as it is.
	code, stdout, stderr := keyRun2(t, "convert", "-q", "-o", "-", filepath.Join(dir, "users.csv"))
	if code != 0 || stdout != users {
		t.Errorf("convert -o -: exit status %d, stdout %q, want %q\n%s", code, stdout, users, stderr)
	}
	// Its messages are filtered: the file name holds a piece of the key.
	piece := filepath.Join(dir, "Streams-0001.csv")
	code, _, stderr = keyRun2(t, "convert", "-o", "-", piece)
	if code == 0 || strings.Contains(stderr, "Streams-0001") || !strings.Contains(stderr, redact.Mask) {
		t.Errorf("convert of a missing file: exit status %d, stderr %q: want the piece masked", code, stderr)
	}
}

// issueKey is a random key that shares pieces of 6 characters with the
// ids, emails and team ids of a generated org (its ids are seven digits:
// "0001234" and "001234" are pieces of it).
const issueKey = "9c1e0001234bf7a2d9e8c3b1a0f4e6d5"

// TestDataKeepsKeyPieces pushes, plans, converts, migrates and draws a
// generated org of 3,000 users whose values share pieces with the key:
// every piece of data holds the org's values exactly. The push's dump is
// the body the service received, byte for byte; the plan of the
// unchanged org after the push shows no change; convert's, migrate's and
// graph's outputs are those of a run without the key, byte for byte.
func TestDataKeepsKeyPieces(t *testing.T) {
	org := t.TempDir()
	if _, err := orggen.WriteDir(org, orggen.Options{Users: 3000, Seed: 1}); err != nil {
		t.Fatal(err)
	}
	csv := string(readFile(t, filepath.Join(org, "Data", "users.csv")))
	if red := redact.New(issueKey); red.String(csv) == csv {
		t.Fatal("the generated org shares no piece with the key: the test proves nothing")
	}

	// The same subcommands with and without the key give the same data.
	same := func(what string, run func(dir string)) {
		t.Helper()
		outs := map[bool]map[string][]byte{}
		for _, withKey := range []bool{false, true} {
			key := ""
			if withKey {
				key = issueKey
			}
			t.Setenv(push.KeyEnv, key)
			dir := t.TempDir()
			run(dir)
			outs[withKey] = filesUnder(t, dir)
		}
		if len(outs[false]) == 0 {
			t.Fatalf("%s wrote nothing", what)
		}
		for p, b := range outs[false] {
			if !bytes.Equal(outs[true][p], b) {
				t.Errorf("%s: %s differs with the key", what, p)
			}
		}
	}
	data := filepath.Join(org, "Data")
	same("convert", func(dir string) {
		if code, out := keyRun(t, "convert", "-q", "--out", dir, filepath.Join(data, "users.csv"), filepath.Join(data, "groups.csv"), filepath.Join(data, "groups-mapping.csv")); code != 0 {
			t.Fatalf("convert: exit status %d\n%s", code, out)
		}
	})
	same("migrate", func(dir string) {
		if code, out := keyRun(t, "migrate", "-q", org, "--out", filepath.Join(dir, "new")); code != 0 {
			t.Fatalf("migrate: exit status %d\n%s", code, out)
		}
	})
	same("graph", func(dir string) {
		if code, out := keyRun(t, "graph", org, "--root", "T000001", "--depth", "2", "-o", filepath.Join(dir, "org.dot")); code != 0 {
			t.Fatalf("graph: exit status %d\n%s", code, out)
		}
	})
	same("lint --format json", func(dir string) {
		code, stdout, stderr := keyRun2(t, "lint", "--format", "json", org)
		if code > 1 || strings.Contains(stdout, `"api-key"`) {
			t.Fatalf("lint: exit status %d, or an api-key finding\n%s", code, stderr)
		}
		os.WriteFile(filepath.Join(dir, "lint.json"), []byte(stdout), 0o644)
	})

	// Push, then plan the unchanged org.
	t.Setenv(push.KeyEnv, issueKey)
	srv := pushtest.NewServer(pushtest.Options{Key: issueKey, KeepBodies: true})
	t.Cleanup(srv.Close)
	cfg := filepath.Join(org, "config.json")
	b := readFile(t, cfg)
	os.WriteFile(cfg, bytes.Replace(b, []byte(`"https://app.officevibe.com"`), []byte(`"`+srv.URL+`"`), 1), 0o644)
	dump := filepath.Join(t.TempDir(), "dump.json")
	code, stdout, stderr := keyRun2(t, "push", "--first-push", "--dump", dump, org)
	if code != 0 {
		t.Fatalf("push: exit status %d\n%s%s", code, stdout, stderr)
	}
	h := srv.History()
	if len(h) != 1 {
		t.Fatalf("%d syncs", len(h))
	}
	var indented bytes.Buffer
	json.Indent(&indented, h[0].Body, "", "  ")
	indented.WriteByte('\n')
	if !bytes.Equal(indented.Bytes(), readFile(t, dump)) {
		t.Error("the dump is not the body the service received")
	}
	if red := redact.New(issueKey); red.String(stdout+stderr) != stdout+stderr {
		t.Errorf("push printed pieces of the key:\n%s%s", stdout, stderr)
	}
	code, stdout, stderr = keyRun2(t, "plan", "--format", "json", org)
	if code != 0 {
		t.Fatalf("plan: exit status %d\n%s", code, stderr)
	}
	var p plan.Plan
	if err := json.Unmarshal([]byte(stdout), &p); err != nil {
		t.Fatal(err)
	}
	if p.First || p.HasChanges() || !p.Unchanged || p.Users.Total != 3000 || len(p.Guards) > 0 {
		t.Errorf("the plan of the unchanged org: first %t, users %+v, teams %+v, mappings %+v, guards %v", p.First, p.Users, p.Teams, p.Mappings, p.Guards)
	}
}

// filesUnder returns the content of every file under dir, by path
// relative to dir.
func filesUnder(t *testing.T, dir string) map[string][]byte {
	t.Helper()
	out := map[string][]byte{}
	filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		out[rel] = readFile(t, p)
		return nil
	})
	return out
}
