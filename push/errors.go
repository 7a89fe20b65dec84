package push

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"strings"

	"github.com/ovsync/ovsync/internal/displaypath"
	"github.com/ovsync/ovsync/internal/plural"
)

// The errors below are the outcomes of [Push] and [Ping] that a caller
// tells apart (the command maps each to its own exit status), with
// package plan's [*plan.LintError], [*plan.MismatchError] and
// [*plan.LockedError]. Any other error means the run could not start:
// usage, an unreadable or unusable config, a missing key, an endpoint
// that is not allowed.

// GuardError stops a push whose plan goes over a limit (--max-removals,
// --max-team-removals, --max-manager-changes, --max-invites). Nothing
// was sent.
type GuardError struct {
	// Reasons says which limits the plan goes over, one sentence each.
	Reasons []string
	// NoRecord is set when the first reason is that there is no record
	// of the last push to the target (--first-push accepts it).
	NoRecord bool
	// StateFile is the state file, as displayed.
	StateFile string
}

// acceptFirstPush is the hint of a push without a record.
const acceptFirstPush = "if the record was lost, restore it; if this really is the first push to this target, run again with --first-push (it accepts this guard alone; --yes accepts every guard)"

// Error lists the reasons, one a line, with hints.
func (e *GuardError) Error() string {
	var b strings.Builder
	b.WriteString("the push was stopped before sending anything")
	for _, r := range e.Reasons {
		b.WriteString("\n- ")
		b.WriteString(r)
	}
	if e.NoRecord {
		fmt.Fprintf(&b, "\nhint: the record is the state file %s (.ovsync/state.json beside the config, or --state PATH); keep it between runs: restore it before each push and keep it after (in CI, a cache or an artifact of the job; elsewhere, a --state PATH on a disk that stays), one file per target", e.StateFile)
		b.WriteString("\nhint: " + acceptFirstPush)
		if len(e.Reasons) == 1 {
			return b.String()
		}
	}
	b.WriteString("\nhint: check the export first; if these changes are intended, run again with --yes")
	return b.String()
}

// RejectedError is an answer of the service that refuses the request:
// isSuccess false, a rejected key (the HTML login page, 401 or 403), or
// an answer that is not the API's.
type RejectedError struct {
	// Status is the HTTP status of the answer.
	Status int
	// KeyRejected is set when the answer says the key was not accepted.
	KeyRejected bool
	// Message says what the answer was, in one line.
	Message string
	// Errors are the service's own messages, if it gave any.
	Errors []string
	// Hint says what to do, if there is something to say.
	Hint string
}

// MaxListed caps the service's messages an error or summary lists; a last
// line counts the others.
const MaxListed = 50

// Error is the message, the service's messages a line each, and the hint.
func (e *RejectedError) Error() string {
	var b strings.Builder
	b.WriteString(e.Message)
	writeList(&b, e.Errors)
	if e.Hint != "" {
		b.WriteString("\nhint: ")
		b.WriteString(e.Hint)
	}
	return b.String()
}

// writeList appends one "- message" line per message, at most MaxListed.
func writeList(b *strings.Builder, msgs []string) {
	for i, m := range msgs {
		if i == MaxListed {
			fmt.Fprintf(b, "\n- … and %d more", len(msgs)-MaxListed)
			break
		}
		b.WriteString("\n- ")
		b.WriteString(oneLine(m))
	}
}

// PausedError is a provisioning sync that Workleap accepted but paused
// for approval, as its risk thresholds do with a sync that changes more
// users or teams than they allow: nothing changes until an administrator
// approves it in Workleap. The state file is not written: the next push
// is planned against the last one that was not paused.
type PausedError struct {
	// JobID and Status are the job's, as the service wrote them.
	JobID, Status string
	// Message is the service's explanation, if it gave one.
	Message string
}

// Error says that the sync waits for approval, with a hint.
func (e *PausedError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "the sync job %s is paused for approval (status %s): it goes over one of Workleap's risk thresholds", e.JobID, e.Status)
	if e.Message != "" {
		writeList(&b, []string{e.Message})
	}
	b.WriteString("\nhint: an administrator approves or declines it in Workleap; nothing changes until then, and the state file was not written")
	return b.String()
}

// StateNotWrittenError is a sync the service accepted whose state file
// could not be written: the service holds the org just sent, and no
// record of it was kept. The state file of an earlier push is removed if
// it can be, so that the next push has no record and stops as a first
// push, rather than being planned against an org the service no longer
// holds.
type StateNotWrittenError struct {
	// StateFile is the state file, as displayed.
	StateFile string
	// Err is why it could not be written.
	Err error
	// Stale is set when the state file of an earlier push is still there
	// (it could not be removed either): the next push would be planned
	// against it.
	Stale bool
}

// Error says that the sync was accepted, why the state was not written,
// and what to do.
func (e *StateNotWrittenError) Error() string {
	msg := fmt.Sprintf("the sync was accepted, but its record, the state file %s, could not be written: %v", e.StateFile, e.Err)
	again := "a push is a full overwrite: the service gets the same org again, and the state file records it"
	if e.Stale {
		return msg + "\nhint: the state file still records the push before this one, and the next push would be planned against it: fix the state folder, then push the same files again (" + again + ")"
	}
	return msg + "\nhint: there is no record of this push, so the next one stops as a first push: fix the state folder, then push the same files again with --first-push (" + again + ")"
}

// Unwrap returns why the state could not be written.
func (e *StateNotWrittenError) Unwrap() error { return e.Err }

// stateNotWritten is the error of an accepted sync whose state file at
// path could not be replaced: the state of an earlier push is removed,
// if it can be, since it no longer describes what the service holds.
func stateNotWritten(path string, err error) *StateNotWrittenError {
	e := &StateNotWrittenError{StateFile: displaypath.Of(path), Err: err}
	if rerr := os.Remove(path); rerr != nil && !errors.Is(rerr, fs.ErrNotExist) {
		e.Stale = true
	}
	return e
}

// UnavailableError means the service could not be reached, or kept
// answering 429 or 5xx, through every attempt. The sync may or may not
// have happened when the last failure came after the body was sent; a
// push is a full overwrite, so pushing again is safe.
type UnavailableError struct {
	// Attempts counts the requests made.
	Attempts int
	// Err is the last failure.
	Err error
}

// Error names the attempts and the last failure, with a hint.
func (e *UnavailableError) Error() string {
	return fmt.Sprintf("the service is unavailable (%s): %v\nhint: check the network, the proxy (HTTPS_PROXY) and the service URL (ApiUrl in config.json, or --url for Workleap), or try again later",
		plural.Count(e.Attempts, "attempt", "attempts"), e.Err)
}

// Unwrap returns the last failure.
func (e *UnavailableError) Unwrap() error { return e.Err }

// errFilesChanged is the failure of a body whose bytes differ from the
// planned ones: a CSV file changed between the plan and the upload. The
// body is cut before its last byte, so the service never gets it whole.
var errFilesChanged = errors.New("the CSV files changed while pushing: the request was cut short, nothing complete was sent\nhint: push again once the export is finished")

// oneLine folds a service message onto one line and drops control
// characters, so that an answer cannot break or recolour the output.
func oneLine(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch {
		case r == '\n' || r == '\r' || r == '\t':
			b.WriteByte(' ')
		case r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0):
		default:
			b.WriteRune(r)
		}
	}
	return strings.TrimSpace(b.String())
}
