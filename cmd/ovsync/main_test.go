package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/rogpeppe/go-internal/testscript"

	"github.com/ovsync/ovsync/internal/corpus"
	"github.com/ovsync/ovsync/push"
	"github.com/ovsync/ovsync/push/pushtest"
)

// update rewrites the expectations of the scripts (the files that cmp
// compares with) from what the commands print: go test -update. Read the
// diff before committing.
var update = flag.Bool("update", false, "rewrite the expected output in testdata/script")

// TestMain lets the test binary run as the ovsync command: the scripts'
// "exec ovsync ..." runs a copy of this binary that calls run, the same
// function as main.
func TestMain(m *testing.M) {
	testscript.Main(m, map[string]func(){
		"ovsync": func() { os.Exit(run(os.Args, os.Stdin, os.Stdout, os.Stderr)) },
	})
}

// TestScript runs the scripts of testdata/script, one behaviour of the
// command line per script, named after the subcommand first
// (lint-ragged-row.txtar). Each script runs in its own $WORK folder; $REPO is
// the repository root, to copy the bundled orgs from (never write there):
//
//	mkdir org/Data
//	cp $REPO/testdata/sample/config.json org
//	cp $REPO/testdata/sample/Data/users.csv org/Data
func TestScript(t *testing.T) {
	testscript.Run(t, scriptParams(t, filepath.Join("testdata", "script")))
}

// scriptParams are the parameters of the scripts of dir.
func scriptParams(t testing.TB, dir string) testscript.Params {
	repo, err := corpus.ModuleRoot()
	if err != nil {
		t.Fatal(err)
	}
	return testscript.Params{
		Dir:                 dir,
		UpdateScripts:       *update,
		RequireExplicitExec: true,
		RequireUniqueNames:  true,
		Setup: func(env *testscript.Env) error {
			env.Setenv("REPO", repo)
			env.Values[fakeKey{}] = &scriptFake{}
			return nil
		},
		Cmds: scriptCmds(),
	}
}

// scriptCmds returns the commands the scripts have beyond testscript's
// own. A subcommand whose scripts need more (graph: a check of the DOT
// output; push: a fake API started with push/pushtest over loopback) adds
// its commands to this map, each with a usage line in its comment.
func scriptCmds() map[string]func(ts *testscript.TestScript, neg bool, args []string) {
	return map[string]func(ts *testscript.TestScript, neg bool, args []string){
		// status CODE PROGRAM [ARGS...]: run PROGRAM as exec does, keep its
		// stdout and stderr for the next stdout/stderr/cmp commands, and
		// fail unless it exits with CODE. "! exec" only tells 0 from the
		// rest, but ovsync's exit statuses mean different things (1:
		// findings, 2: the run failed).
		"status": cmdStatus,
		// unescape FILE...: rewrite each file with every \xHH replaced by
		// the byte HH, to write bytes a txtar archive cannot hold as text
		// (Windows-1252 letters, NUL bytes of UTF-16, a CR before LF).
		"unescape": cmdUnescape,
		// [!] validjson FILE...: each file (stdout and stderr name the last
		// command's output, as in cmp) must hold exactly one JSON value.
		"validjson": cmdValidJSON,
		// fakeapi start [-key K] [-fail N] [-throttle N -retry-after S]
		// [-drop N] [-delay D] [-refuse MSG] [-pause] [-job-status S]
		// [-job-answer BODY [-answer-status N]]: start the fake API of
		// push/pushtest on a loopback port for this script and set
		// $FAKEURL to its base URL ($FAKEHOST to its host:port); -refuse answers every accepted sync
		// with isSuccess false and MSG. The fake stops with the script.
		// Provisioning syncs: -pause answers them as paused for approval;
		// -job-status S answers an accepted one with status S instead of
		// scheduled; -job-answer answers it with BODY as it is, with
		// status N (default 202).
		// fakeapi set [-fail N] [-throttle N -retry-after S] [-drop N]
		// [-delay D] [-refuse MSG] [-pause] [-job-status S] [-job-answer
		// BODY [-answer-status N]]: change the faults and answers of the
		// running fake (a flag left out turns its fault or answer off).
		// The key is the fake's for good: set refuses -key.
		// fakeapi seturl FILE: set ApiUrl of the config.json FILE to $FAKEURL.
		// fakeapi history: print "requests: N" (every request, faults
		// included) and one line per sync received, for stdout and cmp.
		// fakeapi header NAME: print the value of header NAME in the last
		// request, or an empty line when it had none, for stdout.
		"fakeapi": cmdFakeAPI,
	}
}

// cmdStatus implements the status command.
func cmdStatus(ts *testscript.TestScript, neg bool, args []string) {
	if neg {
		ts.Fatalf("unsupported: ! status (give the expected status instead)")
	}
	if len(args) < 2 {
		ts.Fatalf("usage: status CODE PROGRAM [ARGS...]")
	}
	want, err := strconv.Atoi(args[0])
	if err != nil || want < 0 {
		ts.Fatalf("status: %q is not an exit status", args[0])
	}
	got := 0
	if err := ts.Exec(args[1], args[2:]...); err != nil {
		var ee *exec.ExitError
		if !errors.As(err, &ee) {
			ts.Fatalf("status: %v", err)
		}
		got = ee.ExitCode()
	}
	if got != want {
		ts.Fatalf("%s exited with status %d, want %d", args[1], got, want)
	}
}

// cmdUnescape implements the unescape command.
func cmdUnescape(ts *testscript.TestScript, neg bool, args []string) {
	if neg {
		ts.Fatalf("unsupported: ! unescape")
	}
	if len(args) == 0 {
		ts.Fatalf("usage: unescape FILE...")
	}
	for _, name := range args {
		out, err := unescapeBytes(ts.ReadFile(name))
		if err != nil {
			ts.Fatalf("unescape %s: %v", name, err)
		}
		ts.Check(os.WriteFile(ts.MkAbs(name), out, 0o666))
	}
}

// unescapeBytes replaces each \xHH of s by the byte it names.
func unescapeBytes(s string) ([]byte, error) {
	var out []byte
	for {
		i := strings.Index(s, `\x`)
		if i < 0 {
			return append(out, s...), nil
		}
		if i+4 > len(s) {
			return nil, fmt.Errorf("%q: want two hex digits after \\x", s[i:])
		}
		b, err := strconv.ParseUint(s[i+2:i+4], 16, 8)
		if err != nil {
			return nil, fmt.Errorf("%q: want two hex digits after \\x", s[i:i+4])
		}
		out = append(append(out, s[:i]...), byte(b))
		s = s[i+4:]
	}
}

// cmdValidJSON implements the validjson command.
func cmdValidJSON(ts *testscript.TestScript, neg bool, args []string) {
	if len(args) == 0 {
		ts.Fatalf("usage: validjson FILE...")
	}
	for _, name := range args {
		valid := json.Valid([]byte(ts.ReadFile(name)))
		switch {
		case neg && valid:
			ts.Fatalf("%s is valid JSON", name)
		case !neg && !valid:
			ts.Fatalf("%s is not valid JSON", name)
		}
	}
}

func TestUnescapeBytes(t *testing.T) {
	tests := []struct {
		name, in string
		want     []byte
		wantErr  bool
	}{
		{name: "plain", in: "id,email\n", want: []byte("id,email\n")},
		{name: "bytes", in: `Ren\xE9\x0D\x0A`, want: []byte("Ren\xe9\r\n")},
		{name: "nul", in: `i\x00d\x00`, want: []byte("i\x00d\x00")},
		{name: "backslash kept", in: `a\b`, want: []byte(`a\b`)},
		{name: "short", in: `a\xE`, wantErr: true},
		{name: "not hex", in: `a\xZZ`, wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := unescapeBytes(tt.in)
			if (err != nil) != tt.wantErr {
				t.Fatalf("unescapeBytes(%q) error = %v, want error %v", tt.in, err, tt.wantErr)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("unescapeBytes(%q) mismatch (-want +got):\n%s", tt.in, diff)
			}
		})
	}
}

// fakeKey is the key of a script's [scriptFake] in testscript's values.
type fakeKey struct{}

// scriptFake is the fake API of one script, once started.
type scriptFake struct {
	fake *pushtest.Fake
	srv  *httptest.Server
	// mu guards the answer to provisioning syncs, which the server's
	// goroutines read.
	mu     sync.Mutex
	answer jobAnswer
	refuse string // the message of -refuse, "" for none
}

// jobAnswer is what a script makes the fake answer to provisioning syncs
// that it accepted: the zero value leaves its answer alone.
type jobAnswer struct {
	status string // the job's status in place of the fake's
	body   string // the whole body in place of the fake's
	code   int    // the HTTP status of body
}

// cmdFakeAPI implements the fakeapi command.
func cmdFakeAPI(ts *testscript.TestScript, neg bool, args []string) {
	if neg {
		ts.Fatalf("unsupported: ! fakeapi")
	}
	if len(args) == 0 {
		ts.Fatalf("usage: fakeapi start|set|seturl|history [ARGS...]")
	}
	sf, _ := ts.Value(fakeKey{}).(*scriptFake)
	if sf == nil {
		ts.Fatalf("fakeapi: no fake for this script")
	}
	if args[0] != "start" && sf.fake == nil {
		ts.Fatalf("fakeapi %s: start the fake first", args[0])
	}
	switch args[0] {
	case "start", "set":
		fs := flag.NewFlagSet("fakeapi "+args[0], flag.ContinueOnError)
		key := fs.String("key", pushtest.DefaultKey, "the API key to accept")
		fail := fs.Int("fail", 0, "answer the next N requests with 503")
		throttle := fs.Int("throttle", 0, "answer the next N requests with 429")
		retryAfter := fs.Int("retry-after", 0, "Retry-After of the 429 answers, in seconds")
		drop := fs.Int("drop", 0, "close the connection of the next N requests")
		delay := fs.Duration("delay", 0, "answer every request that much later")
		refuse := fs.String("refuse", "", "answer accepted syncs with isSuccess false and this message")
		pause := fs.Bool("pause", false, "answer provisioning syncs as paused for approval")
		jobStatus := fs.String("job-status", "", "answer accepted provisioning syncs with this job status")
		jobBody := fs.String("job-answer", "", "answer accepted provisioning syncs with this body")
		code := fs.Int("answer-status", http.StatusAccepted, "the HTTP status of -job-answer")
		fs.SetOutput(io.Discard)
		if err := fs.Parse(args[1:]); err != nil || fs.NArg() > 0 {
			ts.Fatalf("fakeapi %s: bad flags %v: %v", args[0], args[1:], err)
		}
		if args[0] == "set" {
			fs.Visit(func(f *flag.Flag) {
				if f.Name == "key" {
					ts.Fatalf("fakeapi set: -key is not supported: the fake's key is the one of fakeapi start")
				}
			})
		}
		sf.mu.Lock()
		sf.answer = jobAnswer{status: *jobStatus, body: *jobBody, code: *code}
		sf.refuse = *refuse
		sf.mu.Unlock()
		if args[0] == "set" {
			sf.fake.FailNext(*fail)
			sf.fake.ThrottleNext(*throttle, time.Duration(*retryAfter)*time.Second)
			sf.fake.DropNext(*drop)
			sf.fake.SetDelay(*delay)
			sf.fake.SetPauseForApproval(*pause)
			return
		}
		if sf.fake != nil {
			ts.Fatalf("fakeapi start: already started")
		}
		sf.fake = pushtest.NewFake(pushtest.Options{Key: *key, Fail: *fail, Throttle: *throttle,
			RetryAfter: time.Duration(*retryAfter) * time.Second, Drop: *drop, Delay: *delay, PauseForApproval: *pause})
		sf.srv = httptest.NewServer(sf.answering(sf.refusing(sf.fake)))
		ts.Defer(sf.srv.Close)
		ts.Setenv("FAKEURL", sf.srv.URL)
		ts.Setenv("FAKEHOST", strings.TrimPrefix(sf.srv.URL, "http://"))
	case "seturl":
		if len(args) != 2 {
			ts.Fatalf("usage: fakeapi seturl FILE")
		}
		var cfg map[string]map[string]any
		ts.Check(json.Unmarshal([]byte(ts.ReadFile(args[1])), &cfg))
		if cfg["Configuration"] == nil {
			ts.Fatalf("fakeapi seturl: %s has no Configuration object", args[1])
		}
		cfg["Configuration"]["ApiUrl"] = sf.srv.URL
		out, err := json.MarshalIndent(cfg, "", "  ")
		ts.Check(err)
		ts.Check(os.WriteFile(ts.MkAbs(args[1]), out, 0o666))
	case "history":
		w := ts.Stdout()
		fmt.Fprintf(w, "requests: %d\n", sf.fake.Requests())
		for _, s := range sf.fake.History() {
			fmt.Fprintf(w, "sync %s %s users=%d groups=%d mappings=%d", s.Protocol, s.Status, s.Users, s.Groups, s.Mappings)
			if s.Settings != nil {
				fmt.Fprintf(w, " invite=%t", s.Settings.InviteNewUsers)
			}
			if s.JobStatus != "" {
				fmt.Fprintf(w, " job=%s", s.JobStatus)
			}
			fmt.Fprintln(w)
		}
	case "header":
		if len(args) != 2 {
			ts.Fatalf("usage: fakeapi header NAME")
		}
		// Always a line, so that stdout is this command's, not the last one's.
		fmt.Fprintln(ts.Stdout(), strings.Join(sf.fake.LastHeader().Values(args[1]), ", "))
	default:
		ts.Fatalf("fakeapi: unknown subcommand %q (use start, set, seturl, history or header)", args[0])
	}
}

// answering serves h, and answers the provisioning syncs that h accepted
// (202) as the script asked with -job-status or -job-answer.
func (sf *scriptFake) answering(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		sf.mu.Lock()
		a := sf.answer
		sf.mu.Unlock()
		if r.URL.Path != push.ProvisioningPath || a == (jobAnswer{code: a.code}) {
			h.ServeHTTP(w, r)
			return
		}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, r)
		var job push.JobResponse
		if rec.Code != http.StatusAccepted || json.Unmarshal(rec.Body.Bytes(), &job) != nil {
			for k, v := range rec.Header() {
				w.Header()[k] = v
			}
			w.WriteHeader(rec.Code)
			_, _ = w.Write(rec.Body.Bytes())
			return
		}
		w.Header().Set("Content-Type", push.ContentType)
		if a.body != "" {
			w.WriteHeader(a.code)
			_, _ = io.WriteString(w, a.body)
			return
		}
		job.Status = a.status
		w.WriteHeader(http.StatusAccepted)
		_ = json.NewEncoder(w).Encode(job)
	})
}

// refusing answers the syncs that fake accepts with isSuccess false and
// the message of -refuse, as the service does with a payload it refuses,
// while the script asks for it.
func (sf *scriptFake) refusing(fake *pushtest.Fake) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		sf.mu.Lock()
		msg := sf.refuse
		sf.mu.Unlock()
		if r.URL.Path != push.SyncPath || msg == "" {
			fake.ServeHTTP(w, r)
			return
		}
		rec := httptest.NewRecorder()
		fake.ServeHTTP(rec, r)
		var answer push.SyncResponse
		if rec.Code != http.StatusOK || json.Unmarshal(rec.Body.Bytes(), &answer) != nil || !answer.IsSuccess {
			for k, v := range rec.Header() {
				w.Header()[k] = v
			}
			w.WriteHeader(rec.Code)
			_, _ = w.Write(rec.Body.Bytes())
			return
		}
		var b bytes.Buffer
		_ = json.NewEncoder(&b).Encode(push.SyncResponse{IsSuccess: false, Errors: []string{msg}})
		w.Header().Set("Content-Type", push.ContentType)
		_, _ = w.Write(b.Bytes())
	})
}
