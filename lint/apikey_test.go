package lint

import (
	"bytes"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/ovsync/ovsync/internal/redact"
)

// apiKey is the key of the api-key tests: a GUID as Officevibe issues
// them, sharing pieces with the org of keyOrg.
const apiKey = "9c1e0001-234b-f7a2-d9e8-c3b1a0f4e6d5"

// keyOrg writes an org without config.json whose users.csv and groups.csv
// hold apiKey whole in some fields and pieces of it in others, and
// returns its files.
func keyOrg(t *testing.T) Options {
	t.Helper()
	dir := t.TempDir()
	files := map[string]string{
		"users.csv": "id,email,firstName,lastName,jobTitle,Notes\n" +
			"9c1e0001,ana@example.com,Ana,Silva,CEO,\n" + // a piece: data
			"0002,ben@example.com,Ben,Okafor," + apiKey + ",\n" +
			"0003,chloe@example.com,Chloé,Martin,Engineer,\"pasted: " + strings.ToUpper(apiKey) + "\"\n" +
			"0004," + apiKey + "@example.com,Dan,Key,Engineer,\n",
		"groups.csv": "id,name\nT1,Team One\nT2,\"" + apiKey + "\"\nT3,Team b1a0f4e6d5\nT4,\"" + apiKey + "\"\n",
		"groups-mapping.csv": "groupId,userId,subGroupId,isMember,isManager\n" +
			"T1,9c1e0001,,FALSE,TRUE\nT1,0002,,TRUE,FALSE\nT2,0003,,TRUE,FALSE\nT2,0004,,FALSE,TRUE\nT3,0002,,FALSE,TRUE\n",
	}
	for name, content := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return Options{Users: filepath.Join(dir, "users.csv"), Groups: filepath.Join(dir, "groups.csv"),
		Mapping: filepath.Join(dir, "groups-mapping.csv"), Keys: redact.New(apiKey)}
}

// TestAPIKeyAtItsField reports each field that holds the key whole at
// its line and column, and no piece of it.
func TestAPIKeyAtItsField(t *testing.T) {
	opt := keyOrg(t)
	rep, err := Run(opt)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, f := range rep.Findings {
		if f.Rule == RuleAPIKey {
			got = append(got, filepath.Base(f.File)+":"+itoa(f.Line)+":"+itoa(f.Column)+" "+f.Field+" "+f.Severity.String()+" "+f.Value)
		}
	}
	want := []string{
		"groups.csv:3:4 name error ",
		"groups.csv:5:4 name error ",
		"users.csv:3:33 jobTitle error ",
		"users.csv:4:47 Notes error ",
		"users.csv:5:6 email error ",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("api-key findings (-want +got):\n%s", diff)
	}
	if rep.KeyFields != 5 || rep.KeyError() == nil {
		t.Errorf("KeyFields %d, KeyError %v", rep.KeyFields, rep.KeyError())
	}
	// Without the key, the same files hold no secret.
	opt.Keys = nil
	if rep, _ := Run(opt); rep.KeyFields != 0 || rep.KeyError() != nil {
		t.Errorf("without a key: %d fields", rep.KeyFields)
	}
	// --rule api-key=off hides the findings, not the count that stops
	// every subcommand writing data.
	opt = keyOrg(t)
	opt.Severities = map[string]Severity{RuleAPIKey: Off}
	if rep, _ := Run(opt); rep.KeyFields != 5 || rep.KeyError() == nil || slices.ContainsFunc(rep.Findings, func(f Finding) bool { return f.Rule == RuleAPIKey }) {
		t.Errorf("api-key=off: KeyFields %d, findings %v", rep.KeyFields, rep.Findings)
	}
}

// TestNoFindingQuotesTheKey prints the report of keyOrg in every format:
// no finding quotes the key whole (the email-format and duplicate
// findings on its fields show a mask), but the pieces of it that are the
// org's values are shown as they are.
func TestNoFindingQuotesTheKey(t *testing.T) {
	opt := keyOrg(t)
	rep, err := Run(opt)
	if err != nil {
		t.Fatal(err)
	}
	for _, format := range Formats() {
		var buf bytes.Buffer
		if err := Print(&buf, format, rep, PrintOptions{Version: "test"}); err != nil {
			t.Fatal(err)
		}
		out := buf.String()
		if opt.Keys.Holds(out) {
			t.Errorf("%s: the key is printed:\n%s", format, out)
		}
		if format == "json" && (!strings.Contains(out, redact.Mask) || !strings.Contains(out, "(9c1e0001)") || !strings.Contains(out, "Team b1a0f4e6d5")) {
			t.Errorf("json: the duplicate-name finding on the key shows no mask, or the pieces of the key in the org's values are not shown as they are:\n%s", out)
		}
	}
}

// TestAPIKeyInConfig reports a value of config.json that holds the key
// (any key the run knows, or the config's own ApiKey), at its key, and
// the config findings that quote the value show a mask.
func TestAPIKeyInConfig(t *testing.T) {
	dir := t.TempDir()
	for _, name := range []string{"users.csv", "groups.csv", "groups-mapping.csv"} {
		b, err := os.ReadFile(filepath.Join("..", "testdata", "sample", "Data", name))
		if err != nil {
			t.Fatal(err)
		}
		os.WriteFile(filepath.Join(dir, name), b, 0o644)
	}
	cfg := `{"Configuration": {
  "ApiUrl": "http://example.com/?k=` + apiKey + `",
  "ApiKey": "` + apiKey + `",
  "UsersCsv": "users.csv", "GroupsCsv": "groups.csv", "MappingCsv": "groups-mapping.csv",
  "SyncManagerEmail": "` + apiKey + `"
}}`
	os.WriteFile(filepath.Join(dir, "config.json"), []byte(cfg), 0o644)
	rep, err := Run(Options{Path: dir}) // the key is known from ApiKey alone
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, f := range rep.Findings {
		if f.Rule == RuleAPIKey {
			got = append(got, itoa(f.Line)+":"+itoa(f.Column)+" "+f.Field)
		}
		if strings.Contains(f.Value+f.Message+f.Hint, apiKey) {
			t.Errorf("a finding quotes the key: %+v", f)
		}
	}
	if diff := cmp.Diff([]string{"2:3 ApiUrl", "5:3 SyncManagerEmail"}, got); diff != "" {
		t.Errorf("api-key findings (-want +got):\n%s", diff)
	}
}
