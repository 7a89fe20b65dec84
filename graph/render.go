package graph

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os/exec"
	"strings"
	"time"
)

// DotTimeout is how long Graphviz's dot may run to draw a picture (less
// when the context given to [Graph.WriteContext] has an earlier
// deadline): far more than the largest org it draws readably takes (see
// [Graph.Large]).
const DotTimeout = 5 * time.Minute

// ErrInterrupted is returned (wrapped) when the context of
// [Graph.WriteContext] is cancelled while dot runs: dot is stopped and
// nothing is written.
var ErrInterrupted = errors.New("interrupted")

// Write writes the graph in the format of its options: DOT or Mermaid
// text, or an SVG or PNG picture drawn by Graphviz's dot from the DOT
// text. A picture is written only once dot has succeeded, so a failure
// leaves nothing half written. dot runs at most [DotTimeout]; see
// [Graph.WriteContext] to stop it sooner.
func (g *Graph) Write(w io.Writer) error {
	return g.WriteContext(context.Background(), w)
}

// WriteContext is [Graph.Write] with dot run under ctx: cancelling ctx
// (on an interrupt, say) stops dot, and the error wraps [ErrInterrupted];
// past ctx's deadline, or [DotTimeout], dot is stopped too, and the error
// says how to draw less.
func (g *Graph) WriteContext(ctx context.Context, w io.Writer) error {
	switch g.opt.Format {
	case "", DOT:
		bw := bufio.NewWriterSize(w, 256<<10)
		g.writeDOT(bw)
		return bw.Flush()
	case Mermaid:
		bw := bufio.NewWriterSize(w, 256<<10)
		g.writeMermaid(bw)
		return bw.Flush()
	case SVG, PNG:
		return g.render(ctx, w, g.opt.Format)
	}
	return fmt.Errorf("unknown format %q (use %s)", g.opt.Format, strings.Join(Formats(), ", "))
}

// lookDot finds Graphviz's dot program on the PATH.
func lookDot() (string, error) {
	p, err := exec.LookPath("dot")
	if err != nil {
		return "", fmt.Errorf("%w (%v)", ErrNoDot, err)
	}
	return p, nil
}

// render runs dot -Tsvg or -Tpng on the DOT text of the graph under ctx,
// for DotTimeout at most, and writes its output to w.
func (g *Graph) render(ctx context.Context, w io.Writer, format Format) error {
	path, err := lookDot()
	if err != nil {
		return err
	}
	var src, out, stderr bytes.Buffer
	bw := bufio.NewWriter(&src)
	g.writeDOT(bw)
	if err := bw.Flush(); err != nil {
		return err
	}
	timeout := DotTimeout
	if d, ok := ctx.Deadline(); ok {
		timeout = min(timeout, time.Until(d).Round(time.Millisecond))
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, path, "-T"+string(format))
	cmd.Stdin, cmd.Stdout, cmd.Stderr = &src, &out, &stderr
	// Stopped, dot is killed; its output is not waited for beyond this.
	cmd.WaitDelay = 5 * time.Second
	if err := cmd.Run(); err != nil {
		switch {
		case errors.Is(ctx.Err(), context.DeadlineExceeded):
			return fmt.Errorf("dot -T%s did not finish within %v: draw a part of the org with --root and --depth, or write --format dot and render it elsewhere", format, timeout)
		case ctx.Err() != nil:
			return fmt.Errorf("dot -T%s: %w: nothing written", format, ErrInterrupted)
		}
		msg := strings.TrimSpace(stderr.String())
		if i := strings.IndexByte(msg, '\n'); i >= 0 {
			msg = msg[:i]
		}
		if msg == "" {
			return fmt.Errorf("dot -T%s failed: %v", format, err)
		}
		return fmt.Errorf("dot -T%s failed: %v: %s", format, err, msg)
	}
	_, err = w.Write(out.Bytes())
	return err
}
