package report

import (
	"fmt"
	"time"

	"github.com/ovsync/ovsync/internal/plural"
	"github.com/ovsync/ovsync/lint"
	"github.com/ovsync/ovsync/push/plan"
)

// PlanStatus says what the plan section can show.
type PlanStatus string

// The plan statuses.
const (
	// PlanChanges: the changes since the last push (a state file exists).
	PlanChanges PlanStatus = "changes"
	// PlanFirst: no record of the last push to the target (no state
	// file, or one of another target), so what Officevibe holds is not
	// known.
	PlanFirst PlanStatus = "first"
	// PlanStopped: a push would stop before planning; Reason says why.
	PlanStopped PlanStatus = "stopped"
	// PlanNotAsked: the report was made without a plan.
	PlanNotAsked PlanStatus = "not-asked"
)

// maxPlanItems caps the elements each list of the plan holds; its Total
// counts them all ("ovsync plan -o" writes every one).
const maxPlanItems = 100

// Plan is what the page shows of the next push: the same data as "ovsync
// plan" ([plan.Plan]), each list capped at its first elements, in the
// order that matters to people: removals, managers losing access, email
// changes, teams removed, then additions and other changes.
type Plan struct {
	Status PlanStatus `json:"status"`
	// Reason says why there is no plan (PlanStopped, PlanNotAsked).
	Reason string `json:"reason,omitempty"`
	// Protocol is the protocol the push speaks; Target the host it goes to.
	Protocol string `json:"protocol,omitempty"`
	Target   string `json:"target,omitempty"`
	// StateFile is the state file compared with, as displayed.
	StateFile string `json:"stateFile,omitempty"`
	// OtherTarget is the push the state file records when it is another
	// target's: a first push then (plan.Plan.OtherTarget).
	OtherTarget string `json:"otherTarget,omitempty"`
	// PreviousPush is when the state was written (RFC 3339), if known.
	PreviousPush string `json:"previousPush,omitempty"`
	// Counts are the changes of users, teams, mappings and managers, in
	// that order; -1 is not known (a first push, a version 1 state).
	Counts []PlanCount `json:"counts"`
	// The changes, in the order the page shows them.
	UsersRemoved   List[plan.UserRef]       `json:"usersRemoved"`
	ManagersLost   List[plan.ManagerChange] `json:"managersLost"`
	EmailChanges   List[plan.EmailChange]   `json:"emailChanges"`
	TeamsRemoved   List[plan.TeamRef]       `json:"teamsRemoved"`
	UsersAdded     List[plan.UserRef]       `json:"usersAdded"`
	TeamsAdded     List[plan.TeamRef]       `json:"teamsAdded"`
	ManagersGained List[plan.ManagerChange] `json:"managersGained"`
	TeamsRenamed   List[plan.TeamRename]    `json:"teamsRenamed"`
	UsersChanged   List[plan.UserChange]    `json:"usersChanged"`
	Moves          List[plan.Move]          `json:"moves"`
	// EmailIsRemoval is set in the legacy protocol, where Officevibe keys
	// members by email: an email change counts as a removal and a new
	// member, and their history goes.
	EmailIsRemoval bool `json:"emailIsRemoval"`
	// MappingsKnown is false when the state (of version 1) does not know
	// who manages which team: managers and moves are then not listed.
	MappingsKnown bool `json:"mappingsKnown"`
	// Invites counts the invitations the push sends.
	Invites int `json:"invites"`
	// Guard lists the limits the push goes over: it stops without --yes.
	Guard []string `json:"guard"`
	// Notes are what the protocol says before anything is sent.
	Notes []string `json:"notes"`
	// Unchanged is set when the push sends what the last one sent.
	Unchanged bool `json:"unchanged"`
}

// List is the first elements of one kind of change, and how many there
// are in all.
type List[T any] struct {
	Total int `json:"total"`
	Items []T `json:"items"`
}

// More counts the elements left out of Items.
func (l List[T]) More() int { return l.Total - len(l.Items) }

// list keeps the first maxPlanItems elements of s.
func list[T any](s []T) List[T] {
	return List[T]{Total: len(s), Items: append([]T{}, s[:min(len(s), maxPlanItems)]...)}
}

// PlanCount is the changes of one kind of element; -1 is not known.
type PlanCount struct {
	Kind     string `json:"kind"`
	Added    int    `json:"added"`
	Removed  int    `json:"removed"`
	Changed  int    `json:"changed"`
	Total    int    `json:"total"`
	Previous int    `json:"previous"`
}

// FromPlan returns the page's plan of a push's plan, with the reasons of
// its guards, if any.
func FromPlan(p *plan.Plan) Plan {
	c := &p.Changes
	out := Plan{Status: PlanChanges, Protocol: p.Protocol, Target: p.Target.Host, StateFile: p.StateFile, OtherTarget: p.OtherTarget,
		UsersRemoved: list(c.UsersRemoved), ManagersLost: list(c.ManagersLost), EmailChanges: list(c.EmailChanges),
		TeamsRemoved: list(c.TeamsRemoved), UsersAdded: list(c.UsersAdded), TeamsAdded: list(c.TeamsAdded),
		ManagersGained: list(c.ManagersGained), TeamsRenamed: list(c.TeamsRenamed), UsersChanged: list(c.UsersChanged),
		Moves: list(c.Moves), EmailIsRemoval: p.Protocol == plan.ProtocolLegacy, MappingsKnown: p.Known.Mappings,
		Invites: p.Invites, Guard: nonNil(p.Guards), Notes: nonNil(p.Notes), Unchanged: p.Unchanged}
	if p.First {
		out.Status = PlanFirst
	} else if !p.PreviousPush.IsZero() {
		out.PreviousPush = p.PreviousPush.UTC().Format(time.RFC3339)
	}
	for _, c := range []struct {
		kind  string
		c     plan.Count
		known bool
	}{{"users", p.Users, true}, {"teams", p.Teams, true}, {"mappings", p.Mappings, true}, {"managers", p.Managers, p.Known.Mappings}} {
		pc := PlanCount{Kind: c.kind, Added: c.c.Added, Removed: c.c.Removed, Changed: c.c.Changed, Total: c.c.Total, Previous: c.c.Previous}
		if !c.known {
			pc.Added = -1
		}
		if p.First || !c.known {
			pc.Removed, pc.Changed = -1, -1
		}
		if c.kind == "managers" {
			pc.Changed = -1 // a manager gains or loses access, nothing else: the page shows "–"
		}
		out.Counts = append(out.Counts, pc)
	}
	return out
}

// lintAndPlan lints the org of opt and plans its push as "ovsync plan"
// does, with the options of that push (its state file, target and
// guards): no key, no network. The plan's own pass lints the files, so
// that they are read once, and the page shows that lint report: lint's
// default severities, as a push lints. A report with severities or
// schemas of its own lints on its own, then plans with a read of its
// own. The plan's messages are not the page's: they are dropped. There
// is no plan when the org was given as files (a push needs config.json)
// or lint found errors (a push stops before planning); the plan made is
// returned too, nil then.
func lintAndPlan(opt Options) (*lint.Report, Plan, *plan.Plan, error) {
	lo, po := opt.Lint, opt.Plan
	po.Path, po.Findings, po.Warn, po.Log, po.Digests = lo.Path, nil, nil, nil, true
	if lo.Keys != nil {
		po.Keys = lo.Keys
	}
	if opt.NoPlan || lo.Config != nil || lo.Users+lo.Groups+lo.Mapping != "" || len(lo.Severities) > 0 || len(lo.Schemas) > 0 {
		rep, err := lint.Run(lo)
		if err != nil {
			return nil, Plan{}, nil, err
		}
		if opt.NoPlan {
			return rep, NoPlan(PlanNotAsked, "this report was made without the plan of the next push"), nil, nil
		}
		shown, made := planOf(rep, func() (*plan.Plan, error) { return plan.Make(po) })
		return rep, shown, made, nil
	}
	p, rep, err := plan.MakeLinted(po)
	if rep == nil { // the plan stopped before lint read the files
		var lerr error
		if rep, lerr = lint.Run(lo); lerr != nil {
			return nil, Plan{}, nil, lerr
		}
	}
	shown, made := planOf(rep, func() (*plan.Plan, error) { return p, err })
	return rep, shown, made, nil
}

// planOf returns the page's plan of the push of the org rep linted, made
// by mk unless a push would stop before planning, and the plan made.
func planOf(rep *lint.Report, mk func() (*plan.Plan, error)) (Plan, *plan.Plan) {
	stopped := func(reason string) (Plan, *plan.Plan) { return NoPlan(PlanStopped, reason), nil }
	if rep.Config == "" {
		return stopped("the files were given without a config.json: a push reads the org through one, so there is no plan")
	}
	if n := rep.Summary.Errors; n > 0 {
		return stopped(fmt.Sprintf("lint found %s: a push stops before planning; fix them to see what it would change", plural.Count(n, "error", "errors")))
	}
	p, err := mk()
	if err != nil {
		return stopped("the push could not be planned: " + err.Error())
	}
	return FromPlan(p), p
}

// NoPlan returns a plan that only says why there is none.
func NoPlan(status PlanStatus, reason string) Plan {
	return FromPlan(&plan.Plan{}).withStatus(status, reason)
}

// withStatus returns the plan with no counts, the status and reason set.
func (p Plan) withStatus(status PlanStatus, reason string) Plan {
	p.Status, p.Reason, p.Counts, p.MappingsKnown = status, reason, []PlanCount{}, false
	return p
}

// nonNil returns s, or an empty list for nil, so that JSON shows [].
func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}
