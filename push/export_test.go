package push

import (
	"context"
	"time"
)

// Hooks for the tests of package push_test, which need the fake of
// pushtest (itself an importer of push).

// SetSleep makes r call sleep instead of waiting between attempts.
func SetSleep(r *Remote, sleep func(context.Context, time.Duration) error) { r.sleep = sleep }

// MsgKeyRejected is the message of a rejected key.
const MsgKeyRejected = msgKeyRejected

// Redacted replaces the key in messages.
const Redacted = redacted
