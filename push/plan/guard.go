package plan

import (
	"fmt"
	"time"

	"github.com/ovsync/ovsync/internal/plural"
)

// guard returns the reasons the plan goes over the limits, if any, one
// sentence per guard that trips, with its numbers; noRecord says that the
// first is the guard of a push without a record of the last one.
func (p *Plan) guard(g Guards) (reasons []string, noRecord bool) {
	reasons = []string{} // JSON writes [] when none trips
	switch {
	case p.First && !g.FirstPush:
		where := "no state file " + p.StateFile
		if p.OtherTarget != "" {
			where = fmt.Sprintf("the state file %s records %s", p.StateFile, p.OtherTarget)
		}
		reasons = append(reasons, fmt.Sprintf("there is no record of the last push to %s (%s protocol): %s; the other guards (--max-removals, --max-team-removals, --max-manager-changes) compare with what the last push sent, so without it they cannot work, and a partial export would remove from %s everyone it leaves out",
			p.Target.URL, p.Protocol, where, p.service()))
		noRecord = true
	case !p.First && g.FirstPush:
		reasons = append(reasons, fmt.Sprintf("--first-push was given, but the state file %s records the last push to %s (%s): this is not a first push; leave --first-push out: kept in a scheduled job, it would let a push through the day its record is lost",
			p.StateFile, p.Target.URL, p.PreviousPush.UTC().Format(time.RFC3339)))
	}
	how := func(flag string, l Limit, previous, least, allowed int) string {
		if l.Percent {
			return fmt.Sprintf("%s %s of %d allows %d; a share never allows fewer than %d", flag, l, previous, allowed, least)
		}
		return fmt.Sprintf("%s %s allows %d", flag, l, allowed)
	}
	if !p.First {
		removals := p.Users.Removed
		what := plural.Count(removals, "user", "users")
		if p.Protocol == ProtocolLegacy && p.EmailChanges > 0 {
			removals += p.EmailChanges
			what = fmt.Sprintf("%s and change %s (each a removal in the legacy protocol)", what, plural.Count(p.EmailChanges, "email", "emails"))
		}
		if allowed := g.MaxRemovals.Allowed(p.Users.Previous, MinRemovals); removals > allowed {
			reasons = append(reasons, fmt.Sprintf("it would remove %s of the %d sent last time (%s): a partial export removes those people from Officevibe",
				what, p.Users.Previous, how("--max-removals", g.MaxRemovals, p.Users.Previous, MinRemovals, allowed)))
		}
		if allowed := g.MaxTeamRemovals.Allowed(p.Teams.Previous, MinTeamRemovals); p.Teams.Removed > allowed {
			reasons = append(reasons, fmt.Sprintf("it would delete %s of the %d sent last time (%s): their results go with them",
				plural.Count(p.Teams.Removed, "team", "teams"), p.Teams.Previous, how("--max-team-removals", g.MaxTeamRemovals, p.Teams.Previous, MinTeamRemovals, allowed)))
		}
		if allowed := g.MaxManagerChanges.Allowed(p.Managers.Previous, MinManagerChanges); p.Known.Mappings && p.Managers.Removed > allowed {
			reasons = append(reasons, fmt.Sprintf("%s would lose access to a team's results, of the %d manager rows sent last time (%s)",
				plural.Count(p.Managers.Removed, "manager", "managers"), p.Managers.Previous, how("--max-manager-changes", g.MaxManagerChanges, p.Managers.Previous, MinManagerChanges, allowed)))
		}
	}
	if p.Invites > g.MaxInvites {
		msg := fmt.Sprintf("it would invite %s (InviteNewUsers is true), more than --max-invites %d allows", plural.Count(p.Invites, "new user", "new users"), g.MaxInvites)
		if p.First {
			msg += `: a first import invites every member it creates; set "InviteNewUsers": false and invite from the app`
		}
		reasons = append(reasons, msg)
	}
	return reasons, noRecord
}

// service names the service of the plan's protocol.
func (p *Plan) service() string {
	if p.Protocol == ProtocolProvisioning {
		return "Workleap"
	}
	return "Officevibe"
}
