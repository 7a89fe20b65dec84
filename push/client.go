package push

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"time"

	"github.com/ovsync/ovsync/internal/loopback"
	"github.com/ovsync/ovsync/internal/redact"
)

// Defaults of [Remote] that the command uses for its flags.
const (
	// DefaultRetries is how many times a failed attempt is retried.
	DefaultRetries = 3
	// DefaultRetryWait is the wait before the first retry; it doubles with
	// each retry, with jitter.
	DefaultRetryWait = 2 * time.Second
	// DefaultTimeout bounds one attempt of a push: connection, upload and
	// the service's answer.
	DefaultTimeout = 10 * time.Minute
	// DefaultPingTimeout bounds one attempt of a ping.
	DefaultPingTimeout = 30 * time.Second
)

// maxRetryWait caps one wait between attempts, Retry-After included: a
// service that asks for longer is reported as unavailable instead.
const maxRetryWait = 10 * time.Minute

// Remote says how to reach the service once its URL is known (the
// route, plan.Route, says which): where the key is, retries, timeouts,
// trust. Push and ping share it.
type Remote struct {
	// APIKeyFile is a file holding the API key (--api-key-file). The key
	// is taken from it first, then from OFFICEVIBE_API_KEY, then from
	// ApiKey in config.json.
	APIKeyFile string
	// Getenv reads the environment; nil means os.Getenv.
	Getenv func(string) string
	// Retries is how many times an attempt that failed on the network,
	// with 429 or with 5xx is retried (0: none).
	Retries int
	// RetryWait is the wait before the first retry, doubled for each next
	// one, with jitter; a Retry-After header takes its place. 0 means
	// DefaultRetryWait.
	RetryWait time.Duration
	// Timeout bounds each attempt; 0 means DefaultTimeout for a push and
	// DefaultPingTimeout for a ping.
	Timeout time.Duration
	// RootCAs are the certificate authorities to trust; nil means the
	// system's.
	RootCAs *x509.CertPool
	// UserAgent is sent as User-Agent ("ovsync/VERSION").
	UserAgent string

	// sleep waits between attempts; nil means a timer. Tests record the
	// waits instead.
	sleep func(ctx context.Context, d time.Duration) error
}

// client sends requests to one endpoint with the retry policy.
type client struct {
	hc      *http.Client
	retries int
	wait    time.Duration
	timeout time.Duration
	sleep   func(ctx context.Context, d time.Duration) error
	logf    func(format string, args ...any)
	red     *redact.Redactor
}

// newClient builds the HTTP client, whose answers go through red:
// Go's standard transport (proxies from
// HTTPS_PROXY and NO_PROXY, the system's certificate authorities or
// RootCAs, HTTP/2), TLS 1.2 at least, redirects never followed, and for
// a plain-http loopback endpoint a dialer that refuses any address that
// is not loopback.
func newClient(r Remote, e endpoint, timeout time.Duration, logf func(string, ...any), red *redact.Redactor) *client {
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.TLSClientConfig = &tls.Config{MinVersion: tls.VersionTLS12, RootCAs: r.RootCAs}
	tr.WriteBufferSize = 256 << 10
	if e.plainHTTP() {
		tr.Proxy = nil
		dial := (&net.Dialer{Timeout: 30 * time.Second, KeepAlive: 30 * time.Second}).DialContext
		tr.DialContext = func(ctx context.Context, network, addr string) (net.Conn, error) {
			conn, err := dial(ctx, network, addr)
			if err != nil {
				return nil, err
			}
			if host, _, err := net.SplitHostPort(conn.RemoteAddr().String()); err != nil || !loopback.Is(host) {
				conn.Close()
				return nil, fmt.Errorf("%w, and %s is not one", errNotLoopback, conn.RemoteAddr())
			}
			return conn, nil
		}
	}
	if r.Timeout > 0 {
		timeout = r.Timeout
	}
	wait := r.RetryWait
	if wait <= 0 {
		wait = DefaultRetryWait
	}
	sleep := r.sleep
	if sleep == nil {
		sleep = sleepCtx
	}
	return &client{
		hc: &http.Client{
			Transport: tr,
			CheckRedirect: func(*http.Request, []*http.Request) error {
				return http.ErrUseLastResponse
			},
		},
		retries: max(r.Retries, 0),
		wait:    wait,
		timeout: timeout,
		sleep:   sleep,
		logf:    logf,
		red:     red,
	}
}

// errNotLoopback refuses a plain-http connection that did not reach a
// loopback address (a name such as localhost resolved elsewhere).
var errNotLoopback = errors.New("plain http is allowed only to a loopback address")

// sleepCtx waits d unless ctx ends first.
func sleepCtx(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// backoff is the wait before retry n (1-based): RetryWait·2^(n-1), of
// which a random half is taken off ("equal jitter"), so that clients that
// failed together do not come back together.
func (c *client) backoff(n int) time.Duration {
	d := c.wait << min(n-1, 16)
	if d <= 0 || d > maxRetryWait {
		d = maxRetryWait
	}
	return d/2 + time.Duration(rand.Int64N(int64(d/2)+1))
}

// do sends the request that build makes, once per attempt, until an
// answer that is not worth retrying comes or the attempts run out. build
// gets each attempt's context and must give a fresh body each time. It
// returns the final answer and the number of attempts; a failure on
// every attempt is an [*UnavailableError].
func (c *client) do(ctx context.Context, what string, build func(ctx context.Context) (*http.Request, error)) (answer, int, error) {
	for attempt := 1; ; attempt++ {
		a, err := c.attempt(ctx, attempt, what, build)
		if err == nil && !retryableStatus(a.status) {
			return a, attempt, nil
		}
		if ctx.Err() != nil {
			return answer{}, attempt, ctx.Err()
		}
		var wait time.Duration
		if err != nil {
			if !retryableError(err) {
				if errors.Is(err, errFilesChanged) {
					return answer{}, attempt, errFilesChanged
				}
				return answer{}, attempt, &UnavailableError{Attempts: attempt, Err: err}
			}
			wait = c.backoff(attempt)
		} else {
			err = fmt.Errorf("the service answered %s", statusText(a.status))
			wait = c.backoff(attempt)
			if ra, ok := retryAfter(a.header, time.Now()); ok {
				if ra > maxRetryWait {
					return answer{}, attempt, &UnavailableError{Attempts: attempt,
						Err: fmt.Errorf("%w and asks to retry after %s", err, ra.Round(time.Second))}
				}
				wait = ra
			}
		}
		if attempt > c.retries {
			return answer{}, attempt, &UnavailableError{Attempts: attempt, Err: err}
		}
		c.logf("attempt %d failed: %v; retrying in %s", attempt, err, wait.Round(time.Millisecond))
		if err := c.sleep(ctx, wait); err != nil {
			return answer{}, attempt, err
		}
	}
}

// attempt makes one request and reads its answer whole.
func (c *client) attempt(ctx context.Context, n int, what string, build func(ctx context.Context) (*http.Request, error)) (answer, error) {
	actx, cancel := context.WithTimeout(ctx, c.timeout)
	defer cancel()
	req, err := build(actx)
	if err != nil {
		return answer{}, err
	}
	if req.Body != nil {
		// Ends the goroutine that streams the body, whatever happened.
		defer req.Body.Close()
	}
	start := time.Now()
	c.logf("attempt %d: %s %s", n, req.Method, req.URL.Redacted())
	resp, err := c.hc.Do(req)
	if err != nil {
		if errors.Is(err, errFilesChanged) {
			return answer{}, errFilesChanged
		}
		if actx.Err() == context.DeadlineExceeded && ctx.Err() == nil {
			return answer{}, fmt.Errorf("%s: gave up after %s (--timeout)", what, c.timeout)
		}
		return answer{}, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxAnswer))
	if err != nil {
		return answer{}, fmt.Errorf("%s: reading the answer: %w", what, err)
	}
	// The answer may echo the key (a proxy's error page, a service that
	// quotes the request): it is redacted here, whole, before any of it
	// is decoded, folded or cut for a message.
	body = c.red.Bytes(body)
	for _, vs := range resp.Header {
		for i, v := range vs {
			vs[i] = c.red.String(v)
		}
	}
	c.logf("attempt %d: %s after %s, %d bytes of %s", n, statusText(resp.StatusCode),
		time.Since(start).Round(time.Millisecond), len(body), orNone(resp.Header.Get("Content-Type")))
	return answer{status: resp.StatusCode, header: resp.Header, body: body, red: c.red}, nil
}

// orNone returns s, or "no content type" when it is empty.
func orNone(s string) string {
	if s == "" {
		return "no content type"
	}
	return s
}

// retryableError reports whether a failed request is worth another
// attempt: network failures are, except certificate problems and names
// that do not resolve, which another attempt would not fix.
func retryableError(err error) bool {
	var certErr *tls.CertificateVerificationError
	var unknownCA x509.UnknownAuthorityError
	var hostErr x509.HostnameError
	var invalid x509.CertificateInvalidError
	var dnsErr *net.DNSError
	switch {
	case errors.Is(err, errFilesChanged), errors.Is(err, errNotLoopback), errors.Is(err, context.Canceled):
		return false
	case errors.As(err, &certErr), errors.As(err, &unknownCA), errors.As(err, &hostErr), errors.As(err, &invalid):
		return false
	case errors.As(err, &dnsErr) && dnsErr.IsNotFound:
		return false
	}
	return true
}
