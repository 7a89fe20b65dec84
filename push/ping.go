package push

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"time"

	"github.com/ovsync/ovsync/internal/plural"
	"github.com/ovsync/ovsync/internal/redact"
	"github.com/ovsync/ovsync/push/plan"
)

// PingOptions say which service to ping and with which key.
type PingOptions struct {
	// Path is a config.json of the original tool, or a folder holding
	// one; "" means the current folder.
	Path string
	// Route names the protocol ("" is legacy) and the hosts its URL may
	// name beyond the service's own.
	Route plan.Route
	// Remote says how to reach the service and where the key is.
	Remote
	// Keys are the run's keys: the key found is added to them, and no
	// message holds a piece of one; nil means keys of the ping's own.
	Keys *redact.Redactor
	// Stdout gets the one-line answer; nil discards. Warn gets the
	// service's message, Log the attempts (when verbose); nil discards.
	Stdout io.Writer
	Warn   func(msg, hint string)
	Log    func(msg string)
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
	o := newOutput(opt.Stdout, opt.Warn, opt.Log, opt.Keys)
	defer o.flush()
	res, err := ping(ctx, opt, o)
	return res, o.red.Error(err)
}

func ping(ctx context.Context, opt PingOptions, o *output) (*PingResult, error) {
	res := &PingResult{}
	proto, err := lookupProtocol(opt.Route.Protocol)
	if err != nil {
		return res, err
	}
	if opt.Retries < 0 {
		return res, fmt.Errorf("--retries cannot be negative")
	}
	cfg, err := setup(opt.Path, opt.Remote, o)
	if err != nil {
		return res, err
	}
	e, err := proto.endpoint(cfg, opt.Route)
	if err != nil {
		return res, err
	}
	logService(o, cfg, e)
	if o.key.value == "" {
		return res, errNoKey()
	}
	u, ok := proto.pingURL(e)
	if !ok {
		return res, fmt.Errorf("the %s protocol has no ping", proto.Name())
	}
	res.URL = u
	cl := newClient(opt.Remote, e, DefaultPingTimeout, o.logf, o.red)
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
	fmt.Fprintf(o.out, "the API key works: %s answered the ping (key from %s, %s)\n", e, o.key.source, plural.Count(attempts, "attempt", "attempts"))
	if msg != "" {
		o.warnf("the service says: %s", oneLine(msg))
	}
	return res, nil
}
