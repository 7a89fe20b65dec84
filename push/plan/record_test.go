package plan_test

import (
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/ovsync/ovsync/internal/atomicfile"
	"github.com/ovsync/ovsync/push"
	"github.com/ovsync/ovsync/push/plan"
)

// update rewrites the state files of testdata: go test -update.
var update = flag.Bool("update", false, "rewrite the state files in testdata")

// writeState writes at state the record a push of the org of dir (a
// config.json or its folder) keeps, linted, planned and staged as a
// first push does, made at the zero time: what a push would leave,
// without sending anything.
func writeState(t testing.TB, dir, state string) {
	t.Helper()
	cfg, err := plan.ReadConfig(dir)
	if err != nil {
		t.Fatal(err)
	}
	pl, err := plan.New(plan.Options{State: state, Protocols: push.Protocols(), Guards: plan.Guards{FirstPush: true}}, cfg)
	if err != nil {
		t.Fatal(err)
	}
	_, rec, err := pl.Plan("PUSH", nil)
	if err != nil {
		t.Fatal(err)
	}
	var b atomicfile.Batch
	if err := rec.Stage(&b, time.Time{}); err != nil {
		t.Fatal(err)
	}
	if err := b.Commit(); err != nil {
		t.Fatal(err)
	}
}

// orgState returns the state file a push of the org of dir writes, made
// without a push.
func orgState(t testing.TB, dir string) []byte {
	t.Helper()
	state := filepath.Join(t.TempDir(), "state.json")
	writeState(t, dir, state)
	raw, err := os.ReadFile(state)
	if err != nil {
		t.Fatal(err)
	}
	return raw
}

// TestStateOfSampleRoundTrip reads back the state of the sample org, in
// both formats: the bounds of the reader let every real state through.
func TestStateOfSampleRoundTrip(t *testing.T) {
	for _, dir := range []string{"../../testdata/sample", "../../testdata/sample-provisioning"} {
		if err := plan.ParseState(orgState(t, dir)); err != nil {
			t.Errorf("%s: %v", dir, err)
		}
	}
}

// TestStateFixtures checks that the state files of testdata that
// FuzzParseState starts from are what a push of their orgs writes today:
// the same head line and the same lists once unpacked. go test -update
// writes them again.
func TestStateFixtures(t *testing.T) {
	for _, tc := range []struct{ org, file string }{
		{"../../testdata/sample", "state-sample.json"},
		{"../../testdata/sample-provisioning", "state-sample-provisioning.json"},
		{"../testdata/keypieces", "state-keypieces.json"},
	} {
		t.Run(tc.file, func(t *testing.T) {
			got := orgState(t, tc.org)
			path := filepath.Join("testdata", tc.file)
			if *update {
				if err := os.WriteFile(path, got, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			gotHead, gotLists := unpack(t, got)
			wantHead, wantLists := unpack(t, want)
			if d := cmp.Diff(wantHead, gotHead); d != "" {
				t.Errorf("head line (-%s +now); run go test -update to accept:\n%s", path, d)
			}
			if d := cmp.Diff(wantLists, gotLists); d != "" {
				t.Errorf("lists (-%s +now); run go test -update to accept:\n%s", path, d)
			}
		})
	}
}

// unpack returns the head line of a state file of version 2 or 3 and
// its lists, unpacked.
func unpack(t *testing.T, raw []byte) (head, lists string) {
	t.Helper()
	h, b, err := plan.UnpackLists(raw)
	if err != nil {
		t.Fatal(err)
	}
	return string(h), string(b)
}

// TestStateVersion2Read reads the state file of the sample that the
// ovsync before version 3 wrote (gzip) beside the one written now
// (zstd): the same head but for its version, the same lists, the same
// state once read.
func TestStateVersion2Read(t *testing.T) {
	v2, v3 := stateFile(t, "state-sample-v2.json"), stateFile(t, "state-sample.json")
	head2, lists2 := unpack(t, v2)
	head3, lists3 := unpack(t, v3)
	if want := strings.Replace(head3, `{"version":3,`, `{"version":2,`, 1); head2 != want || head2 == head3 {
		t.Errorf("head lines differ but for the version:\n%s\n%s", head2, head3)
	}
	if lists2 != lists3 {
		t.Error("the lists of the two versions differ")
	}
	for _, raw := range [][]byte{v2, v3} {
		if err := plan.ParseState(raw); err != nil {
			t.Error(err)
		}
	}
}

// stateFile returns a state file of testdata.
func stateFile(t *testing.T, name string) []byte {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return raw
}
