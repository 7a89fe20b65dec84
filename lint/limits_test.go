package lint

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"golang.org/x/text/unicode/norm"
)

func TestFieldLength(t *testing.T) {
	const users = "id,email,firstName,lastName,jobTitle\n"
	fifty, fiftyOne := strings.Repeat("a", 50), strings.Repeat("a", 51)
	accents := strings.Repeat("é", 50) // 50 characters, 100 bytes
	tests := []struct {
		name          string
		users, groups string
		want          []string
	}{
		{
			name:  "at the limits: nothing",
			users: users + "1,a@x.co," + fifty + "," + fifty + "," + strings.Repeat("t", 255) + "\n",
		},
		{
			name:  "characters, not bytes",
			users: users + "1,a@x.co," + accents + "," + accents + "," + strings.Repeat("ü", 255) + "\n",
		},
		{
			name:  "one over each limit",
			users: users + "1,a@x.co," + fiftyOne + "," + fiftyOne + "," + strings.Repeat("t", 256) + "\n",
			want: []string{
				`users.csv 2:10 field-length firstName "` + fiftyOne + `" has 51 characters, over Officevibe's limit of 50`,
				`users.csv 2:62 field-length lastName "` + fiftyOne + `" has 51 characters, over Officevibe's limit of 50`,
				`users.csv 2:114 field-length jobTitle "` + strings.Repeat("t", 59) + `…" has 256 characters, over Officevibe's limit of 255`,
			},
		},
		{
			name:  "surrounding spaces are not counted",
			users: users + "1,a@x.co, " + fifty + " ,B,\n",
		},
		{
			name:   "team names",
			groups: "id,name\nT-A," + strings.Repeat("é", 51) + "\nT-B," + fifty + "\n",
			want:   []string{`groups.csv 2:5 field-length name "` + strings.Repeat("é", 51) + `" has 51 characters, over Officevibe's limit of 50`},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got []string
			for _, f := range lintFiles(t, tt.users, tt.groups, "") {
				if strings.Contains(f, " field-length ") {
					got = append(got, f)
				}
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("findings (-want +got):\n%s", diff)
			}
		})
	}
}

func TestFieldLimit(t *testing.T) {
	for r, want := range map[Role]int{UserFirstName: 50, UserLastName: 50, UserJobTitle: 255, TeamName: 50, UserEmail: 0, UserID: 0} {
		if got := FieldLimit(r); got != want {
			t.Errorf("FieldLimit(%d) = %d, want %d", r, got, want)
		}
	}
}

func TestLanguage(t *testing.T) {
	tests := []struct {
		in, want string
	}{
		{"English", "English"}, {"en", "English"}, {"EN-us", "English"}, {"en_GB", "English"},
		{"en-US.UTF-8", "English"}, {"English (United States)", "English"}, {"eng", "English"},
		{"fr", "Français"}, {"fr-CA", "Français"}, {"fr-BE", "Français"}, {"French", "Français"},
		{"français", "Français"}, {"FRANCAIS", "Français"}, {"Français (Canada)", "Français"},
		{"es", "Español"}, {"es-419", "Español"}, {"Spanish", "Español"}, {"español", "Español"},
		{"pt-BR", "Português"}, {"Portuguese", "Português"}, {"português", "Português"},
		{"de", "Deutsche"}, {"de-AT", "Deutsche"}, {"German", "Deutsche"}, {"Deutsch", "Deutsche"},
		{"  fr  ", "Français"},
		{"", ""}, {"zh", ""}, {"Frnch", ""}, {"English, French", ""}, {"f", ""}, {"french-ish", ""},
	}
	for _, tt := range tests {
		got, ok := Language(tt.in)
		if got != tt.want || ok != (tt.want != "") {
			t.Errorf("Language(%q) = %q, %t; want %q", tt.in, got, ok, tt.want)
		}
	}
}

// TestFoldNameASCII checks that foldName's short way (ASCII, or NFD text
// without marks) gives what its way for any text gives.
func TestFoldNameASCII(t *testing.T) {
	slow := func(s string) string {
		var b strings.Builder
		for _, r := range norm.NFD.String(strings.ToLower(strings.TrimSpace(s))) {
			if r < 0x300 || r > 0x36F {
				b.WriteRune(r)
			}
		}
		return b.String()
	}
	for _, s := range []string{"", "  Sales & Marketing ", "R&D", "ABC def", "\tx\n", "Store - Montreal", "a\x7f", "Équipe Montréal", "ÉQUIPE", "Łukasz Nowak – direct reports", "E\u0301quipe", "東京チーム", "İstanbul", "Ǆemal", "ﬁle"} {
		if got, want := foldName(s), slow(s); got != want {
			t.Errorf("foldName(%q) = %q, want %q", s, got, want)
		}
	}
}
