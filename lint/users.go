package lint

import (
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/santhosh-tekuri/jsonschema/v5"

	"github.com/ovsync/ovsync/internal/redact"
)

// usersReader reads users.csv into the org, checking the rules of one
// user against the others: duplicate ids and emails, name pairs.
type usersReader struct {
	org    *Org
	fr     fileReader
	emails map[string]int32 // lower-case email -> line of its first row
	keys   *redact.Redactor // the API keys, for rule api-key
	files  fileOptions      // what the tool asked of the read
}

// read reads users.csv at path.
func (u *usersReader) read(v *Vocabulary, path, display string, schema *jsonschema.Schema) error {
	u.fr = fileReader{kind: KindUsers, vocab: v, file: display, keys: u.keys, fileOptions: u.files}
	u.emails = map[string]int32{}
	u.fr.sizeHint = func(rows int) {
		u.org.userIndex = regrow(u.org.userIndex, rows)
		u.emails = regrow(u.emails, rows)
		u.org.Users = slices.Grow(u.org.Users, rows)
	}
	err := u.fr.read(path, schema, u.row)
	u.emails = nil // only the file's own rows compare emails: free it for the rest of the run
	if u.fr.header != nil {
		u.org.UserColumns = u.fr.header.Names
	}
	return err
}

// usable reports whether user ids could be read, so that references to
// them can be checked.
func (u *usersReader) usable() bool { return u.fr.usable(UserID) }

// row handles one record of users.csv and returns the index of the user
// it declared, or -1. A ragged or broken row still declares its id, so
// that the mapping rows naming it are not reported again as unknown
// users.
func (u *usersReader) row(rec *Record, vals []string, ok bool) int {
	fr := &u.fr
	h := fr.header
	id := fr.get(vals, UserID)
	index := -1
	if id != "" {
		if first, dup := u.org.userIndex[id]; dup {
			if ok {
				fr.fieldFinding(rec, h.Col(UserID), RuleDuplicateID,
					fmt.Sprintf("user id %q is already used on line %d", id, u.org.Users[first].Line),
					"give each user their own id, or remove the repeated row")
			}
		} else {
			user := newUser(id, fr.get(vals, UserEmail), fr.get(vals, UserFirstName), fr.get(vals, UserLastName))
			user.Line = int32(rec.Line)
			index = len(u.org.Users)
			u.org.userIndex[user.ID] = int32(index)
			u.org.Users = append(u.org.Users, user)
		}
	}
	if !ok {
		return index
	}
	if email := fr.get(vals, UserEmail); email != "" {
		key := strings.ToLower(email) // the same string when already lower case
		if first, dup := u.emails[key]; dup {
			fr.fieldFinding(rec, h.Col(UserEmail), RuleDuplicateEmail,
				fmt.Sprintf("email %q is already used on line %d", email, first),
				"each member needs their own email: Officevibe keys members by email, compared without case")
		} else {
			if n := len(u.org.Users); n > 0 && key == u.org.Users[n-1].Email && u.org.Users[n-1].Line == int32(rec.Line) {
				key = u.org.Users[n-1].Email // shares the user's copy instead of the record
			} else {
				key = cloneString(key)
			}
			u.emails[key] = int32(rec.Line)
		}
	}
	fr.checkLimits(rec, vals, UserFirstName, UserLastName, UserJobTitle)
	fi, li := h.Col(UserFirstName), h.Col(UserLastName)
	if fi >= 0 && li >= 0 && (vals[fi] == "") != (vals[li] == "") {
		empty, other := li, fi
		if vals[fi] == "" {
			empty, other = fi, li
		}
		fr.fieldFinding(rec, empty, RuleNamePair,
			fmt.Sprintf("%s is empty but %s is %q", h.Names[empty], h.Names[other], vals[other]),
			"give both names or neither: Officevibe refuses one without the other")
	}
	return index
}

// newUser copies a user's strings out of the record in one allocation, so
// that keeping a million users costs a million small strings, not four
// million, and none of them pins the record it came from.
func newUser(id, email, first, last string) User {
	var b strings.Builder
	b.Grow(len(id) + len(email) + len(first) + len(last))
	b.WriteString(id)
	b.WriteString(email)
	b.WriteString(first)
	b.WriteString(last)
	s := b.String()
	i, e, f := len(id), len(id)+len(email), len(id)+len(email)+len(first)
	return User{ID: s[:i], Email: s[i:e], FirstName: s[e:f], LastName: s[f:], Declared: true}
}

// regrow returns m in a map made for n entries.
func regrow(m map[string]int32, n int) map[string]int32 {
	out := make(map[string]int32, max(n, len(m)))
	maps.Copy(out, m)
	return out
}
