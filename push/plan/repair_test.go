package plan

import (
	"strings"
	"testing"

	"github.com/ovsync/ovsync/internal/redact"
)

func TestFits(t *testing.T) {
	m := redact.Mask
	for _, tc := range []struct {
		d, s string
		want bool
	}{
		{"0001235", "0001235", true},
		{"0001235", "0001236", false},
		{m + "5", "0001235", true},
		{m + "5", "5", false}, // a mask stands for one character or more
		{m, "0001234", true},
		{m, "", false},
		{"u" + m + "@example.com", "u0001234@example.com", true},
		{"u" + m + "@example.com", "v0001234@example.com", false},
		{"a" + m + "b" + m + "c", "axxbyyc", true},
		{"a" + m + "b" + m + "c", "abbc", false},
		{"a" + m + "b" + m + "c", "axbbyc", true},
		{"a" + m + m, "axy", true},
		{"a" + m + m, "ax", false},
		{"[redacted", "[redacted", true},
	} {
		if got := fits(tc.d, tc.s); got != tc.want {
			t.Errorf("fits(%q, %q) = %t, want %t", tc.d, tc.s, got, tc.want)
		}
	}
}

// maskedPair returns a state as an earlier ovsync wrote it for cur,
// through red, and cur: users by id and email, teams, mapping rows.
func maskedPair(red *redact.Redactor, users [][2]string, teams [][2]string, rows [][2]string) (prev, cur *state) {
	cur = &state{stateHead: stateHead{Version: stateVersion, Exact: true, UserKeys: []string{"id", "email"}, UserRoles: [4]int{0, 1, -1, -1}}}
	prev = &state{stateHead: stateHead{Version: stateVersion, UserKeys: []string{"id", "email"}, UserRoles: [4]int{0, 1, -1, -1}}}
	for _, u := range users {
		cur.Users = append(cur.Users, stateUser{ID: u[0], Email: u[1], Values: u[0] + "\t" + u[1]})
		prev.Users = append(prev.Users, stateUser{ID: red.String(u[0]), Email: red.String(u[1]), Values: red.String(u[0] + "\t" + u[1])})
	}
	for _, tm := range teams {
		cur.Teams = append(cur.Teams, stateTeam{ID: tm[0], Name: tm[1]})
		prev.Teams = append(prev.Teams, stateTeam{ID: red.String(tm[0]), Name: red.String(tm[1])})
	}
	for _, r := range rows {
		cur.Mappings = append(cur.Mappings, stateMapping{Team: r[0], User: r[1], Member: true})
		prev.Mappings = append(prev.Mappings, stateMapping{Team: red.String(r[0]), User: red.String(r[1]), Member: true})
	}
	return prev, cur
}

// TestRepairAmbiguous: two users whose ids and emails the filter masked
// alike cannot be told apart without the key: they are unknown, and so
// are the two users of the org they could be, neither removed nor added;
// with the key they are matched.
func TestRepairAmbiguous(t *testing.T) {
	const key = "zz-000123-4567-qq"
	red := redact.New(key)
	users := [][2]string{{"1000123", "a1000123@x.co"}, {"2000123", "a2000123@x.co"}, {"7", "b@x.co"}}
	for _, known := range []bool{false, true} {
		prev, cur := maskedPair(red, users, [][2]string{{"T1", "One"}}, [][2]string{{"T1", "1000123"}, {"T1", "2000123"}, {"T1", "7"}})
		// "1[redacted]" and "2[redacted]": told apart by their first
		// character. Make them alike: both masked whole.
		prev.Users[0].ID, prev.Users[1].ID = redact.Mask, redact.Mask
		prev.Users[0].Values = redact.Mask + "\ta" + redact.Mask + "@x.co"
		prev.Users[1].Values = prev.Users[0].Values
		prev.Users[0].Email, prev.Users[1].Email = "a"+redact.Mask+"@x.co", "a"+redact.Mask+"@x.co"
		prev.Mappings[0].User, prev.Mappings[1].User = redact.Mask, redact.Mask
		var keys *redact.Redactor
		if known {
			keys = redact.New(key)
		}
		st, err := repair(prev, cur, keys)
		if err != nil {
			t.Fatal(err)
		}
		p := mustCompare(t, prev, cur)
		if p.HasChanges() {
			t.Errorf("key known %t: changes %+v %+v %+v", known, p.Users, p.Teams, p.Mappings)
		}
		if st.Damaged != 4 || st.Unknown != 4 {
			// Neither the whole-masked ids nor their rows can be told
			// apart, key or not: "[redacted]" is what the filter gives
			// for neither.
			t.Errorf("key known %t: %+v", known, st)
		}
	}
}

// TestRepairRemoved: a masked user that no user of the org fits was
// removed, and is listed so, masked.
func TestRepairRemoved(t *testing.T) {
	red := redact.New("zz-000123-4567-qq")
	prev, cur := maskedPair(red, [][2]string{{"1000123", "a@x.co"}, {"8", "b@x.co"}}, nil, nil)
	cur.Users = cur.Users[1:]
	if _, err := repair(prev, cur, nil); err != nil {
		t.Fatal(err)
	}
	p := mustCompare(t, prev, cur)
	if p.Users.Removed != 1 || p.Changes.UsersRemoved[0].ID != "1"+redact.Mask || p.Users.Added != 0 {
		t.Errorf("users %+v, removed %+v", p.Users, p.Changes.UsersRemoved)
	}
}

// TestRepairBounded: a hostile state of many fully masked ids against an
// org of many users stops with an error instead of comparing each with
// each.
func TestRepairBounded(t *testing.T) {
	prev := &state{stateHead: stateHead{Version: stateVersion}}
	cur := &state{stateHead: stateHead{Version: stateVersion, Exact: true}}
	for i := range 20000 {
		prev.Users = append(prev.Users, stateUser{ID: redact.Mask})
		cur.Users = append(cur.Users, stateUser{ID: "u" + strings.Repeat("x", i%7) + string(rune('a'+i%26))})
	}
	if _, err := repair(prev, cur, nil); err != errTooDamaged {
		t.Errorf("err = %v, want %v", err, errTooDamaged)
	}
}

// TestMaskedTarget: a state whose URL an earlier key filter masked in
// part records the push to the URL that fits it; a state written exactly
// records its own URL only.
func TestMaskedTarget(t *testing.T) {
	const e = "https://app.officevibe.com"
	st := &state{stateHead: stateHead{Version: stateVersion, Protocol: ProtocolLegacy, APIURL: "https://app." + redact.Mask + ".com"}}
	if !st.isFor(ProtocolLegacy, e) {
		t.Error("the masked URL is not the target's")
	}
	st.Exact = true
	if st.isFor(ProtocolLegacy, e) {
		t.Error("an exact state's URL fits another")
	}
}

// TestRepairSharedMask: two users whose ids the filter masked alike, but
// whose emails tell them apart, are matched; the mapping rows that name
// the masked id cannot tell which user they are about, and the plan
// shows no phantom change for them.
func TestRepairSharedMask(t *testing.T) {
	red := redact.New("zz-000123-4567-qq")
	prev, cur := maskedPair(red, [][2]string{{"0001234", "a@x.co"}, {"0001235", "b@x.co"}, {"7", "c@x.co"}},
		[][2]string{{"T1", "One"}, {"T2", "Two"}}, [][2]string{{"T1", "0001234"}, {"T2", "0001235"}, {"T1", "7"}})
	prev.Users[0].ID, prev.Users[1].ID = redact.Mask, redact.Mask
	prev.Users[0].Values, prev.Users[1].Values = redact.Mask+"\ta@x.co", redact.Mask+"\tb@x.co"
	prev.Mappings[0].User, prev.Mappings[1].User = redact.Mask, redact.Mask
	st, err := repair(prev, cur, nil)
	if err != nil {
		t.Fatal(err)
	}
	p := mustCompare(t, prev, cur)
	if p.HasChanges() || p.Managers.Added+p.Managers.Removed+p.Moves != 0 {
		t.Errorf("changes: users %+v, mappings %+v, moves %+v", p.Users, p.Mappings, p.Changes.Moves)
	}
	if st.Damaged != 4 || st.Unknown != 2 {
		t.Errorf("%+v, want 4 damaged (2 users, 2 rows), 2 unknown (the rows)", st)
	}
}
