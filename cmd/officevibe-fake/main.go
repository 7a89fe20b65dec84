// Command officevibe-fake serves a fake of the Officevibe sync API, and of
// its successor Workleap API provisioning, on a loopback address, so that
// `ovsync push` and `ovsync ping` can be rehearsed without touching a real
// organisation.
//
// Usage:
//
//	OFFICEVIBE_FAKE_KEY=rehearsal officevibe-fake [-addr 127.0.0.1:8080] [flags]
//
// Point config.json's ApiUrl at http://127.0.0.1:8080 and set its ApiKey (or
// OFFICEVIBE_API_KEY) to the same key. The fake answers:
//
//	POST /api/v2/sync               legacy sync, Authorization: Bearer KEY
//	GET  /api/v2/ping               legacy key check
//	POST /public/provisioning/json  successor sync, workleap-subscription-key: KEY
//	GET  /history                   the syncs received so far, as JSON
//
// A wrong key gets the HTML login page, as from the real service. Each body
// is checked strictly and logged as one line on stderr (never with the
// key). Flags inject faults:
//
//	-fail N               answer the next N requests with 503
//	-retry-after S        answer with 429 and Retry-After: S (-throttle N times, default 1)
//	-delay D              answer every request D later (e.g. 2s)
//	-drop N               close the connection of the next N requests without an answer
//	-pause-for-approval   answer successor syncs as paused by Workleap's risk thresholds
//
// The fake only listens on a loopback address: it is a rehearsal tool, not
// a service.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stderr, os.Getenv)
	stop()
	os.Exit(code)
}
