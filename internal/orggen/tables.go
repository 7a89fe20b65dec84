package orggen

import "strings"

// The tables below are the vocabulary of a generated org. Every string is
// kept twice where it matters: as shown (display) and as written to a CSV
// field (RFC 4180 quoted when it holds a comma, a quote or a leading space),
// so that writing a row never has to scan for characters to escape.

// firstNames are given names. A few carry accents or a quoted nickname, which
// forces CSV quoting; the e-mail local part is derived from the name without
// the nickname.
var firstNames = []string{
	"Aaron", "Abigail", "Adam", "Adèle", "Adrián", "Agnès", "Aiden", "Aisha",
	"Alain", "Alba", "Alejandro", "Alex", "Alexandre", "Alice", "Amélie", "Ana",
	"Andrea", "Andrew", "Ángel", "Anna", "Antoine", "António", "Arthur", "Aurélie",
	"Beatriz", "Ben", "Benoît", "Bianca", "Bruno", "Camille", "Carla", "Carlos",
	"Carmen", "Caroline", "Catarina", "Cédric", "Charlotte", "Chloé", "Chris", "Claire",
	"Clara", "Daniel", "David", "Diego", "Dominik", "Elena", "Eliott", "Élise",
	"Emily", "Emma", "Enzo", "Éric", "Ethan", "Eva", "Fabian", "Fatima",
	"Felix", "Fernanda", "Finn", "Florian", "François", "Gabriel", "Gabriela", "Grace",
	"Guillaume", "Hannah", "Hélène", "Henrique", "Hugo", "Inês", "Isabel", "Ivan",
	"Jack", "Jakob", "James", "Jana", "Javier", "Jean", "Jérôme", "Joana",
	"João", "Jonas", "Jordan", "José", "Julia", "Julien", "Karim", "Katarzyna",
	"Kevin", "Laura", "Léa", "Leon", "Liam", "Lina", "Lucas", "Lucía",
	"Luis", "Luka", "Madeleine", "Maria", "Marie", "Mariana", "Mark", "Marta",
	"Mateo", "Mathilde", "Matthias", "Maximilian", "Mehdi", "Mia", "Miguel", "Mohamed",
	"Nathalie", "Nicolás", "Nina", "Noah", "Noémie", "Olivia", "Oscar", "Pablo",
	"Patrick", "Paula", "Pedro", "Philippe", "Priya", "Rafael", "Raquel", "Renée",
	"Ricardo", "Robert", "Rosa", "Samuel", "Sara", "Sebastián", "Simon", "Sofia",
	"Sophie", "Stéphane", "Susana", "Thomas", "Tiago", "Valentina", "Victor", "William",
	"Xavier", "Yasmine", "Yusuf", "Zoé", "Zoë", "Jürgen", "Søren", "Øyvind",
}

// nicknames are shown as `Robert "Bob"` for a small share of users; the
// index is into firstNames.
var nicknames = []struct {
	first int
	nick  string
}{
	{indexOf(firstNames, "Robert"), "Bob"},
	{indexOf(firstNames, "William"), "Bill"},
	{indexOf(firstNames, "Katarzyna"), "Kasia"},
	{indexOf(firstNames, "Alejandro"), "Alex"},
	{indexOf(firstNames, "Maximilian"), "Max"},
	{indexOf(firstNames, "Guillaume"), "Will"},
}

// lastNames are family names; some hold spaces, apostrophes, hyphens,
// accents or a suffix after a comma.
var lastNames = []string{
	"Abreu", "Adams", "Almeida", "Alves", "Anderson", "Arnaud", "Bailey", "Baker",
	"Barbosa", "Bauer", "Becker", "Bélanger", "Bernard", "Bertrand", "Blanc", "Bouchard",
	"Brown", "Brunet", "Campbell", "Carvalho", "Castro", "Chevalier", "Clark", "Côté",
	"Cruz", "da Silva", "Davies", "Delgado", "Dias", "Dubois", "Dupont", "Durand",
	"Evans", "Fernandes", "Fernández", "Ferreira", "Fischer", "Fontaine", "Fournier", "Gagnon",
	"García", "Garnier", "Girard", "Gomes", "Gómez", "Gonçalves", "González", "Gauthier",
	"Hall", "Hartmann", "Hernández", "Hoffmann", "Hughes", "Jackson", "Jiménez", "Johnson",
	"Jones", "Keller", "King", "Klein", "Koch", "Lambert", "Lavoie", "Leblanc",
	"Lefebvre", "Lemaire", "Lewis", "Lima", "López", "Lopes", "Marchand", "Martin",
	"Martínez", "Mendes", "Mercier", "Meyer", "Miller", "Moreau", "Moreno", "Morin",
	"Müller", "Muñoz", "Nascimento", "Neumann", "Nguyen", "O'Brien", "O'Connor", "Oliveira",
	"Ortega", "Pereira", "Pérez", "Perrin", "Petit", "Pinto", "Ramírez", "Ribeiro",
	"Richter", "Roberts", "Robin", "Rocha", "Rodrigues", "Rodríguez", "Roussel", "Roy",
	"Ruiz", "Sánchez", "Santos", "Schäfer", "Schmidt", "Schneider", "Schulz", "Schwarz",
	"Simard", "Smith", "Sousa", "Taylor", "Thomas", "Tremblay", "Vasconcelos", "Vidal",
	"Wagner", "Walker", "Weber", "White", "Williams", "Wilson", "Wolf", "Young",
	"Zimmermann", "Van der Berg", "Saint-Pierre", "Lévesque", "Smith, Jr.", "Nuñez", "Østergaard", "Åberg",
}

// departments is the Department custom column; a department is drawn for
// each report of the top of the tree and inherited by everyone below them.
var departments = []string{
	"Engineering", "Sales", "Marketing", "Customer Success", "Finance",
	"HR", "Operations", "R&D", "Legal", "Support", "Product", "IT",
}

// departmentWeights gives the relative size of each department.
var departmentWeights = []int{24, 16, 7, 10, 5, 4, 12, 6, 2, 8, 4, 2}

// execDepartment is the department of the top of the tree.
const execDepartment = "Executive Office"

// icTitles are the job titles of individual contributors, per department.
var icTitles = [][]string{
	{"Developer", "Senior Developer", "Engineer, Platform", "QA Analyst", "DevOps Engineer", "Staff Engineer"},
	{"Account Executive", "Sales Rep", "SDR", "Account Manager", "Sales Engineer"},
	{"Marketer", "Copywriter", "Designer, Brand", "Growth Analyst"},
	{"CSM", "Onboarding Specialist", "Customer Advocate"},
	{"Accountant", "Analyst", "Payroll Specialist", "Clerk, Payables"},
	{"HRBP", "Recruiter", "HR Coordinator"},
	{"Analyst", "Coordinator", "Associate", "Buyer", "Driver"},
	{"Scientist", "Technician", "Data Scientist", "Scientist, Materials"},
	{"Counsel", "Paralegal", "Compliance Analyst"},
	{"Agent", "Support Specialist", "Support Engineer, Tier 2"},
	{"Product Manager", "Designer", "UX Researcher"},
	{"Sysadmin", "IT Technician", "Network Engineer", "Security Analyst"},
}

// countries is the Country custom column; each has the Officevibe languages
// its people speak (most weight first) and a relative size.
var countries = []struct {
	name      string
	weight    int
	languages []string
}{
	{"United States", 30, []string{"English", "Español"}},
	{"Canada", 18, []string{"English", "Français"}},
	{"France", 10, []string{"Français"}},
	{"Brazil", 8, []string{"Português"}},
	{"Germany", 8, []string{"Deutsche", "English"}},
	{"Spain", 5, []string{"Español"}},
	{"Mexico", 5, []string{"Español", "English"}},
	{"United Kingdom", 6, []string{"English"}},
	{"Portugal", 3, []string{"Português", "English"}},
	{"Belgium", 2, []string{"Français", "English", "Deutsche"}},
	{"Switzerland", 2, []string{"Deutsche", "Français", "English"}},
	{"Côte d'Ivoire", 1, []string{"Français"}},
	{"Austria", 2, []string{"Deutsche"}},
}

// languages are the five values Officevibe accepts, in its own spelling.
var languages = []string{"English", "Français", "Español", "Português", "Deutsche"}

// csvField returns s as a CSV field: quoted, with inner quotes doubled, when
// it holds a comma, quote, CR, LF or starts with a space (as encoding/csv
// writes it); s itself otherwise.
func csvField(s string) string {
	if s == "" || (!strings.ContainsAny(s, ",\"\r\n") && s[0] != ' ') {
		return s
	}
	return `"` + strings.ReplaceAll(s, `"`, `""`) + `"`
}

// foldReplacer turns a name into e-mail local part material.
var foldReplacer = strings.NewReplacer(
	"á", "a", "à", "a", "â", "a", "ä", "a", "ã", "a", "å", "a", "Á", "a", "Å", "a",
	"é", "e", "è", "e", "ê", "e", "ë", "e", "É", "e",
	"í", "i", "ì", "i", "î", "i", "ï", "i",
	"ó", "o", "ò", "o", "ô", "o", "ö", "o", "õ", "o", "ø", "o", "Ø", "o",
	"ú", "u", "ù", "u", "û", "u", "ü", "u",
	"ç", "c", "ñ", "n", "ý", "y",
	" ", "", "'", "", ",", "", ".", "",
)

// emailLocal folds a name to lower-case ASCII letters and hyphens.
func emailLocal(name string) string {
	return strings.ToLower(foldReplacer.Replace(name))
}

func indexOf(list []string, s string) int {
	for i, v := range list {
		if v == s {
			return i
		}
	}
	panic("orggen: " + s + " missing from its table")
}

// Tables derived from the ones above when the package loads.
var (
	// firstDisplay is firstNames followed by the nickname forms.
	firstDisplay = func() []string {
		d := append([]string(nil), firstNames...)
		for _, n := range nicknames {
			d = append(d, firstNames[n.first]+` "`+n.nick+`"`)
		}
		return d
	}()
	firstCSV = csvFields(firstDisplay)
	lastCSV  = csvFields(lastNames)
	// firstLocals and lastLocals are the distinct e-mail forms of the
	// names ("Zoé" and "Zoë" share "zoe"); firstLocalOf and lastLocalOf
	// index them by display name.
	firstLocals, firstLocalOf = locals(firstDisplay, func(i int) string {
		if i >= len(firstNames) {
			return firstNames[nicknames[i-len(firstNames)].first]
		}
		return firstNames[i]
	})
	lastLocals, lastLocalOf = locals(lastNames, func(i int) string { return lastNames[i] })

	departmentCSV = csvFields(append(append([]string(nil), departments...), execDepartment))
	icTitleCSV    = func() [][]string {
		t := make([][]string, len(icTitles))
		for i, titles := range icTitles {
			t[i] = csvFields(titles)
		}
		return t
	}()
	vpTitleCSV       = titles("Vice President, ", "Chief of Staff")
	directorTitleCSV = titles("Director, ", "Director, Office of the CEO")
	managerTitleCSV  = titles("Manager, ", "Executive Assistant Manager")

	countryWeights = func() []int {
		w := make([]int, len(countries))
		for i, c := range countries {
			w[i] = c.weight
		}
		return w
	}()
	countryCSV = func() []string {
		f := make([]string, len(countries))
		for i, c := range countries {
			f[i] = csvField(c.name)
		}
		return f
	}()
)

// csvFields returns the CSV fields of the strings in list.
func csvFields(list []string) []string {
	f := make([]string, len(list))
	for i, s := range list {
		f[i] = csvField(s)
	}
	return f
}

// titles returns the CSV fields of prefix+department for each department,
// then exec for execDepartment.
func titles(prefix, exec string) []string {
	t := make([]string, 0, len(departments)+1)
	for _, d := range departments {
		t = append(t, csvField(prefix+d))
	}
	return append(t, csvField(exec))
}

// locals returns the distinct e-mail local forms of the names base(i) for
// each i in list, in order of first appearance, and the index of each
// name's form.
func locals(list []string, base func(i int) string) ([]string, []uint16) {
	var forms []string
	of := make([]uint16, len(list))
	index := map[string]int{}
	for i := range list {
		l := emailLocal(base(i))
		j, ok := index[l]
		if !ok {
			j = len(forms)
			index[l] = j
			forms = append(forms, l)
		}
		of[i] = uint16(j)
	}
	return forms, of
}
