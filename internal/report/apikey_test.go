package report

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ovsync/ovsync/internal/redact"
	"github.com/ovsync/ovsync/lint"
)

// TestKeyInFiles: the page of an org whose values share pieces with the
// key holds them as they are; the page of an org that holds the key
// whole is never written.
func TestKeyInFiles(t *testing.T) {
	const key = "ovk-Report-0001234-QwErTy"
	dir := t.TempDir()
	write := func(lastName string) lint.Options {
		os.WriteFile(filepath.Join(dir, "users.csv"), []byte("id,email,firstName,lastName\n0001234,u0001234@example.com,Ana,"+lastName+"\n"), 0o644)
		os.WriteFile(filepath.Join(dir, "groups.csv"), []byte("id,name\nT1,Report-Team\n"), 0o644)
		os.WriteFile(filepath.Join(dir, "groups-mapping.csv"), []byte("groupId,userId,subGroupId,isMember,isManager\nT1,0001234,,TRUE,TRUE\n"), 0o644)
		return lint.Options{Users: filepath.Join(dir, "users.csv"), Groups: filepath.Join(dir, "groups.csv"), Mapping: filepath.Join(dir, "groups-mapping.csv"), Keys: redact.New(key)}
	}
	html := page(t, newReport(t, Options{Lint: write("QwErTy-Silva"), NoPlan: true}))
	for _, v := range []string{"QwErTy-Silva", "Report-Team", "u0001234@example.com"} {
		if !strings.Contains(html, v) {
			t.Errorf("the page does not hold %q as it is", v)
		}
	}
	r := newReport(t, Options{Lint: write("Silva " + key), NoPlan: true})
	var b bytes.Buffer
	var ke *lint.KeyError
	if err := r.Write(&b); !errors.As(err, &ke) || b.Len() > 0 {
		t.Errorf("Write = %v, wrote %d bytes; want a *lint.KeyError and nothing", err, b.Len())
	}
}
