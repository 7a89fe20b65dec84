package plan

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestParseLimit(t *testing.T) {
	tests := []struct {
		in      string
		want    Limit
		allowed [3]int // of 0, 87 and 1000 previous users
		wantErr bool
	}{
		{in: "10%", want: Limit{Share: 10, Percent: true}, allowed: [3]int{5, 8, 100}},
		{in: " 2.5 % ", want: Limit{Share: 2.5, Percent: true}, allowed: [3]int{5, 5, 25}},
		{in: "0%", want: Limit{Share: 0, Percent: true}, allowed: [3]int{5, 5, 5}},
		{in: "100%", want: Limit{Share: 100, Percent: true}, allowed: [3]int{5, 87, 1000}},
		{in: "12", want: Limit{Count: 12}, allowed: [3]int{12, 12, 12}},
		{in: "0", want: Limit{}, allowed: [3]int{0, 0, 0}},
		{in: "-1", wantErr: true},
		{in: "101%", wantErr: true},
		{in: "NaN%", wantErr: true},
		{in: "ten", wantErr: true},
		{in: "", wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := ParseLimit(tt.in)
			if (err != nil) != tt.wantErr {
				t.Fatalf("ParseLimit(%q) error = %v", tt.in, err)
			}
			if tt.wantErr {
				return
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("ParseLimit(%q) (-want +got):\n%s", tt.in, diff)
			}
			for i, prev := range []int{0, 87, 1000} {
				if a := got.Allowed(prev, MinRemovals); a != tt.allowed[i] {
					t.Errorf("Allowed(%d) = %d, want %d", prev, a, tt.allowed[i])
				}
			}
			if back, err := ParseLimit(got.String()); err != nil || back != got {
				t.Errorf("String() = %q does not read back", got.String())
			}
		})
	}
}
