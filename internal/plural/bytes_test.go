package plural

import "testing"

func TestBytes(t *testing.T) {
	for _, tt := range []struct {
		n    int64
		want string
	}{
		{0, "0 bytes"}, {1, "1 byte"}, {999, "999 bytes"}, {1000, "1.0 kB"}, {40_812, "40.8 kB"},
		{999_999, "1000.0 kB"}, {1_000_000, "1.0 MB"}, {373_812_345, "373.8 MB"}, {1_050_000_000, "1.05 GB"},
	} {
		if got := Bytes(tt.n); got != tt.want {
			t.Errorf("Bytes(%d) = %q, want %q", tt.n, got, tt.want)
		}
	}
}
