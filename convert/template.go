package convert

import (
	"fmt"
	"io"
	"strings"

	"github.com/xuri/excelize/v2"

	"github.com/ovsync/ovsync/lint"
)

// templateRows is how far down the template's drop-down lists and text
// formats reach.
const templateRows = 10000

// templateSheets are the template's data sheets, by format and kind.
var templateSheets = map[*lint.Vocabulary][3]string{
	lint.Legacy:       {lint.KindUsers: "Users", lint.KindGroups: "Groups", lint.KindMapping: "Mapping"},
	lint.Provisioning: {lint.KindUsers: "Members", lint.KindGroups: "Teams", lint.KindMapping: "Teams-mappings"},
}

// templateExamples are the example rows of each sheet: a small team and
// its hierarchy team, which lint finds nothing wrong with, in the
// columns of each format. Booleans are real boolean cells.
var templateExamples = map[*lint.Vocabulary][3][][]any{
	lint.Legacy: {
		lint.KindUsers: {
			{"00101", "ana.silva@example.com", "Ana", "Silva", "Head of Engineering", "", "Português"},
			{"00102", "li.wei@example.com", "Li", "Wei", "Software Engineer", "", "English"},
			{"00103", "francois.leblanc@example.com", "François", "Leblanc", "Software Engineer", "", "Français"},
		},
		lint.KindGroups:  templateTeams,
		lint.KindMapping: templateMappings,
	},
	lint.Provisioning: {
		lint.KindUsers: {
			{"00101", "ana.silva@example.com", "Ana", "Silva", "Head of Engineering", "", "pt", "Officevibe"},
			{"00102", "li.wei@example.com", "Li", "Wei", "Software Engineer", "", "en", ""},
			{"00103", "francois.leblanc@example.com", "François", "Leblanc", "Software Engineer", "", "fr", ""},
		},
		lint.KindGroups:  templateTeams,
		lint.KindMapping: templateMappings,
	},
}

// The teams and mappings of the examples, the same in both formats.
var (
	templateTeams = [][]any{
		{"T-ENG", "Engineering"},
		{"T-ENG-ALL", "Engineering (all)"},
	}
	templateMappings = [][]any{
		{"T-ENG", "00101", "", false, true},
		{"T-ENG", "00102", "", true, false},
		{"T-ENG", "00103", "", true, false},
		{"T-ENG-ALL", "00101", "", false, true},
		{"T-ENG-ALL", "", "T-ENG", false, false},
	}
)

// textColumns are the ID columns of each sheet, formatted as text so that
// an ID typed as 00123 keeps its zeros.
var textColumns = map[lint.Kind][]lint.Role{
	lint.KindUsers:   {lint.UserID},
	lint.KindGroups:  {lint.TeamID},
	lint.KindMapping: {lint.MapTeam, lint.MapUser, lint.MapSubTeam},
}

// wideColumns are the columns given a wider cell: addresses and names.
var wideColumns = []lint.Role{lint.UserEmail, lint.UserImageURL, lint.TeamName, lint.UserJobTitle}

// instructions returns the lines of the Instructions sheet of format v,
// naming its sheets, files and columns.
func instructions(v *lint.Vocabulary) []string {
	sh := templateSheets[v]
	col := func(k lint.Kind, r lint.Role) string { return v.Column(k, r) }
	u, g, m := lint.KindUsers, lint.KindGroups, lint.KindMapping
	title, file := "Officevibe organisation template", "Officevibe.xlsx"
	lintCmd := fmt.Sprintf("    ovsync lint --users Data/%s --groups Data/%s --mapping Data/%s", v.FileNames[u], v.FileNames[g], v.FileNames[m])
	if v == lint.Provisioning {
		title, file = "Workleap API provisioning organisation template", "Workleap.xlsx"
	}
	lines := []string{
		title,
		"",
		fmt.Sprintf("Fill in the %s, %s and %s sheets, replacing the example rows, then run:", sh[u], sh[g], sh[m]),
		fmt.Sprintf("    ovsync convert --out Data %s        (or --config config.json)", file),
		lintCmd,
		"",
		fmt.Sprintf("%s: one row per member of the organisation, administrators and executives included.", sh[u]),
		fmt.Sprintf("    %s and %s are required. Write emails in lower case. %s and %s go together.", col(u, lint.UserID), col(u, lint.UserEmail), col(u, lint.UserFirstName), col(u, lint.UserLastName)),
		fmt.Sprintf("    %s is one of %s: pick it from the list.", col(u, lint.UserLanguage), strings.Join(v.Languages, ", ")),
		fmt.Sprintf("    %s, if given, is an https:// address of a photo.", col(u, lint.UserImageURL)),
	}
	if v == lint.Provisioning {
		lines = append(lines, fmt.Sprintf("    %s names the products of the member; empty means Officevibe.", col(u, lint.UserProducts)))
	}
	lines = append(lines,
		"    Custom properties (Department, Country, Hiring Date…) are extra columns at the right, each with a header.",
		fmt.Sprintf("%s: one row per team. %s is a stable identifier (renaming a team keeps its id); %s is what people see.", sh[g], col(g, lint.TeamID), col(g, lint.TeamName)),
		"    Business units and hierarchy teams are teams too.",
		fmt.Sprintf("%s: one row per member of a team, and one per sub-team.", sh[m]),
		fmt.Sprintf("    %s is the team. Fill %s (an id from %s) or %s (an id from %s), never both.", col(m, lint.MapTeam), col(m, lint.MapUser), sh[u], col(m, lint.MapSubTeam), sh[g]),
		fmt.Sprintf("    %s and %s are TRUE or FALSE: pick them from the list.", col(m, lint.MapIsMember), col(m, lint.MapIsManager)),
		"    A manager of managers also manages a hierarchy team whose sub-teams are their own team and the teams below it.",
		"",
		"IDs are text: 00101 keeps its zeros. Dates may be typed as dates: they are written as 2019-03-04.",
		fmt.Sprintf("Every push replaces the whole organisation: a member missing from %s is removed, a team missing from %s deleted.", sh[u], sh[g]),
		"Do not rename the sheets' column headers; required columns have a dark header.",
	)
	return lines
}

// WriteTemplate writes an .xlsx workbook to fill in, in format v
// ([lint.Legacy] or [lint.Provisioning]): a sheet of each file (Users,
// Groups and Mapping; or Members, Teams and Teams-mappings) with the
// exact column names of the format in styled, frozen header rows
// (required columns darker), drop-down lists for the language (names or
// codes, as the format spells them) and for isMember and isManager, ID
// columns formatted as text, a few example rows, and an Instructions
// sheet. [Run] converts it back to files that lint finds nothing wrong
// with.
func WriteTemplate(w io.Writer, v *lint.Vocabulary) error {
	if templateSheets[v][0] == "" {
		return fmt.Errorf("no template for the %s format", v.Name)
	}
	f := excelize.NewFile()
	defer f.Close()
	styles, err := newTemplateStyles(f)
	if err != nil {
		return err
	}
	if err := f.SetSheetName("Sheet1", "Instructions"); err != nil {
		return err
	}
	for _, k := range Kinds {
		if err := templateSheet(f, v, k, styles); err != nil {
			return fmt.Errorf("template %s sheet: %w", templateSheets[v][k], err)
		}
	}
	if err := instructionsSheet(f, v, styles); err != nil {
		return fmt.Errorf("template instructions: %w", err)
	}
	f.SetActiveSheet(0)
	return f.Write(w)
}

// templateStyles are the style ids of the template.
type templateStyles struct {
	required, optional, text, title int
}

func newTemplateStyles(f *excelize.File) (*templateStyles, error) {
	header := func(fill string) (int, error) {
		return f.NewStyle(&excelize.Style{
			Font:   &excelize.Font{Bold: true, Color: "FFFFFF"},
			Fill:   excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{fill}},
			Border: []excelize.Border{{Type: "bottom", Color: "000000", Style: 2}},
			// The header is text too: "id" must not turn into anything else.
			NumFmt: 49,
		})
	}
	var s templateStyles
	var err error
	if s.required, err = header("1F4E79"); err != nil {
		return nil, err
	}
	if s.optional, err = header("5B9BD5"); err != nil {
		return nil, err
	}
	if s.text, err = f.NewStyle(&excelize.Style{NumFmt: 49}); err != nil {
		return nil, err
	}
	if s.title, err = f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true, Size: 14}}); err != nil {
		return nil, err
	}
	return &s, nil
}

// templateSheet adds the sheet of kind k in format v.
func templateSheet(f *excelize.File, v *lint.Vocabulary, k lint.Kind, st *templateStyles) error {
	name := templateSheets[v][k]
	if _, err := f.NewSheet(name); err != nil {
		return err
	}
	letters, err := templateColumns(f, name, v, k, st)
	if err != nil {
		return err
	}
	if err := templateHeader(f, name, v, k, st); err != nil {
		return err
	}
	for i, row := range templateExamples[v][k] {
		cell, _ := excelize.CoordinatesToCellName(1, i+2)
		if err := f.SetSheetRow(name, cell, &row); err != nil {
			return err
		}
	}
	if err := f.SetPanes(name, &excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft",
		Selection: []excelize.Selection{{SQRef: "A2", ActiveCell: "A2", Pane: "bottomLeft"}}}); err != nil {
		return err
	}
	return templateLists(f, name, v, k, letters)
}

// templateColumns sets the width of the columns of sheet name, and the
// text format of those that hold ids, and returns the letter of each
// column by name.
func templateColumns(f *excelize.File, name string, v *lint.Vocabulary, k lint.Kind, st *templateStyles) (map[string]string, error) {
	wide := map[string]bool{}
	for _, r := range wideColumns {
		wide[v.Column(k, r)] = true
	}
	letters := map[string]string{}
	for i, c := range v.Columns(k) {
		letter, err := excelize.ColumnNumberToName(i + 1)
		if err != nil {
			return nil, err
		}
		letters[c] = letter
		width := max(14, float64(len(c))+4)
		if wide[c] {
			width = 30
		}
		if err := f.SetColWidth(name, letter, letter, width); err != nil {
			return nil, err
		}
	}
	for _, r := range textColumns[k] {
		if err := f.SetColStyle(name, letters[v.Column(k, r)], st.text); err != nil {
			return nil, err
		}
	}
	return letters, nil
}

// templateHeader writes the header row of sheet name, the required
// columns styled apart.
func templateHeader(f *excelize.File, name string, v *lint.Vocabulary, k lint.Kind, st *templateStyles) error {
	cols := v.Columns(k)
	required := map[string]bool{}
	for _, c := range v.Required(k) {
		required[c] = true
	}
	header := make([]any, len(cols))
	for i, c := range cols {
		header[i] = c
	}
	if err := f.SetSheetRow(name, "A1", &header); err != nil {
		return err
	}
	for i, c := range cols {
		cell, _ := excelize.CoordinatesToCellName(i+1, 1)
		style := st.optional
		if required[c] {
			style = st.required
		}
		if err := f.SetCellStyle(name, cell, cell, style); err != nil {
			return err
		}
	}
	return nil
}

// templateLists adds the drop-down lists of sheet name: the languages of
// the users, TRUE and FALSE for the mapping's flags.
func templateLists(f *excelize.File, name string, v *lint.Vocabulary, k lint.Kind, letters map[string]string) error {
	list := func(col lint.Role, values []string, title, msg string) error {
		letter := letters[v.Column(k, col)]
		dv := excelize.NewDataValidation(true)
		dv.Sqref = fmt.Sprintf("%s2:%s%d", letter, letter, templateRows)
		if err := dv.SetDropList(values); err != nil {
			return err
		}
		dv.SetError(excelize.DataValidationErrorStyleStop, title, msg)
		return f.AddDataValidation(name, dv)
	}
	switch k {
	case lint.KindUsers:
		return list(lint.UserLanguage, v.Languages, "Language", "Choose one of "+strings.Join(v.Languages, ", ")+", or leave it empty.")
	case lint.KindMapping:
		for _, r := range []lint.Role{lint.MapIsMember, lint.MapIsManager} {
			c := v.Column(k, r)
			if err := list(r, []string{"TRUE", "FALSE"}, c, "Choose TRUE or FALSE."); err != nil {
				return err
			}
		}
	}
	return nil
}

// instructionsSheet fills in the Instructions sheet of format v.
func instructionsSheet(f *excelize.File, v *lint.Vocabulary, st *templateStyles) error {
	const name = "Instructions"
	if err := f.SetColWidth(name, "A", "A", 120); err != nil {
		return err
	}
	for i, line := range instructions(v) {
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		if err := f.SetCellStr(name, cell, line); err != nil {
			return err
		}
	}
	return f.SetCellStyle(name, "A1", "A1", st.title)
}
