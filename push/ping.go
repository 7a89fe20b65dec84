package push

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"time"
)

// PingOptions say which service to ping and with which key.
type PingOptions struct {
	// Path is a config.json of the original tool, or a folder holding
	// one; "" means the current folder.
	Path string
	// Remote says how to reach the service and where the key is.
	Remote
	// Verbose reports the attempts on Stderr.
	Verbose bool
	// Stdout gets the one-line answer; Stderr progress. nil discards.
	Stdout, Stderr io.Writer
}

// PingResult is what a ping found.
type PingResult struct {
	// URL is the URL that was pinged.
	URL string
	// Attempts counts the requests made.
	Attempts int
	// Elapsed is the time from the first attempt to the answer.
	Elapsed time.Duration
	// Message is the service's errorMessage, if any, on a ping that went
	// through.
	Message string
}

// Ping checks the key and the service with the protocol's cheap request
// (GET {ApiUrl}/api/v2/ping), with the same key rules, endpoint rules,
// retries and reading of answers as [Push]. A nil error means the key
// works.
func Ping(ctx context.Context, opt PingOptions) (*PingResult, error) {
	o := newOutput(opt.Stdout, opt.Stderr, opt.Verbose, "ping", opt.Redactor)
	defer o.flush()
	opt.Redactor = o.red
	res, err := ping(ctx, opt, o)
	return res, o.red.Error(err)
}

func ping(ctx context.Context, opt PingOptions, o *output) (*PingResult, error) {
	res := &PingResult{}
	proto, err := lookupProtocol(opt.Protocol)
	if err != nil {
		return res, err
	}
	if opt.Retries < 0 {
		return res, fmt.Errorf("--retries cannot be negative")
	}
	_, cfg, err := setup(opt.Path, opt.Remote, o)
	if err != nil {
		return res, err
	}
	e, err := proto.endpoint(cfg, opt.Remote)
	if err != nil {
		return res, err
	}
	logService(o, cfg, e)
	if o.key.value == "" {
		return res, errNoKey()
	}
	u, ok := proto.pingURL(e)
	if !ok {
		return res, fmt.Errorf("the %s protocol has no ping", proto.name())
	}
	res.URL = u
	cl := newClient(opt.Remote, e, DefaultPingTimeout, o.logf)
	start := time.Now()
	a, attempts, err := cl.do(ctx, "ping", func(ctx context.Context) (*http.Request, error) {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
		if err != nil {
			return nil, err
		}
		setHeaders(req.Header, proto, &o.key, opt.UserAgent)
		return req, nil
	})
	res.Attempts, res.Elapsed = attempts, time.Since(start)
	if err != nil {
		return res, err
	}
	msg, err := proto.readPing(a)
	if err != nil {
		return res, withKeyHint(err, o.key, proto)
	}
	res.Message = msg
	fmt.Fprintf(o.out, "the API key works: %s answered the ping (key from %s, %s)\n", e, o.key.source, nounCount(attempts, "attempt", "attempts"))
	if msg != "" {
		o.warnf("the service says: %s", oneLine(msg))
	}
	return res, nil
}
