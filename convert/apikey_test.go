package convert

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ovsync/ovsync/internal/redact"
)

// keyPieces is a key that shares pieces of 6 characters with the ids,
// emails, names and team ids of the files of TestConvertKeepsPieces.
const keyPieces = "9c1e0001234bf7a2duboisT000042e6d"

// TestConvertRefusesKey converts a workbook and a CSV export whose cells
// hold the key whole (as written, upper case, inside a longer text, in
// the header): the run stops naming every cell, says nothing of the key,
// and writes nothing.
func TestConvertRefusesKey(t *testing.T) {
	dir := t.TempDir()
	xlsx := filepath.Join(dir, "Org.xlsx")
	os.WriteFile(xlsx, workbook(t, sheetData{"Users", [][]any{
		{"id", "email", "firstName", "lastName", "jobTitle", "Notes"},
		{"0001230", "ana@example.com", "Ana", "Silva", "CEO", keyPieces},
		{"0001231", "marie.dubois@example.com", "Marie", "Dubois", "CFO", "key: " + strings.ToUpper(keyPieces) + " (new)"},
	}}), 0o644)
	text := filepath.Join(dir, "teams.csv")
	os.WriteFile(text, []byte("id,name,"+keyPieces+"\nT000042,Engineering,x\n"), 0o644)
	for _, tc := range []struct {
		input, want string
	}{
		{xlsx, "the API key is in 2 cells: Users!F2, Users!F3"},
		{text, "the API key is in 1 cell: line 1, field 3"},
	} {
		t.Run(filepath.Base(tc.input), func(t *testing.T) {
			out := filepath.Join(dir, "out-"+filepath.Base(tc.input))
			var stdout bytes.Buffer
			for _, opt := range []Options{
				{Inputs: []string{tc.input}, OutDir: out, Redactor: redact.New(keyPieces)},
				{Inputs: []string{tc.input}, Output: "-", Stdout: &stdout, Redactor: redact.New(keyPieces)},
			} {
				_, err := Run(opt)
				if err == nil || !strings.Contains(err.Error(), tc.want) {
					t.Fatalf("err = %v, want %q", err, tc.want)
				}
				if l := strings.ToLower(err.Error()); strings.Contains(l, strings.ToLower(keyPieces)) {
					t.Errorf("the error quotes the key: %v", err)
				}
			}
			if _, err := os.Stat(out); err == nil || stdout.Len() > 0 {
				t.Errorf("something was written: %q", stdout.String())
			}
		})
	}
}

// TestConvertKeepsPieces converts files whose values share pieces of 6
// characters with the key (ids, emails, names, team ids): the outputs are
// byte for byte those of a run that knows no key.
func TestConvertKeepsPieces(t *testing.T) {
	dir := t.TempDir()
	xlsx := filepath.Join(dir, "Org.xlsx")
	os.WriteFile(xlsx, workbook(t, sheetData{"Users", [][]any{
		{"id", "email", "firstName", "lastName", "jobTitle"},
		{"0001234", "u0001234@example.com", "Ravi", "Patel", "Engineering Manager"},
		{"0001235", "lea.dubois@example.com", "Léa", "DUBOIS", "Accountant"},
	}}, sheetData{"Groups", [][]any{
		{"id", "name"},
		{"T000042", "Engineering (Dubois)"},
	}}), 0o644)
	convert := func(keys *redact.Redactor) map[string][]byte {
		out := filepath.Join(t.TempDir(), "out")
		if _, err := Run(Options{Inputs: []string{xlsx}, OutDir: out, Redactor: keys}); err != nil {
			t.Fatal(err)
		}
		files := map[string][]byte{}
		for _, name := range []string{"users.csv", "groups.csv"} {
			b, err := os.ReadFile(filepath.Join(out, name))
			if err != nil {
				t.Fatal(err)
			}
			files[name] = b
		}
		return files
	}
	with, without := convert(redact.New(keyPieces)), convert(nil)
	for name, b := range without {
		if !bytes.Equal(with[name], b) {
			t.Errorf("%s with the key:\n%s\nwithout:\n%s", name, with[name], b)
		}
	}
	if !bytes.Contains(with["users.csv"], []byte("0001234,u0001234@example.com")) {
		t.Errorf("users.csv lost its values:\n%s", with["users.csv"])
	}
}
