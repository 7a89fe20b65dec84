package plan

import (
	"bytes"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/ovsync/ovsync/internal/peakrss"
	"github.com/ovsync/ovsync/internal/redact"
)

// seedState is a small state as written now (version 3), with values that need escapes.
func seedState(t testing.TB) []byte {
	st := &state{stateHead: stateHead{Protocol: ProtocolLegacy, APIURL: "https://app.officevibe.com", Bytes: 300, UserKeys: []string{"userId", "email", "firstName", "lastName"}, UserRoles: [4]int{0, 1, 2, 3}}}
	st.Users = []stateUser{{ID: "1", Email: "a@example.com", Values: "1\ta@example.com\tAna\\tB\tSilva\\\\"}}
	st.Teams = []stateTeam{{ID: "T", Name: "Tab\there"}}
	st.Mappings = []stateMapping{{Team: "T", User: "1", Member: true, Manager: true}, {Team: "T", SubTeam: "S"}}
	var b bytes.Buffer
	if err := st.encode(&b, nil); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// stateFixture returns a state file of testdata: what a push of an org
// writes (TestStateFixtures keeps them so).
func stateFixture(t testing.TB, name string) []byte {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return raw
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

// TestStateRedactedRoundTrip reads back a state whose values held pieces
// of the key when an earlier ovsync wrote it through its key filter: the
// filter made its lists longer than the values, and the reader's bound
// still lets them through.
func TestStateRedactedRoundTrip(t *testing.T) {
	const key = "ovk-Bound-7731-QwErTy"
	red := redact.New()
	red.Add(key)
	var values []byte
	for range 40 {
		values = append(values, "Bound-xQwErTyx"...)
	}
	st := &state{stateHead: stateHead{Protocol: ProtocolLegacy, Bytes: int64(len(values) + 20), UserKeys: []string{"userId", "email"}, UserRoles: [4]int{0, 1, -1, -1}}}
	// As the earlier ovsync wrote them: masked.
	st.Users = []stateUser{{ID: "1", Values: "1\t" + red.String(string(values))}}
	var b bytes.Buffer
	if err := st.encode(&b, red); err != nil {
		t.Fatal(err)
	}
	got, err := parseState(b.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	if int64(len(got.Users[0].Values)) <= st.Bytes {
		t.Errorf("the key filter did not make the values longer than the body: %q", got.Users[0].Values)
	}
}

// unpacked returns how many bytes the lists of a state file of version 2
// or 3 unpack to, at most limit: what the file really holds.
func unpacked(raw []byte, limit int64) int64 {
	_, zr, err := listsOf(raw)
	if err != nil {
		return 0
	}
	defer zr.Close()
	n, _ := io.Copy(io.Discard, io.LimitReader(zr, limit))
	return n
}

// FuzzParseState feeds state files and plan files to their readers,
// which must answer with a state, a plan or an error, never a panic. What
// reading a state allocates stays within what the file really holds
// (its bytes and what its lists unpack to), whatever its head claims; a
// state read back is the one encoded again.
func FuzzParseState(f *testing.F) {
	f.Add(seedState(f))
	f.Add(stateFixture(f, "state-sample.json"))
	f.Add(stateFixture(f, "state-sample-v2.json"))
	f.Add(stateFixture(f, "state-sample-provisioning.json"))
	f.Add(stateFixture(f, "state-v1.json"))
	f.Add([]byte(`{"version":1,"protocol":"legacy","apiUrl":"x","users":[{"id":"1","email":"a","hash":"0123456789abcdef"}],"teams":[],"mappings":["0123456789abcdef"]}`))
	f.Add([]byte(`{"version":2,"counts":[1,0,0],"userRoles":[0,1,-1,-1]}` + "\n"))
	f.Add([]byte(`{"version":3,"counts":[1,0,0],"userRoles":[0,1,-1,-1]}` + "\n"))
	for version, lists := range map[int][]byte{2: packed(gzipPacking, seedLists), 3: packed(zstdPacking, seedLists)} {
		for _, h := range []map[string]any{
			nil,
			{"counts": []int64{1 << 40, 1 << 40, 1 << 40}},
			{"counts": []int{-1, 1, 2}},
			{"counts": []int{2, 1, 2}},
			{"bytes": 10},
			{"userRoles": []int{0, 1, 2, 9}},
		} {
			with := map[string]any{"version": version}
			for k, v := range h {
				with[k] = v
			}
			f.Add(stateWithHead(f, with, lists))
		}
	}
	f.Add(stateWithHead(f, map[string]any{"version": 3, "bytes": 1 << 40}, packed(zstdPacking, string(make([]byte, 64<<10)))))
	f.Add(stateWithHead(f, map[string]any{"bytes": 1 << 40}, packed(gzipPacking, string(make([]byte, 64<<10)))))
	plan, _ := json.Marshal(&Plan{Version: Version, Digest: "sha256:00", Inputs: []Input{{Role: "users"}}, Target: Target{URL: "u"}})
	f.Add(plan)
	masked, err := os.ReadFile("../testdata/keypieces/state-redacted.json")
	if err != nil {
		f.Fatal(err)
	}
	f.Add(masked)
	// A state read is also matched with an org (the masked fixture's, read
	// exact) as a plan does: never a panic, and bounded work.
	org, err := parseState(stateFixture(f, "state-keypieces.json"))
	if err != nil {
		f.Fatal(err)
	}
	org.Exact = true
	keys := redact.New("9c1e0001234bf7a2duboisT000042e6d")
	dir := f.TempDir()
	f.Fuzz(func(t *testing.T, raw []byte) {
		var st *state
		var err error
		n := peakrss.Allocated(func() { st, err = parseState(raw) })
		if bound := 4<<20 + 64*(int64(len(raw))+unpacked(raw, 64<<20)); int64(n) > bound {
			t.Fatalf("reading %d bytes allocated %d bytes (bound %d)", len(raw), n, bound)
		}
		if err == nil {
			if o, err := newStateOrg(st); err == nil { // users named as a plan names them
				for i := range len(st.Users) + len(o.extraUsers) {
					ref(o, i)
				}
			}
			_, _ = compareStates(st, st, false)
			if !st.v1() {
				checkReencoded(t, st)
			}
			if _, err := repair(st, org, keys); err == nil {
				_, _ = compareStates(st, org, false)
			}
		}
		p := filepath.Join(dir, "plan.json")
		if err := os.WriteFile(p, raw, 0o644); err != nil {
			t.Fatal(err)
		}
		_, _ = ReadFile(p)
	})
}

// checkReencoded encodes a state read from a file and reads it again:
// the lists must be the same.
func checkReencoded(t *testing.T, st *state) {
	t.Helper()
	st.Bytes = 1 << 40 // the values may take more room escaped again
	var b bytes.Buffer
	if err := st.encode(&b, nil); err != nil {
		t.Fatal(err)
	}
	again, err := parseState(b.Bytes())
	if err != nil {
		t.Fatalf("a state read from a file does not read back: %v", err)
	}
	if d := cmp.Diff([3]int{len(st.Users), len(st.Teams), len(st.Mappings)}, [3]int{len(again.Users), len(again.Teams), len(again.Mappings)}); d != "" {
		t.Fatalf("counts (-first +again):\n%s", d)
	}
	for i := range st.Users {
		if st.Users[i].ID != again.Users[i].ID || st.Users[i].Email != again.Users[i].Email {
			t.Fatalf("user %d: %q %q, again %q %q", i, st.Users[i].ID, st.Users[i].Email, again.Users[i].ID, again.Users[i].Email)
		}
	}
	if d := cmp.Diff(st.Teams, again.Teams); d != "" {
		t.Fatalf("teams (-first +again):\n%s", d)
	}
	if d := cmp.Diff(st.Mappings, again.Mappings); d != "" {
		t.Fatalf("mappings (-first +again):\n%s", d)
	}
}
