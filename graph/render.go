package graph

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"os/exec"
	"strings"
)

// Write writes the graph in the format of its options: DOT or Mermaid
// text, or an SVG or PNG picture drawn by Graphviz's dot from the DOT
// text. A picture is written only once dot has succeeded, so a failure
// leaves nothing half written.
func (g *Graph) Write(w io.Writer) error {
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
		return g.render(w, g.opt.Format)
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

// render runs dot -Tsvg or -Tpng on the DOT text of the graph and writes
// its output to w.
func (g *Graph) render(w io.Writer, format Format) error {
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
	cmd := exec.Command(path, "-T"+string(format))
	cmd.Stdin, cmd.Stdout, cmd.Stderr = &src, &out, &stderr
	if err := cmd.Run(); err != nil {
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
