package plan

import (
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/ovsync/ovsync/internal/plural"
	"github.com/ovsync/ovsync/internal/redact"
	"github.com/ovsync/ovsync/internal/table"
)

// maxPlanList caps the elements a plan's text lists per section; the
// JSON form lists them all.
const maxPlanList = 10

// Print writes the plan as text: the mode, the table of counts, then
// what matters to people first: removals, managers losing access, email
// changes, teams removed, then additions and other changes. Each list
// shows its first elements and counts the others. The notes close it:
// what the state could not tell, invitations, the protocol's notes, the
// guards a push would trip.
func (p *Plan) Print(w io.Writer) error {
	p.printHead(w)
	if err := p.printCounts(w); err != nil {
		return err
	}
	p.printLosses(w)
	p.printGains(w)
	p.printNotes(w)
	return nil
}

// printHead writes the first two lines: the mode and what the plan is
// compared with.
func (p *Plan) printHead(w io.Writer) {
	first := ""
	if p.First {
		first = "first push, "
	}
	switch p.Mode {
	case "PUSH":
		fmt.Fprintf(w, "PUSH to %s (%s protocol)", p.Target.Host, p.Protocol)
		if p.First {
			fmt.Fprint(w, ": first push")
		}
		fmt.Fprintln(w)
	case "DIFF":
		fmt.Fprintf(w, "DIFF %s → %s\n", p.Old, p.New)
	default:
		mode := p.Mode
		if mode == "" {
			mode = "PLAN"
		}
		fmt.Fprintf(w, "%s for %s (%s protocol): %snothing is sent\n", mode, p.Target.Host, p.Protocol, first)
	}
	switch {
	case p.Mode == "DIFF":
	case p.First && p.OtherTarget != "":
		fmt.Fprintf(w, "plan: first push to this target (the state file %s records %s)\n", p.StateFile, p.OtherTarget)
	case p.First:
		fmt.Fprintf(w, "plan: first push (no state file %s)\n", p.StateFile)
	default:
		fmt.Fprintf(w, "plan: changes since the last push (state file %s)\n", p.StateFile)
	}
}

// printCounts writes the table of counts: "?" where the state cannot
// tell (a first push, a version 1 state), "-" where a count means
// nothing (a manager gains or loses access, nothing else).
func (p *Plan) printCounts(w io.Writer) error {
	unknown := func(n int, known bool) string {
		if p.First || !known {
			return "?"
		}
		return strconv.Itoa(n)
	}
	var cells [][]string
	for _, r := range []struct {
		name  string
		c     Count
		known bool
	}{{"users", p.Users, true}, {"teams", p.Teams, true}, {"mappings", p.Mappings, true}, {"managers", p.Managers, p.Known.Mappings}} {
		added := strconv.Itoa(r.c.Added)
		if !r.known {
			added = "?"
		}
		cells = append(cells, []string{r.name, added, unknown(r.c.Removed, r.known), unknown(r.c.Changed, r.known && r.name != "managers"), strconv.Itoa(r.c.Total)})
	}
	cells[3][3] = "-"
	if err := table.Write(w, []string{"", "ADDED", "REMOVED", "CHANGED", "TOTAL"}, cells, 1, 2, 3, 4); err != nil {
		return fmt.Errorf("plan %w", err)
	}
	return nil
}

// printLosses writes what people lose, first: users removed, managers
// losing access, email changes, teams removed.
func (p *Plan) printLosses(w io.Writer) {
	c := &p.Changes
	section(w, "users removed", len(c.UsersRemoved), func(i int) string { return c.UsersRemoved[i].String() })
	section(w, "managers losing access to a team's results", len(c.ManagersLost), func(i int) string {
		m := c.ManagersLost[i]
		return fmt.Sprintf("%s on %s: no longer sees %s", m.UserRef, teamName(m.Team, m.TeamName), plural.Count(m.People, "person", "people"))
	})
	emails := "email changes (same id, new email)"
	if p.Protocol == ProtocolLegacy {
		emails = "email changes (legacy protocol: Officevibe keys members by email, so each is counted as a removal and a new member; their history goes)"
	}
	section(w, emails, len(c.EmailChanges), func(i int) string {
		e := c.EmailChanges[i]
		return fmt.Sprintf("%s (%s): %s → %s", e.Name, e.ID, e.From, e.To)
	})
	section(w, "teams removed", len(c.TeamsRemoved), func(i int) string {
		t := c.TeamsRemoved[i]
		return fmt.Sprintf("%s: %s", teamName(t.ID, t.Name), plural.Count(t.Members, "member", "members"))
	})
}

// printGains writes the other changes: additions (not for a first push,
// where everything is one), renames, changed fields, moves.
func (p *Plan) printGains(w io.Writer) {
	c := &p.Changes
	if !p.First {
		section(w, "users added", len(c.UsersAdded), func(i int) string { return c.UsersAdded[i].String() })
		section(w, "teams added", len(c.TeamsAdded), func(i int) string {
			t := c.TeamsAdded[i]
			return fmt.Sprintf("%s: %s", teamName(t.ID, t.Name), plural.Count(t.Members, "member", "members"))
		})
		section(w, "managers gaining access", len(c.ManagersGained), func(i int) string {
			m := c.ManagersGained[i]
			return fmt.Sprintf("%s on %s: sees %s", m.UserRef, teamName(m.Team, m.TeamName), plural.Count(m.People, "person", "people"))
		})
	}
	section(w, "teams renamed", len(c.TeamsRenamed), func(i int) string {
		t := c.TeamsRenamed[i]
		return fmt.Sprintf("%s: %q → %q", t.ID, t.From, t.To)
	})
	section(w, "users changed", len(c.UsersChanged), func(i int) string {
		u := c.UsersChanged[i]
		if u.Fields == nil {
			return u.UserRef.String() + ": fields not known (the state file is of version 1)"
		}
		return u.UserRef.String() + ": " + strings.Join(u.Fields, ", ")
	})
	section(w, "members moved between teams", len(c.Moves), func(i int) string {
		m := c.Moves[i]
		return fmt.Sprintf("%s: %s → %s", m.UserRef, teamList(m.From), teamList(m.To))
	})
}

// printNotes writes what closes the plan: what the state could not tell,
// invitations, the protocol's notes, the guards a push would trip, and
// that nothing changes.
func (p *Plan) printNotes(w io.Writer) {
	if !p.First && !p.Known.Mappings {
		fmt.Fprintln(w, "managers and moves: not known, the state file is of version 1 (the next push rewrites it)")
	}
	if k := p.Known; k.Damaged > 0 {
		how := "each matched with the files by what it still shows"
		if k.Unknown > 0 {
			how = fmt.Sprintf("matched with the files by what they still show, but %d could not be and %s treated as unknown: neither removed nor added, nor are the records of the files they could be",
				k.Unknown, map[bool]string{true: "is", false: "are"}[k.Unknown == 1])
		}
		fmt.Fprintf(w, "state file: %s written by an earlier ovsync whose key filter masked parts of their values (%s); %s; the next push writes the state exactly\n",
			plural.Count(k.Damaged, "record was", "records were"), redact.Mask, how)
	}
	if p.Invites > 0 {
		fmt.Fprintf(w, "invitations: %s will be invited (InviteNewUsers is true)\n", plural.Count(p.Invites, "new user", "new users"))
	}
	for _, n := range p.Notes {
		fmt.Fprintln(w, n)
	}
	if p.Mode == "PLAN" && len(p.Guards) > 0 {
		fmt.Fprintf(w, "guards: a push would stop here (exit status 5, nothing sent): %d tripped\n", len(p.Guards))
		for _, r := range p.Guards {
			fmt.Fprintf(w, "  %s\n", r)
		}
		fmt.Fprintln(w, "  --first-push accepts a push without a record of the last one; --yes accepts every guard")
	}
	switch {
	case p.Mode == "DIFF" && p.Unchanged:
		fmt.Fprintln(w, "no change: a push of the new org would send what the old one did")
	case p.Unchanged:
		fmt.Fprintln(w, "no change since the last push: the body is the same")
	}
}

// section writes a titled list: its count, then up to maxPlanList
// elements a line, then how many more there are.
func section(w io.Writer, title string, n int, elem func(i int) string) {
	if n == 0 {
		return
	}
	fmt.Fprintf(w, "%s: %d\n", title, n)
	for i := 0; i < n && i < maxPlanList; i++ {
		fmt.Fprintf(w, "  %s\n", elem(i))
	}
	if n > maxPlanList {
		fmt.Fprintf(w, "  and %d more (the JSON form lists them all)\n", n-maxPlanList)
	}
}

// String writes the user as "Name <email> (id)".
func (u UserRef) String() string {
	if u.Email == "" {
		return fmt.Sprintf("%s (%s)", u.Name, u.ID)
	}
	return fmt.Sprintf("%s <%s> (%s)", u.Name, u.Email, u.ID)
}

// teamName writes a team as `"Name" (id)`.
func teamName(id, name string) string {
	if name == "" {
		return id
	}
	return fmt.Sprintf("%q (%s)", name, id)
}

// teamList writes team ids, or "no team".
func teamList(ids []string) string {
	if len(ids) == 0 {
		return "no team"
	}
	return strings.Join(ids, ", ")
}
