package plural

import "testing"

func TestLists(t *testing.T) {
	for _, c := range []struct {
		texts   []string
		and, or string
	}{
		{nil, "", ""},
		{[]string{"a"}, "a", "a"},
		{[]string{"a", "b"}, "a and b", "a or b"},
		{[]string{"a", "b", "c"}, "a, b and c", "a, b or c"},
	} {
		if got := And(c.texts); got != c.and {
			t.Errorf("And(%q) = %q, want %q", c.texts, got, c.and)
		}
		if got := Or(c.texts); got != c.or {
			t.Errorf("Or(%q) = %q, want %q", c.texts, got, c.or)
		}
	}
	for _, c := range []struct {
		texts []string
		max   int
		want  string
	}{
		{nil, 10, ""},
		{[]string{"id", "e\"mail"}, 80, `"id", "e\"mail"`},
		{[]string{"alpha", "beta", "gamma"}, 8, `"alpha", …`},
		{[]string{"alpha", "beta", "gamma"}, 12, `"alpha", "beta", …`},
	} {
		if got := Quoted(c.texts, c.max); got != c.want {
			t.Errorf("Quoted(%q, %d) = %q, want %q", c.texts, c.max, got, c.want)
		}
	}
}
