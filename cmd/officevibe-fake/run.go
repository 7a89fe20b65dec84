package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"time"

	"github.com/ovsync/ovsync/push"
	"github.com/ovsync/ovsync/push/pushtest"
)

// keyEnv is the environment variable holding the key when -key is not
// given; it keeps the key out of the process list and shell history.
const keyEnv = "OFFICEVIBE_FAKE_KEY"

// Exit statuses.
const (
	exitOK      = 0
	exitFailure = 1 // the server could not start or stopped on an error
	exitUsage   = 2
)

// config is what the flags ask for.
type config struct {
	addr *net.TCPAddr
	opt  pushtest.Options
}

// usageError is a mistake in the command line.
type usageError struct{ msg string }

func (e usageError) Error() string { return e.msg }

// parseFlags turns the command line and environment into a config. It
// writes the help text to stderr for -h and returns flag.ErrHelp.
func parseFlags(args []string, stderr io.Writer, getenv func(string) string) (config, error) {
	fs := flag.NewFlagSet("officevibe-fake", flag.ContinueOnError)
	fs.SetOutput(stderr)
	addr := fs.String("addr", "127.0.0.1:8080", "loopback `host:port` to listen on")
	key := fs.String("key", "", "the API `KEY` to accept, in both protocols (default $"+keyEnv+")")
	fail := fs.Int("fail", 0, "answer the next `N` requests with 503 Service Unavailable")
	retryAfter := fs.Int("retry-after", 0, "answer with 429 Too Many Requests and Retry-After: `S` seconds")
	throttle := fs.Int("throttle", 0, "how many requests get the 429 of -retry-after (`N`, default 1)")
	delay := fs.Duration("delay", 0, "answer every request `D` later (e.g. 2s)")
	drop := fs.Int("drop", 0, "close the connection of the next `N` requests without an answer")
	pause := fs.Bool("pause-for-approval", false, "answer successor syncs as paused for approval by Workleap's risk thresholds")
	fs.Usage = func() {
		fmt.Fprintf(stderr, "usage: %s=KEY officevibe-fake [flags]\n\n", keyEnv)
		fmt.Fprintf(stderr, "Serves a fake Officevibe sync API (%s, %s) and Workleap provisioning API (%s)\n", push.SyncPath, push.PingPath, push.ProvisioningPath)
		fmt.Fprintf(stderr, "on a loopback address, for rehearsing a push. GET %s lists the syncs received.\n\n", pushtest.HistoryPath)
		fs.PrintDefaults()
		fmt.Fprintf(stderr, "\nexample:\n  %s=rehearsal officevibe-fake -addr 127.0.0.1:8080 -fail 2\n", keyEnv)
	}
	if err := fs.Parse(args); err != nil {
		return config{}, err
	}
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })

	var cfg config
	switch {
	case fs.NArg() > 0:
		return cfg, usageError{fmt.Sprintf("unexpected argument %q: officevibe-fake takes only flags", fs.Arg(0))}
	case *fail < 0 || *drop < 0 || *throttle < 0 || *retryAfter < 0 || *delay < 0:
		return cfg, usageError{"-fail, -drop, -throttle, -retry-after and -delay cannot be negative"}
	case set["throttle"] && !set["retry-after"]:
		return cfg, usageError{"-throttle needs -retry-after"}
	}
	k := *key
	if k == "" {
		k = getenv(keyEnv)
	}
	if k == "" {
		return cfg, usageError{"no key: set " + keyEnv + " (or -key) to the key the fake must accept"}
	}
	a, err := loopback(*addr)
	if err != nil {
		return cfg, err
	}
	cfg.addr = a
	cfg.opt = pushtest.Options{
		Key:              k,
		Fail:             *fail,
		Drop:             *drop,
		Delay:            *delay,
		PauseForApproval: *pause,
	}
	if set["retry-after"] {
		cfg.opt.Throttle = 1
		if set["throttle"] {
			cfg.opt.Throttle = *throttle
		}
		cfg.opt.RetryAfter = time.Duration(*retryAfter) * time.Second
	}
	return cfg, nil
}

// loopback resolves addr and refuses anything but a loopback address: a
// fake that accepts any key must not be reachable from the network.
func loopback(addr string) (*net.TCPAddr, error) {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return nil, usageError{fmt.Sprintf("-addr %q: want host:port, such as 127.0.0.1:8080", addr)}
	}
	if host == "" {
		return nil, usageError{fmt.Sprintf("-addr %q would listen on every interface: give a loopback host, such as 127.0.0.1:8080", addr)}
	}
	a, err := net.ResolveTCPAddr("tcp", addr)
	if err != nil {
		return nil, usageError{fmt.Sprintf("-addr %q: %v", addr, err)}
	}
	if !a.IP.IsLoopback() {
		return nil, usageError{fmt.Sprintf("-addr %q is not a loopback address: the fake listens only on 127.0.0.1, ::1 or localhost", addr)}
	}
	return a, nil
}

// run serves the fake until ctx ends and returns the exit status.
func run(ctx context.Context, args []string, stderr io.Writer, getenv func(string) string) int {
	cfg, err := parseFlags(args, stderr, getenv)
	switch {
	case errors.Is(err, flag.ErrHelp):
		return exitOK
	case err != nil:
		var ue usageError
		if errors.As(err, &ue) {
			fmt.Fprintf(stderr, "officevibe-fake: %v\n", err)
		} // the flag package has printed its own errors and the usage
		return exitUsage
	}
	ln, err := net.ListenTCP("tcp", cfg.addr)
	if err != nil {
		fmt.Fprintf(stderr, "officevibe-fake: %v\n", err)
		return exitFailure
	}
	cfg.opt.Log = stderr
	srv := &http.Server{
		Handler:           pushtest.NewFake(cfg.opt),
		ReadHeaderTimeout: 10 * time.Second,
	}
	fmt.Fprintf(stderr, "officevibe-fake: listening on http://%s (ApiUrl for config.json; %s for the provisioning protocol)\n",
		ln.Addr(), "http://"+ln.Addr().String()+push.ProvisioningPath)
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ln) }()
	select {
	case err := <-done:
		fmt.Fprintf(stderr, "officevibe-fake: %v\n", err)
		return exitFailure
	case <-ctx.Done():
	}
	shutdown, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := srv.Shutdown(shutdown); err != nil {
		_ = srv.Close()
	}
	<-done
	fmt.Fprintln(stderr, "officevibe-fake: stopped")
	return exitOK
}
