package lint

// The rule IDs of RULES.md. They are a contract with every consumer of
// the JSON, GitHub and SARIF outputs: never rename one, only add.
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

// Rule describes one rule of the catalogue.
type Rule struct {
	// ID is the stable kebab-case identifier.
	ID string
	// Severity is the default severity. A rule whose severity depends on
	// the file (no-rows) or on the case (config) lists its most serious.
	Severity Severity
	// Summary says in one line when the rule fires.
	Summary string
}

// Rules is the catalogue in the order of RULES.md.
var Rules = []Rule{
	{RuleEncoding, Error, "the file is not valid UTF-8 (UTF-16 or Windows-1252 bytes)"},
	{RuleDelimiter, Error, "the header looks semicolon- or tab-separated"},
	{RuleCSVSyntax, Error, "a bare or unterminated quote"},
	{RuleRaggedRow, Error, "a row has more or fewer fields than the header"},
	{RuleHeaderMissing, Error, "a required column is absent"},
	{RuleHeaderDuplicate, Error, "a column name appears twice"},
	{RuleHeaderCase, Warning, "a column differs from a standard one only by case or surrounding spaces"},
	{RuleNoRows, Error, "users or groups has a header and no rows (warning for mapping)"},
	{RuleWhitespace, Warning, "leading or trailing spaces in an id, email, language or boolean field"},
	{RuleHeaderBlank, Error, "a header cell is empty"},
	{RuleBlankLine, Warning, "an empty line between records"},
	{RuleLineEndings, Warning, "the file mixes CRLF and LF record ends"},
	{RuleRunawayQuote, Warning, "a quoted field spans more than 3 lines or swallows what reads as a record"},
	{RuleAPIKey, Error, "a field holds the API key whole, in any form the key filter knows (a piece of it is data)"},
	{RuleRequired, Error, "an empty required field (users id and email, groups id and name, mapping groupId)"},
	{RuleEmailFormat, Error, "an email that is not a single plain address local@domain.tld"},
	{RuleEmailCase, Warning, "an email with upper-case letters"},
	{RuleDuplicateID, Error, "a user or team id seen before"},
	{RuleDuplicateEmail, Error, "an email seen before, compared case-insensitively"},
	{RuleLanguageValue, Error, "a language that is not one of English, Français, Español, Português, Deutsche"},
	{RuleNamePair, Warning, "exactly one of firstName and lastName is empty"},
	{RuleImageURL, Warning, "an imageUrl that is not an absolute http(s) URL"},
	{RuleFieldLength, Warning, "a firstName, lastName or team name over 50 characters, a jobTitle over 255"},
	{RuleDuplicateName, Warning, "a team name seen before (case-insensitive)"},
	{RuleMappingTarget, Error, "both or neither of userId and subGroupId are set"},
	{RuleBoolean, Error, "isMember or isManager is not TRUE or FALSE"},
	{RuleUnknownTeam, Error, "groupId or subGroupId is not an id in groups.csv"},
	{RuleUnknownUser, Error, "userId is not an id in users.csv"},
	{RuleDuplicateMapping, Warning, "the same team and user or sub-team again with the same flags"},
	{RuleConflicting, Error, "the same team and user or sub-team again with different flags"},
	{RuleNoRole, Warning, "a user row with isMember and isManager both FALSE"},
	{RuleManagerIsMember, Info, "a user row with isMember and isManager both TRUE"},
	{RuleCycle, Error, "sub-teams form a cycle"},
	{RuleNoHierarchy, Warning, "a manager of managers cannot see the teams of their hierarchy"},
	{RuleNoManager, Info, "a team with members or sub-teams and no manager"},
	{RuleEmptyTeam, Warning, "a team with no members and no sub-teams"},
	{RuleUserWithoutTeam, Info, "a user in no team"},
	{RuleMultipleParents, Info, "a team is a sub-team of more than one team"},
	{RuleSchema, Error, "a row violates a user-supplied JSON Schema"},
	{RuleConfig, Error, "config.json problems: unknown keys, non-https ApiUrl, ApiKey in the file"},
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
