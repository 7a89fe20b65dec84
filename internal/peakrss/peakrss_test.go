package peakrss

import (
	"runtime"
	"testing"
)

// TestMB checks that the peak grows with memory touched, where the
// system tells it.
func TestMB(t *testing.T) {
	if runtime.GOOS != "linux" {
		if MB() != -1 {
			t.Errorf("MB() = %v off Linux, want -1", MB())
		}
		return
	}
	Reset()
	before := MB()
	if before <= 0 {
		t.Fatalf("MB() = %v", before)
	}
	b := make([]byte, 64<<20)
	for i := range b {
		b[i] = byte(i)
	}
	if after := MB(); after < before+32 {
		t.Errorf("peak %.1f MB after touching 64 MB, %.1f MB before", after, before)
	}
	runtime.KeepAlive(b)
}
