package push_test

import (
	"bytes"
	"context"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ovsync/ovsync/internal/redact"
	"github.com/ovsync/ovsync/push"
	"github.com/ovsync/ovsync/push/plan"
	"github.com/ovsync/ovsync/push/pushtest"
)

// echoKey is the key of the echo tests: long, and with no run of
// characters that the sample org or a hash could hold by chance.
const echoKey = "ovk-Echo-QwErTyUiOp-7731-ZxCvBnMpLk"

// keyPieces are the pieces of redact.MinPiece characters of every form of
// echoKey (as redact.Forms lists them), lower-cased.
var keyPieces = func() map[string]bool {
	out := map[string]bool{}
	for _, f := range redact.Forms(echoKey) {
		f = strings.ToLower(f)
		for i := 0; i+redact.MinPiece <= len(f); i++ {
			out[f[i:i+redact.MinPiece]] = true
		}
	}
	return out
}()

// keyLeak returns the first piece of echoKey in keyPieces that s holds in
// any letter case, or "".
func keyLeak(s string) string {
	low := strings.ToLower(s)
	for i := 0; i+redact.MinPiece <= len(low); i++ {
		if p := low[i : i+redact.MinPiece]; keyPieces[p] {
			return p
		}
	}
	return ""
}

// filesUnder returns the content of every file under dir, by path.
func filesUnder(t *testing.T, dir string) map[string][]byte {
	t.Helper()
	out := map[string][]byte{}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(p)
		out[p] = b
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// smallOrg writes an org of two users and a team in the format of proto
// into a new folder, and returns the folder: the echo tests push it
// thousands of times.
func smallOrg(t *testing.T, proto string) string {
	t.Helper()
	if proto == plan.ProtocolLegacy {
		dir := copyOrg(t, orgConfig{apiURL: "http://127.0.0.1:1"})
		writeFile(t, filepath.Join(dir, "Data", "users.csv"), "id,email,firstName,lastName\n1,ana@example.com,Ana,Silva\n2,ben@example.com,Ben,Okafor\n")
		writeFile(t, filepath.Join(dir, "Data", "groups.csv"), "id,name\nT1,Team One\n")
		writeFile(t, filepath.Join(dir, "Data", "groups-mapping.csv"), "groupId,userId,subGroupId,isMember,isManager\nT1,1,,FALSE,TRUE\nT1,2,,TRUE,FALSE\n")
		return dir
	}
	dir := copyProvisioningOrg(t, false)
	writeFile(t, filepath.Join(dir, "Data", "members.csv"), "externalMemberId,email,firstName,lastName\n1,ana@example.com,Ana,Silva\n2,ben@example.com,Ben,Okafor\n")
	writeFile(t, filepath.Join(dir, "Data", "teams.csv"), "externalTeamId,teamName\nT1,Team One\n")
	writeFile(t, filepath.Join(dir, "Data", "teams-mappings.csv"), "externalTeamId,externalMemberId,externalSubteamId,isMember,isManager\nT1,1,,FALSE,TRUE\nT1,2,,TRUE,FALSE\n")
	return dir
}

// TestEchoedKeyNeverShown pushes (and pings) to a service that answers
// with the key starting at every offset from 0 to 300 of its answer, in
// JSON, in HTML, in a redirect and in an accepted sync, in both
// protocols, and finds no piece of 6 characters of the key in what the
// run printed, returned, or wrote in any file (the dump, the state file).
// Accepted syncs and redirects, slower, take every 5th offset; the other
// forms of the key (upper case, URL-escaped, base64) every 11th.
func TestEchoedKeyNeverShown(t *testing.T) {
	srv := pushtest.NewEchoServer()
	t.Cleanup(srv.Close)
	for _, proto := range []string{plan.ProtocolLegacy, plan.ProtocolProvisioning} {
		for _, kind := range pushtest.EchoKinds {
			t.Run(proto+"/"+kind, func(t *testing.T) {
				t.Parallel() // the runs wait on the disk (fsync) more than on the CPU
				dir := smallOrg(t, proto)
				masked := 0
				for off := 0; off <= 300; off++ {
					if (kind == "accept" || kind == "redirect") && off%5 != 0 {
						continue
					}
					for i, form := range pushtest.EchoForms {
						if i > 0 && off%11 != 0 {
							continue
						}
						url := pushtest.EchoURL(srv.URL, off, kind, form)
						if proto == plan.ProtocolLegacy {
							writeConfig(t, dir, orgConfig{apiURL: url})
						}
						opt := testOptions(dir, nil)
						opt.Getenv = env(push.KeyEnv, echoKey)
						opt.Dump = filepath.Join(dir, "out", "dump.json")
						opt.Yes = true
						// A state file per service URL: each run is a push.
						opt.Plan.State = filepath.Join(dir, ".ovsync", fmt.Sprintf("state-%d-%s.json", off, form))
						if proto == plan.ProtocolProvisioning {
							opt.Plan.URL = url + push.ProvisioningPath
						}
						r := doPush(t, opt)
						if r.res.Attempts == 0 {
							t.Fatalf("offset %d, %s: nothing was sent: %v\n%s", off, form, r.err, r.stderr.String())
						}
						var all bytes.Buffer
						fmt.Fprintf(&all, "%s%s%v\n", r.stdout.Bytes(), r.stderr.Bytes(), r.err)
						if proto == plan.ProtocolLegacy && kind != "accept" {
							var pout, perr bytes.Buffer
							_, err := push.Ping(context.Background(), push.PingOptions{Path: dir, Route: opt.Plan.Route, Remote: opt.Remote, Stdout: &pout, Warn: warnTo(&perr), Log: logTo(&perr, "ping")})
							fmt.Fprintf(&all, "%s%s%v\n", pout.Bytes(), perr.Bytes(), err)
						}
						if l := keyLeak(all.String()); l != "" {
							t.Fatalf("offset %d, %s: %q of the key is shown:\n%s", off, form, l, all.String())
						}
						for p, b := range filesUnder(t, dir) {
							if l := keyLeak(string(b)); l != "" {
								t.Fatalf("offset %d, %s: %q of the key is in %s", off, form, l, p)
							}
						}
						if strings.Contains(all.String(), redact.Mask) {
							masked++
						}
					}
				}
				// The answer is shown (and masked) unless it is a page
				// that only says the key was rejected.
				if masked == 0 && !(kind == "html" && proto == plan.ProtocolLegacy) {
					t.Errorf("no run showed %s: the echo was never shown", redact.Mask)
				}
				if kind == "accept" {
					if states, _ := filepath.Glob(filepath.Join(dir, ".ovsync", "state-*.json")); len(states) == 0 {
						t.Errorf("no state file was written")
					}
				}
			})
		}
	}
}
