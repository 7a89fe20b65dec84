package push_test

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/ovsync/ovsync/push"
	"github.com/ovsync/ovsync/push/plan"
	"github.com/ovsync/ovsync/push/pushtest"
)

// update rewrites the golden files of testdata: go test -update.
var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// testKey is the key of the fake in tests; TestKeyNeverShown greps every
// output for it.
const testKey = "ov-test-key-5f1c9e27a4"

// sampleDir is the bundled sample org.
const sampleDir = "../testdata/sample"

// sampleFiles are the CSV files of the sample org, in the legacy format.
var sampleFiles = []string{"users.csv", "groups.csv", "groups-mapping.csv"}

// orgConfig says how to write the config.json of a test org.
type orgConfig struct {
	apiURL string
	apiKey string
	invite bool
	// files are the CSV files of the Data folder the config names, users,
	// groups and mapping; nil means sampleFiles.
	files []string
}

// copyOrg copies the sample org into a new folder with its config
// rewritten as cfg says, and returns the folder.
func copyOrg(t testing.TB, cfg orgConfig) string {
	t.Helper()
	return copyOrgFrom(t, sampleDir, cfg)
}

// copyOrgFrom copies the CSV files cfg names from the Data folder of src
// into a new folder, writes its config as cfg says, and returns the
// folder.
func copyOrgFrom(t testing.TB, src string, cfg orgConfig) string {
	t.Helper()
	if cfg.files == nil {
		cfg.files = sampleFiles
	}
	dir := t.TempDir()
	if err := os.MkdirAll(filepath.Join(dir, "Data"), 0o755); err != nil {
		t.Fatal(err)
	}
	for _, f := range cfg.files {
		b, err := os.ReadFile(filepath.Join(src, "Data", f))
		if err != nil {
			t.Fatal(err)
		}
		writeFile(t, filepath.Join(dir, "Data", f), string(b))
	}
	writeConfig(t, dir, cfg)
	return dir
}

// writeConfig writes the config.json of dir with the sample's settings.
func writeConfig(t testing.TB, dir string, cfg orgConfig) {
	t.Helper()
	if cfg.files == nil {
		cfg.files = sampleFiles
	}
	c := map[string]any{"Configuration": map[string]any{
		"ApiUrl":           cfg.apiURL,
		"ApiKey":           cfg.apiKey,
		"UsersCsv":         "./Data/" + cfg.files[0],
		"GroupsCsv":        "./Data/" + cfg.files[1],
		"MappingCsv":       "./Data/" + cfg.files[2],
		"SyncManagerEmail": "hr-ops@cedarline.example",
		"InviteNewUsers":   cfg.invite,
	}}
	b, err := json.MarshalIndent(c, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	writeFile(t, filepath.Join(dir, "config.json"), string(b))
}

func writeFile(t testing.TB, path, content string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

// editCSV rewrites a CSV file of dir's Data folder line by line: keep
// returns the line to write, or false to drop it. The header is kept.
func editCSV(t testing.TB, dir, name string, keep func(line string) (string, bool)) {
	t.Helper()
	path := filepath.Join(dir, "Data", name)
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.SplitAfter(string(b), "\n")
	var out strings.Builder
	out.WriteString(lines[0])
	for _, l := range lines[1:] {
		if l == "" {
			continue
		}
		if nl, ok := keep(l); ok {
			out.WriteString(nl)
		}
	}
	writeFile(t, path, out.String())
}

// dropUsers removes the users of the first n data lines of users.csv,
// and their mapping rows.
func dropUsers(t testing.TB, dir string, n int) []string {
	t.Helper()
	var ids []string
	editCSV(t, dir, "users.csv", func(l string) (string, bool) {
		if len(ids) < n {
			ids = append(ids, l[:strings.IndexByte(l, ',')])
			return "", false
		}
		return l, true
	})
	editCSV(t, dir, "groups-mapping.csv", func(l string) (string, bool) {
		f := strings.Split(l, ",")
		for _, id := range ids {
			if f[1] == id {
				return "", false
			}
		}
		return l, true
	})
	return ids
}

// sleeps records the waits between attempts instead of waiting.
type sleeps struct {
	mu sync.Mutex
	d  []time.Duration
}

func (s *sleeps) sleep(_ context.Context, d time.Duration) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.d = append(s.d, d)
	return nil
}

func (s *sleeps) waits() []time.Duration {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]time.Duration{}, s.d...)
}

// env returns a Getenv that knows only the given variables.
func env(kv ...string) func(string) string {
	m := map[string]string{}
	for i := 0; i+1 < len(kv); i += 2 {
		m[kv[i]] = kv[i+1]
	}
	return func(k string) string { return m[k] }
}

// run is one push of a test with its output.
type run struct {
	res            *push.Result
	err            error
	stdout, stderr bytes.Buffer
}

// testOptions are the options of a push of dir to the fake in tests: the
// test key from the environment, fast retries, waits recorded in s.
func testOptions(dir string, s *sleeps) push.Options {
	opt := push.Options{
		Plan: plan.Options{
			Path: dir,
			Guards: plan.Guards{
				MaxRemovals:       plan.Limit{Share: 10, Percent: true},
				MaxTeamRemovals:   plan.Limit{Share: 10, Percent: true},
				MaxManagerChanges: plan.Limit{Share: 10, Percent: true},
				MaxInvites:        plan.DefaultMaxInvites,
			},
			Log: func(string) {}, // verbose: doPush writes the lines
		},
		Remote: push.Remote{
			Getenv:    env(push.KeyEnv, testKey),
			Retries:   push.DefaultRetries,
			RetryWait: time.Millisecond,
			Timeout:   time.Minute,
		},
	}
	if s != nil {
		push.SetSleep(&opt.Remote, s.sleep)
	}
	return opt
}

// firstOptions are the testOptions of a first push, which has no record
// of a last push to accept: --first-push.
func firstOptions(dir string, s *sleeps) push.Options {
	return firstPush(testOptions(dir, s))
}

// firstPush returns opt with --first-push.
func firstPush(opt push.Options) push.Options {
	opt.Plan.FirstPush = true
	return opt
}

// doPush runs Push with opt, collecting its output: the plan and the
// summary on stdout; the findings, warnings and (when opt asks for them)
// progress on stderr, in the command's voice.
func doPush(t testing.TB, opt push.Options) *run {
	t.Helper()
	r := &run{}
	opt.Stdout = &r.stdout
	opt.Plan.Findings, opt.Plan.Warn = &r.stderr, warnTo(&r.stderr)
	if opt.Plan.Log != nil {
		opt.Plan.Log = logTo(&r.stderr, "push")
	}
	r.res, r.err = push.Push(context.Background(), opt)
	return r
}

// warnTo writes warnings to w as the command does: "ovsync: warning:
// message", and the hint on its own line.
func warnTo(w io.Writer) func(msg, hint string) {
	return func(msg, hint string) {
		fmt.Fprintf(w, "ovsync: warning: %s\n", msg)
		if hint != "" {
			fmt.Fprintf(w, "    hint: %s\n", hint)
		}
	}
}

// logTo writes lines of progress to w as the command does: "ovsync:
// COMMAND: message".
func logTo(w io.Writer, command string) func(msg string) {
	return func(msg string) { fmt.Fprintf(w, "ovsync: %s: %s\n", command, msg) }
}

// newFake starts a fake API with the test key, closed with the test.
func newFake(t testing.TB, opt pushtest.Options) *pushtest.Server {
	t.Helper()
	if opt.Key == "" {
		opt.Key = testKey
	}
	srv := pushtest.NewServer(opt)
	t.Cleanup(srv.Close)
	return srv
}

// checkDumpGolden reads the dump file and compares it with the golden
// file testdata/golden, which go test -update rewrites first. It returns
// the dump.
func checkDumpGolden(t *testing.T, dump, golden string) []byte {
	t.Helper()
	got, err := os.ReadFile(dump)
	if err != nil {
		t.Fatal(err)
	}
	golden = filepath.Join("testdata", golden)
	if *update {
		if err := os.WriteFile(golden, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(string(want), string(got)); diff != "" {
		t.Errorf("dump mismatch (-want +got); run go test -update to accept:\n%s", diff)
	}
	return got
}

// checkSentDump checks that the body sent is the dump without its
// indentation, byte for byte.
func checkSentDump(t *testing.T, sent, dump []byte) {
	t.Helper()
	var compact bytes.Buffer
	if err := json.Compact(&compact, dump); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(compact.Bytes(), sent) {
		t.Errorf("the body sent is not the dump without indentation:\nsent %.200s\ndump %.200s", sent, compact.Bytes())
	}
}

// makePlan makes the plan of a push of opt as "ovsync plan -o" does
// (the files' digests taken), with push's protocols.
func makePlan(opt push.Options) (*plan.Plan, error) {
	o := opt.Plan
	o.Protocols, o.Digests = push.Protocols(), true
	return plan.Make(o)
}
