package graph

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/google/go-cmp/cmp"
)

func TestEscape(t *testing.T) {
	tests := []struct {
		name, in, dot, mermaid string
	}{
		{"plain", "Sales", "Sales", "Sales"},
		{"empty", "", "", ""},
		{"quotes", `Say "hi"`, `Say \"hi\"`, `Say #34;hi#34;`},
		{"backslash", `a\b`, `a\\b`, `a#92;b`},
		{"backslash-n-written", `a\nb`, `a\\nb`, "a#92;\u2060nb"},
		{"backslash-escapes-of-dot", `\N \G \l \r \L`, `\\N \\G \\l \\r \\L`, `#92;N #92;G #92;l #92;r #92;L`},
		{"newline", "a\nb", `a\nb`, "a<br>b"},
		{"crlf", "a\r\nb", `a\nb`, "a<br>b"},
		{"cr", "a\rb", `a\nb`, "a<br>b"},
		{"two-newlines", "a\n\nb", `a\n\nb`, "a<br><br>b"},
		{"angle-brackets", "<b>bold</b>", "<b>bold</b>", "#60;b#62;bold#60;/b#62;"},
		{"ampersand", "R&D", "R&amp;D", "R#38;D"},
		{"entity-as-text", "&amp; &lt; &#35;", "&amp;amp; &amp;lt; &amp;#35;", "#38;amp; #38;lt; #38;#35;35;"},
		{"pipe", "a | b", "a | b", "a | b"},
		{"braces", "{x}", "{x}", "{x}"},
		{"brackets", "[x] (y)", "[x] (y)", "[x] (y)"},
		{"hash", "#1 team", "#1 team", "#35;1 team"},
		{"mermaid-entity-as-text", "#quot;", "#quot;", "#35;quot;"},
		{"colon", "a:b", "a:b", "a#58;b"},
		{"colon-space", "a: b", "a: b", "a: b"},
		{"colon-end", "a:", "a:", "a#58;"},
		{"style-trick", "style:#fff;", "style:#fff;", "style#58;#35;fff;"},
		{"backtick", "`md`", "`md`", "#96;md#96;"},
		{"percent", "%% not a comment", "%% not a comment", "%% not a comment"},
		{"semicolon-arrow", "a --> b; c", "a --> b; c", "a --#62; b; c"},
		{"accents", "Zoë Côté, Ñandú, Łukasz", "Zoë Côté, Ñandú, Łukasz", "Zoë Côté, Ñandú, Łukasz"},
		{"cjk", "研发团队 東京", "研发团队 東京", "研发团队 東京"},
		{"emoji", "🚀 👩‍💻 🇨🇦", "🚀 👩‍💻 🇨🇦", "🚀 👩‍💻 🇨🇦"},
		{"tab", "a\tb", "a b", "a b"},
		{"control", "a\x00b\x1bc\x7f", "a\uFFFDb\uFFFDc\uFFFD", "a\uFFFDb\uFFFDc\uFFFD"},
		{"invalid-utf8", "caf\xe9", "caf\uFFFD", "caf\uFFFD"},
		{"truncated-utf8", "\xe6\x97", "\uFFFD\uFFFD", "\uFFFD\uFFFD"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := string(appendDOTEscaped(nil, tc.in)); got != tc.dot {
				t.Errorf("DOT: %q, want %q", got, tc.dot)
			}
			if got := string(appendMermaidEscaped(nil, tc.in)); got != tc.mermaid {
				t.Errorf("Mermaid: %q, want %q", got, tc.mermaid)
			}
		})
	}
}

// expectedText is what a label line should show: line breaks as \n,
// tabs as spaces, other control characters and bytes that are not UTF-8
// as U+FFFD (one per byte).
func expectedText(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == '\r':
			b.WriteByte('\n')
			if i+1 < len(s) && s[i+1] == '\n' {
				size++
			}
		case r == '\t':
			b.WriteByte(' ')
		case r == '\n':
			b.WriteByte('\n')
		case r < 0x20 || r == 0x7f:
			b.WriteRune(utf8.RuneError)
		default:
			b.WriteRune(r)
		}
		i += size
	}
	return b.String()
}

// unescapeDOT reads an escaped label as Graphviz does: \x escapes, with \n
// a line break, and &amp; entities. It reports a quote or a line break
// that is not escaped, and any other escape or entity.
func unescapeDOT(t *testing.T, esc string) string {
	var b strings.Builder
	for i := 0; i < len(esc); i++ {
		switch c := esc[i]; c {
		case '\\':
			i++
			if i == len(esc) {
				t.Fatalf("%q ends in a lone backslash", esc)
			}
			switch esc[i] {
			case 'n':
				b.WriteByte('\n')
			case '\\', '"':
				b.WriteByte(esc[i])
			default:
				t.Fatalf("%q holds the escape \\%c", esc, esc[i])
			}
		case '"', '\n', '\r':
			t.Fatalf("%q holds a raw %q", esc, c)
		case '&':
			if !strings.HasPrefix(esc[i:], "&amp;") {
				t.Fatalf("%q holds an & that Graphviz may read as an entity", esc)
			}
			b.WriteByte('&')
			i += len("&amp;") - 1
		default:
			b.WriteByte(c)
		}
	}
	return b.String()
}

var mermaidEntity = regexp.MustCompile(`^#(\d+);`)

// unescapeMermaid reads an escaped label as Mermaid shows it: entity codes
// #NN;, <br> line breaks, and the word joiner after a backslash. It
// reports any character Mermaid would read as syntax or markup.
func unescapeMermaid(t *testing.T, esc string) string {
	var b strings.Builder
	for i := 0; i < len(esc); i++ {
		switch c := esc[i]; c {
		case '#':
			m := mermaidEntity.FindStringSubmatch(esc[i:])
			if m == nil {
				t.Fatalf("%q holds a # that is not an entity code", esc)
			}
			n, _ := strconv.Atoi(m[1])
			b.WriteRune(rune(n))
			i += len(m[0]) - 1
			if n == '\\' && strings.HasPrefix(esc[i+1:], wordJoiner+"n") {
				i += len(wordJoiner)
			}
		case '<':
			if !strings.HasPrefix(esc[i:], "<br>") {
				t.Fatalf("%q holds a < that is not <br>", esc)
			}
			b.WriteByte('\n')
			i += len("<br>") - 1
		case ':':
			if i+1 < len(esc) && esc[i+1] != ' ' || i+1 == len(esc) {
				t.Fatalf("%q holds a colon not followed by a space", esc)
			}
			b.WriteByte(c)
		case '"', '>', '&', '`', '\\', '\n', '\r':
			t.Fatalf("%q holds a raw %q", esc, c)
		default:
			b.WriteByte(c)
		}
	}
	return b.String()
}

// mermaidShown is what Mermaid shows for s: the word joiner between a
// backslash and an n that the input may hold itself cannot be told from
// the one the escaper adds, and neither is visible.
func mermaidShown(s string) string {
	return strings.ReplaceAll(s, `\`+wordJoiner+"n", `\n`)
}

func checkEscapers(t *testing.T, s string) {
	want := expectedText(s)
	dot := string(appendDOTEscaped(nil, s))
	if !utf8.ValidString(dot) {
		t.Errorf("DOT label %q is not UTF-8", dot)
	}
	if got := unescapeDOT(t, dot); got != want {
		t.Errorf("DOT label %q reads as %q, want %q", dot, got, want)
	}
	mmd := string(appendMermaidEscaped(nil, s))
	if !utf8.ValidString(mmd) {
		t.Errorf("Mermaid label %q is not UTF-8", mmd)
	}
	if got := unescapeMermaid(t, mmd); mermaidShown(got) != mermaidShown(want) {
		t.Errorf("Mermaid label %q reads as %q, want %q", mmd, got, want)
	}
}

func TestEscapeRoundTrip(t *testing.T) {
	for _, s := range []string{"", `"\"`, "\\\n\r\n\r", "&&amp;", "#:#", "\\n\\\\n", "a:\n#", "\xff\xfe", "\\" + wordJoiner + "n"} {
		t.Run(strconv.Quote(s), func(t *testing.T) { checkEscapers(t, s) })
	}
}

// FuzzEscape checks that the DOT and Mermaid label escapers never let
// syntax or markup through and that their output reads back as the input
// (line breaks, tabs and invalid bytes normalised).
func FuzzEscape(f *testing.F) {
	for _, s := range []string{"Sales & Marketing", `Say "hi" \o/`, "a\r\nb\tc", "<b>#quot;</b>", "style:#fff;", "研发 🚀", "\xe9t\xe9", "\\n"} {
		f.Add(s)
	}
	for _, p := range []string{"testdata/escaping/groups.csv", "testdata/escaping/users.csv"} {
		if data, err := os.ReadFile(p); err == nil {
			for _, line := range strings.Split(string(data), "\n") {
				f.Add(line)
			}
		}
	}
	f.Fuzz(checkEscapers)
}

// labelsOf returns the expected text lines of every node of g by name, as
// Graphviz and Mermaid should show them.
func labelsOf(g *Graph) map[string][]string {
	out := map[string][]string{}
	var lines []string
	for i := range g.nodes {
		n := &g.nodes[i]
		var shown []string
		for _, l := range g.label(n, lines) {
			shown = append(shown, strings.Split(expectedText(l), "\n")...)
		}
		out[string(g.appendDOTName(nil, n))] = shown
	}
	return out
}

// TestEscapingThroughDot draws the escaping fixture (ids and names with
// every special character) and checks that dot's SVG shows every label
// exactly as written in the files.
func TestEscapingThroughDot(t *testing.T) {
	g, dot := draw(t, readOrg(t, escapingFiles), Options{Members: true})
	svg := parseSVG(t, renderSVG(t, dot))
	for name := range svg.nodes {
		if strings.HasPrefix(name, "legend") {
			delete(svg.nodes, name)
		}
	}
	if diff := cmp.Diff(labelsOf(g), svg.nodes); diff != "" {
		t.Errorf("labels drawn by dot (-want +got):\n%s", diff)
	}
}

// TestEscapingThroughMermaid renders the escaping fixture with the real
// Mermaid library in Node.js (with jsdom), the versions pinned in
// testdata/mermaid, and checks that every label shows as written in the
// files. It needs "npm ci --prefix graph/testdata/mermaid" (or
// OVSYNC_MERMAID_MODULES naming a node_modules folder with mermaid and
// jsdom); without them it is skipped, and fails when CI is set.
func TestEscapingThroughMermaid(t *testing.T) {
	modules, node := mermaidModules(t)
	org := readOrg(t, escapingFiles)
	g, err := New(org, Options{Members: true, Format: Mermaid})
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := g.Write(&buf); err != nil {
		t.Fatal(err)
	}
	src := filepath.Join(t.TempDir(), "escaping.mmd")
	if err := os.WriteFile(src, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	script, err := filepath.Abs("testdata/mermaid/labels.mjs")
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(node, script, src)
	cmd.Env = append(os.Environ(), "OVSYNC_MERMAID_MODULES="+modules)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("mermaid could not render the graph: %v\n%s", err, stderr.String())
	}
	var got map[string][]string
	if err := json.Unmarshal(out, &got); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	want := labelsOf(g)
	for name, lines := range want {
		for i, l := range lines {
			lines[i] = mermaidShown(l)
		}
		want[name] = lines
	}
	for name, lines := range got {
		for i, l := range lines {
			lines[i] = mermaidShown(l)
		}
		got[name] = lines
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("labels drawn by Mermaid (-want +got):\n%s", diff)
	}
}
