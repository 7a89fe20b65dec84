package lint

// The rule IDs of the catalogue (docs/rules.md). They are a contract with
// every consumer of the JSON, GitHub and SARIF outputs: never rename one,
// only add.
const (
	RuleEncoding         = "encoding"
	RuleDelimiter        = "delimiter"
	RuleCSVSyntax        = "csv-syntax"
	RuleRaggedRow        = "ragged-row"
	RuleHeaderMissing    = "header-missing"
	RuleHeaderDuplicate  = "header-duplicate"
	RuleHeaderCase       = "header-case"
	RuleNoRows           = "no-rows"
	RuleWhitespace       = "whitespace"
	RuleHeaderBlank      = "header-blank"
	RuleBlankLine        = "blank-line"
	RuleLineEndings      = "line-endings"
	RuleRunawayQuote     = "runaway-quote"
	RuleAPIKey           = "api-key"
	RuleRequired         = "required"
	RuleEmailFormat      = "email-format"
	RuleEmailCase        = "email-case"
	RuleDuplicateID      = "duplicate-id"
	RuleDuplicateEmail   = "duplicate-email"
	RuleLanguageValue    = "language-value"
	RuleNamePair         = "name-pair"
	RuleImageURL         = "image-url"
	RuleFieldLength      = "field-length"
	RuleDuplicateName    = "duplicate-name"
	RuleMappingTarget    = "mapping-target"
	RuleBoolean          = "boolean"
	RuleUnknownTeam      = "unknown-team"
	RuleUnknownUser      = "unknown-user"
	RuleDuplicateMapping = "duplicate-mapping"
	RuleConflicting      = "conflicting-mapping"
	RuleNoRole           = "no-role"
	RuleManagerIsMember  = "manager-is-member"
	RuleCycle            = "cycle"
	RuleNoHierarchy      = "manager-without-hierarchy"
	RuleNoManager        = "team-without-manager"
	RuleEmptyTeam        = "empty-team"
	RuleUserWithoutTeam  = "user-without-team"
	RuleMultipleParents  = "multiple-parents"
	RuleSchema           = "schema"
	RuleConfig           = "config"
)

// Rule describes one rule of the catalogue. The table [Rules] is the one
// place a rule is described: "ovsync rules" prints it, SARIF's
// tool.driver.rules and docs/rules.md are made from it.
type Rule struct {
	// ID is the stable kebab-case identifier.
	ID string
	// Files are the kinds of file the rule reads, as lint's JSON names
	// them: "users" (users.csv or members.csv), "groups" (groups.csv or
	// teams.csv), "mapping" (groups-mapping.csv or teams-mappings.csv) and
	// "config" (config.json). The first is where its findings are, most
	// often the only one.
	Files []string
	// Severity is the default severity. A rule whose severity depends on
	// the file (no-rows) or on the case (config) lists its most serious,
	// and When says the others.
	Severity Severity
	// Summary says in one line when the rule fires (SARIF's
	// shortDescription).
	Summary string
	// When says in full when the rule fires, where it is reported and
	// what its message names: plain text, with `code` for names.
	When string
	// Fix says what to do about a finding; each finding's hint says it
	// for its own values.
	Fix string
}

// everyCSV is [Rule.Files] of the rules that read each CSV file alike.
var everyCSV = []string{"users", "groups", "mapping"}

// Rules is the catalogue, in the order of docs/rules.md: the rules of
// every CSV file, of users.csv, of groups.csv, of the mapping, across
// files, then schema and config.
var Rules = []Rule{
	{ID: RuleEncoding, Files: everyCSV, Severity: Error,
		Summary: "the file is not valid UTF-8 (UTF-16 or Windows-1252 bytes)",
		When:    "The file is not valid UTF-8 (a UTF-8 byte order mark is fine): UTF-16 (reported at the file), or Windows-1252 bytes (reported at the first bad byte).",
		Fix:     `Re-encode the file as UTF-8: "ovsync convert --out DIR FILE" (with --encoding windows-1252 for Windows-1252 bytes), or save it as "CSV UTF-8".`},
	{ID: RuleDelimiter, Files: everyCSV, Severity: Error,
		Summary: "the header looks semicolon- or tab-separated",
		When:    "The header looks `;`- or tab-separated. The file is then read with that separator, so the rest is still checked.",
		Fix:     `Officevibe reads comma-separated files: export as "CSV (comma delimited)", or run "ovsync convert --out DIR FILE".`},
	{ID: RuleCSVSyntax, Files: everyCSV, Severity: Error,
		Summary: "a bare or unterminated quote",
		When:    "A bare quote in an unquoted field, or a quoted field that is never closed. Reported at the line and column where the field starts.",
		Fix:     `Quote the whole field and double each quote inside it ("Sam ""The Man"" Lee"); close a quote where its field ends.`},
	{ID: RuleRaggedRow, Files: everyCSV, Severity: Error,
		Summary: "a row has more or fewer fields than the header",
		When:    "A row has more or fewer fields than the header.",
		Fix:     "Quote the fields that contain commas, and give every row one field per column."},
	{ID: RuleHeaderMissing, Files: everyCSV, Severity: Error,
		Summary: "a required column is absent",
		When:    "A required column is absent (users: `id`, `email`; groups: `id`, `name`; mapping: `groupId`, `userId`, `subGroupId`, `isMember`, `isManager`; their twins in Workleap's format). When one of the first 20 lines holds the required columns (a title row above the header), the hint names that line.",
		Fix:     "Add the column to the header; when the header is further down, remove the lines above it so that it is line 1."},
	{ID: RuleHeaderDuplicate, Files: everyCSV, Severity: Error,
		Summary: "a column name appears twice",
		When:    "A column name appears twice in the header; only the first is read. The message names the first.",
		Fix:     "Remove or rename one of them."},
	{ID: RuleHeaderCase, Files: everyCSV, Severity: Warning,
		Summary: "a column differs from a standard one only by case or surrounding spaces",
		When:    "A column differs from a standard one only by case or surrounding spaces (`Email`, ` language`).",
		Fix:     "Rename the column as the standard spells it (`email`, `language`)."},
	{ID: RuleNoRows, Files: everyCSV, Severity: Error,
		Summary: "users or groups has a header and no rows (warning for mapping)",
		When:    "users.csv or groups.csv has a header and no rows: a push would remove every member, or delete every team. A warning for the mapping file.",
		Fix:     "Export the file again, with its rows."},
	{ID: RuleWhitespace, Files: everyCSV, Severity: Warning,
		Summary: "leading or trailing spaces in an id, email, language or boolean field",
		When:    "Leading or trailing spaces in an id, email, language or boolean field.",
		Fix:     "Remove the spaces: Officevibe may not."},
	{ID: RuleHeaderBlank, Files: everyCSV, Severity: Error,
		Summary: "a header cell is empty",
		When:    "A header cell is empty; the message names the column number.",
		Fix:     "Name the column, or remove it together with its field on every row."},
	{ID: RuleBlankLine, Files: everyCSV, Severity: Warning,
		Summary: "an empty line between records",
		When:    "An empty line between records: one finding per run of empty lines, with the count. The final newline is not one.",
		Fix:     "Remove the empty lines: some readers take an empty line for a row with no values, others for the end of the file."},
	{ID: RuleLineEndings, Files: everyCSV, Severity: Warning,
		Summary: "the file mixes CRLF and LF record ends",
		When:    "The file mixes CRLF and LF record ends. Reported once, at the first line whose ending differs from line 1's; line breaks inside quoted fields do not count.",
		Fix:     "Save the file with one kind of line end throughout."},
	{ID: RuleRunawayQuote, Files: everyCSV, Severity: Warning,
		Summary: "a quoted field spans more than 3 lines or swallows what reads as a record",
		When:    "A quoted field spans more than 3 lines, or holds a line break followed by text that reads as a whole record of the file: most often a missing closing quote. Reported at the field's start, with the number of lines it swallowed.",
		Fix:     `Close the quote where the field should end (a quote meant as text is doubled: "").`},
	{ID: RuleAPIKey, Files: []string{"users", "groups", "mapping", "config"}, Severity: Error,
		Summary: "a field holds the API key whole, in any form the key filter knows (a piece of it is data)",
		When:    "A field (or a value of config.json other than `ApiKey`) holds the API key ovsync knows (`OFFICEVIBE_API_KEY`, `--api-key-file`, the config's `ApiKey`) whole, in any form the key filter knows: any case, URL-, base64-, HTML- or JSON-escaped. Reported at the field, never quoting it. A piece of the key inside a value is data, not the key, and is not reported. It stops push, plan, report and graph, whatever --rule says; convert, migrate and build refuse such a cell themselves.",
		Fix:     "Remove the key from the file: it is a secret, not data; give it to ovsync with OFFICEVIBE_API_KEY or --api-key-file."},
	{ID: RuleRequired, Files: everyCSV, Severity: Error,
		Summary: "an empty required field (users id and email, groups id and name, mapping groupId)",
		When:    "An empty `id` or `email` (users), `id` or `name` (groups), `groupId` (mapping).",
		Fix:     "Fill in the field: every row needs one."},
	{ID: RuleEmailFormat, Files: []string{"users"}, Severity: Error,
		Summary: "an email that is not a single plain address local@domain.tld",
		When:    "An email that is not a single plain address `local@domain.tld`: no display name, no spaces.",
		Fix:     "Write the address alone, like `name@example.com`; the hint gives it when the field holds one (`dana reyes <dana.reyes@example.com>`)."},
	{ID: RuleEmailCase, Files: []string{"users"}, Severity: Warning,
		Summary: "an email with upper-case letters",
		When:    "Upper-case letters in an email (Officevibe keys members by lower-case email).",
		Fix:     "Write the email in lower case."},
	{ID: RuleDuplicateID, Files: []string{"users", "groups"}, Severity: Error,
		Summary: "a user or team id seen before",
		When:    "A user or team id seen before. Reported at the later row, naming the line of the first.",
		Fix:     "Give each user and each team its own id, or remove the repeated row."},
	{ID: RuleDuplicateEmail, Files: []string{"users"}, Severity: Error,
		Summary: "an email seen before, compared case-insensitively",
		When:    "An email seen before, compared without case. Reported at the later row, naming the line of the first.",
		Fix:     "Give each member their own email: Officevibe keys members by email."},
	{ID: RuleLanguageValue, Files: []string{"users"}, Severity: Error,
		Summary: "a language that is not one of English, Français, Español, Português, Deutsche",
		When:    "Not empty and not exactly one of `English`, `Français`, `Español`, `Português`, `Deutsche` (in Workleap's format, the codes `en`, `fr`, `es`, `pt`, `de`). The hint names the nearest value (`French`, `francais`, `fr` → `Français`; `German`, `Deutsch` → `Deutsche`), both ways between the formats (`Français` → `fr` in a members.csv).",
		Fix:     "Use the value the hint names, or leave the field empty."},
	{ID: RuleNamePair, Files: []string{"users"}, Severity: Warning,
		Summary: "exactly one of firstName and lastName is empty",
		When:    "Exactly one of `firstName` and `lastName` is empty: the app refuses one without the other.",
		Fix:     "Give both names or neither."},
	{ID: RuleImageURL, Files: []string{"users"}, Severity: Warning,
		Summary: "an imageUrl that is not an absolute http(s) URL",
		When:    "`imageUrl` not empty and not an absolute http(s) URL.",
		Fix:     "Use the full https:// address of the picture, or leave it empty."},
	{ID: RuleFieldLength, Files: []string{"users", "groups"}, Severity: Warning,
		Summary: "a firstName, lastName or team name over 50 characters, a jobTitle over 255",
		When:    "`firstName` or `lastName` over 50 characters, `jobTitle` over 255, a team `name` over 50: Officevibe's documented import limits, in characters, not bytes.",
		Fix:     "Shorten the value to the limit: Officevibe's import takes no more."},
	{ID: RuleDuplicateName, Files: []string{"groups"}, Severity: Warning,
		Summary: "a team name seen before (case-insensitive)",
		When:    "A team name seen before, compared without case. Reported at the later row, naming the line of the first.",
		Fix:     "Give the teams names people can tell apart in Officevibe."},
	{ID: RuleMappingTarget, Files: []string{"mapping"}, Severity: Error,
		Summary: "both or neither of userId and subGroupId are set",
		When:    "A mapping row sets both or neither of `userId` and `subGroupId`.",
		Fix:     "A row puts either a user or a sub-team into the team: split a row that sets both into two rows; fill in the one meant."},
	{ID: RuleBoolean, Files: []string{"mapping"}, Severity: Error,
		Summary: "isMember or isManager is not TRUE or FALSE",
		When:    "`isMember` or `isManager` is not `TRUE` or `FALSE` (any case; empty reads as FALSE). The hint reads `yes`, `1`, `x` as TRUE and `no`, `0` as FALSE.",
		Fix:     "Write TRUE or FALSE."},
	{ID: RuleUnknownTeam, Files: []string{"mapping", "groups"}, Severity: Error,
		Summary: "groupId or subGroupId is not an id in groups.csv",
		When:    "`groupId` or `subGroupId` is not the id of a team of groups.csv. Runs only when both files are linted.",
		Fix:     "Add the team to groups.csv, or correct the id."},
	{ID: RuleUnknownUser, Files: []string{"mapping", "users"}, Severity: Error,
		Summary: "userId is not an id in users.csv",
		When:    "`userId` is not the id of a user of users.csv. Runs only when both files are linted.",
		Fix:     "Add the user to users.csv, or correct the id: a user missing from users.csv is removed from Officevibe."},
	{ID: RuleDuplicateMapping, Files: []string{"mapping"}, Severity: Warning,
		Summary: "the same team and user or sub-team again with the same flags",
		When:    "The same (team, user) or (team, sub-team) pair again, with the same flags. Reported at the later row, naming the line of the first.",
		Fix:     "Remove the repeated row."},
	{ID: RuleConflicting, Files: []string{"mapping"}, Severity: Error,
		Summary: "the same team and user or sub-team again with different flags",
		When:    "The same (team, user) or (team, sub-team) pair again, with other flags. Reported at the later row, naming the line and flags of the first.",
		Fix:     "Keep one row per team and user, with both flags set as meant (a manager who is also a member: TRUE, TRUE)."},
	{ID: RuleNoRole, Files: []string{"mapping"}, Severity: Warning,
		Summary: "a user row with isMember and isManager both FALSE",
		When:    "A user row with `isMember` and `isManager` both FALSE.",
		Fix:     "Set isMember or isManager to TRUE, or remove the row."},
	{ID: RuleManagerIsMember, Files: []string{"mapping"}, Severity: Info,
		Summary: "a user row with isMember and isManager both TRUE",
		When:    "A user row with `isMember` and `isManager` both TRUE: the manager's own answers count in the scores of the team they manage (Officevibe advises managers not be members of the team they manage).",
		Fix:     "Set isMember to FALSE, unless the manager's answers are meant to count in the team's scores."},
	{ID: RuleCycle, Files: []string{"mapping"}, Severity: Error,
		Summary: "sub-teams form a cycle",
		When:    "Sub-teams form a cycle: a team inside itself, directly or not. Reported once per cycle, at the row that closes it; the message lists the path `T-A → T-B → T-A` (a path of more than 20 teams shows its first and closing 10 around `…`, with the cycle's length; the JSON finding has the whole path in `path`).",
		Fix:     "A team cannot contain itself: remove this row or another row of the cycle."},
	{ID: RuleNoHierarchy, Files: []string{"mapping", "users", "groups"}, Severity: Warning,
		Summary: "a manager of managers cannot see the teams of their hierarchy",
		When:    "User M manages a team whose member R manages team S, and no team M manages is S or contains S through sub-teams: M cannot see their hierarchy. Reported at M's manager row, naming R and S.",
		Fix:     "Add a hierarchy team managed by M whose sub-teams include S and the team M manages with R in it (or add S as a sub-team of a team M manages). ovsync build makes these teams."},
	{ID: RuleNoManager, Files: []string{"groups", "mapping"}, Severity: Info,
		Summary: "a team with members or sub-teams and no manager",
		When:    "A team with members (or sub-teams) and no manager. Reported at the team's row of groups.csv (without groups.csv, at its first mapping row).",
		Fix:     "Add a mapping row with isManager TRUE, so that someone sees the team's results."},
	{ID: RuleEmptyTeam, Files: []string{"groups", "mapping"}, Severity: Warning,
		Summary: "a team with no members and no sub-teams",
		When:    "A team with no members and no sub-teams. Reported at the team's row of groups.csv.",
		Fix:     "Add members (isMember TRUE) or sub-teams in the mapping file, or remove the team."},
	{ID: RuleUserWithoutTeam, Files: []string{"users", "mapping"}, Severity: Info,
		Summary: "a user in no team",
		When:    "A user in no team: fine for administrators and executives.",
		Fix:     "Anyone but administrators and executives needs a team to answer surveys: add a mapping row."},
	{ID: RuleMultipleParents, Files: []string{"mapping"}, Severity: Info,
		Summary: "a team is a sub-team of more than one team",
		When:    "A team is a sub-team of more than one team. Reported at the later row, naming the line of the first.",
		Fix:     "Fine if meant: the managers of both teams see its results."},
	{ID: RuleSchema, Files: everyCSV, Severity: Error,
		Summary: "a row violates a user-supplied JSON Schema",
		When:    "A row breaks a JSON Schema given with `--schema users=FILE` (or `groups`, `mapping`); the message names the schema's keyword location.",
		Fix:     "Correct the row, or the schema."},
	{ID: RuleConfig, Files: []string{"config"}, Severity: Error,
		Summary: "config.json problems: unknown keys, non-https ApiUrl, ApiKey in the file",
		When:    "A problem of config.json: an `ApiUrl` that is not https (loopback aside) is an error; an unknown key (the hint names the known key it likely means), a missing `ApiUrl` and a `SyncManagerEmail` that is not a plain address are warnings; an `ApiKey` written in the file and `InviteNewUsers: true` are infos. A config that cannot be read, is not the original `{\"Configuration\": {…}}` shape, holds a value of the wrong type or lacks `UsersCsv`, `GroupsCsv` or `MappingCsv` is no finding: it stops the run (exit status 2).",
		Fix:     "Use https://app.officevibe.com (production) or https://sandbox.officevibe.com (sandbox) as ApiUrl; spell the keys as the original tool does; keep the key in OFFICEVIBE_API_KEY, out of files; on a first import, keep InviteNewUsers false and invite from the app."},
}

// LookupRule returns the catalogue entry of a rule ID.
func LookupRule(id string) (Rule, bool) {
	for _, r := range Rules {
		if r.ID == id {
			return r, true
		}
	}
	return Rule{}, false
}

// withDefaultSeverity gives a finding its rule's default severity unless
// the finding set one (no-rows is a warning for the mapping, say).
func withDefaultSeverity(f Finding) Finding {
	if f.Severity == Off {
		r, _ := LookupRule(f.Rule)
		f.Severity = r.Severity
	}
	return f
}
