package lint

// Org is an organisation as its three files describe it, with the line of
// every record, as far as the files could be read. It is the one model
// that lint's rules, graph and push read.
//
// Users and teams are numbered by their position in Users and Teams. Ids
// that the mapping file refers to but users.csv or groups.csv does not
// declare are added at the end with Declared false, so that every mapping
// row points to a user or team of the model.
type Org struct {
	// Vocabulary is the file format the files are written in.
	Vocabulary *Vocabulary
	// Files names the files that were read, as displayed.
	Files Files
	// Users are the users of users.csv in file order, then undeclared ones.
	Users []User
	// Teams are the teams of groups.csv in file order, then undeclared ones.
	Teams []Team
	// Mappings are the rows of groups-mapping.csv in file order.
	Mappings []Mapping
	// Rows counts the data rows of each file, by [Kind].
	Rows [3]int
	// Usable tells, by [Kind], whether the file was given and its ids
	// could be read: only then is an id it lacks "missing".
	Usable [3]bool
	// UserColumns is the header of users.csv as written.
	UserColumns []string
	// Problems are the rule results about the org's structure, for tools
	// that show them (graph); lint reports them as findings.
	Problems Problems

	userIndex map[string]int32
	teamIndex map[string]int32
	teamRows  adjacency   // team -> its mapping rows (groupId), in file order
	digests   [3][32]byte // by Kind, with Options.Digests
}

// User is one user of the org.
type User struct {
	// ID is the id as written (spaces around it removed).
	ID string
	// Email is the email as written.
	Email string
	// FirstName and LastName are the names as written.
	FirstName, LastName string
	// Line is the line of the user's record in users.csv, 0 if undeclared.
	Line int32
	// Declared is false for an id that only the mapping file names.
	Declared bool
}

// Name returns the user's full name, or the id when there is no name.
func (u *User) Name() string {
	switch {
	case u.FirstName != "" && u.LastName != "":
		return u.FirstName + " " + u.LastName
	case u.FirstName+u.LastName != "":
		return u.FirstName + u.LastName
	}
	return u.ID
}

// Team is one team ("group") of the org.
type Team struct {
	// ID is the id as written (spaces around it removed).
	ID string
	// Name is the team's name.
	Name string
	// Line is the line of the team's record in groups.csv, 0 if undeclared.
	Line int32
	// Declared is false for an id that only the mapping file names.
	Declared bool
}

// Mapping is one row of groups-mapping.csv.
type Mapping struct {
	// Team is the index of the team groupId names, or -1 when it is empty.
	Team int32
	// User is the index of the user userId names, or -1 for none.
	User int32
	// SubTeam is the index of the team subGroupId names, or -1 for none.
	SubTeam int32
	// IsMember and IsManager are the row's flags (empty reads as false).
	IsMember, IsManager bool
	// Valid is false when the row was malformed (ragged, broken quotes,
	// bad booleans, both or neither target): rules about the org skip it.
	Valid bool
	// Line is the line of the row.
	Line int32
}

// UserIndex returns the index of the user with id, if any.
func (o *Org) UserIndex(id string) (int, bool) {
	i, ok := o.userIndex[id]
	return int(i), ok
}

// TeamRows returns the indexes in Mappings of the rows whose groupId is
// team t, in file order, valid or not: the one list of each team's rows
// that lint's rules and graph share. Do not modify it.
func (o *Org) TeamRows(t int) []int32 {
	if t < 0 || t+1 >= len(o.teamRows.start) {
		return nil
	}
	return o.teamRows.of(int32(t))
}

// TeamIndex returns the index of the team with id, if any.
func (o *Org) TeamIndex(id string) (int, bool) {
	i, ok := o.teamIndex[id]
	return int(i), ok
}

// mappingKey names mapping row i by its team and its user or sub-team,
// "T-A/1001", for [Finding.Key].
func (o *Org) mappingKey(i int32) string {
	m := &o.Mappings[i]
	team, target := "", ""
	if m.Team >= 0 {
		team = o.Teams[m.Team].ID
	}
	switch {
	case m.SubTeam >= 0:
		target = o.Teams[m.SubTeam].ID
	case m.User >= 0:
		target = o.Users[m.User].ID
	}
	return team + "/" + target
}

// internTeam returns the index of the team id, adding an undeclared team
// when it is new.
func (o *Org) internTeam(id string) int32 {
	if i, ok := o.teamIndex[id]; ok {
		return i
	}
	id = cloneString(id)
	i := int32(len(o.Teams))
	o.Teams = append(o.Teams, Team{ID: id})
	o.teamIndex[id] = i
	return i
}

// cloneString copies s so that it does not pin the record it was cut from.
func cloneString(s string) string {
	if s == "" {
		return ""
	}
	return string([]byte(s))
}

// Problems are the results of the org rules, by model index, whatever
// severity the rules are given.
type Problems struct {
	// CycleRows are the mapping rows (indexes of Mappings) whose sub-team
	// edge lies on a cycle.
	CycleRows []int32
	// TeamsWithoutManager are teams with members or sub-teams and no
	// manager row.
	TeamsWithoutManager []int32
	// EmptyTeams are declared teams with no members and no sub-teams.
	EmptyTeams []int32
	// HierarchyGaps are the manager-without-hierarchy cases.
	HierarchyGaps []HierarchyGap
}

// HierarchyGap is a manager who cannot see a team of their hierarchy.
type HierarchyGap struct {
	// Manager manages Team, whose member Report manages Hidden; no team
	// Manager manages contains Hidden.
	Manager, Report int32
	Team, Hidden    int32
	// Row is Manager's manager row for Team (index of Mappings).
	Row int32
}
