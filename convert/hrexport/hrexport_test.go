package hrexport

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

// issueTable is the detection table of the build's issue: every header
// listed there must be detected as its role.
var issueTable = map[Role][]string{
	ID: {"id", "Employee ID", "EmployeeID", "Employee Number", "Employee #", "Emp ID", "EmpID",
		"Associate ID", "Worker ID", "Person ID", "externalMemberId"},
	Email: {"email", "Email", "Work Email", "Email Address", "EmailAddress", "Business Email",
		"Work Email Address", "Primary Email", "mail"},
	FirstName: {"firstName", "First Name", "Given Name", "givenName"},
	LastName:  {"lastName", "Last Name", "Surname", "Family Name"},
	JobTitle:  {"jobTitle", "Job Title", "Title", "Position", "Business Title"},
	Manager: {"Manager ID", "ManagerID", "managerId", "Manager Email", "Manager Email Address",
		"Supervisor ID", "Supervisor Email", "Reports To", "Reports To ID", "Reports To Associate ID",
		"Line Manager", "Direct Manager"},
	Language: {"language", "Language", "Preferred Language", "Locale"},
}

func TestDetectIssueTable(t *testing.T) {
	for role, headers := range issueTable {
		for _, h := range headers {
			// As written, and as exports also spell them.
			for _, v := range []string{h, " " + h + " ", upper(h), snake(h), h + " [Required]"} {
				got, ok := Detect(v)
				if !ok || got != role {
					t.Errorf("Detect(%q) = %v, %t; want %v", v, got, ok, role)
				}
			}
		}
	}
}

// upper writes s in capitals.
func upper(s string) string {
	b := []byte(s)
	for i, c := range b {
		if c >= 'a' && c <= 'z' {
			b[i] = c - 'a' + 'A'
		}
	}
	return string(b)
}

// snake writes s with underscores for spaces, and a hyphen in the middle.
func snake(s string) string {
	b := []byte(s)
	for i, c := range b {
		if c == ' ' {
			b[i] = '_'
		}
	}
	if len(b) > 2 {
		return string(b[:2]) + "-" + string(b[2:])
	}
	return string(b)
}

func TestDetectNot(t *testing.T) {
	for _, h := range []string{"", "Manager", "Manager Name", "Supervisor", "Department", "Email Manager ID",
		"Salary", "Hire Date", "Status", "Phone", "name id"} {
		if r, ok := Detect(h); ok {
			t.Errorf("Detect(%q) = %v, want none", h, r)
		}
	}
}

func TestHeadersAreOneRoleEach(t *testing.T) {
	seen := map[string]Role{}
	for r, names := range Headers {
		for _, n := range names {
			f := Fold(n)
			if prev, dup := seen[f]; dup && prev != Role(r) {
				t.Errorf("%q folds to %q, a header of both %v and %v", n, f, prev, Role(r))
			}
			seen[f] = Role(r)
		}
	}
}

func TestFold(t *testing.T) {
	for in, want := range map[string]string{
		"Employee #":               "employee",
		"  First_Name ":            "firstname",
		"E-mail":                   "email",
		"Email Address [Required]": "emailaddress",
		"\ufeffid":                 "id",
		"Müller-Straße":            "müllerstraße",
		"[Required]":               "[required]",
	} {
		if got := Fold(in); got != want {
			t.Errorf("Fold(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestCandidates(t *testing.T) {
	cells := []string{"Employee ID", "Name", "Work Email", "Manager ID", "Supervisor Email", "Dept"}
	c := Candidates(cells)
	want := [NumRoles][]int{ID: {0}, Name: {1}, Email: {2}, Manager: {3, 4}}
	if diff := cmp.Diff(want, c); diff != "" {
		t.Errorf("Candidates (-want +got):\n%s", diff)
	}
	if id, m, ok := Looks(cells); !ok || id != 0 || m != 3 {
		t.Errorf("Looks = %d, %d, %t", id, m, ok)
	}
	for _, cells := range [][]string{{"id", "email", "firstName"}, {"objectId", "mail", "displayName"}, nil} {
		if _, _, ok := Looks(cells); ok {
			t.Errorf("Looks(%q) = true: no manager column", cells)
		}
	}
}
