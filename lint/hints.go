package lint

import (
	"fmt"
	"net/mail"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"

	"github.com/ovsync/ovsync/internal/editdist"
)

// languageAliases maps what people write, folded by foldName, to the
// Officevibe language they mean.
var languageAliases = map[string]string{
	"english": "English", "en": "English", "eng": "English", "anglais": "English", "ingles": "English",
	"en-us": "English", "en-gb": "English", "en-ca": "English", "en_us": "English", "en_gb": "English",
	"francais": "Français", "french": "Français", "fr": "Français", "fra": "Français", "fre": "Français",
	"fr-ca": "Français", "fr-fr": "Français", "fr_ca": "Français", "fr_fr": "Français", "frances": "Français",
	"espanol": "Español", "spanish": "Español", "es": "Español", "spa": "Español", "castellano": "Español",
	"es-es": "Español", "es-mx": "Español", "es_es": "Español", "es_mx": "Español", "espagnol": "Español",
	"portugues": "Português", "portuguese": "Português", "pt": "Português", "por": "Português",
	"pt-br": "Português", "pt-pt": "Português", "pt_br": "Português", "pt_pt": "Português",
	"deutsche": "Deutsche", "deutsch": "Deutsche", "german": "Deutsche", "de": "Deutsche", "ger": "Deutsche",
	"deu": "Deutsche", "de-de": "Deutsche", "de_de": "Deutsche", "allemand": "Deutsche", "aleman": "Deutsche",
}

// foldName lower-cases s and removes the accents of Latin letters, so
// that "Français", "FRANCAIS" and "francais" compare equal.
func foldName(s string) string {
	l := strings.ToLower(strings.TrimSpace(s))
	// Most names have no accent to remove: ASCII, or text already in NFD
	// without combining marks ("Sales – EMEA"). They fold to their lower
	// case, at no allocation when they are already.
	plain := true
	for i := 0; i < len(l) && plain; i++ {
		plain = l[i] < utf8.RuneSelf
	}
	if plain || norm.NFD.IsNormalString(l) && !strings.ContainsFunc(l, isMark) {
		return l
	}
	var b strings.Builder
	for _, r := range norm.NFD.String(l) {
		if !isMark(r) {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// isMark reports whether r is a combining diacritical mark.
func isMark(r rune) bool { return r >= 0x300 && r <= 0x36F }

// nearestLanguage returns the language a value most likely means, as the
// legacy format names it ("Français"), or "" when nothing is close.
func nearestLanguage(v string) string {
	f := foldName(v)
	if lang, ok := languageAliases[f]; ok {
		return lang
	}
	best, bestDist := "", 3
	for alias, lang := range languageAliases {
		if len(alias) < 4 {
			continue
		}
		if d := editdist.Levenshtein(f, alias); d < bestDist || d == bestDist && best != "" && lang < best {
			best, bestDist = lang, d
		}
	}
	return best
}

// Language returns the Officevibe language a value of an HR system means,
// as the legacy format names it ("Français"), for values that can only
// mean one: an English or native name in any case and with or without
// accents (French, français, Deutsch), an ISO 639 code with or without a
// region (fr, fra, fr-CA, pt_BR, en-US.UTF-8), or such a value followed
// by a note in parentheses ("English (United States)"). ok is false for
// anything else; nothing is guessed from a near spelling, unlike the
// hints of language-value.
func Language(value string) (legacy string, ok bool) {
	f := foldName(value)
	if lang, ok := languageAliases[f]; ok {
		return lang, true
	}
	if i := strings.IndexByte(f, '('); i > 0 && strings.HasSuffix(f, ")") {
		f = strings.TrimSpace(f[:i])
		if lang, ok := languageAliases[f]; ok {
			return lang, true
		}
	}
	if i := strings.IndexAny(f, "-_."); i == 2 || i == 3 {
		if lang, ok := languageAliases[f[:i]]; ok {
			return lang, true
		}
	}
	return "", false
}

// LanguageIn spells a legacy language name ("Français") in vocabulary v:
// the same name in the legacy format, its code ("fr") in the successor.
func LanguageIn(v *Vocabulary, legacyName string) string { return languageIn(v, legacyName) }

// booleanHint returns TRUE or FALSE for a value that means yes or no.
func booleanHint(v string) string {
	switch foldName(v) {
	case "yes", "y", "1", "x", "t", "true", "vrai", "oui", "si", "sim", "ja", "on", "✓", "✔":
		return "TRUE"
	case "no", "n", "0", "f", "false", "faux", "non", "nao", "nein", "off", "-":
		return "FALSE"
	}
	return ""
}

// quoted quotes a value for a message, cut to 60 characters: the whole
// value is in the finding's value field.
func quoted(v string) string {
	const max = 60
	if utf8.RuneCountInString(v) > max {
		r := []rune(v)
		v = string(r[:max-1]) + "…"
	}
	return strconv.Quote(v)
}

// languageIn spells a legacy language name in vocabulary v: the same
// name, or its code in the successor format.
func languageIn(v *Vocabulary, legacyName string) string {
	if i := slices.Index(Legacy.Languages, legacyName); i >= 0 && i < len(v.Languages) {
		return v.Languages[i]
	}
	return legacyName
}

// fieldProblem writes the message and hint of a field rule that a schema
// constraint reported for value in column of a file in vocabulary v.
func fieldProblem(v *Vocabulary, rule, column, value string) (msg, hint string) {
	switch rule {
	case RuleRequired:
		return fmt.Sprintf("%s is empty", column), fmt.Sprintf("fill in %s: every row needs one", column)
	case RuleEmailFormat:
		msg = fmt.Sprintf("email %s is not a plain address like name@example.com", quoted(value))
		if a, err := mail.ParseAddress(value); err == nil && a.Address != value {
			return msg, fmt.Sprintf("use %q", a.Address)
		}
		if strings.ContainsAny(value, ",;") {
			return msg, "give one address per user"
		}
		if strings.ContainsAny(value, " \t") {
			return msg, "remove the spaces"
		}
		return msg, "write the address as local@domain.tld"
	case RuleEmailCase:
		return fmt.Sprintf("email %s has upper-case letters", quoted(value)),
			fmt.Sprintf("use %s: Officevibe keys members by lower-case email", quoted(strings.ToLower(value)))
	case RuleLanguageValue:
		msg = fmt.Sprintf("language %s is not an Officevibe language", quoted(value))
		if v != Legacy {
			msg = fmt.Sprintf("%s %s is not a language code", column, quoted(value))
		}
		if near := languageIn(v, nearestLanguage(value)); near != "" {
			if norm.NFC.String(value) == near {
				return msg, fmt.Sprintf("use %q: the value has the same letters in decomposed Unicode (NFD); save it as NFC", near)
			}
			return msg, fmt.Sprintf("use %q", near)
		}
		return msg, "use one of " + strings.Join(v.Languages, ", ") + ", or leave it empty"
	case RuleImageURL:
		return fmt.Sprintf("imageUrl %s is not an absolute http(s) URL", quoted(value)),
			"use the full https:// address of the picture, or leave it empty"
	case RuleBoolean:
		msg = fmt.Sprintf("%s %s is not TRUE or FALSE", column, quoted(value))
		if b := booleanHint(value); b != "" {
			return msg, fmt.Sprintf("use %q", b)
		}
		return msg, "use TRUE or FALSE (an empty value reads as FALSE)"
	}
	return fmt.Sprintf("%s %s breaks rule %s", column, quoted(value), rule), ""
}
