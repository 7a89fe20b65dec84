package main

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"text/template"
	"unicode"

	"github.com/google/go-cmp/cmp"
	"github.com/urfave/cli/v2"

	"github.com/ovsync/ovsync/internal/corpus"
	"github.com/ovsync/ovsync/lint"
)

//go:generate go test -run TestDocs -update .

// regenerate is the command that rewrites the generated pages, for the
// messages of a stale page.
const regenerate = "go test ./cmd/ovsync -run TestDocs -update"

// generatedNote heads every generated page, saying where its text comes
// from and how to regenerate it.
const generatedNote = "<!-- Generated from %s by \"" + regenerate + "\": edit those, not this page. -->\n\n"

// guides are the hand-written pages of docs/ that a subcommand's page
// links to, relative to docs/cli.
var guides = map[string]string{
	"build":    "../build.md",
	"convert":  "../convert.md",
	"template": "../convert.md#a-workbook-to-fill-in-ovsync-template",
	"lint":     "../lint.md",
	"rules":    "../rules.md",
	"schema":   "../lint.md#the-schemas",
	"graph":    "../graph.md",
	"report":   "../report.md",
	"plan":     "../push.md#review-first-apply-later-ovsync-plan-and-push---plan",
	"diff":     "../push.md#what-changed-between-two-exports-ovsync-diff",
	"push":     "../push.md",
	"ping":     "../push.md",
	"migrate":  "../formats.md",
}

// TestDocs checks that the pages generated from the code are current:
// docs/rules.md from lint's rule table, docs/cli/ from the command tree.
// With -update it writes them, and removes a page of docs/cli that no
// command has any more.
func TestDocs(t *testing.T) {
	repo, err := corpus.ModuleRoot()
	if err != nil {
		t.Fatal(err)
	}
	pages, err := generateDocs()
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range sortedKeys(pages) {
		path := filepath.Join(repo, filepath.FromSlash(name))
		if *update {
			if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(path, []byte(pages[name]), 0o644); err != nil {
				t.Fatal(err)
			}
			continue
		}
		got, err := os.ReadFile(path)
		if errors.Is(err, fs.ErrNotExist) {
			t.Errorf("%s is missing: run %q", name, regenerate)
			continue
		}
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(pages[name], string(got)); diff != "" {
			t.Errorf("%s is stale: run %q (-generated +on disk):\n%s", name, regenerate, diff)
		}
	}
	entries, err := os.ReadDir(filepath.Join(repo, "docs", "cli"))
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		name := "docs/cli/" + e.Name()
		if _, ok := pages[name]; ok {
			continue
		}
		if *update {
			if err := os.Remove(filepath.Join(repo, "docs", "cli", e.Name())); err != nil {
				t.Fatal(err)
			}
			continue
		}
		t.Errorf("%s is no generated page (no command has it): run %q to remove it", name, regenerate)
	}
}

// TestDocsLinks checks every relative link of the README and of the
// pages of docs/, the generated ones included: the file (a page, a
// picture, a folder) exists, and so does the section an anchor names.
func TestDocsLinks(t *testing.T) {
	repo, err := corpus.ModuleRoot()
	if err != nil {
		t.Fatal(err)
	}
	pages := []string{filepath.Join(repo, "README.md")}
	err = filepath.WalkDir(filepath.Join(repo, "docs"), func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() && strings.HasSuffix(p, ".md") {
			pages = append(pages, p)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	links := 0
	for _, page := range pages {
		b, err := os.ReadFile(page)
		if err != nil {
			t.Fatal(err)
		}
		rel, _ := filepath.Rel(repo, page)
		for _, link := range markdownLinks(string(b)) {
			links++
			file, anchor, _ := strings.Cut(link, "#")
			target := page
			if file != "" {
				target = filepath.Join(filepath.Dir(page), filepath.FromSlash(file))
			}
			st, err := os.Stat(target)
			if err != nil {
				t.Errorf("%s links to %s: no such file", rel, link)
				continue
			}
			if anchor == "" {
				continue
			}
			if st.IsDir() || !strings.HasSuffix(target, ".md") {
				t.Errorf("%s links to %s: an anchor in what is no page", rel, link)
				continue
			}
			md, err := os.ReadFile(target)
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Contains(headingAnchors(string(md)), anchor) {
				t.Errorf("%s links to %s: no such section", rel, link)
			}
		}
	}
	if links < 50 {
		t.Errorf("read %d links in %d pages: want the README's and docs' links", links, len(pages))
	}
	for cmd, link := range guides {
		if !strings.HasPrefix(link, "../") {
			t.Errorf("the guide of %s, %s, is not a page of docs/", cmd, link)
		}
	}
}

// markdownLink is a Markdown link or picture, and its target.
var markdownLink = regexp.MustCompile(`\]\(([^)\s]+)\)`)

// markdownLinks returns the relative targets of the links and pictures
// of a Markdown page, outside code.
func markdownLinks(md string) []string {
	var out []string
	fence := false
	for _, line := range strings.Split(md, "\n") {
		if strings.HasPrefix(line, "```") {
			fence = !fence
		}
		if fence || strings.HasPrefix(line, "    ") {
			continue
		}
		for _, m := range markdownLink.FindAllStringSubmatch(line, -1) {
			if !strings.Contains(m[1], "://") && !strings.HasPrefix(m[1], "mailto:") {
				out = append(out, m[1])
			}
		}
	}
	return out
}

func TestMarkdownLinks(t *testing.T) {
	md := "See [a](lint.md#rules), ![pic](report.png) and [web](https://x.org).\n" +
		"```yaml\n[no](link.md)\n```\n    [code](block.md)\n[self](#top)\n"
	want := []string{"lint.md#rules", "report.png", "#top"}
	if diff := cmp.Diff(want, markdownLinks(md)); diff != "" {
		t.Errorf("markdownLinks mismatch (-want +got):\n%s", diff)
	}
}

// headingAnchors returns the anchors GitHub gives the headings of a
// Markdown page: lower case, spaces as hyphens, punctuation and symbols
// dropped.
func headingAnchors(md string) []string {
	var out []string
	fence := false
	for _, line := range strings.Split(md, "\n") {
		if strings.HasPrefix(line, "```") {
			fence = !fence
		}
		if fence || !strings.HasPrefix(line, "#") {
			continue
		}
		h := strings.ToLower(strings.TrimSpace(strings.TrimLeft(line, "#")))
		var b strings.Builder
		for _, r := range h {
			switch {
			case r == ' ':
				b.WriteRune('-')
			case r == '-' || r == '_' || unicode.IsLetter(r) || unicode.IsNumber(r) || unicode.IsMark(r):
				b.WriteRune(r)
			}
		}
		out = append(out, b.String())
	}
	return out
}

func TestHeadingAnchors(t *testing.T) {
	md := "# ovsync\n\n## Review first, apply later: `ovsync plan` and `push --plan`\n### A workbook to fill in: `ovsync template`\n" +
		"## Build → lint → push\n## Pushing files in Workleap's format\n## Données 2\n```sh\n# a comment\n```\n"
	want := []string{"ovsync", "review-first-apply-later-ovsync-plan-and-push---plan", "a-workbook-to-fill-in-ovsync-template",
		"build--lint--push", "pushing-files-in-workleaps-format", "données-2"}
	if diff := cmp.Diff(want, headingAnchors(md)); diff != "" {
		t.Errorf("headingAnchors mismatch (-want +got):\n%s", diff)
	}
}

// generateDocs returns the generated pages by their path from the
// repository's root.
func generateDocs() (map[string]string, error) {
	pages := map[string]string{}
	rules, err := rulesPage()
	if err != nil {
		return nil, err
	}
	pages["docs/rules.md"] = rules
	app := docsApp()
	pages["docs/cli/README.md"] = indexPage(app)
	for _, c := range visibleCommands(app) {
		pages["docs/cli/"+commandPageName(c)] = commandPage(c)
	}
	return pages, nil
}

// docsApp is the application whose command tree the pages describe.
func docsApp() *cli.App {
	return newApp(strings.NewReader(""), newStreams(io.Discard, io.Discard))
}

// rulesTemplate is the hand-written part of docs/rules.md, around the
// catalogue that lint's rule table gives.
const rulesTemplate = "testdata/docs/rules.md.tmpl"

// rulesPage returns docs/rules.md: the contract of rulesTemplate with
// the catalogue of "ovsync rules --format markdown".
func rulesPage() (string, error) {
	tmpl, err := template.ParseFiles(rulesTemplate)
	if err != nil {
		return "", err
	}
	var cat bytes.Buffer
	if err := lint.PrintRules(&cat, "markdown", lint.Rules); err != nil {
		return "", err
	}
	var b strings.Builder
	fmt.Fprintf(&b, generatedNote, "lint's rule table (lint/rules.go) and cmd/ovsync/"+rulesTemplate)
	if err := tmpl.Execute(&b, map[string]string{"Catalogue": strings.TrimSuffix(cat.String(), "\n")}); err != nil {
		return "", err
	}
	return b.String(), nil
}

// visibleCommands returns the commands of app that help lists, in its
// order.
func visibleCommands(app *cli.App) []*cli.Command {
	var out []*cli.Command
	for _, c := range app.Commands {
		if !c.Hidden && c.Name != "help" {
			out = append(out, c)
		}
	}
	return out
}

// commandPageName is the file name of a command's page.
func commandPageName(c *cli.Command) string { return "ovsync_" + c.Name + ".md" }

// indexPage returns docs/cli/README.md: what ovsync is, its global
// options and a line per subcommand.
func indexPage(app *cli.App) string {
	var b strings.Builder
	fmt.Fprintf(&b, generatedNote, "the command tree (cmd/ovsync)")
	fmt.Fprintf(&b, "# %s\n\n%s.\n\n", app.Name, upperFirst(app.Usage))
	fmt.Fprintf(&b, "    %s [--help] [--version] COMMAND [options] [ARGS]\n\n", app.Name)
	writeDescription(&b, app.Description)
	b.WriteString("## Commands\n\n| command | what it does |\n| --- | --- |\n")
	for _, c := range visibleCommands(app) {
		fmt.Fprintf(&b, "| [`%s %s`](%s) | %s |\n", app.Name, c.Name, commandPageName(c), mdCell(c.Usage))
	}
	b.WriteString("\n## Global options\n\n| option | meaning |\n| --- | --- |\n")
	b.WriteString("| `--help`, `-h` | show help; `ovsync help COMMAND` and `ovsync COMMAND --help` show a command's |\n")
	b.WriteString("| `--version`, `-v` | print the version |\n")
	b.WriteString("\nThe pages of the commands are made from their help (`ovsync COMMAND --help`); the guides of [docs/](..) say more.\n")
	return b.String()
}

// commandPage returns the page of one subcommand.
func commandPage(c *cli.Command) string {
	var b strings.Builder
	fmt.Fprintf(&b, generatedNote, "the help of \"ovsync "+c.Name+"\" (cmd/ovsync)")
	fmt.Fprintf(&b, "# ovsync %s\n\n%s.\n\n", c.Name, upperFirst(c.Usage))
	usage := "ovsync " + c.Name
	if len(c.Flags) > 0 {
		usage += " [options]"
	}
	if c.ArgsUsage != "" {
		usage += " " + c.ArgsUsage
	}
	fmt.Fprintf(&b, "    %s\n\n", usage)
	writeDescription(&b, c.Description)
	if len(c.Flags) > 0 {
		b.WriteString("## Options\n\n| option | meaning | default |\n| --- | --- | --- |\n")
		for _, f := range c.Flags {
			names, usage, def := flagDoc(f)
			fmt.Fprintf(&b, "| %s | %s | %s |\n", mdCell(names), mdCell(mdText(usage)), mdCell(def))
		}
		b.WriteString("| `--help`, `-h` | show help | |\n\n")
	}
	b.WriteString("## See also\n\n")
	if g, ok := guides[c.Name]; ok {
		fmt.Fprintf(&b, "- [The guide](%s)\n", g)
	}
	b.WriteString("- [Every command](README.md)\n")
	return b.String()
}

// flagDoc returns a flag's names (with the placeholder of its value) as
// code, its usage, and its default as code ("" when there is none to
// show: a switch, or no default).
func flagDoc(f cli.Flag) (names, usage, def string) {
	s := cli.FlagStringer(f)
	names, usage, _ = strings.Cut(s, "\t")
	names, _, _ = strings.Cut(names, " [ ") // a repeatable flag's second copy
	if i := strings.LastIndex(usage, " (default: "); i >= 0 && strings.HasSuffix(usage, ")") {
		def = strings.TrimSuffix(usage[i+len(" (default: "):], ")")
		usage = usage[:i]
	}
	if _, isBool := f.(*cli.BoolFlag); isBool && def == "false" {
		def = ""
	}
	if def = strings.Trim(def, `"`); def != "" && !strings.Contains(def, " ") {
		def = "`" + def + "`"
	}
	parts := strings.Split(names, ", ")
	for i, p := range parts {
		parts[i] = "`" + p + "`"
	}
	return strings.Join(parts, ", "), usage, def
}

// writeDescription writes a command's description as Markdown: its
// paragraphs as text, its indented lines as code, and its "Exit status"
// and "Examples" paragraphs under their own headings.
func writeDescription(b *strings.Builder, desc string) {
	var text, exit, examples []string
	for _, para := range strings.Split(strings.TrimSpace(desc), "\n\n") {
		switch {
		case strings.HasPrefix(para, "Examples:"):
			examples = append(examples, codeBlock(strings.Split(para, "\n")[1:]))
		case strings.HasPrefix(para, "Exit status"):
			exit = append(exit, exitStatus(para))
		default:
			text = append(text, markdownParagraph(para)...)
		}
	}
	for _, p := range text {
		b.WriteString(p + "\n\n")
	}
	if len(exit) > 0 {
		b.WriteString("## Exit status\n\n" + strings.Join(exit, "\n\n") + "\n\n")
	}
	if len(examples) > 0 {
		b.WriteString("## Examples\n\n" + strings.Join(examples, "\n\n") + "\n\n")
	}
}

// markdownParagraph turns a paragraph of help text into Markdown blocks:
// each run of unindented lines one line of text, each run of indented
// lines a code block.
func markdownParagraph(para string) []string {
	var blocks, run []string
	indented := false
	flush := func() {
		if len(run) == 0 {
			return
		}
		if indented {
			blocks = append(blocks, codeBlock(run))
		} else {
			blocks = append(blocks, mdText(strings.Join(run, " ")))
		}
		run = nil
	}
	for _, line := range strings.Split(para, "\n") {
		in := strings.HasPrefix(line, " ")
		if in != indented {
			flush()
			indented = in
		}
		run = append(run, line)
	}
	flush()
	return blocks
}

// exitStatusLine is one status of an "Exit status:" list: the code, and
// the start of its meaning.
var exitStatusLine = regexp.MustCompile(`^\s+(\d+)\s+(.*)$`)

// exitStatusItem is one status of a one-line "Exit status: 0 done; 2
// usage" paragraph.
var exitStatusItem = regexp.MustCompile(`^(\d+) (.*)$`)

// exitStatus turns an "Exit status" paragraph into a Markdown table of
// status and meaning, from a list of statuses ("   0  done ...",
// continued on more indented lines) or from one sentence ("Exit status:
// 0 done; 2 usage ..."); a paragraph of another shape stays text.
func exitStatus(para string) string {
	lines := strings.Split(para, "\n")
	var rows [][2]string
	if head, rest, _ := strings.Cut(strings.Join(lines, " "), ":"); !strings.HasSuffix(strings.TrimSpace(lines[0]), ":") {
		for _, item := range strings.Split(strings.TrimSuffix(strings.TrimSpace(rest), "."), "; ") {
			if m := exitStatusItem.FindStringSubmatch(item); m != nil {
				rows = append(rows, [2]string{m[1], m[2]})
			} else if len(rows) > 0 {
				rows[len(rows)-1][1] += "; " + item
			} else {
				return mdText(head + ":" + rest)
			}
		}
	} else {
		for _, l := range lines[1:] {
			if m := exitStatusLine.FindStringSubmatch(l); m != nil {
				rows = append(rows, [2]string{m[1], m[2]})
			} else if len(rows) > 0 {
				rows[len(rows)-1][1] += " " + strings.TrimSpace(l)
			}
		}
	}
	if len(rows) == 0 {
		return mdText(strings.Join(lines, " "))
	}
	var b strings.Builder
	b.WriteString("| status | meaning |\n| --- | --- |")
	for _, r := range rows {
		fmt.Fprintf(&b, "\n| %s | %s |", r[0], mdCell(mdText(r[1])))
	}
	return b.String()
}

// codeBlock returns lines as an indented Markdown code block, their
// common indentation removed.
func codeBlock(lines []string) string {
	indent := -1
	for _, l := range lines {
		if strings.TrimSpace(l) == "" {
			continue
		}
		n := len(l) - len(strings.TrimLeft(l, " "))
		if indent < 0 || n < indent {
			indent = n
		}
	}
	out := make([]string, len(lines))
	for i, l := range lines {
		if len(l) >= indent && indent > 0 {
			l = l[indent:]
		}
		out[i] = "    " + strings.TrimRight(l, " ")
	}
	return strings.Join(out, "\n")
}

// mdText escapes what Markdown would read as markup in a line of help
// text: emphasis and HTML.
func mdText(s string) string {
	return strings.NewReplacer(`\`, `\\`, `*`, `\*`, `<`, `&lt;`, `>`, `&gt;`).Replace(s)
}

// mdCell makes s safe in a cell of a Markdown table.
func mdCell(s string) string { return strings.ReplaceAll(s, "|", `\|`) }

// upperFirst returns s with its first letter in upper case, for a
// sentence made of a usage line.
func upperFirst(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

// sortedKeys returns the keys of m in order.
func sortedKeys(m map[string]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}
