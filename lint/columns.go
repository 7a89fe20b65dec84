package lint

import (
	"fmt"
	"strings"
)

// Kind is one of the three files of an org.
type Kind int

// The three files.
const (
	KindUsers Kind = iota
	KindGroups
	KindMapping
)

// String returns the kind's schema name: users, groups or mapping.
func (k Kind) String() string {
	return [...]string{"users", "groups", "mapping"}[k]
}

// Role is the meaning of a standard column, whatever its name in a given
// format. Rules speak of roles, never of column names, so that each file
// format is one table ([Vocabulary]).
type Role int

// The standard columns.
const (
	UserID Role = iota
	UserEmail
	UserFirstName
	UserLastName
	UserJobTitle
	UserImageURL
	UserLanguage
	UserProducts
	TeamID
	TeamName
	MapTeam
	MapUser
	MapSubTeam
	MapIsMember
	MapIsManager
	numRoles
)

// column is a standard column of a format: its name, role and whether the
// file is unusable without it.
type column struct {
	name     string
	role     Role
	required bool
}

// Vocabulary names the files and columns of one file format. Rules speak
// of roles; the vocabulary says what each role is called in its files.
type Vocabulary struct {
	// Name is the format's name in reports: "legacy" or "provisioning".
	Name string
	// Title names the format in messages: "legacy Officevibe".
	Title string
	// FileNames are the canonical file names by kind.
	FileNames [3]string
	// Schemas are the names of the row schemas by kind (see package schemas).
	Schemas [3]string
	// Languages are the values the language column accepts (empty aside).
	Languages []string
	columns   [3][]column
}

// Legacy is the Officevibe Enterprise Sync Tool format of FORMAT.md.
var Legacy = &Vocabulary{
	Name:      "legacy",
	Title:     "legacy Officevibe",
	FileNames: [3]string{"users.csv", "groups.csv", "groups-mapping.csv"},
	Schemas:   [3]string{"users", "groups", "mapping"},
	Languages: []string{"English", "Français", "Español", "Português", "Deutsche"},
	columns: [3][]column{
		KindUsers: {
			{"id", UserID, true}, {"email", UserEmail, true},
			{"firstName", UserFirstName, false}, {"lastName", UserLastName, false},
			{"jobTitle", UserJobTitle, false}, {"imageUrl", UserImageURL, false},
			{"language", UserLanguage, false},
		},
		KindGroups: {{"id", TeamID, true}, {"name", TeamName, true}},
		KindMapping: {
			{"groupId", MapTeam, true}, {"userId", MapUser, true}, {"subGroupId", MapSubTeam, true},
			{"isMember", MapIsMember, true}, {"isManager", MapIsManager, true},
		},
	},
}

// Provisioning is Workleap's API provisioning format, the successor of
// the legacy one (FORMAT.md, "The successor"): other file and column
// names, language codes, and a productAssignations column.
var Provisioning = &Vocabulary{
	Name:      "provisioning",
	Title:     "Workleap API provisioning",
	FileNames: [3]string{"members.csv", "teams.csv", "teams-mappings.csv"},
	Schemas:   [3]string{"members", "teams", "teams-mappings"},
	Languages: []string{"en", "fr", "es", "pt", "de"},
	columns: [3][]column{
		KindUsers: {
			{"externalMemberId", UserID, true}, {"email", UserEmail, true},
			{"firstName", UserFirstName, false}, {"lastName", UserLastName, false},
			{"jobTitle", UserJobTitle, false}, {"imageUrl", UserImageURL, false},
			{"languagePreferences", UserLanguage, false}, {"productAssignations", UserProducts, false},
		},
		KindGroups: {{"externalTeamId", TeamID, true}, {"teamName", TeamName, true}},
		KindMapping: {
			{"externalTeamId", MapTeam, true}, {"externalMemberId", MapUser, true}, {"externalSubteamId", MapSubTeam, true},
			{"isMember", MapIsMember, true}, {"isManager", MapIsManager, true},
		},
	},
}

// Vocabularies are the file formats ovsync reads, legacy first.
var Vocabularies = []*Vocabulary{Legacy, Provisioning}

// Header is a file's header row matched against a vocabulary.
type Header struct {
	// Names are the column names as written, surrounding spaces removed.
	Names []string
	// index maps each role to its column, or -1.
	index [numRoles]int
	// custom lists the columns that are no standard column, in order.
	custom []int
	// schemaName is the name of each column in the schema's vocabulary.
	schemaName []string
}

// Col returns the index of the column of role, or -1 when it is absent.
func (h *Header) Col(r Role) int { return h.index[r] }

// Custom returns the indexes of the custom property columns.
func (h *Header) Custom() []int { return h.custom }

// matchHeader matches a header record against the vocabulary's columns of
// kind, reporting header-blank, header-case, header-duplicate and
// header-missing. A column without a name is neither standard nor custom.
func matchHeader(v *Vocabulary, k Kind, rec *Record, file string, report func(Finding)) *Header {
	h := &Header{Names: make([]string, len(rec.Fields)), schemaName: make([]string, len(rec.Fields))}
	for i := range h.index {
		h.index[i] = -1
	}
	cols := v.columns[k]
	seen := map[string]int{} // normalised name -> first column
	for i, raw := range rec.Fields {
		name := strings.TrimSpace(raw)
		h.Names[i] = name
		h.schemaName[i] = name
		line, col := rec.Pos(i)
		if name == "" {
			report(Finding{Rule: RuleHeaderBlank, File: file, Line: line, Column: col, Value: raw, Key: fmt.Sprintf("header:%d", i+1),
				Message: fmt.Sprintf("column %d of the header has no name", i+1),
				Hint:    "name the column, or remove it together with its field on every row"})
			continue
		}
		std := -1
		for j, c := range cols {
			if strings.EqualFold(c.name, name) {
				std = j
				break
			}
		}
		key := name
		if std >= 0 {
			key = strings.ToLower(name)
		}
		if first, dup := seen[key]; dup {
			fl, fc := rec.Pos(first)
			report(Finding{Rule: RuleHeaderDuplicate, File: file, Line: line, Column: col, Field: name, Value: raw, Key: "header:" + name,
				Message: fmt.Sprintf("column %q appears twice (first at %d:%d, field %d)", name, fl, fc, first+1),
				Hint:    "remove or rename one of them: only the first is read"})
			continue
		}
		seen[key] = i
		if std < 0 {
			h.custom = append(h.custom, i)
			continue
		}
		c := cols[std]
		if raw != c.name {
			report(Finding{Rule: RuleHeaderCase, File: file, Line: line, Column: col, Field: c.name, Value: raw, Key: "header:" + c.name,
				Message: fmt.Sprintf("column %q should be written %q", raw, c.name),
				Hint:    fmt.Sprintf("rename the column to %q", c.name)})
		}
		h.index[c.role] = i
		h.schemaName[i] = cols[std].name
	}
	for _, c := range cols {
		if c.required && h.index[c.role] < 0 {
			report(Finding{Rule: RuleHeaderMissing, File: file, Line: 1, Field: c.name, Key: "header:" + c.name,
				Message: fmt.Sprintf("required column %q is missing from the header", c.name),
				Hint:    fmt.Sprintf("the %s header needs the columns %s", v.FileNames[k], requiredList(v, k))})
		}
	}
	return h
}

// requiredList names the required columns of kind, for hints.
func requiredList(v *Vocabulary, k Kind) string {
	return strings.Join(v.Required(k), ", ")
}
