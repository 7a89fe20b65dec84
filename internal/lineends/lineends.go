// Package lineends reads text whose lines end in a lone carriage return
// (classic Mac OS) as text whose lines end in a line feed.
package lineends

import "io"

// FromCR returns a reader of r with every CR byte read as LF. Use it only
// on text with no LF at all: CRLF would become two line ends.
func FromCR(r io.Reader) io.Reader { return crToLF{r} }

type crToLF struct{ r io.Reader }

func (c crToLF) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	for i, b := range p[:n] {
		if b == '\r' {
			p[i] = '\n'
		}
	}
	return n, err
}
