package report

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/ovsync/ovsync/lint"
	"github.com/ovsync/ovsync/push"
)

// PlanStatus says what the plan section can show.
type PlanStatus string

// The plan statuses.
const (
	// PlanChanges: the changes since the last push (a state file exists).
	PlanChanges PlanStatus = "changes"
	// PlanFirst: no state file, so what Officevibe holds is not known.
	PlanFirst PlanStatus = "first"
	// PlanStopped: a push would stop before planning; Reason says why.
	PlanStopped PlanStatus = "stopped"
	// PlanNotAsked: the report was made without a plan.
	PlanNotAsked PlanStatus = "not-asked"
)

// Plan is what the page shows of the next push: today, the counts that
// "ovsync push" prints before sending, from [push.Plan]. It is its own
// struct so that a fuller plan (the users removed, managers losing
// access, emails changed, teams removed) can be added without changing
// the page's other parts.
type Plan struct {
	Status PlanStatus `json:"status"`
	// Reason says why there is no plan (PlanStopped, PlanNotAsked).
	Reason string `json:"reason,omitempty"`
	// StateFile is the state file compared with, as displayed.
	StateFile string `json:"stateFile,omitempty"`
	// PreviousPush is when the state was written (RFC 3339), if known.
	PreviousPush string `json:"previousPush,omitempty"`
	// Counts are the changes of users, teams and mappings, in that order.
	Counts []PlanCount `json:"counts"`
	// Removed lists the first users removed, and EmailChanged the first
	// users whose email changed; the totals are in RemovedUsers and
	// EmailChanges.
	Removed      []string `json:"removed"`
	RemovedUsers int      `json:"removedUsers"`
	EmailChanged []string `json:"emailChanged"`
	EmailChanges int      `json:"emailChanges"`
	// Invites counts the invitations the push sends.
	Invites int `json:"invites"`
	// Guard lists the limits the push goes over: it stops without --yes.
	Guard []string `json:"guard"`
	// Notes are what the protocol says before anything is sent.
	Notes []string `json:"notes"`
	// Unchanged is set when the push sends what the last one sent.
	Unchanged bool `json:"unchanged"`
}

// PlanCount is the changes of one kind of element. Removed and Changed
// are unknown (-1) on a first push.
type PlanCount struct {
	Kind     string `json:"kind"`
	Added    int    `json:"added"`
	Removed  int    `json:"removed"`
	Changed  int    `json:"changed"`
	Total    int    `json:"total"`
	Previous int    `json:"previous"`
}

// FromPush returns the page's plan of a push's plan, with the reasons of
// its guards, if any.
func FromPush(p *push.Plan, guard []string) Plan {
	removed := []string{}
	for _, u := range p.Changes.UsersRemoved {
		removed = append(removed, u.String())
	}
	emails := []string{}
	for _, c := range p.Changes.EmailChanges {
		emails = append(emails, fmt.Sprintf("%s → %s (%s)", c.From, c.To, c.ID))
	}
	out := Plan{Status: PlanChanges, StateFile: p.StateFile, Removed: removed, RemovedUsers: p.Users.Removed,
		EmailChanged: emails, EmailChanges: p.EmailChanges, Invites: p.Invites,
		Guard: nonNil(guard), Notes: nonNil(p.Notes), Unchanged: p.Unchanged}
	if p.First {
		out.Status = PlanFirst
	} else if !p.PreviousPush.IsZero() {
		out.PreviousPush = p.PreviousPush.UTC().Format(time.RFC3339)
	}
	for _, c := range []struct {
		kind string
		c    push.Count
	}{{"users", p.Users}, {"teams", p.Teams}, {"mappings", p.Mappings}} {
		pc := PlanCount{Kind: c.kind, Added: c.c.Added, Removed: c.c.Removed, Changed: c.c.Changed, Total: c.c.Total, Previous: c.c.Previous}
		if p.First {
			pc.Removed, pc.Changed = -1, -1
		}
		out.Counts = append(out.Counts, pc)
	}
	return out
}

// pushPlan plans a push of the linted org as "ovsync push --dry-run"
// does, with push's default guards, sending nothing. There is no plan
// when the org was given as files (a push needs config.json) or lint
// found errors (a push stops before planning).
func pushPlan(ctx context.Context, rep *lint.Report, path string) Plan {
	stopped := func(reason string) Plan { return NoPlan(PlanStopped, reason) }
	if rep.Config == "" {
		return stopped("the files were given without a config.json: a push reads the org through one, so there is no plan")
	}
	if n := rep.Summary.Errors; n > 0 {
		return stopped(fmt.Sprintf("lint found %s: a push stops before planning; fix them to see what it would change", plural(n, "error", "errors")))
	}
	maxRemovals, err := push.ParseLimit(push.DefaultMaxRemovals)
	if err != nil {
		return stopped(err.Error())
	}
	res, err := push.Push(ctx, push.Options{Path: path, DryRun: true, MaxRemovals: maxRemovals, MaxInvites: push.DefaultMaxInvites})
	var ge *push.GuardError
	switch {
	case res.Plan != nil && errors.As(err, &ge):
		return FromPush(res.Plan, ge.Reasons)
	case res.Plan != nil && err == nil:
		return FromPush(res.Plan, nil)
	case err != nil:
		return stopped("the push could not be planned: " + err.Error())
	}
	return stopped("the push could not be planned")
}

// NoPlan returns a plan that only says why there is none.
func NoPlan(status PlanStatus, reason string) Plan {
	return Plan{Status: status, Reason: reason, Counts: []PlanCount{}, Removed: []string{}, EmailChanged: []string{}, Guard: []string{}, Notes: []string{}}
}

// nonNil returns s, or an empty list for nil, so that JSON shows [].
func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// plural writes n with the singular or plural noun.
func plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return fmt.Sprintf("%d %s", n, many)
}
