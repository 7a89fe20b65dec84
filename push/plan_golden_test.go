package push_test

import (
	"bytes"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/ovsync/ovsync/push/pushtest"
)

// TestPlanGolden plants the changes HR asks about in the sample org
// after a push (an email change, a manager row dropped, a team removed
// with its rows, a rename, a new job title, a member moved) and checks
// the plan's text and JSON against testdata/plan-sample.txt and .json
// (go test -update rewrites them). Ports, folders and digests are
// replaced by placeholders.
func TestPlanGolden(t *testing.T) {
	srv := newFake(t, pushtest.Options{})
	dir := copyOrg(t, orgConfig{apiURL: srv.URL})
	opt := firstOptions(dir, nil)
	opt.Now = func() time.Time { return time.Date(2026, 11, 30, 22, 0, 0, 0, time.UTC) }
	if r := doPush(t, opt); r.err != nil {
		t.Fatal(r.err)
	}
	editCSV(t, dir, "users.csv", func(l string) (string, bool) {
		l = strings.Replace(l, "francoise.dubois@cedarline.example", "f.dubois@cedarline.example", 1)
		if strings.HasPrefix(l, "00034,") {
			l = strings.Replace(l, `"Vice President, Sales & Marketing"`, "Chief Revenue Officer", 1)
		}
		return l, true
	})
	editCSV(t, dir, "groups.csv", func(l string) (string, bool) {
		return strings.Replace(l, "Executive Team", "Leadership Team", 1), !strings.HasPrefix(l, "T-CS-A,")
	})
	editCSV(t, dir, "groups-mapping.csv", func(l string) (string, bool) {
		f := strings.Split(strings.TrimSuffix(l, "\n"), ",")
		if f[0] == "T-CS-A" || f[2] == "T-CS-A" || l == "T-ENG,00011,,FALSE,TRUE\n" {
			return l, false
		}
		return l, true
	})
	p, err := makePlan(testOptions(dir, nil))
	if err != nil {
		t.Fatal(err)
	}
	var text, js bytes.Buffer
	if err := p.Print(&text); err != nil {
		t.Fatal(err)
	}
	if err := p.WriteJSON(&js); err != nil {
		t.Fatal(err)
	}
	host := strings.TrimPrefix(srv.URL, "http://")
	norm := func(s string) string {
		s = strings.ReplaceAll(s, filepath.ToSlash(dir), "ORG")
		s = strings.ReplaceAll(s, dir, "ORG")
		s = strings.ReplaceAll(s, host, "127.0.0.1:PORT")
		s = regexp.MustCompile(`[0-9a-f]{64}`).ReplaceAllString(s, "SHA256")
		return strings.ReplaceAll(s, `\\`, "/")
	}
	for _, g := range []struct{ file, got string }{{"plan-sample.txt", norm(text.String())}, {"plan-sample.json", norm(js.String())}} {
		path := filepath.Join("testdata", g.file)
		if *update {
			if err := os.WriteFile(path, []byte(g.got), 0o644); err != nil {
				t.Fatal(err)
			}
			continue
		}
		want, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(string(want), g.got); diff != "" {
			t.Errorf("%s (-want +got):\n%s", g.file, diff)
		}
	}
}
