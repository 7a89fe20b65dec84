// Package report writes an org's lint findings, the plan of its next push
// and its team tree as one self-contained HTML page that an HR analyst
// can open from a file, an e-mail or a CI artifact.
//
// It adds no reader and no rule of its own. [New] lints the org with
// [lint.Run]; it takes the rows the findings point at from the files
// through lint's [lint.CSVReader], the marks of the tree (cycle, team
// missing from the teams file, empty team, no manager, hierarchy gap)
// from the same [lint.Org] and [lint.Problems] that package graph draws,
// and the plan from package plan, as "ovsync plan" makes it ([Plan]).
// [Report.Write] writes the page:
//
//   - a header (files, format, counts, verdict, time, version), the plan
//     and the first findings as plain HTML, readable without JavaScript;
//   - the whole report once, as compact JSON in a script element that is
//     data, not code ([Data]), from which an inline script renders the
//     findings (filters, search, paged lists) and the collapsible team
//     tree (click a team to list its members and managers);
//   - a Content-Security-Policy meta tag that allows the page's own inline
//     style and script (by hash) and nothing else: no request leaves it.
//
// Every value from the files reaches the page escaped: through
// html/template in the HTML, through encoding/json (which escapes <, >
// and &) in the data, and through textContent in the script. The values
// are the org's, exactly, even where they share a few characters with the
// API key; an org that holds the key whole is not written at all.
package report

import (
	"context"
	"io"
	"time"

	"github.com/ovsync/ovsync/lint"
	"github.com/ovsync/ovsync/push/plan"
)

// Options say which org to report on.
type Options struct {
	// Lint says which files to read, as for lint.
	Lint lint.Options
	// Version is ovsync's version, shown in the header.
	Version string
	// Now is the time the report is made; the zero time means time.Now.
	Now time.Time
	// Plan are the options of the push whose plan the page shows: its
	// state file, protocol, target and guards, as the command builds them
	// for push and plan (Path and Keys are the report's own; the plan's
	// messages are dropped). The page shows the guards those options
	// would trip.
	Plan plan.Options
	// NoPlan leaves the plan out (for benchmarks and for tests of other
	// parts): the page says it was not asked for.
	NoPlan bool
}

// Report is a report ready to be written.
type Report struct {
	lint *lint.Report
	data *Data
	// planned is the plan the page shows, nil when there is none.
	planned *plan.Plan
}

// New lints the org of opt and plans the push, in one read of the files,
// takes the rows of the findings from the files, and returns the report.
// An error means the run failed (as for [lint.Run]); findings are part
// of the report.
func New(ctx context.Context, opt Options) (*Report, error) {
	rep, shown, made, err := lintAndPlan(opt)
	if err != nil {
		return nil, err
	}
	now := opt.Now
	if now.IsZero() {
		now = time.Now()
	}
	r, err := FromLint(rep, shown, opt.Version, now)
	if err != nil {
		return nil, err
	}
	r.planned = made
	return r, nil
}

// FromLint builds the report of a lint run that has already happened, with
// the plan given, reading the rows of the findings from the files.
func FromLint(rep *lint.Report, plan Plan, version string, now time.Time) (*Report, error) {
	sources, err := readSources(rep)
	if err != nil {
		return nil, err
	}
	d := build(rep, sources)
	d.Plan = plan
	d.Tool = version
	d.Generated = now.UTC().Format(time.RFC3339)
	return &Report{lint: rep, data: d}, nil
}

// Lint returns the lint report the report was made from.
func (r *Report) Lint() *lint.Report { return r.lint }

// Plan returns the plan of the next push the page shows, as "ovsync
// plan" makes it with the same options; nil when there is none.
func (r *Report) Plan() *plan.Plan { return r.planned }

// Data returns the data the page embeds.
func (r *Report) Data() *Data { return r.data }

// Write writes the page to w: the org's values exactly, as the files hold
// them. An org that holds an API key whole (lint's api-key rule) is never
// written: Write returns its [*lint.KeyError] and writes nothing.
func (r *Report) Write(w io.Writer) error {
	if err := r.lint.KeyError(); err != nil {
		return err
	}
	return writePage(w, r.data)
}
