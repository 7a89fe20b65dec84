package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/ovsync/ovsync/internal/corpus"
	"github.com/ovsync/ovsync/internal/redact"
	"github.com/ovsync/ovsync/lint"
	"github.com/ovsync/ovsync/push"
	"github.com/ovsync/ovsync/push/pushtest"
)

// cliKey is the key of the CLI's key tests.
const cliKey = "ovk-Cli-QwErTyUiOp-7731-ZxCvBnMpLk"

// cliLeak returns the first piece of redact.MinPiece characters of a form
// of cliKey that s holds, in any letter case, or "".
func cliLeak(s string) string {
	low := strings.ToLower(s)
	for _, f := range redact.Forms(cliKey) {
		f = strings.ToLower(f)
		for i := 0; i+redact.MinPiece <= len(f); i++ {
			if strings.Contains(low, f[i:i+redact.MinPiece]) {
				return f[i : i+redact.MinPiece]
			}
		}
	}
	return ""
}

// keyOrg copies the sample org into a new folder, with config.json
// changed by edit, and returns the folder.
func keyOrg(t *testing.T, edit func(cfg map[string]any)) string {
	t.Helper()
	repo, err := corpus.ModuleRoot()
	if err != nil {
		t.Fatal(err)
	}
	src := filepath.Join(repo, "testdata", "sample")
	dir := t.TempDir()
	err = filepath.WalkDir(src, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		if d.IsDir() {
			return os.MkdirAll(filepath.Join(dir, rel), 0o755)
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(dir, rel), b, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
	var doc map[string]map[string]any
	if err := json.Unmarshal(readFile(t, filepath.Join(dir, "config.json")), &doc); err != nil {
		t.Fatal(err)
	}
	edit(doc["Configuration"])
	b, _ := json.MarshalIndent(doc, "", "  ")
	if err := os.WriteFile(filepath.Join(dir, "config.json"), b, 0o644); err != nil {
		t.Fatal(err)
	}
	return dir
}

func readFile(t *testing.T, p string) []byte {
	t.Helper()
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// checkNoKey fails when the messages of a run (out), or any file under
// dir but config.json and the data files named (which hold the org's
// values exactly: checkData), hold a piece of cliKey.
func checkNoKey(t *testing.T, what, out string, dir string, data ...string) {
	t.Helper()
	if l := cliLeak(out); l != "" {
		t.Errorf("%s: %q of the key is printed:\n%s", what, l, out)
	}
	filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || filepath.Base(p) == "config.json" || slices.Contains(data, p) {
			return err
		}
		if l := cliLeak(string(readFile(t, p))); l != "" {
			t.Errorf("%s: %q of the key is in %s", what, l, p)
		}
		return nil
	})
}

// checkData fails when data (a file's content, or stdout of a subcommand
// writing data) holds cliKey whole, or does not hold each of want, values
// of the org holding pieces of the key, exactly.
func checkData(t *testing.T, what, data string, want ...string) {
	t.Helper()
	if redact.New(cliKey).Holds(data) {
		t.Errorf("%s: the data holds the key whole:\n%s", what, data)
	}
	for _, w := range want {
		if !strings.Contains(data, w) {
			t.Errorf("%s: the data does not hold the org's value %q as it is:\n%.3000s", what, w, data)
		}
	}
}

// TestLintNeverPrintsKey lints a config whose ApiKey is also pasted,
// URL-escaped, into ApiUrl and, as it is, into SyncManagerEmail (both
// quoted by their findings), in every format, to stdout and with -o, and
// with GitHub's job summary (GITHUB_STEP_SUMMARY) appended to.
func TestLintNeverPrintsKey(t *testing.T) {
	dir := keyOrg(t, func(cfg map[string]any) {
		cfg["ApiKey"] = cliKey
		cfg["ApiUrl"] = "http://example.com/?k=" + url.QueryEscape(cliKey)
		cfg["SyncManagerEmail"] = cliKey
	})
	stepSummary := filepath.Join(dir, "step-summary.md")
	t.Setenv("GITHUB_STEP_SUMMARY", stepSummary)
	for _, format := range lint.Formats() {
		t.Run(format, func(t *testing.T) {
			mask := redact.Mask
			if format == "summary" {
				mask = `\[redacted\]` // Markdown escaped after the key was masked
			}
			var stdout, stderr bytes.Buffer
			code := run([]string{"ovsync", "lint", "--format", format, dir}, strings.NewReader(""), &stdout, &stderr)
			if code != exitFindings {
				t.Fatalf("exit status %d, want %d\n%s", code, exitFindings, stderr.String())
			}
			checkNoKey(t, "lint --format "+format, stdout.String()+stderr.String(), dir)
			if !strings.Contains(stdout.String(), mask) {
				t.Errorf("the findings on ApiUrl and SyncManagerEmail do not show %s:\n%s", mask, stdout.String())
			}
			out := filepath.Join(dir, "report."+format)
			stdout.Reset()
			if code := run([]string{"ovsync", "lint", "--format", format, "-o", out, dir}, strings.NewReader(""), &stdout, &stderr); code != exitFindings {
				t.Fatalf("-o: exit status %d", code)
			}
			if !strings.Contains(string(readFile(t, out)), mask) {
				t.Errorf("%s does not show %s", out, mask)
			}
			checkNoKey(t, "lint -o", stdout.String()+stderr.String(), dir)
		})
	}
	if !strings.Contains(string(readFile(t, stepSummary)), `\[redacted\]`) {
		t.Errorf("the job summary does not show the findings on ApiUrl and SyncManagerEmail masked:\n%s", readFile(t, stepSummary))
	}
}

// TestPushAndPingNeverPrintKey pushes and pings through the CLI, verbose,
// to a service that echoes the key at offsets around the cuts of its
// messages, with the key from the environment, from --api-key-file and
// from ApiKey, and reads what the run printed and every file it wrote.
func TestPushAndPingNeverPrintKey(t *testing.T) {
	srv := pushtest.NewEchoServer()
	t.Cleanup(srv.Close)
	keyFile := filepath.Join(t.TempDir(), "key")
	if err := os.WriteFile(keyFile, []byte(cliKey+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, source := range []string{"env", "file", "config"} {
		for _, kind := range pushtest.EchoKinds {
			for _, off := range []int{0, 1, 50, 100, 110, 119, 150, 190, 199, 250} {
				dir := keyOrg(t, func(cfg map[string]any) {
					cfg["ApiUrl"] = pushtest.EchoURL(srv.URL, off, kind, "plain")
					if source == "config" {
						cfg["ApiKey"] = cliKey
					}
				})
				// Two users and a team: the run is about the answer.
				for name, content := range map[string]string{
					"users.csv":          "id,email,firstName,lastName\n1,ana@example.com,Ana,Silva\n2,ben@example.com,Ben,Okafor\n",
					"groups.csv":         "id,name\nT1,Team One\n",
					"groups-mapping.csv": "groupId,userId,subGroupId,isMember,isManager\nT1,1,,FALSE,TRUE\nT1,2,,TRUE,FALSE\n",
				} {
					if err := os.WriteFile(filepath.Join(dir, "Data", name), []byte(content), 0o644); err != nil {
						t.Fatal(err)
					}
				}
				if source == "env" {
					t.Setenv(push.KeyEnv, cliKey)
				} else {
					t.Setenv(push.KeyEnv, "")
				}
				flags := []string{"--verbose", "--retries", "0"}
				if source == "file" {
					flags = append(flags, "--api-key-file", keyFile)
				}
				var all bytes.Buffer
				run(append(append([]string{"ovsync", "push", "--yes", "--dump", filepath.Join(dir, "dump.json")}, flags...), dir), strings.NewReader(""), &all, &all)
				run(append(append([]string{"ovsync", "ping"}, flags...), dir), strings.NewReader(""), &all, &all)
				checkNoKey(t, source+" "+kind, all.String(), dir)
				if !strings.Contains(all.String(), "attempt 1: ") {
					t.Fatalf("%s %s at %d: nothing was sent:\n%s", source, kind, off, all.String())
				}
				if kind == "json" && !strings.Contains(all.String(), redact.Mask) {
					t.Errorf("%s %s at %d: the echoed key was not shown masked:\n%s", source, kind, off, all.String())
				}
			}
		}
	}
}

// keySheet is a workbook, written by LibreOffice, whose cells hold cliKey
// (in jobTitle) and an upper-case piece of it (in a custom column).
func keySheet(t *testing.T) string {
	t.Helper()
	p, err := filepath.Abs(filepath.Join("testdata", "apikey", "Users With Key.xlsx"))
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// TestConvertRefusesKey converts a workbook with the key whole in a cell,
// the key known from config.json (--config) or from the environment
// (--out, -o -): the run stops naming the cell, writes nothing and
// prints no piece of the key.
func TestConvertRefusesKey(t *testing.T) {
	for _, tc := range []struct {
		name string
		env  bool
		args func(dir string) []string
	}{
		{"config", false, func(dir string) []string { return []string{"--config", filepath.Join(dir, "config.json")} }},
		{"out", true, func(dir string) []string { return []string{"--out", filepath.Join(dir, "out")} }},
		{"stdout", true, func(string) []string { return []string{"-o", "-"} }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			key := ""
			if tc.env {
				key = cliKey
			}
			t.Setenv(push.KeyEnv, key)
			dir := keyOrg(t, func(cfg map[string]any) {
				if !tc.env {
					cfg["ApiKey"] = cliKey
				}
			})
			var stdout, stderr bytes.Buffer
			args := append(append([]string{"ovsync", "convert"}, tc.args(dir)...), keySheet(t))
			if code := run(args, strings.NewReader(""), &stdout, &stderr); code != exitUsage {
				t.Fatalf("exit status %d, want %d\n%s", code, exitUsage, stderr.String())
			}
			if !strings.Contains(stderr.String(), "the API key is in 1 cell: 'Users With Key'!E3: remove it") || stdout.Len() > 0 {
				t.Errorf("stderr does not name the cell, or stdout is not empty:\n%s%s", stdout.String(), stderr.String())
			}
			checkNoKey(t, "convert "+tc.name, stdout.String()+stderr.String(), dir)
			if _, err := os.Stat(filepath.Join(dir, "out")); err == nil {
				t.Error("--out: the folder was written")
			}
			if got := readFile(t, filepath.Join(dir, "Data", "users.csv")); cliLeak(string(got)) != "" {
				t.Error("--config: users.csv was written")
			}
		})
	}
}

// TestMigrateRefusesKey migrates an org whose config.json holds the key
// and whose users.csv holds it whole in a cell: it stops naming the
// cell, writes nothing, and prints no piece of the key.
func TestMigrateRefusesKey(t *testing.T) {
	t.Setenv(push.KeyEnv, "")
	dir := keyOrg(t, func(cfg map[string]any) { cfg["ApiKey"] = " " + cliKey + "\n" })
	src := readFile(t, filepath.Join("testdata", "apikey", "Users With Key.csv"))
	if err := os.WriteFile(filepath.Join(dir, "Data", "users.csv"), src, 0o644); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(t.TempDir(), "new")
	var stdout, stderr bytes.Buffer
	if code := run([]string{"ovsync", "migrate", dir, "--out", out}, strings.NewReader(""), &stdout, &stderr); code != exitUsage {
		t.Fatalf("exit status %d\n%s", code, stderr.String())
	}
	checkNoKey(t, "migrate", stdout.String()+stderr.String(), dir, filepath.Join(dir, "Data", "users.csv"))
	if !strings.Contains(stderr.String(), "users.csv:3:34: jobTitle holds the API key") {
		t.Errorf("stderr does not name the cell:\n%s", stderr.String())
	}
	if _, err := os.Stat(out); err == nil {
		t.Error("the output folder was written")
	}
}

// keyCells writes, in a folder of its own (so that checkNoKey reads only
// what a run wrote), the sample's users.csv with cliKey pasted into the
// lastName and jobTitle of its second user and an upper-case piece of it
// into that user's Location, as a spreadsheet someone pasted it into
// would, and returns its path, for UsersCsv. With pieces, the lastName
// and jobTitle hold pieces of the key only (pieceName and pieceTitle):
// the org's values, data.
func keyCells(t *testing.T, pieces bool) string {
	t.Helper()
	repo, err := corpus.ModuleRoot()
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(string(readFile(t, filepath.Join(repo, "testdata", "sample", "Data", "users.csv"))), "\n")
	name, title := `Pinto `+cliKey, `"Director `+cliKey+`"`
	if pieces {
		name, title = pieceName, `"`+pieceTitle+`"`
	}
	lines[2] = strings.Replace(lines[2], `Ricardo,Pinto,"Director, Supply Chain"`, `Ricardo,`+name+`,`+title, 1)
	lines[2] = strings.Replace(lines[2], "Lisbon Distribution Centre", pieceLocation, 1)
	if !strings.Contains(lines[2], name) || !strings.Contains(lines[2], pieceLocation) {
		t.Fatalf("the sample's users.csv changed: %s", lines[2])
	}
	p := filepath.Join(t.TempDir(), "users.csv")
	if err := os.WriteFile(p, []byte(strings.Join(lines, "\n")), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// The values of keyCells that hold pieces of cliKey, not the key.
var (
	pieceName     = "Pinto-" + cliKey[4:16]
	pieceTitle    = "Director " + cliKey[:len(cliKey)-1]
	pieceLocation = "Lisbon " + strings.ToUpper(cliKey[4:16])
)

// keySources are where the key of the plan, diff and report key tests
// comes from: the environment, or ApiKey in config.json.
var keySources = []string{"env", "config"}

// keyRun runs ovsync with args and returns what it printed.
func keyRun(t *testing.T, args ...string) (code int, out string) {
	t.Helper()
	var all bytes.Buffer
	code = run(append([]string{"ovsync"}, args...), strings.NewReader(""), &all, &all)
	return code, all.String()
}

// keyRun2 runs ovsync with args and returns stdout and stderr apart.
func keyRun2(t *testing.T, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errOut bytes.Buffer
	code = run(append([]string{"ovsync"}, args...), strings.NewReader(""), &out, &errOut)
	return code, out.String(), errOut.String()
}

// setKeySource sets OFFICEVIBE_API_KEY for source and returns the edit
// of config.json that puts the key in ApiKey for it.
func setKeySource(t *testing.T, source string) func(cfg map[string]any) {
	key := ""
	if source == "env" {
		key = cliKey
	}
	t.Setenv(push.KeyEnv, key)
	return func(cfg map[string]any) {
		if source == "config" {
			cfg["ApiKey"] = cliKey
		}
	}
}

// TestPlanStopsOnKey plans an org whose users.csv holds the key whole,
// in every format, to stdout and with -o: lint's api-key errors stop it
// (exit status 1), no plan is printed or written, and nothing printed
// holds a piece of the key.
func TestPlanStopsOnKey(t *testing.T) {
	for _, source := range keySources {
		for _, format := range []string{"text", "json"} {
			t.Run(source+"/"+format, func(t *testing.T) {
				edit := setKeySource(t, source)
				users := keyCells(t, false)
				dir := keyOrg(t, func(cfg map[string]any) { edit(cfg); cfg["UsersCsv"] = users })
				planFile := filepath.Join(dir, "plan.json")
				code, stdout, stderr := keyRun2(t, "plan", "--format", format, "-o", planFile, dir)
				if code != exitFindings || stdout != "" || !strings.Contains(stderr, "lastName holds the API key [api-key]") {
					t.Fatalf("exit status %d, want %d, api-key findings on stderr and nothing on stdout:\n%s\n%s", code, exitFindings, stdout, stderr)
				}
				if _, err := os.Stat(planFile); err == nil {
					t.Error("the plan file was written")
				}
				checkNoKey(t, "plan --format "+format, stdout+stderr, dir)
			})
		}
	}
}

// TestPlanNeverPrintsKey plans an org whose users.csv holds pieces of the
// key, in every format, to stdout and with -o, then applies the plan with
// push --plan against a service that echoes the key, with the key from
// the environment, from ApiKey or (for push) from --api-key-file: no
// message holds a piece of it; the data (plan JSON, plan.json, the dump)
// holds the org's values exactly.
func TestPlanNeverPrintsKey(t *testing.T) {
	srv := pushtest.NewEchoServer()
	t.Cleanup(srv.Close)
	keyFile := filepath.Join(t.TempDir(), "key")
	if err := os.WriteFile(keyFile, []byte(cliKey+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, source := range append(keySources, "file") {
		for _, format := range []string{"text", "json"} {
			t.Run(source+"/"+format, func(t *testing.T) {
				// plan takes no --api-key-file: with the key in a file,
				// plan knows it from the environment, and push --plan
				// from the file alone.
				edit := setKeySource(t, strings.Replace(source, "file", "env", 1))
				users := keyCells(t, true)
				dir := keyOrg(t, func(cfg map[string]any) {
					edit(cfg)
					cfg["ApiUrl"] = pushtest.EchoURL(srv.URL, 0, "json", "plain")
					cfg["UsersCsv"] = users
				})
				host := "--allow-host=127.0.0.1"
				code, stdout, stderr := keyRun2(t, "plan", "--format", format, host, dir)
				if code != 0 {
					t.Fatalf("plan: exit status %d\n%s", code, stderr)
				}
				if format == "json" {
					checkData(t, "plan --format json", stdout, "Ricardo "+pieceName)
					checkNoKey(t, "plan --format json", stderr, dir)
				} else {
					checkNoKey(t, "plan --format text", stdout+stderr, dir)
				}
				planFile := filepath.Join(dir, "plan.json")
				code, stdout, stderr = keyRun2(t, "plan", "--format", format, host, "-o", planFile, dir)
				if code != 0 {
					t.Fatalf("plan -o: exit status %d\n%s", code, stderr)
				}
				checkData(t, "plan -o", string(readFile(t, planFile)), "Ricardo "+pieceName)
				if format == "text" {
					checkNoKey(t, "plan -o", stdout+stderr, dir, planFile)
				}
				dump := filepath.Join(dir, "dump.json")
				args := []string{"push", "--first-push", "--plan", planFile, "--verbose", "--retries", "0", host, "--dump", dump}
				if source == "file" {
					t.Setenv(push.KeyEnv, "")
					args = append(args, "--api-key-file", keyFile)
				}
				_, out := keyRun(t, append(args, dir)...)
				if !strings.Contains(out, "attempt 1: ") {
					t.Fatalf("push --plan sent nothing:\n%s", out)
				}
				checkNoKey(t, "push --plan", out, dir, planFile, dump)
				checkData(t, "push --dump", string(readFile(t, dump)), pieceName, pieceTitle, pieceLocation)
				if !strings.Contains(out, redact.Mask) {
					t.Errorf("push --plan: the echoed key was not shown masked:\n%s", out)
				}
			})
		}
	}
}

// TestDiffNeverPrintsKey diffs two orgs whose config.json hold the key
// (in ApiKey, and pasted into ApiUrl and SyncManagerEmail) and whose
// users.csv differ in cells that hold it, whole or in pieces, in every
// format. The text is a message: no piece of the key. The JSON is data:
// the org's values exactly, and not written at all when they hold the
// key whole (diff lints nothing, so its guard stops it).
func TestDiffNeverPrintsKey(t *testing.T) {
	for _, source := range keySources {
		for _, pieces := range []bool{false, true} {
			for _, format := range []string{"text", "json"} {
				t.Run(fmt.Sprintf("%s/pieces=%t/%s", source, pieces, format), func(t *testing.T) {
					edit := setKeySource(t, source)
					paste := func(cfg map[string]any) {
						edit(cfg)
						cfg["ApiUrl"] = "https://app.officevibe.com/?k=" + url.QueryEscape(cliKey)
						cfg["SyncManagerEmail"] = cliKey
					}
					users := keyCells(t, pieces)
					old := keyOrg(t, paste)
					cur := keyOrg(t, func(cfg map[string]any) { paste(cfg); cfg["UsersCsv"] = users })
					code, stdout, stderr := keyRun2(t, "diff", "--format", format, old, cur)
					checkNoKey(t, "diff --format "+format, stderr, old)
					checkNoKey(t, "diff --format "+format, "", cur)
					switch {
					case format == "text":
						if code != exitDiffChanged || !strings.Contains(stdout, redact.Mask) {
							t.Errorf("exit status %d, want %d, and the changed user shown masked:\n%s%s", code, exitDiffChanged, stdout, stderr)
						}
						checkNoKey(t, "diff --format text", stdout, old)
					case pieces:
						if code != exitDiffChanged {
							t.Errorf("exit status %d, want %d\n%s", code, exitDiffChanged, stderr)
						}
						checkData(t, "diff --format json", stdout, "Ricardo "+pieceName)
					default:
						if code != exitDiffTrouble || stdout != "" || !strings.Contains(stderr, "ovsync: standard output: not written: ") {
							t.Errorf("exit status %d, want %d, nothing on stdout and why on stderr:\n%s\n%s", code, exitDiffTrouble, stdout, stderr)
						}
					}
				})
			}
		}
	}
}

// TestReportNeverWritesKey writes the report of an org whose config.json
// and users.csv hold the key, to a file and to stdout: with the key
// whole in cells, no page is written (exit status 1, the api-key findings
// on stderr); with pieces of it, the page holds the org's values exactly.
// Nothing printed holds a piece of the key.
func TestReportNeverWritesKey(t *testing.T) {
	for _, source := range keySources {
		for _, pieces := range []bool{false, true} {
			for _, out := range []string{"file", "-"} {
				t.Run(fmt.Sprintf("%s/pieces=%t/%s", source, pieces, out), func(t *testing.T) {
					edit := setKeySource(t, source)
					users := keyCells(t, pieces)
					dir := keyOrg(t, func(cfg map[string]any) {
						edit(cfg)
						cfg["UsersCsv"] = users
						if !pieces {
							cfg["ApiUrl"] = "http://example.com/?k=" + url.QueryEscape(cliKey)
							cfg["SyncManagerEmail"] = cliKey
						}
					})
					page := filepath.Join(dir, "report.html")
					if out == "-" {
						page = "-"
					}
					code, stdout, stderr := keyRun2(t, "report", "-o", page, dir)
					if !pieces {
						if code != exitFindings || stdout != "" || !strings.Contains(stderr, "holds the API key [api-key]") {
							t.Fatalf("exit status %d, want %d, api-key findings and no page:\n%.500s\n%s", code, exitFindings, stdout, stderr)
						}
						if _, err := os.Stat(filepath.Join(dir, "report.html")); err == nil {
							t.Error("the page was written")
						}
						checkNoKey(t, "report -o "+page, stderr, dir)
						return
					}
					if code != 0 {
						t.Fatalf("exit status %d\n%s", code, stderr)
					}
					html := stdout
					if out == "file" {
						html = string(readFile(t, page))
						checkNoKey(t, "report -o "+page, stdout+stderr, dir, page)
					} else {
						checkNoKey(t, "report -o -", stderr, dir)
					}
					checkData(t, "report", html, pieceName)
				})
			}
		}
	}
}
