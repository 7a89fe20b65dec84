package push

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"hash"
	"io"
	"net/http"
	"sync"
	"sync/atomic"
	"time"

	"github.com/ovsync/ovsync/internal/plural"
	"github.com/ovsync/ovsync/lint"
	"github.com/ovsync/ovsync/push/plan"
)

// send uploads the body, streamed from the files again and checked
// against the plan's size and digest as it goes, with the client's
// retries, and reads the service's answer: an accepted sync, or the
// error that says why not.
func send(ctx context.Context, f *flight, p *plan.Plan, opt Options, o *output, res *Result) error {
	cl := newClient(opt.Remote, f.e, DefaultTimeout, o.logf, o.red)
	var sent atomic.Int64
	stop := func() {}
	if o.verbose() {
		stop = progress(o, &sent, p.Bytes)
	}
	start := time.Now()
	a, attempts, err := cl.do(ctx, "sync", func(ctx context.Context) (*http.Request, error) {
		sent.Store(0)
		return syncRequest(ctx, f.proto, f.e, f.pl.Config(), &o.key, opt.UserAgent, p.Bytes, p.Digest, &sent)
	})
	stop()
	res.Attempts = attempts
	res.Elapsed = time.Since(start)
	if err != nil {
		return err
	}
	outcome, err := f.proto.readSync(a)
	res.Job = outcome.job
	if err != nil {
		if outcome.job != nil {
			fmt.Fprintf(o.out, "job %s, status %s\n", outcome.job.JobID, outcome.job.Status)
		}
		return withKeyHint(err, o.key, f.proto)
	}
	res.Sent, res.Warnings = true, outcome.warnings
	o.logf("sent %s in %s (%.1f MB/s)", plural.Bytes(p.Bytes), res.Elapsed.Round(time.Millisecond), float64(p.Bytes)/1e6/max(res.Elapsed.Seconds(), 1e-9))
	return nil
}

// withKeyHint adds to a rejected key where the key came from.
// withKeyHint adds to a rejected key where the key came from.
func withKeyHint(err error, k apiKey, proto protocol) error {
	if re, ok := err.(*RejectedError); ok && re.KeyRejected && re.Hint == "" {
		re.Hint = proto.keyHint(k.source)
	}
	return err
}

// syncRequest makes the request of one attempt, its body streamed from
// the CSV files again through a pipe as the transport reads it.
func syncRequest(ctx context.Context, proto protocol, e endpoint, cfg *lint.Config, key *apiKey, ua string, size int64, digest string, sent *atomic.Int64) (*http.Request, error) {
	pr, pw := io.Pipe()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, proto.syncURL(e), pr)
	if err != nil {
		return nil, err
	}
	req.ContentLength = size
	setHeaders(req.Header, proto, key, ua)
	req.Header.Set("Content-Type", ContentType)
	go func() {
		vw := &verifyWriter{w: pw, h: sha256.New(), want: size, digest: digest, sent: sent}
		_, err := proto.WriteBody(vw, cfg, nil)
		if err == nil {
			err = vw.finish()
		}
		pw.CloseWithError(err)
	}()
	return req, nil
}

// setHeaders sets the headers every request carries.
func setHeaders(h http.Header, proto protocol, key *apiKey, ua string) {
	proto.authorize(h, key.value)
	h.Set("Accept", ContentType)
	if ua == "" {
		ua = "ovsync"
	}
	h.Set("User-Agent", ua)
}

// verifyWriter passes the body on while hashing it, and holds its last
// byte back until the whole body is known to be the planned one: if a
// CSV file changed since the plan, the service never gets a whole body.
type verifyWriter struct {
	w      io.Writer
	h      hash.Hash
	want   int64
	digest string
	n      int64
	held   [1]byte
	has    bool
	sent   *atomic.Int64
}

func (v *verifyWriter) Write(p []byte) (int, error) {
	if len(p) == 0 {
		return 0, nil
	}
	if v.n+int64(len(p)) > v.want {
		return 0, errFilesChanged
	}
	v.n += int64(len(p))
	v.h.Write(p)
	if v.has {
		if _, err := v.w.Write(v.held[:]); err != nil {
			return 0, err
		}
	}
	if _, err := v.w.Write(p[:len(p)-1]); err != nil {
		return 0, err
	}
	v.held[0], v.has = p[len(p)-1], true
	v.sent.Store(v.n - 1)
	return len(p), nil
}

// finish checks the body and lets its last byte go.
func (v *verifyWriter) finish() error {
	if v.n != v.want || "sha256:"+hex.EncodeToString(v.h.Sum(nil)) != v.digest {
		return errFilesChanged
	}
	if v.has {
		if _, err := v.w.Write(v.held[:]); err != nil {
			return err
		}
	}
	v.sent.Store(v.n)
	return nil
}

// progress logs the bytes sent every few seconds until stop is called.
func progress(o *output, sent *atomic.Int64, size int64) (stop func()) {
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		t := time.NewTicker(5 * time.Second)
		defer t.Stop()
		for {
			select {
			case <-done:
				return
			case <-t.C:
				o.logf("uploading: %s of %s", plural.Bytes(sent.Load()), plural.Bytes(size))
			}
		}
	}()
	return func() {
		close(done)
		wg.Wait()
	}
}
