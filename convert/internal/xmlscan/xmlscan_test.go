package xmlscan

import (
	"archive/zip"
	"errors"
	"fmt"
	"io"
	"strings"
	"testing"
	"testing/iotest"
)

// TestSkipPast skips to an end tag wherever it falls against the buffer's
// refills (the input read a byte at a time, or with the tag across the
// first 64 KiB), without growing the buffer past a token's size.
func TestSkipPast(t *testing.T) {
	for _, pad := range []int{0, 10, 64<<10 - 8, 64<<10 - 3, 64<<10 + 1, 1 << 20} {
		body := strings.Repeat("<c>x</c>", pad/8) + strings.Repeat("y", pad%8)
		doc := `<t:table>` + body + `</t:table><next/>`
		for _, oneByte := range []bool{false, true} {
			r := strings.NewReader(doc)
			s := New(r)
			if oneByte {
				s = New(iotest.OneByteReader(strings.NewReader(doc)))
			}
			if s.Next() != Start || string(s.Qual) != "t:table" {
				t.Fatalf("pad %d: first token %v %q", pad, s.Kind, s.Qual)
			}
			if !s.SkipPast([]byte("</" + string(s.Qual) + ">")) {
				t.Fatalf("pad %d: end tag not found: %v", pad, s.Err())
			}
			if s.Next() != Start || string(s.Name) != "next" {
				t.Fatalf("pad %d: after the skip %v %q", pad, s.Kind, s.Name)
			}
			if len(s.buf) > 128<<10 {
				t.Fatalf("pad %d: buffer grew to %d bytes", pad, len(s.buf))
			}
			if got, want := s.Offset(), int64(len(doc)); got != want {
				t.Fatalf("pad %d: offset %d, want %d", pad, got, want)
			}
		}
	}
	s := New(strings.NewReader("<a>no end"))
	s.Next()
	if s.SkipPast([]byte("</a>")) {
		t.Error("found an end tag that is not there")
	}
}

// TestDiscard lands on the tag at a recorded offset wherever it falls
// against the buffer's refills, and reports the end of the input.
func TestDiscard(t *testing.T) {
	for _, pad := range []int{8, 15, 64<<10 - 3, 64<<10 + 1, 1 << 20} {
		doc := strings.Repeat("<c>x</c>", pad/8) + strings.Repeat("y", pad%8) + `<here/>`
		for _, oneByte := range []bool{false, true} {
			s := New(strings.NewReader(doc))
			if oneByte {
				s = New(iotest.OneByteReader(strings.NewReader(doc)))
			}
			s.Next() // a token first: the offset counts from where it is
			if !s.Discard(int64(pad) - s.Offset()) {
				t.Fatalf("pad %d: discard failed: %v", pad, s.Err())
			}
			if s.Next() != Start || string(s.Name) != "here" {
				t.Fatalf("pad %d: after the discard %v %q", pad, s.Kind, s.Name)
			}
		}
	}
	s := New(strings.NewReader("<a/>"))
	if s.Discard(5) {
		t.Error("discarded past the end")
	}
}

// TestChild moves from start tag to start tag inside an element, past
// text and other end tags, and tells its end tag from the end of the
// input and from damaged input.
func TestChild(t *testing.T) {
	tests := []struct {
		name, doc string
		children  []string
		kind      Kind   // where Child stopped
		ended     string // what Ended says then
	}{
		{"end tag", `<row>x<c/><c><v>1</v></c></x:row><after/>`, []string{"c", "c", "v"}, End, "inside"},
		{"prefixed", `<x:row><x:c r="A1"/></x:row>`, []string{"c"}, End, "inside"},
		{"cut short", `<row><c/>text`, []string{"c"}, EOF, "inside"},
		{"malformed", `<row><c/><`, []string{"c"}, EOF, "malformed XML"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := New(strings.NewReader(tt.doc))
			if s.Next() != Start {
				t.Fatalf("first token %v", s.Kind)
			}
			var got []string
			for s.Child("row") {
				got = append(got, string(s.Name))
			}
			if strings.Join(got, " ") != strings.Join(tt.children, " ") {
				t.Errorf("children %q, want %q", got, tt.children)
			}
			if s.Kind != tt.kind {
				t.Errorf("stopped at %v, want %v", s.Kind, tt.kind)
			}
			if got := s.Ended("inside"); got != tt.ended {
				t.Errorf("Ended = %q, want %q", got, tt.ended)
			}
		})
	}
}

func TestErrText(t *testing.T) {
	tests := []struct {
		err  error
		want string
	}{
		{ErrSyntax, "malformed XML"},
		{fmt.Errorf("part: %w", zip.ErrChecksum), "checksum mismatch"},
		{io.ErrUnexpectedEOF, "data cut short"},
		{errors.New("disk on fire"), "disk on fire"},
	}
	for _, tt := range tests {
		if got := ErrText(tt.err); got != tt.want {
			t.Errorf("ErrText(%v) = %q, want %q", tt.err, got, tt.want)
		}
	}
}
