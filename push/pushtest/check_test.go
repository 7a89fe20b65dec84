package pushtest

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/ovsync/ovsync/push"
)

var update = flag.Bool("update", false, "rewrite golden files")

// golden compares got with the golden file name in testdata, or rewrites it
// with -update.
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run with -update to create it)", err)
	}
	if diff := cmp.Diff(string(want), string(got)); diff != "" {
		t.Errorf("%s mismatch (-want +got):\n%s", path, diff)
	}
}

// legacyBody wraps the JSON of users, groups and mappings arrays into a
// legacy body with valid settings.
func legacyBody(users, groups, mappings string) string {
	return `{"settings":{"syncManagerEmail":"","inviteNewUsers":false},"users":[` + users +
		`],"groups":[` + groups + `],"mappings":[` + mappings + `]}`
}

const (
	u1 = `{"id":"1","email":"a@x.com","firstName":"A","lastName":"B","jobTitle":"","imageUrl":"","language":"English"}`
	u2 = `{"id":"2","email":"b@x.com","firstName":"C","lastName":"D","jobTitle":"","imageUrl":"","language":"English","Country":"Canada"}`
	g1 = `{"id":"G","name":"Team"}`
	m1 = `{"groupId":"G","userId":"1","subGroupId":"","isMember":true,"isManager":false}`
	m2 = `{"groupId":"G","userId":"2","subGroupId":"","isMember":false,"isManager":true}`
)

func TestCheck(t *testing.T) {
	tests := []struct {
		name     string
		protocol Protocol
		body     string
		want     Result
	}{
		{
			name:     "legacy minimal",
			protocol: Legacy,
			body:     legacyBody(u1+","+u2, g1, m1+","+m2),
			want: Result{Users: 2, Groups: 1, Mappings: 2,
				Settings: &push.Settings{}},
		},
		{
			name:     "legacy sections in any order",
			protocol: Legacy,
			body: `{"mappings":[` + m1 + `],"groups":[` + g1 + `],"users":[` + u1 + `],` +
				`"settings":{"syncManagerEmail":"hr@x.com","inviteNewUsers":true}}`,
			want: Result{Users: 1, Groups: 1, Mappings: 1,
				Settings: &push.Settings{SyncManagerEmail: "hr@x.com", InviteNewUsers: true}},
		},
		{
			name:     "legacy empty arrays",
			protocol: Legacy,
			body:     legacyBody("", "", ""),
			want:     Result{Settings: &push.Settings{}},
		},
		{
			name:     "escaped strings",
			protocol: Legacy,
			body: legacyBody(`{"id":"\u0031","email":"a@x.com","Note\u00e9":"x\"y"}`, g1,
				`{"groupId":"\u0047","userId":"1","subGroupId":"","isMember":true,"isManager":false}`),
			want: Result{Users: 1, Groups: 1, Mappings: 1, Settings: &push.Settings{}},
		},
		{
			name:     "unknown top-level key",
			protocol: Legacy,
			body:     `{"settings":{"syncManagerEmail":"","inviteNewUsers":false},"users":[],"groups":[],"mappings":[],"extra":{"a":[1,2]}}`,
			want: Result{Settings: &push.Settings{},
				Errors: []string{`unknown top-level key "extra"`}},
		},
		{
			name:     "missing top-level keys",
			protocol: Legacy,
			body:     `{"users":[]}`,
			want: Result{Errors: []string{
				`missing top-level key "settings"`,
				`missing top-level key "groups"`,
				`missing top-level key "mappings"`,
			}},
		},
		{
			name:     "duplicate top-level key",
			protocol: Legacy,
			body:     `{"settings":{"syncManagerEmail":"","inviteNewUsers":false},"users":[],"users":[],"groups":[],"mappings":[]}`,
			want: Result{Settings: &push.Settings{},
				Errors: []string{`duplicate top-level key "users"`}},
		},
		{
			name:     "section not an array",
			protocol: Legacy,
			body:     `{"settings":{"syncManagerEmail":"","inviteNewUsers":false},"users":{"id":"1"},"groups":[],"mappings":[]}`,
			want: Result{Settings: &push.Settings{},
				Errors: []string{`"users" is an object, want an array`}},
		},
		{
			name:     "settings wrong types",
			protocol: Legacy,
			body:     `{"settings":{"syncManagerEmail":1,"inviteNewUsers":"TRUE","other":1},"users":[],"groups":[],"mappings":[]}`,
			want: Result{Errors: []string{
				`settings: unknown key "other"`,
				`settings: "syncManagerEmail" is a number, want a string`,
				`settings: "inviteNewUsers" is a string, want true or false`,
			}},
		},
		{
			name:     "settings missing keys",
			protocol: Legacy,
			body:     `{"settings":{},"users":[],"groups":[],"mappings":[]}`,
			want: Result{Errors: []string{
				`settings: missing "syncManagerEmail"`,
				`settings: missing "inviteNewUsers"`,
			}},
		},
		{
			name:     "user values must be strings",
			protocol: Legacy,
			body:     legacyBody(`{"id":1,"email":"a@x.com","Age":30,"Manager":null,"Remote":true}`, "", ""),
			want: Result{Users: 1, Settings: &push.Settings{}, Errors: []string{
				`users[0]: "id" is a number, want a string`,
				`users[0]: "Age" is a number, want a string`,
				`users[0]: "Manager" is null, want a string`,
				`users[0]: "Remote" is a boolean, want a string`,
			}},
		},
		{
			name:     "user missing or empty id and email",
			protocol: Legacy,
			body:     legacyBody(`{"email":"a@x.com"},{"id":"2","email":""}`, "", ""),
			want: Result{Users: 2, Settings: &push.Settings{}, Errors: []string{
				`users[0]: missing "id"`,
				`users[1]: "email" is empty`,
			}},
		},
		{
			name:     "user not an object",
			protocol: Legacy,
			body:     legacyBody(`"1",[1],null`, "", ""),
			want: Result{Users: 3, Settings: &push.Settings{}, Errors: []string{
				`users[0] is a string, want an object`,
				`users[1] is an array, want an object`,
				`users[2] is null, want an object`,
			}},
		},
		{
			name:     "duplicate ids and emails warn",
			protocol: Legacy,
			body:     legacyBody(u1+`,{"id":"1","email":"A@X.com","firstName":"E","lastName":"F"}`, g1+","+g1, m1+","+m1),
			want: Result{Users: 2, Groups: 2, Mappings: 2, Settings: &push.Settings{}, Warnings: []string{
				`users[1]: duplicate id "1"`,
				`users[1]: duplicate email "A@X.com"`,
				`groups[1]: duplicate id "G"`,
				`mappings[1]: duplicate mapping of userId "1" into "G"`,
			}},
		},
		{
			name:     "first name without last name warns",
			protocol: Legacy,
			body:     legacyBody(`{"id":"1","email":"a@x.com","firstName":"A","lastName":""}`, "", ""),
			want: Result{Users: 1, Settings: &push.Settings{}, Warnings: []string{
				`users[0]: "firstName" and "lastName" go together: one is empty`,
			}},
		},
		{
			name:     "group unknown key and wrong type",
			protocol: Legacy,
			body:     legacyBody("", `{"id":"G","name":"T","parent":"X"},{"id":"H","name":1},{"id":"I"}`, ""),
			want: Result{Groups: 3, Settings: &push.Settings{}, Errors: []string{
				`groups[0]: unknown key "parent"`,
				`groups[1]: "name" is a number, want a string`,
				`groups[2]: missing "name"`,
			}},
		},
		{
			name:     "mapping booleans and references",
			protocol: Legacy,
			body: legacyBody(u1, g1,
				`{"groupId":"G","userId":"1","subGroupId":"","isMember":"TRUE","isManager":0},`+
					`{"groupId":"G","userId":"1","subGroupId":"G","isMember":true,"isManager":false},`+
					`{"groupId":"G","userId":"","subGroupId":"","isMember":true,"isManager":false},`+
					`{"groupId":"G","isMember":true,"isManager":false},`+
					`{"groupId":"X","userId":"9","subGroupId":"","isMember":true,"isManager":false},`+
					`{"groupId":"G","userId":"","subGroupId":"Y","isMember":true,"isManager":false,"w":1}`),
			want: Result{Users: 1, Groups: 1, Mappings: 6, Settings: &push.Settings{}, Errors: []string{
				`mappings[0]: "isMember" is a string, want true or false`,
				`mappings[0]: "isManager" is a number, want true or false`,
				`mappings[1]: both "userId" and "subGroupId" are set: a row maps a user or a sub-team, not both`,
				`mappings[2]: "userId" and "subGroupId" are both empty`,
				`mappings[3]: missing "userId" or "subGroupId"`,
				`mappings[5]: unknown key "w"`,
			}, Warnings: []string{
				`mappings[4]: groupId "X" is not in groups`,
				`mappings[4]: userId "9" is not in users`,
				`mappings[5]: subGroupId "Y" is not in groups`,
			}},
		},
		{
			name:     "references checked after the sections when mappings come first",
			protocol: Legacy,
			body: `{"mappings":[{"groupId":"G","userId":"7","subGroupId":"","isMember":true,"isManager":false}],` +
				`"users":[` + u1 + `],"groups":[` + g1 + `],"settings":{"syncManagerEmail":"","inviteNewUsers":false}}`,
			want: Result{Users: 1, Groups: 1, Mappings: 1, Settings: &push.Settings{}, Warnings: []string{
				`mappings[0]: userId "7" is not in users`,
			}},
		},
		{
			name:     "duplicate key in an object",
			protocol: Legacy,
			body:     legacyBody(`{"id":"1","email":"a@x.com","id":"2"}`, "", ""),
			want: Result{Users: 1, Settings: &push.Settings{}, Errors: []string{
				`users[0]: duplicate key "id"`,
			}},
		},
		{
			name:     "duplicate key in an object with many keys",
			protocol: Legacy,
			body:     legacyBody(manyKeys(40, "P7"), "", ""),
			want: Result{Users: 1, Settings: &push.Settings{}, Errors: []string{
				`users[0]: duplicate key "P7"`,
			}},
		},
		{
			name:     "empty body",
			protocol: Legacy,
			body:     "",
			want:     Result{Errors: []string{"the body is empty"}},
		},
		{
			name:     "body not an object",
			protocol: Legacy,
			body:     `[1,2]`,
			want:     Result{Errors: []string{"the body is an array, want an object"}},
		},
		{
			name:     "truncated body",
			protocol: Legacy,
			body:     `{"settings":{"syncManagerEmail":"","inviteNewUsers":false},"users":[` + u1,
			want: Result{Users: 1, Settings: &push.Settings{}, Errors: []string{
				"the body ends at byte 176 before the JSON is complete",
			}},
		},
		{
			name:     "syntax error",
			protocol: Legacy,
			body:     `{"settings":{"syncManagerEmail":"","inviteNewUsers":false},"users":[{"id":"1",}]}`,
			want: Result{Settings: &push.Settings{}, Errors: []string{
				"users[0]: invalid JSON after byte 68: invalid character '}' looking for beginning of object key string",
			}},
		},
		{
			name:     "data after the object",
			protocol: Legacy,
			body:     legacyBody("", "", "") + ` {}`,
			want: Result{Settings: &push.Settings{}, Errors: []string{
				"unexpected data after the top-level object, after byte 96",
			}},
		},
		{
			name:     "provisioning minimal",
			protocol: Provisioning,
			body: `{"members":[{"externalMemberId":"1","email":"a@x.com","languagePreferences":"en","productAssignations":""}],` +
				`"teams":[{"externalTeamId":"G","teamName":"Team"}],` +
				`"teamMappings":[{"externalTeamId":"G","externalMemberId":"1","externalSubteamId":"","isMember":true,"isManager":true}]}`,
			want: Result{Users: 1, Groups: 1, Mappings: 1},
		},
		{
			name:     "provisioning rejects settings",
			protocol: Provisioning,
			body:     `{"settings":{"syncManagerEmail":"","inviteNewUsers":false},"members":[],"teams":[],"teamMappings":[]}`,
			want: Result{Errors: []string{
				`top-level key "settings" is not accepted by API provisioning: invitations are the Automatic Invite setting in Workleap`,
			}},
		},
		{
			name:     "provisioning with legacy names",
			protocol: Provisioning,
			body: `{"members":[{"id":"1","email":"a@x.com"}],"teams":[{"id":"G","name":"T"}],` +
				`"teamMappings":[{"groupId":"G","userId":"1","isMember":true,"isManager":false}]}`,
			want: Result{Users: 1, Groups: 1, Mappings: 1, Errors: []string{
				`members[0]: missing "externalMemberId"`,
				`teams[0]: unknown key "id"`,
				`teams[0]: unknown key "name"`,
				`teams[0]: missing "externalTeamId"`,
				`teams[0]: missing "teamName"`,
				`teamMappings[0]: unknown key "groupId"`,
				`teamMappings[0]: unknown key "userId"`,
				`teamMappings[0]: missing "externalTeamId"`,
				`teamMappings[0]: missing "externalMemberId" or "externalSubteamId"`,
			}},
		},
		{
			name:     "legacy body sent to provisioning",
			protocol: Provisioning,
			body:     legacyBody("", "", ""),
			want: Result{Errors: []string{
				`top-level key "settings" is not accepted by API provisioning: invitations are the Automatic Invite setting in Workleap`,
				`unknown top-level key "users"`,
				`unknown top-level key "groups"`,
				`unknown top-level key "mappings"`,
				`missing top-level key "members"`,
				`missing top-level key "teams"`,
				`missing top-level key "teamMappings"`,
			}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Check(tt.protocol, strings.NewReader(tt.body))
			tt.want.Protocol = tt.protocol
			tt.want.Bytes = int64(len(tt.body))
			if diff := cmp.Diff(tt.want, got, cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("Check mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

// manyKeys is a user with n custom properties P0…, and dup once more.
func manyKeys(n int, dup string) string {
	var b strings.Builder
	b.WriteString(`{"id":"1","email":"a@x.com"`)
	for i := range n {
		fmt.Fprintf(&b, `,"P%d":"v"`, i)
	}
	fmt.Fprintf(&b, `,%q:"v"}`, dup)
	return b.String()
}

func TestCheckStatus(t *testing.T) {
	tests := []struct {
		name string
		res  Result
		want Status
	}{
		{"clean", Result{}, StatusSuccess},
		{"warnings", Result{Warnings: []string{"w"}}, StatusWarning},
		{"errors win", Result{Errors: []string{"e"}, Warnings: []string{"w"}}, StatusError},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.res.Status(); got != tt.want {
				t.Errorf("Status() = %s, want %s", got, tt.want)
			}
		})
	}
}

func TestCheckCapsMessages(t *testing.T) {
	var users []string
	for range MaxMessages + 7 {
		users = append(users, `{"id":1,"email":"a@x.com"}`)
	}
	got := Check(Legacy, strings.NewReader(legacyBody(strings.Join(users, ","), "", "")))
	if len(got.Errors) != MaxMessages+1 {
		t.Fatalf("got %d errors, want %d", len(got.Errors), MaxMessages+1)
	}
	if want := "… and 7 more errors"; got.Errors[MaxMessages] != want {
		t.Errorf("last error = %q, want %q", got.Errors[MaxMessages], want)
	}
	// Every duplicate email but the first warns.
	if len(got.Warnings) != MaxMessages+1 || got.Warnings[MaxMessages] != "… and 6 more warnings" {
		t.Errorf("warnings: got %d, last %q", len(got.Warnings), got.Warnings[len(got.Warnings)-1])
	}
}

// TestCheckGolden checks the fixtures: the sample bodies are clean, and the
// broken one gives the messages of its golden file.
func TestCheckGolden(t *testing.T) {
	tests := []struct {
		name     string
		protocol Protocol
		file     string
	}{
		{"legacy sample", Legacy, "sync-legacy.json"},
		{"provisioning sample", Provisioning, "sync-provisioning.json"},
		{"legacy broken", Legacy, "broken-legacy.json"},
		{"sample sent to the wrong protocol", Provisioning, "sync-legacy.json"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			data, err := os.ReadFile(filepath.Join("testdata", tt.file))
			if err != nil {
				t.Fatal(err)
			}
			res := Check(tt.protocol, bytes.NewReader(data))
			out, err := json.MarshalIndent(res, "", "  ")
			if err != nil {
				t.Fatal(err)
			}
			name := strings.TrimSuffix(tt.file, ".json") + "." + string(tt.protocol) + ".golden"
			golden(t, name, append(out, '\n'))
		})
	}
}
