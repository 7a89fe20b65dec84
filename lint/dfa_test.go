package lint

import (
	"math/rand/v2"
	"regexp"
	"testing"
)

var dfaPatterns = []string{
	`^(?:[^@\s<>()\[\],;:"\\]+@[^@\s<>()\[\],;:"\\.]+(?:\.[^@\s<>()\[\],;:"\\.]+)+)?$`,
	`^(?:[Hh][Tt][Tt][Pp][Ss]?://[^\s/?#]+(?:[/?#]\S*)?)?$`,
	`^(?:[Tt][Rr][Uu][Ee]|[Ff][Aa][Ll][Ss][Ee])?$`,
	`^[^A-Z]*$`,
	`^$`,
	`a+b`,
	`é|ß`,
	`^[À-ÿ]+$`,
	`x$`,
	`^\d{3}-\d{2}$`,
	`[^\x00-\x7F]`,
	`(ab|a)*c$`,
	`.`,
	`(?i)abc`,
	`(?i)straße`,
	``,
}

// TestDFAAgreesWithRegexp compares the automaton with the regexp package
// on the patterns above and strings made of their interesting characters.
func TestDFAAgreesWithRegexp(t *testing.T) {
	alphabet := []rune("aAbBcxX@.-_ é ßÀÿ€\t\n\"<>,;:\\/?#012345trueFALSEhttpsHTTP:/\ufffd😀")
	inputs := []string{"", "a", "ab", "aab", "x", "ana@example.com", "Ana@Example.com", "a@b", "a @b.co",
		"https://x.example/p.png", "ftp://x", "TRUE", "false", "yes", "123-45", "1234-56", "abcabc", "\xff", "é", "ÀÿÀ"}
	rng := rand.New(rand.NewPCG(1, 2))
	for range 3000 {
		b := make([]rune, rng.IntN(12))
		for i := range b {
			b[i] = alphabet[rng.IntN(len(alphabet))]
		}
		inputs = append(inputs, string(b))
	}
	for _, p := range dfaPatterns {
		t.Run(p, func(t *testing.T) {
			d := compileDFA(p)
			if d == nil {
				t.Fatalf("pattern not compiled")
			}
			re := regexp.MustCompile(p)
			for _, in := range inputs {
				if got, want := d.MatchString(in), re.MatchString(in); got != want {
					t.Errorf("MatchString(%q) = %v, regexp says %v", in, got, want)
				}
			}
		})
	}
}

func TestDFARefusesWhatItCannotDo(t *testing.T) {
	for _, p := range []string{`(a|b)*a(a|b){14}`, `\bword\b`, `(?m)^a$`} {
		if compileDFA(p) != nil {
			t.Errorf("compileDFA(%q) should refuse", p)
		}
	}
}

// FuzzDFA checks the automaton against the regexp package.
func FuzzDFA(f *testing.F) {
	for _, p := range dfaPatterns {
		f.Add(p, "ana@example.com")
	}
	f.Fuzz(func(t *testing.T, pattern, s string) {
		re, err := regexp.Compile(pattern)
		if err != nil || len(pattern) > 64 {
			return
		}
		d := compileDFA(pattern)
		if d == nil {
			return
		}
		if got, want := d.MatchString(s), re.MatchString(s); got != want {
			t.Fatalf("pattern %q on %q: dfa %v, regexp %v", pattern, s, got, want)
		}
	})
}

func BenchmarkEmailCheck(b *testing.B) {
	p := dfaPatterns[0]
	d, re := compileDFA(p), regexp.MustCompile(p)
	b.Run("dfa", func(b *testing.B) {
		for b.Loop() {
			d.MatchString("firstname.lastname123@example.com")
		}
	})
	b.Run("regexp", func(b *testing.B) {
		for b.Loop() {
			re.MatchString("firstname.lastname123@example.com")
		}
	})
}
