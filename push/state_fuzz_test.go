package push

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
)

// seedState is a small version 2 state, with values that need escapes.
func seedState(t testing.TB) []byte {
	st := &state{stateHead: stateHead{Protocol: ProtocolLegacy, APIURL: "https://app.officevibe.com", UserKeys: []string{"userId", "email", "firstName", "lastName"}, UserRoles: [4]int{0, 1, 2, 3}}}
	st.Users = []stateUser{{ID: "1", Email: "a@example.com", Values: "1\ta@example.com\tAna\\tB\tSilva\\\\"}}
	st.Teams = []stateTeam{{ID: "T", Name: "Tab\there"}}
	st.Mappings = []stateMapping{{Team: "T", User: "1", Member: true, Manager: true}, {Team: "T", SubTeam: "S"}}
	var b bytes.Buffer
	if err := st.encode(&b, nil); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// TestStateRoundTrip checks that a version 2 state reads back as written,
// escapes included.
func TestStateRoundTrip(t *testing.T) {
	raw := seedState(t)
	st, err := parseState(raw)
	if err != nil {
		t.Fatal(err)
	}
	if len(st.Users) != 1 || st.Users[0].ID != "1" || st.Users[0].Email != "a@example.com" || st.ref(0).Name != "Ana\tB Silva\\" {
		t.Errorf("users %+v, name %q", st.Users, st.ref(0).Name)
	}
	if st.Teams[0].Name != "Tab\there" || !st.Mappings[0].Member || !st.Mappings[0].Manager || st.Mappings[1].SubTeam != "S" {
		t.Errorf("teams %+v, mappings %+v", st.Teams, st.Mappings)
	}
	// Cut short: an error naming it, never a state with fewer rows.
	if _, err := parseState(raw[:len(raw)-12]); err == nil {
		t.Errorf("a cut state file was read")
	}
}

// FuzzParseState feeds state files and plan files to their readers,
// which must answer with a state, a plan or an error, never a panic.
func FuzzParseState(f *testing.F) {
	f.Add(seedState(f))
	f.Add([]byte(`{"version":1,"protocol":"legacy","apiUrl":"x","users":[{"id":"1","email":"a","hash":"0123456789abcdef"}],"teams":[],"mappings":["0123456789abcdef"]}`))
	f.Add([]byte(`{"version":2,"counts":[1,0,0],"userRoles":[0,1,-1,-1]}` + "\n"))
	plan, _ := json.Marshal(&Plan{Version: PlanVersion, Digest: "sha256:00", Inputs: []Input{{Role: "users"}}, Target: Target{URL: "u"}})
	f.Add(plan)
	dir := f.TempDir()
	f.Fuzz(func(t *testing.T, raw []byte) {
		if st, err := parseState(raw); err == nil {
			for i := range st.Users {
				st.ref(i)
			}
			comparePlan(st, st, false)
		}
		p := filepath.Join(dir, "plan.json")
		if err := os.WriteFile(p, raw, 0o644); err != nil {
			t.Fatal(err)
		}
		_, _ = ReadPlanFile(p)
	})
}
