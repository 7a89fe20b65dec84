package plan

import "testing"

// TestHashStable pins the hash the state file keeps: changing it would
// make the next plan count every user as changed.
func TestHashStable(t *testing.T) {
	tests := []struct {
		in   string
		want hash64
	}{
		{in: "", want: 0x9ca066f1a4ab2eea},
		{in: "abc", want: 0x7d730da1781eff64},
		{in: `{"id":"1001","email":"ana@example.com"}`, want: 0x55e5145a5fd67e5d},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			s, b := hash64(hashBytes(hashSeed, tt.in)), hash64(hashBytes(hashSeed, []byte(tt.in)))
			if s != b {
				t.Errorf("hash of the string %016x, of the bytes %016x", uint64(s), uint64(b))
			}
			if s != tt.want {
				t.Errorf("hash(%q) = %#016x, want %#016x", tt.in, uint64(s), uint64(tt.want))
			}
		})
	}
	if a, b := mappingKey("T1", "u1", "", true, false), mappingKey("T1", "u", "1", true, false); a>>2 == b>>2 {
		t.Errorf("mapping keys of different rows collide: %016x", uint64(a))
	}
}

// TestLineHasher: the hash of a user's values, taken value by value as
// the planning pass does, is that of the line a state keeps them in.
func TestLineHasher(t *testing.T) {
	var l lineHasher
	for _, vals := range [][]string{
		nil, {""}, {"", ""}, {"1001", "ana@example.com", "Ana", "Silva"},
		{"tab\there", "new\nline", "back\\slash", "cr\r", ""}, {"Montréal", "日本"},
	} {
		if got, want := l.sum(vals), lineHash(string(appendValues(nil, vals))); got != want {
			t.Errorf("%q: %x, want %x", vals, got, want)
		}
	}
}
