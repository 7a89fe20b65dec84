package lineends

import (
	"io"
	"strings"
	"testing"
	"testing/iotest"
)

func TestFromCR(t *testing.T) {
	r := FromCR(iotest.OneByteReader(strings.NewReader("id,name\rT-1,Sales\r")))
	b, err := io.ReadAll(r)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := string(b), "id,name\nT-1,Sales\n"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}
