package lint

import (
	"bytes"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v5"

	"github.com/ovsync/ovsync/schemas"
)

// validRows are rows every built-in schema accepts, as a base to change
// one column at a time.
var validRows = map[string]map[string]any{
	"users": {"id": "1", "email": "ana@example.com", "firstName": "Ana", "lastName": "Silva",
		"jobTitle": "Engineer", "imageUrl": "", "language": "Português", "Department": "R&D"},
	"groups":  {"id": "T-1", "name": "Sales"},
	"mapping": {"groupId": "T-1", "userId": "1", "subGroupId": "", "isMember": "TRUE", "isManager": "FALSE"},
	"members": {"externalMemberId": "1", "email": "ana@example.com", "firstName": "Ana", "lastName": "Silva",
		"jobTitle": "Engineer", "imageUrl": "", "languagePreferences": "pt", "productAssignations": "", "Department": "R&D"},
	"teams":          {"externalTeamId": "T-1", "teamName": "Sales"},
	"teams-mappings": {"externalTeamId": "T-1", "externalMemberId": "1", "externalSubteamId": "", "isMember": "TRUE", "isManager": "FALSE"},
}

var schemaValues = []string{
	"", " ", "x", "1", "00123", "ana@example.com", "Ana@Example.com", "ana@example", "a@b.co", "@b.co", "a@.co",
	"a b@c.de", "Ana <ana@example.com>", "a@b.c", "ana@exa mple.com", "a@b@c.de", "a,b@c.de", "josé@café.fr",
	"English", "Français", "Franc\u0327ais", "French", "fr", "Deutsche", "Deutsch", "Español", "Português", "english",
	"en", "fr", "EN", "de-DE", "TRUE", "true", "True", "FALSE", "false", "yes", "1", "x", "TRUE ", "tru",
	"https://cdn.example.com/a.png", "http://x.example", "HTTPS://X.EXAMPLE/p?q#f", "ftp://x.example/a.png",
	"photo.png", "https://", "https:// x", "//cdn.example.com/a.png", "\xff", "日本語", "😀@example.com",
}

// TestCompiledChecksAgreeWithValidator checks that, for every column of
// every built-in schema, the compiled checks accept exactly the values the
// JSON Schema validator accepts.
func TestCompiledChecksAgreeWithValidator(t *testing.T) {
	for _, name := range schemas.Names {
		raw, err := schemas.Get(name)
		if err != nil {
			t.Fatal(err)
		}
		c := jsonschema.NewCompiler()
		c.Draft = jsonschema.Draft2020
		if err := c.AddResource(schemas.URL(name), bytes.NewReader(raw)); err != nil {
			t.Fatal(err)
		}
		validator, err := c.Compile(schemas.URL(name))
		if err != nil {
			t.Fatal(err)
		}
		compiled, err := builtinSchema(name)
		if err != nil {
			t.Fatal(err)
		}
		base := validRows[name]
		if err := validator.Validate(base); err != nil {
			t.Fatalf("%s base row invalid: %v", name, err)
		}
		for column := range base {
			for _, v := range schemaValues {
				row := map[string]any{}
				for k, x := range base {
					row[k] = x
				}
				row[column] = v
				want := validator.Validate(row) == nil
				got := true
				for _, chk := range compiled.checks[column] {
					got = got && chk.valid(v)
				}
				if got != want {
					t.Errorf("%s.%s = %q: compiled checks say %v, validator says %v", name, column, v, got, want)
				}
			}
		}
	}
}

func TestEveryConstraintNamesAKnownRule(t *testing.T) {
	for _, name := range schemas.Names {
		cs, err := builtinSchema(name)
		if err != nil {
			t.Fatal(err)
		}
		n := 0
		for _, checks := range cs.checks {
			for _, c := range checks {
				if _, ok := LookupRule(c.rule); !ok {
					t.Errorf("%s: unknown rule %q", name, c.rule)
				}
				n++
			}
		}
		if n == 0 {
			t.Errorf("%s: no constraint compiled", name)
		}
	}
}

func TestCompileRowSchemaFallsBackToTheValidator(t *testing.T) {
	// format and a oneOf are not compiled: the validator judges them.
	raw := `{"$schema": "https://json-schema.org/draft/2020-12/schema", "type": "object",
		"properties": {"code": {"x-ovsync-rule": "schema", "oneOf": [{"const": "A"}, {"pattern": "^B[0-9]$"}]}}}`
	cs, err := compileRowSchema("mem://t.json", []byte(raw))
	if err != nil {
		t.Fatal(err)
	}
	check := cs.checks["code"][0].valid
	for v, want := range map[string]bool{"A": true, "B1": true, "B": false, "C": false, "": false} {
		if got := check(v); got != want {
			t.Errorf("code %q: got %v, want %v", v, got, want)
		}
	}
}

func TestCompileRowSchemaRejectsConstraintWithoutRule(t *testing.T) {
	raw := `{"type": "object", "properties": {"id": {"minLength": 2}}}`
	_, err := compileRowSchema("mem://t.json", []byte(raw))
	if err == nil || !strings.Contains(err.Error(), "x-ovsync-rule") {
		t.Fatalf("err = %v, want one naming x-ovsync-rule", err)
	}
}

func BenchmarkRowChecks(b *testing.B) {
	cs, err := builtinSchema("users")
	if err != nil {
		b.Fatal(err)
	}
	row := validRows["users"]
	b.ReportAllocs()
	for b.Loop() {
		for col, checks := range cs.checks {
			for _, c := range checks {
				c.valid(row[col].(string))
			}
		}
	}
}
