package push

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/google/go-cmp/cmp"

	"github.com/ovsync/ovsync/lint"
	"github.com/ovsync/ovsync/push/plan"
)

func TestAppendString(t *testing.T) {
	tests := []struct{ name, in, want string }{
		{name: "plain", in: "Ana", want: `"Ana"`},
		{name: "empty", in: "", want: `""`},
		{name: "html kept as written", in: "R&D <b>", want: `"R&D <b>"`},
		{name: "quote and backslash", in: `a"b\c`, want: `"a\"b\\c"`},
		{name: "controls", in: "a\nb\rc\td\x00e\x1f", want: `"a\nb\rc\td\u0000e\u001f"`},
		{name: "accents", in: "Français, Montréal", want: `"Français, Montréal"`},
		{name: "not UTF-8", in: "Ren\xe9", want: `"Ren\ufffd"`},
		{name: "line separator kept", in: "a\u2028b", want: "\"a\u2028b\""},
		{name: "long plain", in: "T000123,0725364 abcdefgh", want: `"T000123,0725364 abcdefgh"`},
		{name: "escapes past eight bytes", in: "abcdefgh\"ijklmnop\\qrstuvw\x01xyz", want: `"abcdefgh\"ijklmnop\\qrstuvw\u0001xyz"`},
		{name: "accents past eight bytes", in: "Montréal Centre-Ville", want: `"Montréal Centre-Ville"`},
		{name: "delete kept", in: "abcdefg\x7fh", want: "\"abcdefg\x7fh\""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := string(appendString(nil, tt.in)); got != tt.want {
				t.Errorf("appendString(%q) = %s, want %s", tt.in, got, tt.want)
			}
		})
	}
}

// FuzzAppendString checks that every string is written as a JSON string
// that reads back as the same text (invalid UTF-8 replaced).
func FuzzAppendString(f *testing.F) {
	for _, s := range []string{"", "Ana", "R&D", "a\"b\\c", "\x00\x1f\x7f", "Ren\xe9", "\u2028", "日本"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		b := appendString(nil, s)
		var got string
		if err := json.Unmarshal(b, &got); err != nil {
			t.Fatalf("appendString(%q) = %s, not a JSON string: %v", s, b, err)
		}
		var want strings.Builder
		for i := 0; i < len(s); {
			r, size := utf8.DecodeRuneInString(s[i:])
			want.WriteRune(r) // RuneError for a byte that is not UTF-8
			i += size
		}
		if got != want.String() {
			t.Errorf("appendString(%q) reads back as %q, want %q", s, got, want.String())
		}
	})
}

// FuzzIndent checks that the streaming indenter writes what json.Indent
// writes, whatever the chunks it gets.
func FuzzIndent(f *testing.F) {
	for _, s := range []string{`{}`, `[]`, `{"a":[]}`, `{"a":{"b":[1,true,null,"x\"y\\"]},"c":[{},[]]}`, `"s"`, `[[[]]]`} {
		f.Add(s, uint8(3))
	}
	f.Fuzz(func(t *testing.T, s string, chunk uint8) {
		var compact bytes.Buffer
		if json.Compact(&compact, []byte(s)) != nil {
			return
		}
		var want bytes.Buffer
		if err := json.Indent(&want, compact.Bytes(), "", "  "); err != nil {
			t.Fatal(err)
		}
		want.WriteByte('\n')
		var got bytes.Buffer
		in := newIndenter(&got)
		b := compact.Bytes()
		n := int(chunk%16) + 1
		for len(b) > 0 {
			k := min(n, len(b))
			in.Write(b[:k])
			b = b[k:]
		}
		if err := in.Close(); err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(want.String(), got.String()); diff != "" {
			t.Errorf("indent of %s (-json.Indent +indenter):\n%s", compact.Bytes(), diff)
		}
	})
}

// TestUserKeys checks that the wire keys of api.go are the canonical
// column names of lint's legacy vocabulary, so that the two never drift.
func TestUserKeys(t *testing.T) {
	checkColumnKeys(t, lint.Legacy, "lint.Legacy", userKeys,
		[2]string{jsonKey(Group{}, "ID"), jsonKey(Group{}, "Name")},
		[5]string{jsonKey(Mapping{}, "GroupID"), jsonKey(Mapping{}, "UserID"), jsonKey(Mapping{}, "SubGroupID"), jsonKey(Mapping{}, "IsMember"), jsonKey(Mapping{}, "IsManager")})
}

// checkColumnKeys checks that the wire keys of a protocol are the
// canonical column names of its vocabulary v, called name in messages:
// the user keys, the group keys (id, name) and the mapping keys (team,
// user, sub-team, isMember, isManager).
func checkColumnKeys(t *testing.T, v *lint.Vocabulary, name string, users []plan.RoleKey, groups [2]string, mappings [5]string) {
	t.Helper()
	for _, k := range users {
		if got := v.Column(lint.KindUsers, k.Role); got != k.Key {
			t.Errorf("key %q is column %q in %s", k.Key, got, name)
		}
	}
	for _, tt := range []struct {
		kind lint.Kind
		role lint.Role
		key  string
	}{
		{lint.KindGroups, lint.TeamID, groups[0]},
		{lint.KindGroups, lint.TeamName, groups[1]},
		{lint.KindMapping, lint.MapTeam, mappings[0]},
		{lint.KindMapping, lint.MapUser, mappings[1]},
		{lint.KindMapping, lint.MapSubTeam, mappings[2]},
		{lint.KindMapping, lint.MapIsMember, mappings[3]},
		{lint.KindMapping, lint.MapIsManager, mappings[4]},
	} {
		if got := v.Column(tt.kind, tt.role); got != tt.key {
			t.Errorf("key %q is column %q in %s", tt.key, got, name)
		}
	}
}

// TestBodyShape writes the body of a small org with odd headers and
// checks it value by value.
func TestBodyShape(t *testing.T) {
	want := `{"settings":{"syncManagerEmail":"hr@example.com","inviteNewUsers":true},` +
		`"users":[{"id":" 1001 ","email":"ANA@example.com","firstName":"","lastName":"","jobTitle":"","imageUrl":"","language":"Português","Department":"R&D","x\"y":"a,b"}],` +
		`"groups":[{"id":"T-RND","name":"R&D"}],` +
		`"mappings":[{"groupId":"T-RND","userId":" 1001 ","subGroupId":"","isMember":true,"isManager":false}]}`
	checkBodyShape(t, legacyProtocol{}, [3]csvFile{
		{"users.csv", "\ufeffEmail,id, Department ,language,\"x\"\"y\"\n" +
			"ANA@example.com, 1001 ,R&D,Português,\"a,b\"\n"},
		{"groups.csv", "id,name\nT-RND,R&D\n"},
		{"groups-mapping.csv", "groupId,userId,subGroupId,isMember,isManager\nT-RND, 1001 ,,true,\n"},
	}, want)
}

// csvFile is a CSV file of a test org: its name and content.
type csvFile struct{ name, content string }

// checkBodyShape writes the files (users, groups, mapping) to a new
// folder, with settings in their config, and checks the body proto
// writes for them byte for byte, and its size.
func checkBodyShape(t *testing.T, proto protocol, files [3]csvFile, want string) {
	t.Helper()
	dir := t.TempDir()
	var paths [3]string
	for i, f := range files {
		paths[i] = writeTemp(t, dir, f.name, f.content)
	}
	cfg := &lint.Config{UsersCSV: paths[0], GroupsCSV: paths[1], MappingCSV: paths[2], SyncManagerEmail: "hr@example.com", InviteNewUsers: true}
	var buf bytes.Buffer
	n, err := proto.WriteBody(&buf, cfg, nil)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(want, buf.String()); diff != "" {
		t.Errorf("body (-want +got):\n%s", diff)
	}
	if n != int64(buf.Len()) {
		t.Errorf("WriteBody counted %d bytes, wrote %d", n, buf.Len())
	}
}

// writeTemp writes a file of dir and returns its path.
func writeTemp(t *testing.T, dir, name, content string) string {
	p := dir + "/" + name
	writeFile(t, p, content)
	return p
}

// BenchmarkAppendString writes the values of a generated org's users and
// mapping rows: short, mostly ASCII strings.
// go test -run '^$' -bench AppendString -benchmem ./push
func BenchmarkAppendString(b *testing.B) {
	values := []string{"0000001", "florian.nguyen@example.com", "Florian", "Nguyen", "Agent", "", "English", "Support", "United States", "1999-02-05",
		"0000002", "noah.roussel@example.com", "Noah", "Roussel", "SDR", "", "Français", "Sales", "Canada", "2017-10-27",
		"T000001", "0725364", "", "T000001", "", "T000002"}
	n := 0
	for _, v := range values {
		n += len(v)
	}
	b.SetBytes(int64(n))
	buf := make([]byte, 0, 4096)
	for b.Loop() {
		buf = buf[:0]
		for _, v := range values {
			buf = appendString(buf, v)
		}
	}
}
