package report

import (
	"bufio"
	"crypto/sha256"
	_ "embed"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"html/template"
	"io"
	"strconv"
	"strings"

	"github.com/ovsync/ovsync/internal/plural"
)

// The page's own style and script, allowed by the Content-Security-Policy
// through their hashes: nothing else may run or load.
var (
	//go:embed assets/report.css
	pageCSS string
	//go:embed assets/report.js
	pageJS string
)

// csp is the Content-Security-Policy of the page: no source at all but
// its inline style and script.
var csp = fmt.Sprintf("default-src 'none'; style-src '%s'; script-src '%s'; img-src 'none'; connect-src 'none'; font-src 'none'; frame-src 'none'; base-uri 'none'; form-action 'none'",
	hashOf(pageCSS), hashOf(pageJS))

func hashOf(s string) string {
	sum := sha256.Sum256([]byte(s))
	return "sha256-" + base64.StdEncoding.EncodeToString(sum[:])
}

// staticFindings is how many findings the page shows as plain HTML,
// before its script renders them all.
const staticFindings = 100

// pageView is what the page template shows.
type pageView struct {
	CSP     string
	CSS     template.CSS
	D       *Data
	Verdict string
	Failed  bool
	Groups  []staticGroup
	More    int
}

// staticGroup is a rule's findings as plain HTML.
type staticGroup struct {
	Rule, Severity string
	Total          int
	Findings       []staticFinding
}

// staticFinding is one finding as plain HTML, with its row.
type staticFinding struct {
	Index                int
	Finding              Finding
	File, Loc            string
	Header               []staticCell
	Cells                []staticCell
	HeaderOnly, WholeRow bool
}

// staticCell is one field of a finding's row.
type staticCell struct {
	Text string
	Hi   bool
}

// writePage writes the page: the HTML, the data as JSON, the script.
func writePage(w io.Writer, d *Data) error {
	bw := bufio.NewWriterSize(w, 1<<16)
	if err := pageTemplate.Execute(bw, view(d)); err != nil {
		return err
	}
	bw.WriteString(`<script type="application/json" id="ovsync-data">`)
	if err := writeData(bw, d); err != nil {
		return err
	}
	bw.WriteString("</script>\n<script>")
	bw.WriteString(pageJS)
	bw.WriteString("</script>\n</body>\n</html>\n")
	return bw.Flush()
}

// writeData writes d as a json.Encoder would, <, > and & escaped so that
// no "</script>" can appear, but a user, a team and a finding at a time:
// a million users are never one buffer (nor a million interface values
// while they are made).
func writeData(w *bufio.Writer, d *Data) error {
	var err error
	key := func(k string) {
		w.WriteString(`,"`)
		w.WriteString(k)
		w.WriteString(`":`)
	}
	value := func(v any) {
		if err == nil {
			var b []byte
			b, err = json.Marshal(v)
			w.Write(b)
		}
	}
	w.WriteString(`{"version":`)
	value(d.Version)
	key("tool")
	value(d.Tool)
	key("generated")
	value(d.Generated)
	key("format")
	value(d.Format)
	if d.Config != "" {
		key("config")
		value(d.Config)
	}
	key("files")
	value(d.Files)
	key("summary")
	value(d.Summary)
	key("sources")
	writeArray(w, d.Sources, func(s *Source) { value(s) })
	key("findings")
	writeArray(w, d.Findings, func(f *Finding) { value(f) })
	key("users")
	var buf []byte
	writeArray(w, d.Users, func(u *User) {
		buf = appendUser(buf[:0], u)
		w.Write(buf)
	})
	key("teams")
	writeArray(w, d.Teams, func(t *Team) { value(t) })
	key("roots")
	value(d.Roots)
	key("gaps")
	value(d.Gaps)
	key("plan")
	value(d.Plan)
	w.WriteString("}\n")
	return err
}

// writeArray writes s as json.Marshal would, an element at a time
// through each.
func writeArray[T any](w *bufio.Writer, s []T, each func(*T)) {
	if s == nil {
		w.WriteString("null")
		return
	}
	w.WriteByte('[')
	for i := range s {
		if i > 0 {
			w.WriteByte(',')
		}
		each(&s[i])
	}
	w.WriteByte(']')
}

// appendUser appends u as [User.MarshalJSON] writes it.
func appendUser(b []byte, u *User) []byte {
	b = append(b, '[')
	b = appendJSONString(b, u.ID)
	b = append(b, ',')
	b = appendJSONString(b, u.Name)
	b = append(b, ',')
	b = appendJSONString(b, u.Email)
	b = append(b, ',')
	b = strconv.AppendInt(b, int64(u.Flags), 10)
	return append(b, ']')
}

// appendJSONString appends s as json.Marshal writes a string: as it is
// when every byte is printable ASCII that needs no escape (nor <, > or
// &), else through json.Marshal itself.
func appendJSONString(b []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c > 0x7e || c == '"' || c == '\\' || c == '<' || c == '>' || c == '&' {
			q, _ := json.Marshal(s) // a string always marshals
			return append(b, q...)
		}
	}
	b = append(b, '"')
	b = append(b, s...)
	return append(b, '"')
}

// view builds the template's view of the data.
func view(d *Data) *pageView {
	v := &pageView{CSP: csp, CSS: template.CSS(pageCSS), D: d, Failed: d.Summary.Errors > 0}
	v.Verdict = fmt.Sprintf("%s, %s, %s", plural.Count(d.Summary.Errors, "error", "errors"),
		plural.Count(d.Summary.Warnings, "warning", "warnings"), plural.Count(d.Summary.Infos, "info", "info"))
	for i, f := range d.Findings {
		key := f.Rule + "/" + f.Severity
		if n := len(v.Groups); n == 0 || v.Groups[n-1].Rule+"/"+v.Groups[n-1].Severity != key {
			v.Groups = append(v.Groups, staticGroup{Rule: f.Rule, Severity: f.Severity})
		}
		g := &v.Groups[len(v.Groups)-1]
		g.Total++
		if i >= staticFindings {
			v.More++
			continue
		}
		g.Findings = append(g.Findings, staticRow(d, i))
	}
	return v
}

// staticRow is finding i with its row, for the template.
func staticRow(d *Data, i int) staticFinding {
	f := d.Findings[i]
	src := &d.Sources[f.Source]
	sf := staticFinding{Index: i, Finding: f, File: src.File, Loc: location(src.File, f.Line, f.Column)}
	if f.Row < 0 {
		return sf
	}
	row := src.Rows[f.Row]
	sf.HeaderOnly = row.Line == 1
	sf.WholeRow = f.Cell < 0
	for c, text := range src.Header {
		sf.Header = append(sf.Header, staticCell{Text: text, Hi: sf.HeaderOnly && c == f.Cell})
	}
	for c, text := range row.Fields {
		sf.Cells = append(sf.Cells, staticCell{Text: text, Hi: c == f.Cell})
	}
	for len(sf.Header) < len(sf.Cells) {
		sf.Header = append(sf.Header, staticCell{})
	}
	return sf
}

// location writes file:line:col as the text output does.
func location(file string, line, col int) string {
	return fmt.Sprintf("%s:%d:%d", file, line, col)
}

var pageTemplate = template.Must(template.New("page").Funcs(template.FuncMap{
	"upper": strings.ToUpper,
	"count": func(n int) string {
		if n < 0 {
			return "?"
		}
		return fmt.Sprint(n)
	},
	"people":  func(n int) string { return plural.Count(n, "person", "people") },
	"members": func(n int) string { return plural.Count(n, "member", "members") },
	"join":    func(s []string) string { return strings.Join(s, ", ") },
	"teams": func(ids []string) string {
		if len(ids) == 0 {
			return "no team"
		}
		return strings.Join(ids, ", ")
	},
}).Parse(pageHTML + planTemplates))

// planTemplates are the parts the plan's lists share.
const planTemplates = `{{define "more"}}{{if gt . 0}}<p class="more">and {{.}} more ("ovsync plan -o plan.json" lists them all)</p>{{end}}{{end}}` +
	`{{define "team"}}{{if .TeamName}}“{{.TeamName}}” ({{.Team}}){{else}}{{.Team}}{{end}}{{end}}` +
	`{{define "teamref"}}{{if .Name}}“{{.Name}}” ({{.ID}}){{else}}{{.ID}}{{end}}{{end}}`

// pageHTML is the page up to its data. The script replaces the plain
// findings with its own lists and fills the tree.
const pageHTML = `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="{{.CSP}}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="ovsync {{.D.Tool}}">
<title>ovsync report{{with .D.Config}}: {{.}}{{end}}</title>
<style>{{.CSS}}</style>
</head>
<body>
<a class="skip" href="#findings">Skip to the findings</a>
<header id="top">
<h1>ovsync report</h1>
<p class="verdict {{if .Failed}}failed{{else}}passed{{end}}" id="verdict">{{if .Failed}}A push would stop: {{else}}Lint passed: {{end}}{{.Verdict}}</p>
<dl class="facts">
{{with .D.Config}}<dt>Config</dt><dd><code>{{.}}</code></dd>{{end}}
{{with .D.Files.Users}}<dt>Users file</dt><dd><code>{{.}}</code> — {{$.D.Summary.Users}} rows</dd>{{end}}
{{with .D.Files.Groups}}<dt>Teams file</dt><dd><code>{{.}}</code> — {{$.D.Summary.Teams}} rows</dd>{{end}}
{{with .D.Files.Mapping}}<dt>Mapping file</dt><dd><code>{{.}}</code> — {{$.D.Summary.Mappings}} rows</dd>{{end}}
<dt>Format</dt><dd>{{.D.Format}}</dd>
<dt>Made</dt><dd><time datetime="{{.D.Generated}}">{{.D.Generated}}</time> by ovsync {{.D.Tool}}</dd>
</dl>
<nav aria-label="sections"><a href="#plan">Plan</a> <a href="#findings">Findings</a> <a href="#org">Org chart</a></nav>
</header>
<main>
<section id="plan" aria-labelledby="plan-title">
<h2 id="plan-title">The next push</h2>
{{with .D.Plan}}
{{if eq .Status "stopped" "not-asked"}}<p class="notice" id="plan-status">{{.Reason}}</p>
{{else}}
{{if eq .Status "first"}}<p class="notice" id="plan-status">First push: {{if .OtherTarget}}the state file <code>{{.StateFile}}</code> records {{.OtherTarget}}, not a push to this target{{else}}there is no state file{{with .StateFile}} (<code>{{.}}</code>){{end}}{{end}}, so what Officevibe holds now is not known. Every user counts as added; removals cannot be counted.</p>
{{else}}<p id="plan-status">Changes since the last push{{with .PreviousPush}} on <time datetime="{{.}}">{{.}}</time>{{end}} (state file <code>{{.StateFile}}</code>).{{if .Unchanged}} No change: the push sends what the last one sent.{{end}}</p>{{end}}
<table class="counts"><thead><tr><th scope="col"></th><th scope="col">Added</th><th scope="col">Removed</th><th scope="col">Changed</th><th scope="col">Total</th></tr></thead>
<tbody>{{range .Counts}}<tr><th scope="row">{{.Kind}}</th><td>{{count .Added}}</td><td>{{count .Removed}}</td><td>{{if eq .Kind "managers"}}–{{else}}{{count .Changed}}{{end}}</td><td>{{.Total}}</td></tr>{{end}}</tbody></table>
{{with .UsersRemoved}}{{if .Total}}<section class="change bad" id="plan-users-removed"><h3>Users removed <span class="n">{{.Total}}</span></h3><ul>{{range .Items}}<li>{{.}}</li>{{end}}</ul>{{template "more" .More}}</section>{{end}}{{end}}
{{with .ManagersLost}}{{if .Total}}<section class="change bad" id="plan-managers-lost"><h3>Managers losing access to a team's results <span class="n">{{.Total}}</span></h3><ul>{{range .Items}}<li>{{.UserRef}} on {{template "team" .}}: no longer sees {{people .People}}</li>{{end}}</ul>{{template "more" .More}}</section>{{end}}{{end}}
{{with .EmailChanges}}{{if .Total}}<section class="change{{if $.D.Plan.EmailIsRemoval}} bad{{end}}" id="plan-email-changes"><h3>Email changes <span class="n">{{.Total}}</span></h3>
<p class="note">{{if $.D.Plan.EmailIsRemoval}}Legacy protocol: Officevibe keys members by email, so each is counted as a removal and a new member; their history goes.{{else}}Same id, new email.{{end}}</p><ul>{{range .Items}}<li>{{.Name}} ({{.ID}}): {{.From}} → {{.To}}</li>{{end}}</ul>{{template "more" .More}}</section>{{end}}{{end}}
{{with .TeamsRemoved}}{{if .Total}}<section class="change bad" id="plan-teams-removed"><h3>Teams removed <span class="n">{{.Total}}</span></h3><ul>{{range .Items}}<li>{{template "teamref" .}}: {{members .Members}}</li>{{end}}</ul>{{template "more" .More}}</section>{{end}}{{end}}
{{if ne .Status "first"}}
{{with .UsersAdded}}{{if .Total}}<section class="change" id="plan-users-added"><h3>Users added <span class="n">{{.Total}}</span></h3><ul>{{range .Items}}<li>{{.}}</li>{{end}}</ul>{{template "more" .More}}</section>{{end}}{{end}}
{{with .TeamsAdded}}{{if .Total}}<section class="change" id="plan-teams-added"><h3>Teams added <span class="n">{{.Total}}</span></h3><ul>{{range .Items}}<li>{{template "teamref" .}}: {{members .Members}}</li>{{end}}</ul>{{template "more" .More}}</section>{{end}}{{end}}
{{with .ManagersGained}}{{if .Total}}<section class="change" id="plan-managers-gained"><h3>Managers gaining access <span class="n">{{.Total}}</span></h3><ul>{{range .Items}}<li>{{.UserRef}} on {{template "team" .}}: sees {{people .People}}</li>{{end}}</ul>{{template "more" .More}}</section>{{end}}{{end}}
{{end}}
{{with .TeamsRenamed}}{{if .Total}}<section class="change" id="plan-teams-renamed"><h3>Teams renamed <span class="n">{{.Total}}</span></h3><ul>{{range .Items}}<li>{{.ID}}: “{{.From}}” → “{{.To}}”</li>{{end}}</ul>{{template "more" .More}}</section>{{end}}{{end}}
{{with .UsersChanged}}{{if .Total}}<section class="change" id="plan-users-changed"><h3>Users changed <span class="n">{{.Total}}</span></h3><ul>{{range .Items}}<li>{{.UserRef}}: {{if .Fields}}{{join .Fields}}{{else}}fields not known (the state file is of version 1){{end}}</li>{{end}}</ul>{{template "more" .More}}</section>{{end}}{{end}}
{{with .Moves}}{{if .Total}}<section class="change" id="plan-moves"><h3>Members moved between teams <span class="n">{{.Total}}</span></h3><ul>{{range .Items}}<li>{{.UserRef}}: {{teams .From}} → {{teams .To}}</li>{{end}}</ul>{{template "more" .More}}</section>{{end}}{{end}}
{{if and (ne .Status "first") (not .MappingsKnown)}}<p class="note">Managers and moves: not known, the state file is of version 1 (the next push rewrites it).</p>{{end}}
{{if .Invites}}<p>Invitations: {{.Invites}} new users will be invited (InviteNewUsers is true).</p>{{end}}
{{range .Guard}}<p class="guard">The push stops here, nothing sent (exit status 5): {{.}}</p>{{end}}
{{if .Guard}}<p class="note">--first-push accepts a push without a record of the last one; --yes accepts every guard.</p>{{end}}
{{range .Notes}}<p class="note">{{.}}</p>{{end}}
{{end}}
{{end}}
</section>
<section id="findings" aria-labelledby="findings-title">
<h2 id="findings-title">Findings <span class="total">({{len .D.Findings}})</span></h2>
<div id="controls" hidden></div>
<div id="static-findings">
{{if not .D.Findings}}<p class="notice">No findings: the files pass every rule.</p>{{end}}
{{range .Groups}}<section class="group sev-{{.Severity}}">
<h3><span class="sev">{{.Severity}}</span> <code>{{.Rule}}</code> <span class="n">{{.Total}}</span></h3>
<ol class="list">{{range .Findings}}<li class="finding" id="f{{.Index}}">
<p class="where"><code class="loc">{{.Loc}}</code></p>
<p class="msg">{{.Finding.Message}}</p>
{{with .Finding.Hint}}<p class="hint">{{.}}</p>{{end}}
{{if .Cells}}<div class="rowwrap"><table class="row{{if .WholeRow}} whole{{end}}{{if .HeaderOnly}} headeronly{{end}}"><thead><tr><th scope="col" class="ln">line</th>{{range .Header}}<th scope="col"{{if .Hi}} class="hi"{{end}}>{{.Text}}</th>{{end}}</tr></thead>
{{if not .HeaderOnly}}<tbody><tr><td class="ln">{{.Finding.Line}}</td>{{range .Cells}}<td{{if .Hi}} class="hi"{{end}}>{{.Text}}</td>{{end}}</tr></tbody>{{end}}</table></div>{{end}}
</li>{{end}}</ol>
</section>{{end}}
{{if .More}}<p class="notice more">{{.More}} more findings: open the page with JavaScript enabled to see them all.</p>{{end}}
</div>
<div id="live-findings"></div>
</section>
<section id="org" aria-labelledby="org-title">
<h2 id="org-title">Org chart <span class="total">({{len .D.Teams}} teams, {{len .D.Users}} users)</span></h2>
<noscript><p class="notice">The org chart needs JavaScript; the findings and the plan above do not.</p></noscript>
<div id="org-view"></div>
</section>
</main>
`
