// Package hrexport knows the headers of HR systems' employee exports: one
// row per person, with a column naming the person's manager (FORMAT.md,
// "HR system exports"). [Candidates] finds, in a header row, the columns
// that may hold each [Role]; ovsync build reads an export through it, and
// ovsync convert uses [Looks] to tell an export from the three files.
//
// Column names are compared folded ([Fold]): case, spaces, underscores,
// hyphens and "#" do not count, nor does a trailing note in square
// brackets (Google Workspace's "Email Address [Required]").
package hrexport

import (
	"strings"
	"unicode"
)

// Role is what a column of an export holds.
type Role int

// The roles, in the order messages list them.
const (
	ID Role = iota
	Email
	FirstName
	LastName
	Name // "First Last" or "Last, First" in one column
	JobTitle
	Language
	Manager
	NumRoles
)

// String names the role in messages: "id", "first name", "job title".
func (r Role) String() string {
	return [...]string{"id", "email", "first name", "last name", "name", "job title", "language", "manager"}[r]
}

// Flag is the ovsync build flag that names the role's column.
func (r Role) Flag() string {
	return [...]string{"--id", "--email", "--first-name", "--last-name", "--name", "--job-title", "--language", "--manager"}[r]
}

// Headers are the column names detected for each role, as HR systems and
// their import templates write them (FORMAT.md lists whose each is).
// Every spelling that folds to the same text is detected too.
var Headers = [NumRoles][]string{
	ID: {"id", "Employee ID", "EmployeeID", "Employee Number", "Employee #", "Emp ID", "EmpID",
		"Associate ID", "Worker ID", "Person ID", "externalMemberId", "Employee No", "Staff ID"},
	Email: {"email", "Email", "Work Email", "Email Address", "EmailAddress", "Business Email",
		"Work Email Address", "Primary Email", "mail", "E-mail"},
	FirstName: {"firstName", "First Name", "Given Name", "givenName"},
	LastName:  {"lastName", "Last Name", "Surname", "Family Name"},
	Name:      {"Full Name", "Employee Name", "Display Name", "Name"},
	JobTitle:  {"jobTitle", "Job Title", "Title", "Position", "Business Title", "Employee Title"},
	Language:  {"language", "Language", "Preferred Language", "Locale", "languagePreferences"},
	Manager: {"Manager ID", "ManagerID", "managerId", "Manager Email", "Manager Email Address",
		"Supervisor ID", "Supervisor Email", "Reports To", "Reports To ID", "Reports To Associate ID",
		"Line Manager", "Direct Manager", "Manager Employee ID", "Supervisor EID"},
}

// byFold maps each folded header of Headers to its role.
var byFold = func() map[string]Role {
	m := map[string]Role{}
	for r, names := range Headers {
		for _, n := range names {
			m[Fold(n)] = Role(r)
		}
	}
	return m
}()

// Fold folds a column name for matching: lower case, without white space,
// underscores, hyphens, "#", a byte order mark, or a trailing note in
// square brackets ("Email Address [Required]" is "emailaddress").
func Fold(name string) string {
	name = strings.TrimSpace(name)
	if strings.HasSuffix(name, "]") {
		if i := strings.LastIndexByte(name, '['); i > 0 {
			name = name[:i]
		}
	}
	var b strings.Builder
	for _, r := range name {
		if unicode.IsSpace(r) || r == '_' || r == '-' || r == '#' || r == '\uFEFF' {
			continue
		}
		b.WriteRune(unicode.ToLower(r))
	}
	return b.String()
}

// Detect returns the role a column name is detected as, and false when it
// is none of Headers.
func Detect(name string) (Role, bool) {
	r, ok := byFold[Fold(name)]
	return r, ok
}

// Candidates returns, for each role, the indexes of the cells of a header
// row detected as that role, in order. Two candidates for one role are
// ambiguous: the caller asks for the role's flag.
func Candidates(cells []string) [NumRoles][]int {
	var c [NumRoles][]int
	for i, cell := range cells {
		if r, ok := Detect(cell); ok {
			c[r] = append(c[r], i)
		}
	}
	return c
}

// Looks reports whether a header row is an employee export's: it holds an
// id column and a manager column. id and manager are the first of each.
func Looks(cells []string) (id, manager int, ok bool) {
	c := Candidates(cells)
	if len(c[ID]) == 0 || len(c[Manager]) == 0 {
		return -1, -1, false
	}
	return c[ID][0], c[Manager][0], true
}
