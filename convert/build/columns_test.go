package build

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/unicode"
)

// headerTests check how the header and the columns are found.
var headerTests = []struct {
	name   string
	export string
	opt    Options
	users  string   // the users.csv written, when it builds
	errs   []string // the errors, when it does not
}{
	{
		name:   "title rows above the header, an empty row, headers as HR systems spell them",
		export: "Acme People Report\n\nEMPLOYEE_NUMBER,Given Name,surname,E-mail,Business Title,reports-to-id,Locale\n1,Ana,Silva,a@x.co,CEO,,pt-BR\n2,Bo,Li,b@x.co,CTO,1,de-AT\n",
		users:  "id,email,firstName,lastName,jobTitle,language\n1,a@x.co,Ana,Silva,CEO,Português\n2,b@x.co,Bo,Li,CTO,Deutsche\n",
	},
	{
		name:   "Google Workspace's [Required] notes",
		export: "Employee ID,First Name [Required],Last Name [Required],Email Address [Required],Manager Email\n1,Ana,Silva,a@x.co,\n2,Bo,Li,b@x.co,A@X.CO\n",
		users:  "id,email,firstName,lastName\n1,a@x.co,Ana,Silva\n2,b@x.co,Bo,Li\n",
	},
	{
		name:   "a name in one column, Last, First or First Last",
		export: "id,mail,Full Name,Manager ID\n1,a@x.co,\"Silva, Ana Maria\",\n2,b@x.co,Bo Li Wen,1\n",
		users:  "id,email,firstName,lastName\n1,a@x.co,Ana Maria,Silva\n2,b@x.co,Bo,Li Wen\n",
	},
	{
		name:   "flags name columns detection would not find, matched without case",
		export: "Personnel No,Login,Nom,Prenom,Chef\n1,a@x.co,Silva,Ana,\n2,b@x.co,Li,Bo,1\n",
		opt:    Options{Columns: Columns{ID: "personnel no", Email: "Login", FirstName: "Prenom", LastName: "Nom", Manager: "CHEF"}},
		users:  "id,email,firstName,lastName\n1,a@x.co,Ana,Silva\n2,b@x.co,Bo,Li\n",
	},
	{
		name:   "a flag wins over detection, which finds two",
		export: "Employee ID,Worker ID,email,Manager ID\nE1,W1,a@x.co,\nE2,W2,b@x.co,E1\n",
		opt:    Options{Columns: Columns{ID: "Employee ID"}},
		users:  "id,email\nE1,a@x.co\nE2,b@x.co\n",
	},
	{
		name:   "two candidates for a role: the flag is asked for",
		export: "Employee ID,Worker ID,email,Manager ID,Supervisor Email\nE1,W1,a@x.co,,\n",
		errs: []string{
			`hr.csv:1: "Employee ID" (field 1) and "Worker ID" (field 2) could each be the id column: choose one with --id`,
			`hr.csv:1: "Manager ID" (field 4) and "Supervisor Email" (field 5) could each be the manager column: choose one with --manager`,
		},
	},
	{
		name:   "no manager column: no header",
		export: "objectId,mail,displayName\n1,a@x.co,Ana\n",
		errs: []string{`hr.csv: no header: none of the first 20 rows has an id column (id, Employee ID, EmployeeID, Employee Number…) and a manager column (Manager ID, ManagerID, managerId, Manager Email…) (line 1 reads "objectId", "mail", "displayName")` +
			"\nhint: name the columns with --id and --manager; an export without a manager column (a directory's list of users) cannot say who reports to whom"},
	},
	{
		name:   "a header below the first 20 rows is not looked for",
		export: strings.Repeat("notes\n", 20) + "id,email,Manager ID\n1,a@x.co,\n",
		errs: []string{`hr.csv: no header: none of the first 20 rows has an id column (id, Employee ID, EmployeeID, Employee Number…) and a manager column (Manager ID, ManagerID, managerId, Manager Email…) (line 1 reads "notes")` +
			"\nhint: name the columns with --id and --manager; an export without a manager column (a directory's list of users) cannot say who reports to whom"},
	},
	{
		name:   "no email column",
		export: "id,Manager ID\n1,\n",
		errs:   []string{`hr.csv:1: no email column (email, Email, Work Email, Email Address…): give --email COLUMN: Officevibe knows members by their email`},
	},
	{
		name:   "a first name without a last name column",
		export: "id,email,First Name,Manager ID\n1,a@x.co,Ana,\n",
		errs:   []string{`hr.csv:1: a first name column ("First Name") but no last name column: give --last-name, or --name for a column that holds both (Officevibe takes both names or neither)`},
	},
	{
		name:   "one column twice in --team-by",
		export: "id,email,Manager ID,Dept,DEPT #\n1,a@x.co,,A,A\n",
		opt:    Options{TeamBy: []string{"Dept", "DEPT #", "Dept"}},
		errs: []string{
			`hr.csv:1: --team-by "Dept" and --team-by "DEPT #" name one column: their segments would be the same teams`,
			`hr.csv:1: --team-by "Dept" and --team-by "Dept" name one column: their segments would be the same teams`,
			`hr.csv:1: --team-by "DEPT #" and --team-by "Dept" name one column: their segments would be the same teams`,
		},
	},
	{
		name:   "columns of flags the header lacks, or has twice",
		export: "id,email,Manager ID,Dept,Dept\n1,a@x.co,,A,A\n",
		opt:    Options{TeamBy: []string{"Dept"}, Where: []string{"Status=Active"}, Properties: []string{"Cost Centre"}},
		errs: []string{
			`hr.csv:1: --where "Status": no such column in the header (the columns are "id", "email", "Manager ID", "Dept", "Dept")`,
			`hr.csv:1: --team-by "Dept": the header has that column twice (field 4 and field 5): rename one in the export`,
			`hr.csv:1: --property "Cost Centre": no such column in the header (the columns are "id", "email", "Manager ID", "Dept", "Dept")`,
		},
	},
}

func TestHeader(t *testing.T) {
	for _, tt := range headerTests {
		t.Run(tt.name, func(t *testing.T) {
			r := runOn(t, tt.export, tt.opt)
			if diff := cmp.Diff(tt.errs, r.defects); diff != "" {
				t.Errorf("errors (-want +got):\n%s", diff)
			}
			if tt.users != "" {
				if diff := cmp.Diff(tt.users, r.files["users.csv"]); diff != "" {
					t.Errorf("users.csv (-want +got):\n%s", diff)
				}
				lintClean(t, r.dir)
			}
		})
	}
}

func TestUsageErrors(t *testing.T) {
	for _, tt := range []struct {
		name string
		opt  Options
		want string
	}{
		{"no destination", Options{Input: "x.csv"}, "no destination: give --out DIR or --config config.json"},
		{"two destinations", Options{Input: "x.csv", OutDir: "o", Config: "c.json"}, "give one destination: --out DIR or --config config.json"},
		{"name and first name", Options{Input: "x.csv", OutDir: "o", Columns: Columns{Name: "N", FirstName: "F"}}, "--name holds both names: give it, or --first-name and --last-name, not both"},
		{"a bad filter", Options{Input: "x.csv", OutDir: "o", Where: []string{"Status"}}, `--where "Status": write COLUMN=VALUE or COLUMN!=VALUE (Status=Current)`},
		{"a property named as a standard column", Options{Input: "x.csv", OutDir: "o", Properties: []string{"Email=Mail 2"}},
			`--property Email=Mail 2: "email" is a standard column of users.csv: the standard columns come from their own flags; name the property otherwise (NAME=COLUMN)`},
		{"two properties of one name", Options{Input: "x.csv", OutDir: "o", Properties: []string{"Dept=A", "dept=B"}},
			`--property: two properties are named "dept" (A and B): name them apart (NAME=COLUMN)`},
		{"a template without the person", Options{Input: "x.csv", OutDir: "o", Names: Names{Direct: "Team {title}"}},
			`--direct-name "Team {title}": the name must hold {name}, {first}, {last}, {id}: each team needs a name of its own`},
		{"an unknown variable", Options{Input: "x.csv", OutDir: "o", Names: Names{Segment: "{value} ({dept})"}},
			`--segment-name "{value} ({dept})": unknown {dept}: use {value}, {column}`},
		{"the same two templates", Options{Input: "x.csv", OutDir: "o", Names: Names{Direct: "Team {name}", Hierarchy: "team {name}"}},
			`--direct-name and --hierarchy-name are the same ("Team {name}"): a manager's two teams need two names`},
		{"an unknown format", Options{Input: "x.csv", OutDir: "o", Format: "excel"}, `format "excel": use legacy or provisioning`},
		{"the output over the input", Options{Input: "testdata/users.csv", OutDir: "testdata"}, "testdata/users.csv would be written over the export it is built from: write the files elsewhere"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Run(tt.opt)
			if err == nil || err.Error() != tt.want {
				t.Errorf("error %v, want %s", err, tt.want)
			}
		})
	}
}

func TestTextEncodings(t *testing.T) {
	const export = "Employee ID;Nom;Prénom;Courriel;Manager ID\n1;Côté;Élise;e@x.co;\n2;Lé;Bo;b@x.co;1\n"
	want := "id,email,firstName,lastName\n1,e@x.co,Élise,Côté\n2,b@x.co,Bo,Lé\n"
	opt := Options{Columns: Columns{FirstName: "Prénom", LastName: "Nom", Email: "Courriel"}}
	utf16, err := unicode.UTF16(unicode.LittleEndian, unicode.UseBOM).NewEncoder().String(export)
	if err != nil {
		t.Fatal(err)
	}
	cp1252, err := charmap.Windows1252.NewEncoder().String(export)
	if err != nil {
		t.Fatal(err)
	}
	for name, data := range map[string]string{"UTF-8 with a BOM": "\uFEFF" + export, "UTF-16": utf16, "Windows-1252": cp1252} {
		t.Run(name, func(t *testing.T) {
			r := runOn(t, data, opt)
			if r.defects != nil {
				t.Fatalf("defects: %q", r.defects)
			}
			if diff := cmp.Diff(want, r.files["users.csv"]); diff != "" {
				t.Errorf("users.csv (-want +got):\n%s", diff)
			}
		})
	}
}
