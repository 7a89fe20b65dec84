package lint

import (
	"bufio"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/url"
	"strconv"
	"strings"
)

// The constants of the SARIF output.
const (
	sarifSchema   = "https://json.schemastore.org/sarif-2.1.0.json"
	sarifVersion  = "2.1.0"
	sarifToolName = "ovsync"
	sarifToolURI  = "https://github.com/ovsync/ovsync"
	sarifHelpURI  = "https://github.com/ovsync/ovsync#rules"
	// sarifSrcRoot is the base of relative paths; code scanning resolves it to
	// the checkout.
	sarifSrcRoot = "%SRCROOT%"
	// sarifColumnKind is the unit of the columns: UTF-16 code units, the
	// default of SARIF 2.1.0 (section 3.14.17), written out all the same.
	sarifColumnKind = "utf16CodeUnits"
)

// The subset of SARIF 2.1.0 that the output uses, with the spec's names.
type (
	sarifLog struct {
		Schema  string     `json:"$schema"`
		Version string     `json:"version"`
		Runs    []sarifRun `json:"runs"`
	}
	sarifRun struct {
		Tool        sarifTool         `json:"tool"`
		Invocations []sarifInvocation `json:"invocations,omitempty"`
		ColumnKind  string            `json:"columnKind"`
		Results     []sarifResult     `json:"results"`
	}
	// sarifInvocation is the run's one invocation, written when results
	// were left out to say so.
	sarifInvocation struct {
		ExecutionSuccessful        bool                `json:"executionSuccessful"`
		ToolExecutionNotifications []sarifNotification `json:"toolExecutionNotifications"`
	}
	sarifNotification struct {
		Level          string                  `json:"level"`
		Message        sarifMessage            `json:"message"`
		AssociatedRule *sarifRuleReference     `json:"associatedRule,omitempty"`
		Properties     *sarifLeftOutProperties `json:"properties,omitempty"`
	}
	sarifRuleReference struct {
		ID    string `json:"id"`
		Index *int   `json:"index,omitempty"`
	}
	// sarifLeftOutProperties counts, in a notification's property bag,
	// the results of its rule and level: all of them, and those left out.
	sarifLeftOutProperties struct {
		Level   string `json:"level"`
		Results int    `json:"results"`
		LeftOut int    `json:"leftOut"`
	}
	sarifTool struct {
		Driver sarifDriver `json:"driver"`
	}
	sarifDriver struct {
		Name           string      `json:"name"`
		Version        string      `json:"version,omitempty"`
		InformationURI string      `json:"informationUri"`
		Rules          []sarifRule `json:"rules"`
	}
	sarifRule struct {
		ID                   string             `json:"id"`
		Name                 string             `json:"name,omitempty"`
		ShortDescription     sarifMessage       `json:"shortDescription"`
		DefaultConfiguration sarifConfiguration `json:"defaultConfiguration"`
		HelpURI              string             `json:"helpUri"`
	}
	sarifConfiguration struct {
		Level string `json:"level"`
	}
	sarifMessage struct {
		Text string `json:"text"`
	}
	sarifResult struct {
		RuleID              string            `json:"ruleId"`
		RuleIndex           *int              `json:"ruleIndex,omitempty"`
		Level               string            `json:"level"`
		Message             sarifMessage      `json:"message"`
		Locations           []sarifLocation   `json:"locations,omitempty"`
		PartialFingerprints sarifFingerprints `json:"partialFingerprints"`
	}
	// sarifFingerprints is a result's partialFingerprints object: one
	// fingerprint, "ovsync/v1", of the rule, the file and what the finding
	// is about ([Finding.Key]), not its line. A struct, not a map, so that
	// a million results make no million maps.
	sarifFingerprints struct {
		V1 string `json:"ovsync/v1"`
	}
	sarifLocation struct {
		PhysicalLocation sarifPhysicalLocation `json:"physicalLocation"`
	}
	sarifPhysicalLocation struct {
		ArtifactLocation sarifArtifactLocation `json:"artifactLocation"`
		Region           *sarifRegion          `json:"region,omitempty"`
	}
	sarifArtifactLocation struct {
		URI       string `json:"uri"`
		URIBaseID string `json:"uriBaseId,omitempty"`
	}
	sarifRegion struct {
		StartLine   int `json:"startLine"`
		StartColumn int `json:"startColumn,omitempty"`
	}
)

// sarifPrinter writes a SARIF 2.1.0 log for code scanning: one run, one
// reporting descriptor per rule of the catalogue, one result per finding
// up to the run's limit (see caps.go); when findings are left out, the
// run's invocation says how many of which rules, and where they all are.
type sarifPrinter struct {
	w   *bufio.Writer
	opt PrintOptions
}

func newSARIFPrinter(w *bufio.Writer, opt PrintOptions) printer {
	return &sarifPrinter{w: w, opt: opt}
}

// maxResults is the run's limit, or -1 for none.
func (p *sarifPrinter) maxResults() int {
	switch n := p.opt.SARIFMaxResults; {
	case n == 0:
		return DefaultSARIFMaxResults
	case n < 0:
		return -1
	default:
		return n
	}
}

// keep returns how many findings of each group the run keeps, or nil when
// it keeps them all.
func (p *sarifPrinter) keep(fs []Finding) (keep, counts map[group]int) {
	limit := p.maxResults()
	if limit < 0 || len(fs) <= limit {
		return nil, nil
	}
	counts = countGroups(fs, asIs)
	return allot(counts, func(_ Severity, used int) int { return limit - used }), counts
}

// notifications say what the run left out: how many results in all and
// why, then how many of each rule and level.
func (p *sarifPrinter) notifications(total int, counts, keep map[group]int, ruleIndexes []int) []sarifNotification {
	cut := leftOut(counts, keep)
	left := 0
	for _, c := range cut {
		left += c.left
	}
	limit := p.maxResults()
	ns := []sarifNotification{{
		Level: "warning",
		Message: sarifMessage{Text: fmt.Sprintf(
			"%d of %d results left out: this run holds at most %d (--sarif-max-results; code scanning rejects a run of more than %d); errors are kept first, then warnings, then notes, and each rule in turn within a level; %s",
			left, total, limit, DefaultSARIFMaxResults, wholeList(p.opt))},
	}}
	for _, c := range cut {
		level := sarifLevel(c.severity)
		n := sarifNotification{
			Level: "warning",
			Message: sarifMessage{Text: fmt.Sprintf("%s: %d of %d %s results left out (%d kept)",
				c.rule, c.left, c.total, level, c.total-c.left)},
			AssociatedRule: &sarifRuleReference{ID: c.rule},
			Properties:     &sarifLeftOutProperties{Level: level, Results: c.total, LeftOut: c.left},
		}
		if i := ruleRank(c.rule); i < len(Rules) {
			n.AssociatedRule.Index = &ruleIndexes[i]
		}
		ns = append(ns, n)
	}
	return ns
}

func (p *sarifPrinter) print(r *Report) error {
	driver := sarifDriver{
		Name:           sarifToolName,
		Version:        p.opt.Version,
		InformationURI: sarifToolURI,
		Rules:          make([]sarifRule, 0, len(Rules)),
	}
	index := make(map[string]int, len(Rules))
	for i, rule := range Rules {
		index[rule.ID] = i
		driver.Rules = append(driver.Rules, sarifRule{
			ID:                   rule.ID,
			Name:                 sarifRuleName(rule.ID),
			ShortDescription:     sarifMessage{Text: rule.Summary},
			DefaultConfiguration: sarifConfiguration{Level: sarifLevel(rule.Severity)},
			HelpURI:              sarifHelpURI,
		})
	}
	// The log is written as encoding/json would indent it whole, but one
	// result at a time: the results are never all in memory.
	js := newJSONStream(p.w)
	p.w.WriteString("{\n  \"$schema\": ")
	js.value("  ", sarifSchema)
	p.w.WriteString(",\n  \"version\": ")
	js.value("  ", sarifVersion)
	p.w.WriteString(",\n  \"runs\": [\n    {\n      \"tool\": ")
	js.value("      ", sarifTool{Driver: driver})
	ruleIndexes := make([]int, len(Rules))
	for i := range ruleIndexes {
		ruleIndexes[i] = i
	}
	// What the run keeps is decided from counts per rule and level before
	// the first result is written; the findings are not copied.
	keep, counts := p.keep(r.Findings)
	if keep != nil {
		p.w.WriteString(",\n      \"invocations\": ")
		js.value("      ", []sarifInvocation{{
			ExecutionSuccessful:        true,
			ToolExecutionNotifications: p.notifications(len(r.Findings), counts, keep, ruleIndexes),
		}})
	}
	p.w.WriteString(",\n      \"columnKind\": ")
	js.value("      ", sarifColumnKind)
	p.w.WriteString(",\n      \"results\": [")
	seen := make(map[string]int)
	var artifactFile string // the findings are sorted by file: one artifact per file
	var artifact sarifArtifactLocation
	written := 0
	for _, f := range r.Findings {
		// A result left out still counts among the findings alike, so that
		// a kept result has the fingerprint it has in a run that keeps all.
		id, n := occurrence(f, seen)
		if keep != nil {
			g := group{f.Rule, f.Severity}
			if keep[g] == 0 {
				continue
			}
			keep[g]--
		}
		res := sarifResult{
			RuleID:              f.Rule,
			Level:               sarifLevel(f.Severity),
			Message:             sarifMessage{Text: withHint(f)},
			PartialFingerprints: sarifFingerprints{V1: fingerprintOf(id, n)},
		}
		if i, ok := index[f.Rule]; ok {
			res.RuleIndex = &ruleIndexes[i]
		}
		if f.File != "" {
			if f.File != artifactFile {
				artifactFile, artifact = f.File, sarifArtifact(f.File)
			}
			loc := sarifPhysicalLocation{ArtifactLocation: artifact}
			if f.Line > 0 {
				loc.Region = &sarifRegion{StartLine: f.Line}
				if f.UTF16Column > 0 {
					loc.Region.StartColumn = f.UTF16Column
				}
			}
			res.Locations = []sarifLocation{{PhysicalLocation: loc}}
		}
		if written > 0 {
			p.w.WriteByte(',')
		}
		written++
		p.w.WriteString("\n        ")
		if err := js.value("        ", res); err != nil {
			return err
		}
	}
	if written > 0 {
		p.w.WriteString("\n      ")
	}
	p.w.WriteString("]\n    }\n  ]\n}\n")
	return js.err
}

// occurrence returns what a result's partial fingerprint is made of: its
// rule, file (with forward slashes) and key, and how many findings with
// the same three came before it, so that two alike stay apart. seen counts
// them along the run.
func occurrence(f Finding, seen map[string]int) (id string, n int) {
	id = f.Rule + "\x00" + slashPath(f.File) + "\x00" + f.Key
	n = seen[id]
	seen[id] = n + 1
	return id, n
}

// fingerprintOf returns the partial fingerprint of a result: a hash of
// its [occurrence].
func fingerprintOf(id string, n int) string {
	sum := sha256.Sum256([]byte(id + "\x00" + strconv.Itoa(n)))
	return hex.EncodeToString(sum[:16])
}

// sarifRuleName turns a rule ID into the name SARIF shows people:
// "language-value" becomes "LanguageValue". SARIF wants the name to
// differ from the opaque ID and to be left out otherwise, and validators
// compare them ignoring case, so a one-word ID such as "cycle" has no name.
func sarifRuleName(id string) string {
	var b strings.Builder
	for part := range strings.SplitSeq(id, "-") {
		if part != "" {
			b.WriteString(strings.ToUpper(part[:1]))
			b.WriteString(part[1:])
		}
	}
	if strings.EqualFold(b.String(), id) {
		return ""
	}
	return b.String()
}

// sarifLevel maps a severity to SARIF's level; info is "note".
func sarifLevel(s Severity) string {
	switch s {
	case Error:
		return "error"
	case Warning:
		return "warning"
	case Info:
		return "note"
	}
	return "none"
}

// sarifArtifact turns a displayed path into a SARIF artifact location: a
// relative URI reference against %SRCROOT% for a relative path, a file URI
// for an absolute one (/home/x, C:\x, \\server\share\x). Characters that a
// URI cannot hold, such as spaces, are percent-encoded.
func sarifArtifact(path string) sarifArtifactLocation {
	p := slashPath(path)
	switch {
	case strings.HasPrefix(p, "//"):
		host, rest, _ := strings.Cut(p[2:], "/")
		u := url.URL{Scheme: "file", Host: host, Path: "/" + rest}
		return sarifArtifactLocation{URI: u.String()}
	case strings.HasPrefix(p, "/"):
		u := url.URL{Scheme: "file", Path: p}
		return sarifArtifactLocation{URI: u.String()}
	case isDrivePath(p):
		u := url.URL{Scheme: "file", Path: "/" + p}
		return sarifArtifactLocation{URI: u.String()}
	}
	u := url.URL{Path: p}
	return sarifArtifactLocation{URI: u.String(), URIBaseID: sarifSrcRoot}
}

// isDrivePath reports whether p starts with a Windows drive, as in C:/x.
func isDrivePath(p string) bool {
	return len(p) >= 3 && p[1] == ':' && p[2] == '/' &&
		('a' <= p[0] && p[0] <= 'z' || 'A' <= p[0] && p[0] <= 'Z')
}
