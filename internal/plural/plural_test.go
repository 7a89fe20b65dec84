package plural

import "testing"

func TestCount(t *testing.T) {
	for _, tt := range []struct {
		n    int
		want string
	}{{0, "0 teams"}, {1, "1 team"}, {2, "2 teams"}, {-1, "-1 teams"}, {1_000_000, "1000000 teams"}} {
		if got := Count(tt.n, "team", "teams"); got != tt.want {
			t.Errorf("Count(%d) = %q, want %q", tt.n, got, tt.want)
		}
	}
}
