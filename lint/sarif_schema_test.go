package lint

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v5"
)

// sarifSchemaFile is the official SARIF 2.1.0 JSON schema (OASIS, with
// its errata), vendored: see testdata/sarif/README.md for its source.
const sarifSchemaFile = "testdata/sarif/sarif-schema-2.1.0.json"

// compileSARIFSchema compiles the vendored schema, formats asserted.
func compileSARIFSchema(t *testing.T) *jsonschema.Schema {
	t.Helper()
	f, err := os.Open(sarifSchemaFile)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	c := jsonschema.NewCompiler()
	c.AssertFormat = true
	const url = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
	if err := c.AddResource(url, f); err != nil {
		t.Fatal(err)
	}
	s, err := c.Compile(url)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// validateSARIF checks that out is valid against the official schema.
func validateSARIF(t *testing.T, schema *jsonschema.Schema, out []byte) map[string]any {
	t.Helper()
	var doc map[string]any
	if err := json.Unmarshal(out, &doc); err != nil {
		t.Fatalf("not JSON: %v", err)
	}
	if err := schema.Validate(doc); err != nil {
		t.Fatalf("not valid SARIF 2.1.0: %#v", err)
	}
	return doc
}

// TestSARIFMatchesTheSchema validates the SARIF of testdata/broken, of
// its single files and of the print fixtures against the schema, and
// checks that the schema does catch a broken log.
func TestSARIFMatchesTheSchema(t *testing.T) {
	schema := compileSARIFSchema(t)
	reports := map[string]*Report{"fixture": printFixture(), "empty": emptyFixture()}
	t.Run("repository orgs", func(t *testing.T) {
		t.Chdir("..")
		reports["broken"] = runOK(t, Options{Path: "testdata/broken"})
		singles, _ := filepath.Glob("testdata/broken/single/users-*.csv")
		for _, p := range singles {
			reports[p] = runOK(t, Options{Users: p, Keys: brokenKeys()})
		}
	})
	for name, r := range reports {
		t.Run(name, func(t *testing.T) {
			var buf bytes.Buffer
			if err := Print(&buf, "sarif", r, PrintOptions{Version: "test"}); err != nil {
				t.Fatal(err)
			}
			validateSARIF(t, schema, buf.Bytes())
		})
	}
	// A test that cannot fail proves nothing: a column of 0 is invalid.
	var log map[string]any
	var buf bytes.Buffer
	if err := Print(&buf, "sarif", printFixture(), PrintOptions{}); err != nil {
		t.Fatal(err)
	}
	json.Unmarshal(buf.Bytes(), &log)
	region := jsonDig(t, log["runs"].([]any)[0].(map[string]any)["results"].([]any)[1].(map[string]any),
		"locations").([]any)[0].(map[string]any)["physicalLocation"].(map[string]any)["region"].(map[string]any)
	region["startColumn"] = 0
	if err := schema.Validate(log); err == nil {
		t.Error("the schema accepts startColumn 0")
	}
}

// runOK lints opt and fails the test on a run error.
func runOK(t *testing.T, opt Options) *Report {
	t.Helper()
	rep, err := Run(opt)
	if err != nil {
		t.Fatal(err)
	}
	return rep
}

// TestSARIFColumnsCountUTF16 lints a file whose bad fields come after
// accented names and an emoji (two UTF-16 units), and checks that SARIF
// gives their columns in UTF-16 code units while the other formats keep
// byte columns.
func TestSARIFColumnsCountUTF16(t *testing.T) {
	dir := t.TempDir()
	users := filepath.Join(dir, "users.csv")
	body := "\xEF\xBB\xBFid,Email,firstName,lastName,language\n" + // header-case after the BOM
		"1,zoe@x.co,Zoë,Brontë,French\n" + // ë is 2 bytes, 1 unit
		"2,ana@x.co,Ana 🎈,Lee,Deutsch\n" + // 🎈 is 4 bytes, 2 units
		"é3,Emile@x.co,Emile,Zola,English\n" // email-case after é
	if err := os.WriteFile(users, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	rep := runOK(t, Options{Users: users})
	var buf bytes.Buffer
	if err := Print(&buf, "sarif", rep, PrintOptions{}); err != nil {
		t.Fatal(err)
	}
	log := validateSARIF(t, compileSARIFSchema(t), buf.Bytes())
	type pos struct{ Rule, Line, Byte, UTF16 any }
	var got []pos
	for i, res := range log["runs"].([]any)[0].(map[string]any)["results"].([]any) {
		region := res.(map[string]any)["locations"].([]any)[0].(map[string]any)["physicalLocation"].(map[string]any)["region"].(map[string]any)
		f := rep.Findings[i]
		got = append(got, pos{f.Rule, int(region["startLine"].(float64)), f.Column, int(region["startColumn"].(float64))})
	}
	want := []pos{
		{RuleHeaderCase, 1, 7, 4}, // the BOM's 3 bytes count in bytes, not in UTF-16
		{RuleLanguageValue, 2, 25, 23},
		{RuleLanguageValue, 3, 25, 23},
		{RuleEmailCase, 4, 5, 4},
	}
	if len(got) != len(want) {
		t.Fatalf("got %d findings %v, want %d", len(got), got, len(want))
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("finding %d: got %v, want %v", i, got[i], want[i])
		}
	}
}
