package build

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

const head = "id,email,firstName,lastName,jobTitle,Manager ID,Status,language\n"

// defectTests are exports with defects: every one is listed, at its line,
// and nothing is written.
var defectTests = []struct {
	name   string
	export string
	opt    Options
	want   []string
}{
	{
		name: "a reporting cycle, once, from its first person in the file",
		export: head +
			"1,a@x.co,Ana,A,CEO,3,Active,\n" + // 1 -> 3 -> 2 -> 1
			"2,b@x.co,Bo,B,,1,Active,\n" +
			"3,c@x.co,Cy,C,,2,Active,\n" +
			"4,d@x.co,Di,D,,2,Active,\n" + // into the cycle: no defect of its own
			"5,e@x.co,Ed,E,,5,Active,\n", // their own manager: a root
		want: []string{
			"hr.csv:2: a reporting cycle: 1 (line 2) → 3 (line 4) → 2 (line 3) → 1\nhint: each person's manager is the next in the chain, so no one in it reaches the top: correct the manager of one of them",
			"nothing written: the export has 1 defect to fix",
		},
	},
	{
		name: "a person managing themselves through one other",
		export: head +
			"7,a@x.co,Ana,A,,8,Active,\n" +
			"8,b@x.co,Bo,B,,7,Active,\n",
		want: []string{
			"hr.csv:2: a reporting cycle: 7 (line 2) → 8 (line 3) → 7\nhint: each person's manager is the next in the chain, so no one in it reaches the top: correct the manager of one of them",
			"nothing written: the export has 1 defect to fix",
		},
	},
	{
		name: "unknown managers, by id and by email, and one --where leaves out",
		export: head +
			"1,a@x.co,Ana,A,,,Active,\n" +
			"2,b@x.co,Bo,B,,9,Active,\n" +
			"3,c@x.co,Cy,C,,nobody@x.co,Active,\n" +
			"4,d@x.co,Di,D,,1,Terminated,\n" +
			"5,e@x.co,Ed,E,,4,Active,\n" +
			"6,f@x.co,Fy,F,,D@X.CO,Active,\n",
		opt: Options{Where: []string{"Status=active"}},
		want: []string{
			`hr.csv:3: the manager "9" of 2 (Bo B) is no id of the export` + "\nhint: correct the manager, add them to the export, or give --unknown-manager root to build the person as a root",
			`hr.csv:4: the manager "nobody@x.co" of 3 (Cy C) is no email of the export` + "\nhint: correct the manager, add them to the export, or give --unknown-manager root to build the person as a root",
			`hr.csv:6: the manager "4" of 5 (Ed E) is on line 5, which --where leaves out` + "\nhint: correct the manager, add them to the export, or give --unknown-manager root to build the person as a root",
			`hr.csv:7: the manager "D@X.CO" of 6 (Fy F) is on line 5, which --where leaves out` + "\nhint: correct the manager, add them to the export, or give --unknown-manager root to build the person as a root",
			"nothing written: the export has 4 defects to fix",
		},
	},
	{
		name: "duplicate ids and emails, naming both lines",
		export: head +
			"1,a@x.co,Ana,A,,,Active,\n" +
			"2,b@x.co,Bo,B,,1,Active,\n" +
			"2,c@x.co,Cy,C,,1,Active,\n" +
			"4,B@x.co,Di,D,,1,Active,\n",
		want: []string{
			`hr.csv:4: id "2" is also on line 3` + "\nhint: give each person their own id, or remove the repeated row (a --where filter leaves out history rows)",
			`hr.csv:5: email "B@x.co" is also on line 3 (compared without case)` + "\nhint: each member needs their own email: Officevibe keys members by email",
			"nothing written: the export has 2 defects to fix",
		},
	},
	{
		name: "ids and emails missing or wrong",
		export: head +
			"1,a@x.co,Ana,A,,,Active,\n" +
			",b@x.co,Bo,B,,1,Active,\n" +
			"3,NULL,Cy,C,,1,Active,\n" +
			"4,Di D <d@x.co>,Di,D,,1,Active,\n",
		want: []string{
			`hr.csv:3: "id" is empty` + "\nhint: give every person their id: it is how Officevibe and the mapping know them",
			`hr.csv:4: 3 (Cy C) has no email ("email" is empty)` + "\nhint: give every person their work email: Officevibe knows members by it",
			`hr.csv:5: email "Di D <d@x.co>" is not a plain address like name@example.com` + "\nhint: write one address, local@domain.tld, without a name or spaces",
			"nothing written: the export has 3 defects to fix",
		},
	},
	{
		name: "names and titles over Officevibe's limits, in characters",
		export: head +
			"1,a@x.co," + strings.Repeat("é", 50) + ",A," + strings.Repeat("t", 255) + ",,Active,\n" + // at the limits
			"2,b@x.co," + strings.Repeat("é", 51) + ",B,,1,Active,\n" +
			"3,c@x.co,Cy," + strings.Repeat("c", 51) + ",,1,Active,\n" +
			"4,d@x.co,Di,D," + strings.Repeat("t", 256) + ",1,Active,\n",
		want: []string{
			`hr.csv:3: first name "` + strings.Repeat("é", 51) + `" has 51 characters, over Officevibe's limit of 50` + "\nhint: shorten it to 50 characters or fewer in the HR system",
			`hr.csv:4: last name "` + strings.Repeat("c", 51) + `" has 51 characters, over Officevibe's limit of 50` + "\nhint: shorten it to 50 characters or fewer in the HR system",
			`hr.csv:5: job title "` + strings.Repeat("t", 59) + `…" has 256 characters, over Officevibe's limit of 255` + "\nhint: shorten it to 255 characters or fewer in the HR system",
			"nothing written: the export has 3 defects to fix",
		},
	},
	{
		name: "one name without the other, a language Officevibe does not have",
		export: head +
			"1,a@x.co,Ana,,,,Active,fr-CA\n" +
			"2,b@x.co,,Li,,1,Active,Klingon\n",
		want: []string{
			`hr.csv:2: 1 (Ana) has a first name but no last name ("Ana")` + "\nhint: give both names or neither: Officevibe refuses one without the other",
			`hr.csv:3: 2 (Li) has a last name but no first name ("Li")` + "\nhint: give both names or neither: Officevibe refuses one without the other",
			`hr.csv:3: language "Klingon" is none of Officevibe's` + "\nhint: use one of English, Français, Español, Português, Deutsche (or their codes en, fr, es, pt, de), or leave it empty",
			"nothing written: the export has 3 defects to fix",
		},
	},
	{
		name: "no one passes the filter",
		export: head +
			"1,a@x.co,Ana,A,,,Terminated,\n",
		opt: Options{Where: []string{"Status=Active"}},
		want: []string{
			"hr.csv:1: no row passes --where (1 row filtered out): a push of no one would remove everyone\nhint: export the people again, or loosen the filters",
			"nothing written: the export has 1 defect to fix",
		},
	},
	{
		name: "no one has a report",
		export: head +
			"1,a@x.co,Ana,A,,,Active,\n" +
			"2,b@x.co,Bo,B,,,Active,\n",
		want: []string{
			"hr.csv:1: no team to build: no one of the 2 people has a report, and no --team-by gives segments\nhint: check the manager column, or give --team-by COLUMN: Officevibe needs teams to survey",
			"nothing written: the export has 1 defect to fix",
		},
	},
	{
		name: "a row longer than the header: the fields no longer line up",
		export: head +
			"1,a@x.co,Ana,A,,,Active,\n" +
			"2,b@x.co,Bo,B,Head, Sales,1,Active,\n",
		want: []string{
			"hr.csv:3: the row has 9 fields, the header 8: the fields no longer line up with their columns\nhint: quote the fields that hold the delimiter, or give --delimiter",
			"nothing written: the export has 1 defect to fix",
		},
	},
	{
		name: "duplicate --manager-key values",
		export: "Key,id,email,Boss\n" +
			"k1,1,a@x.co,\n" +
			"k1,2,b@x.co,k1\n",
		opt: Options{Columns: Columns{Manager: "Boss", ManagerKey: "Key"}},
		want: []string{
			`hr.csv:3: --manager-key "Key": "k1" is also the key of line 2` + "\nhint: the manager column must point at one row: choose a --manager-key column whose values are unique",
			"nothing written: the export has 1 defect to fix",
		},
	},
	{
		name: "a --manager-key value no row has",
		export: "Key,id,email,Boss\n" +
			"k1,1,a@x.co,\n" +
			"k2,2,b@x.co,k9\n",
		opt: Options{Columns: Columns{Manager: "Boss", ManagerKey: "Key"}},
		want: []string{
			`hr.csv:3: the manager "k9" of 2 is no "Key" of the export (--manager-key)` + "\nhint: correct the manager, add them to the export, or give --unknown-manager root to build the person as a root",
			"nothing written: the export has 1 defect to fix",
		},
	},
}

func TestDefects(t *testing.T) {
	for _, tt := range defectTests {
		t.Run(tt.name, func(t *testing.T) {
			r := runOn(t, tt.export, tt.opt)
			if diff := cmp.Diff(tt.want, r.defects); diff != "" {
				t.Errorf("defects (-want +got):\n%s", diff)
			}
			if r.files != nil {
				t.Errorf("files written: %v", r.files)
			}
		})
	}
}

func TestDefectsCapped(t *testing.T) {
	var b strings.Builder
	b.WriteString(head + "0,boss@x.co,Bo,Ss,,,Active,\n")
	for i := 1; i <= 60; i++ {
		b.WriteString(itoa(i) + ",bad email,A,B,,0,Active,\n")
	}
	r := runOn(t, b.String(), Options{})
	if len(r.defects) != maxPerKind+2 {
		t.Fatalf("%d errors, want %d listed, a count and the last line: %q", len(r.defects), maxPerKind+2, r.defects)
	}
	if got := r.defects[maxPerKind]; got != "10 more invalid emails not listed (60 in all)" {
		t.Errorf("the count reads %q", got)
	}
}

func TestLongCycle(t *testing.T) {
	var b strings.Builder
	b.WriteString(head)
	for i := 1; i <= 30; i++ {
		b.WriteString(itoa(i) + ",p" + itoa(i) + "@x.co,P,Q,," + itoa(i%30+1) + ",Active,\n")
	}
	r := runOn(t, b.String(), Options{})
	want := "hr.csv:2: a reporting cycle of 30 people: 1 (line 2) → 2 (line 3) → 3 (line 4) → 4 (line 5) → 5 (line 6) → 6 (line 7) → 7 (line 8) → 8 (line 9) → 9 (line 10) → 10 (line 11) → … → " +
		"22 (line 23) → 23 (line 24) → 24 (line 25) → 25 (line 26) → 26 (line 27) → 27 (line 28) → 28 (line 29) → 29 (line 30) → 30 (line 31) → 1"
	if len(r.defects) != 2 || !strings.HasPrefix(r.defects[0], want+"\nhint: ") {
		t.Errorf("defects: %q\nwant %q", r.defects, want)
	}
}
