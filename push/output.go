package push

import (
	"fmt"
	"io"
	"sync"

	"github.com/ovsync/ovsync/internal/redact"
)

// output is where one run writes: the text a person reads on stdout,
// and warnings and progress through the funcs its caller gave (the
// command's voice), all through the run's key filter, which learns the
// key as soon as it is found.
type output struct {
	mu  sync.Mutex // progress lines come from another goroutine
	key apiKey
	red *redact.Redactor
	out *redact.Writer
	// warnTo gets each warning and its hint, logTo each line of
	// progress; nil discards (logTo nil: the run is not verbose).
	warnTo func(msg, hint string)
	logTo  func(msg string)
}

// newOutput makes the output of a run; red nil means a redactor of its
// own.
func newOutput(stdout io.Writer, warn func(msg, hint string), log func(msg string), red *redact.Redactor) *output {
	if stdout == nil {
		stdout = io.Discard
	}
	if red == nil {
		red = redact.New()
	}
	return &output{red: red, out: red.Writer(stdout), warnTo: warn, logTo: log}
}

// verbose reports whether progress is wanted.
func (o *output) verbose() bool { return o.logTo != nil }

// log gives a line of progress, when verbose.
func (o *output) log(msg string) {
	if o.logTo == nil {
		return
	}
	o.mu.Lock()
	defer o.mu.Unlock()
	o.logTo(o.red.String(msg))
}

// logf writes a line of progress, when verbose.
func (o *output) logf(format string, args ...any) {
	if o.logTo != nil {
		o.log(fmt.Sprintf(format, args...))
	}
}

// warn gives a warning and its hint ("" for none).
func (o *output) warn(msg, hint string) {
	if o.warnTo == nil {
		return
	}
	o.mu.Lock()
	defer o.mu.Unlock()
	o.warnTo(o.red.String(msg), o.red.String(hint))
}

// warnf gives a warning without a hint.
func (o *output) warnf(format string, args ...any) {
	o.warn(fmt.Sprintf(format, args...), "")
}

// flush writes what the filter of stdout holds back.
func (o *output) flush() {
	o.out.Flush()
}
