package lint

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestFormatOf(t *testing.T) {
	tests := []struct {
		name   string
		kind   Kind
		header string
		file   string
		want   *Vocabulary
	}{
		{"legacy users", KindUsers, "id,email,firstName,lastName,jobTitle,imageUrl,language,Department", "users.csv", Legacy},
		{"successor members", KindUsers, "externalMemberId,email,firstName,lastName,languagePreferences,productAssignations", "members.csv", Provisioning},
		{"successor header, legacy name", KindUsers, "externalMemberId,email", "users.csv", Provisioning},
		{"case and spaces do not matter", KindUsers, " ExternalMemberID ,Email", "export.csv", Provisioning},
		{"legacy groups", KindGroups, "id,name", "teams.csv", Legacy},
		{"successor teams", KindGroups, "externalTeamId,teamName", "groups.csv", Provisioning},
		{"legacy mapping", KindMapping, "groupId,userId,subGroupId,isMember,isManager", "x.csv", Legacy},
		{"successor mapping", KindMapping, "externalTeamId,externalMemberId,externalSubteamId,isMember,isManager", "x.csv", Provisioning},
		{"only shared columns: the file name decides", KindUsers, "email,firstName", "members.csv", Provisioning},
		{"only shared columns, other name: unknown", KindUsers, "email,firstName", "export.csv", nil},
		{"empty file named like the successor", KindMapping, "", "teams-mappings.csv", Provisioning},
		{"more legacy than successor columns", KindUsers, "id,language,productAssignations", "x.csv", Legacy},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var header []string
			if tt.header != "" {
				header = strings.Split(tt.header, ",")
			}
			if got := formatOf(tt.kind, header, tt.file); got != tt.want {
				t.Errorf("formatOf = %v, want %v", name(got), name(tt.want))
			}
		})
	}
}

func name(v *Vocabulary) string {
	if v == nil {
		return "nil"
	}
	return v.Name
}

func TestDetectFormatRefusesAMix(t *testing.T) {
	dir := t.TempDir()
	write := func(name, body string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	users := write("members.csv", "externalMemberId,email\n1,a@x.co\n")
	groups := write("groups.csv", "id,name\nT-1,A\n")
	_, err := DetectFormat([3]string{users, groups, ""})
	if err == nil || !strings.Contains(err.Error(), "mix two formats") {
		t.Fatalf("err = %v, want one about mixed formats", err)
	}
	v, err := DetectFormat([3]string{users, "", ""})
	if err != nil || v != Provisioning {
		t.Fatalf("DetectFormat = %v, %v; want provisioning", name(v), err)
	}
	v, err = DetectFormat([3]string{filepath.Join(dir, "missing.csv"), "", ""})
	if err != nil || v != Legacy {
		t.Fatalf("DetectFormat of a missing file = %v, %v; want legacy (lint reports the file)", name(v), err)
	}
}

// FuzzFormatOf checks that the header detector never panics and is
// stable: the same header gives the same answer whatever its case.
func FuzzFormatOf(f *testing.F) {
	f.Add(0, "id,email,language", "users.csv")
	f.Add(1, "externalTeamId,teamName", "teams.csv")
	f.Add(2, "externalTeamId,externalMemberId,externalSubteamId,isMember,isManager", "x.csv")
	f.Fuzz(func(t *testing.T, k int, header, file string) {
		kind := Kind(((k % 3) + 3) % 3)
		h := strings.Split(header, ",")
		got := formatOf(kind, h, file)
		if again := formatOf(kind, strings.Split(strings.ToUpper(header), ","), file); again != got && strings.ToUpper(header) != header {
			// Upper-casing may turn a non-ASCII letter into something
			// else; only ASCII headers must agree.
			if isASCII(header) {
				t.Fatalf("case changed the answer for %q: %v vs %v", header, name(got), name(again))
			}
		}
	})
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}
