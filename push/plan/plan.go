// Package plan owns the model of what a push changes, made without a key
// and without the network, and used alike by "ovsync plan", push, diff
// and the HTML report.
//
// A [Planner] plans the push of one org ([Options], which the command
// builds once): [New] chooses the protocol and checks the target, through
// the [Protocols] that package push hands over; [Planner.Lint] is the
// lint gate; [Planner.Plan] reads the state file of the last push (a
// version 1 or 2 file, read as hostile input: what reading it allocates
// is bounded by what it holds), has the protocol write the body once to
// hash it and to record the org it holds, matches that org with a state
// an earlier ovsync's key filter masked (repair.go), and compares the
// two: the [Plan] lists every change (users removed, managers losing
// access, email changes, teams removed, additions, renames, changed
// fields, moves), the [Guards] it trips, and has a stable JSON form
// ([Plan.WriteJSON], [Plan.WriteFile], [ReadFile], [Plan.Matches] for
// push --plan). The [Record] is the state a push keeps once the service
// accepted it, written through a guard that refuses a whole key;
// [Planner.Lock] holds the lock of the state file while a push runs.
// [Make] is the whole of it for "ovsync plan" and the report; [Diff]
// plans between two orgs or state files; [Plan.Print] writes the plan
// as text.
//
// Nothing here sends anything or knows the API key: the protocols'
// transport, the key and the client are package push's.
package plan

import (
	"time"

	"github.com/ovsync/ovsync/internal/redact"
)

// Version is the version of a plan's JSON form.
const Version = 1

// Plan is what a push changes in Officevibe, compared with what the last
// successful push sent (the state file), or what changes between two
// orgs (diff). Officevibe may have changed since, by hand or by another
// tool: the plan is what ovsync knows. Its JSON form is what
// "ovsync plan -o" writes and "ovsync push --plan" applies.
type Plan struct {
	// Version is [Version].
	Version int `json:"version"`
	// Protocol is the name of the protocol the push speaks.
	Protocol string `json:"protocol"`
	// Old and New are the two sides of a diff, as displayed.
	Old string `json:"old,omitempty"`
	New string `json:"new,omitempty"`
	// Target is where the push goes (none for a diff).
	Target Target `json:"target,omitzero"`
	// Inputs are the files the plan was made from, with their digests.
	Inputs []Input `json:"inputs"`
	// State is the state file compared with; its SHA256 is "" when there
	// was none (a first push).
	State Input `json:"state"`
	// First is set when there is no record of the last push to the
	// target (no state file, or one of another target): what Officevibe
	// holds is not known, so removals are not counted and every user
	// counts as added.
	First bool `json:"first"`
	// OtherTarget is the push the state file records when it is another
	// target's ("a legacy push to https://app.officevibe.com"); "" when
	// there is no state file, or it is this target's.
	OtherTarget string `json:"otherTarget,omitempty"`
	// PreviousPush is when the state was written (zero when First).
	PreviousPush time.Time `json:"previousPush,omitzero"`
	// Users, Teams and Mappings count the changes. A changed user is one
	// whose values changed; a changed team was renamed; a changed mapping
	// kept its team and member but not its flags.
	Users    Count `json:"users"`
	Teams    Count `json:"teams"`
	Mappings Count `json:"mappings"`
	// Managers counts the (team, manager) pairs: Added are managers who
	// gain access to a team's results, Removed those who lose it and are
	// still users (removed users are counted as removals).
	Managers Count `json:"managers"`
	// EmailChanges counts the users whose email changed; Moves those
	// whose member teams changed.
	EmailChanges int `json:"emailChanges"`
	Moves        int `json:"moves"`
	// Invites counts the invitations the push sends: the new users when
	// InviteNewUsers is true, else 0; always 0 with the provisioning
	// protocol, which sends no settings.
	Invites int `json:"invites"`
	// Unchanged is set when the body is the same as the last push's.
	Unchanged bool `json:"unchanged"`
	// Bytes and Digest ("sha256:HEX") describe the body ("" for a diff).
	Bytes  int64  `json:"bytes,omitempty"`
	Digest string `json:"digest,omitempty"`
	// Changes lists every change.
	Changes Changes `json:"changes"`
	// Guards are the reasons a push with the options the plan was made
	// with would stop (exit status 5, nothing sent) unless accepted, one
	// sentence per guard that trips; none for a diff.
	Guards []string `json:"guards"`
	// Known says what the state could tell: a state file of version 1
	// knows neither the fields of a user nor who manages which team.
	Known Known `json:"known"`

	// StateFile is the state file as displayed (also State.Path).
	StateFile string `json:"-"`
	// Notes are what the protocol says before anything is sent, a line
	// each: with the successor, where invitations are decided and that
	// its risk thresholds may pause the sync.
	Notes []string `json:"-"`
	// Mode is the first line's word: "PLAN", "DRY RUN", "PUSH" or "DIFF".
	Mode string `json:"-"`
	// source is the plan file it was read from, as displayed.
	source string
	// NoRecord is set when Guards starts with the guard of a push
	// without a record of the last one, which --first-push accepts.
	NoRecord bool `json:"-"`

	// red is the redactor of the run that made the plan, which knows its
	// keys; WriteFile writes through its guard.
	red *redact.Redactor
}

// Target is where a push goes.
type Target struct {
	// URL is the service's URL; Host its host.
	URL  string `json:"url"`
	Host string `json:"host"`
}

// Input is one file a plan was made from.
type Input struct {
	// Role is "config", "users", "groups", "mapping" or "state".
	Role string `json:"role"`
	// Path is the file as displayed.
	Path string `json:"path"`
	// SHA256 is the hex digest of the file's bytes.
	SHA256 string `json:"sha256"`
}

// Known says which parts of a plan the state could tell.
type Known struct {
	// Fields is set when the changed fields of users are known.
	Fields bool `json:"fields"`
	// Mappings is set when managers and moves are known.
	Mappings bool `json:"mappings"`
	// Damaged counts the records (users, teams, mapping rows) of a state
	// written by an earlier ovsync whose key filter masked parts of their
	// values; they are matched with the files by what they still show.
	// Unknown counts those of them that could not be: they are neither
	// removed nor added, nor are the records of the files they could be.
	Damaged int `json:"damaged,omitempty"`
	Unknown int `json:"unknown,omitempty"`
}

// Count is the changes of one kind of element.
type Count struct {
	Added   int `json:"added"`
	Removed int `json:"removed"`
	Changed int `json:"changed"`
	// Total is the count in this push, Previous in the last one.
	Total    int `json:"total"`
	Previous int `json:"previous"`
}

// Changes are every change of a plan, each list in file order (of the
// last push for what goes, of this one for the rest).
type Changes struct {
	UsersRemoved   []UserRef       `json:"usersRemoved"`
	ManagersLost   []ManagerChange `json:"managersLost"`
	EmailChanges   []EmailChange   `json:"emailChanges"`
	TeamsRemoved   []TeamRef       `json:"teamsRemoved"`
	UsersAdded     []UserRef       `json:"usersAdded"`
	TeamsAdded     []TeamRef       `json:"teamsAdded"`
	ManagersGained []ManagerChange `json:"managersGained"`
	TeamsRenamed   []TeamRename    `json:"teamsRenamed"`
	UsersChanged   []UserChange    `json:"usersChanged"`
	Moves          []Move          `json:"moves"`
}

// UserRef names a user.
type UserRef struct {
	ID    string `json:"id"`
	Email string `json:"email"`
	Name  string `json:"name"`
}

// UserChange is a user whose values changed; Fields are the keys of the
// values that did (nil when the state does not know them).
type UserChange struct {
	UserRef
	Fields []string `json:"fields"`
}

// EmailChange is a user whose email changed, the id kept.
type EmailChange struct {
	ID   string `json:"id"`
	Name string `json:"name"`
	From string `json:"from"`
	To   string `json:"to"`
}

// TeamRef names a team; Members counts its member rows (of the last push
// for a removed team).
type TeamRef struct {
	ID      string `json:"id"`
	Name    string `json:"name"`
	Members int    `json:"members"`
}

// TeamRename is a team whose name changed.
type TeamRename struct {
	ID   string `json:"id"`
	From string `json:"from"`
	To   string `json:"to"`
}

// ManagerChange is a manager who gains or loses access to a team's
// results. People counts the members they see(saw) there: the team's and
// its sub-teams' member rows.
type ManagerChange struct {
	Team     string `json:"team"`
	TeamName string `json:"teamName"`
	UserRef
	People int `json:"people"`
}

// Move is a user (kept) whose member teams changed.
type Move struct {
	UserRef
	From []string `json:"from"`
	To   []string `json:"to"`
}
