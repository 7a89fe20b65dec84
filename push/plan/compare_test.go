package plan

import "testing"

func TestDiffMappings(t *testing.T) {
	k := func(team, user string, member, manager bool) hash64 {
		return mappingKey(team, user, "", member, manager)
	}
	a, b, c := k("T1", "u1", true, false), k("T1", "u2", true, false), k("T2", "u1", false, true)
	tests := []struct {
		name                    string
		old, cur                []hash64
		added, removed, changed int
	}{
		{name: "same", old: []hash64{a, b, c}, cur: []hash64{a, b, c}},
		{name: "added", old: []hash64{a}, cur: []hash64{a, b, c}, added: 2},
		{name: "removed", old: []hash64{a, b, c}, cur: []hash64{b}, removed: 2},
		{name: "flags changed", old: []hash64{a, b}, cur: []hash64{a, k("T1", "u2", true, true)}, changed: 1},
		{name: "duplicate row", old: []hash64{a}, cur: []hash64{a, a}, added: 1},
		{name: "all", old: []hash64{a, c}, cur: []hash64{k("T1", "u1", false, true), b}, added: 1, removed: 1, changed: 1},
		{name: "first", old: nil, cur: []hash64{a}, added: 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			old, cur := append([]hash64{}, tt.old...), append([]hash64{}, tt.cur...)
			sortHashes(old)
			sortHashes(cur)
			added, removed, changed := diffMappings(old, cur)
			if added != tt.added || removed != tt.removed || changed != tt.changed {
				t.Errorf("diffMappings = %d added, %d removed, %d changed; want %d, %d, %d", added, removed, changed, tt.added, tt.removed, tt.changed)
			}
		})
	}
}

func sortHashes(h []hash64) {
	for i := 1; i < len(h); i++ {
		for j := i; j > 0 && h[j] < h[j-1]; j-- {
			h[j], h[j-1] = h[j-1], h[j]
		}
	}
}
