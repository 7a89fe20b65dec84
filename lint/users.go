package lint

import (
	"fmt"
	"strings"

	"github.com/santhosh-tekuri/jsonschema/v5"
)

// usersReader reads users.csv into the org, checking the rules of one
// user against the others: duplicate ids and emails, name pairs.
type usersReader struct {
	org    *Org
	fr     fileReader
	emails map[string]int32 // lower-case email -> line of its first row
}

// read reads users.csv at path.
func (u *usersReader) read(v *Vocabulary, path, display string, schema *jsonschema.Schema) error {
	u.fr = fileReader{kind: KindUsers, vocab: v, file: display}
	u.emails = map[string]int32{}
	err := u.fr.read(path, schema, u.row)
	if u.fr.header != nil {
		u.org.UserColumns = u.fr.header.Names
	}
	return err
}

// usable reports whether user ids could be read, so that references to
// them can be checked.
func (u *usersReader) usable() bool { return u.fr.usable(UserID) }

// row handles one record of users.csv. A ragged or broken row still
// declares its id, so that the mapping rows naming it are not reported
// again as unknown users.
func (u *usersReader) row(rec *Record, vals []string, ok bool) {
	fr := &u.fr
	h := fr.header
	id := fr.get(vals, UserID)
	if id != "" {
		if first, dup := u.org.userIndex[id]; dup {
			if ok {
				fr.fieldFinding(rec, h.Col(UserID), RuleDuplicateID,
					fmt.Sprintf("user id %q is already used on line %d", id, u.org.Users[first].Line),
					"give each user their own id, or remove the repeated row")
			}
		} else {
			u.org.userIndex[cloneString(id)] = int32(len(u.org.Users))
			u.org.Users = append(u.org.Users, User{
				ID: cloneString(id), Email: cloneString(fr.get(vals, UserEmail)),
				FirstName: cloneString(fr.get(vals, UserFirstName)), LastName: cloneString(fr.get(vals, UserLastName)),
				Line: int32(rec.Line), Declared: true,
			})
		}
	}
	if !ok {
		return
	}
	if email := fr.get(vals, UserEmail); email != "" {
		key := strings.ToLower(email)
		if first, dup := u.emails[key]; dup {
			fr.fieldFinding(rec, h.Col(UserEmail), RuleDuplicateEmail,
				fmt.Sprintf("email %q is already used on line %d", email, first),
				"each member needs their own email: Officevibe keys members by email, compared without case")
		} else {
			u.emails[cloneString(key)] = int32(rec.Line)
		}
	}
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
}
