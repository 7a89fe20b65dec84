// Package lint checks the files of an Officevibe organisation — users.csv,
// groups.csv and groups-mapping.csv, or their Workleap API provisioning
// twins members.csv, teams.csv and teams-mappings.csv — and the original
// sync tool's config.json, and reads them into the one org model that
// ovsync's graph and push use.
//
// [Run] lints an org and returns a [Report]: the [Finding] values in
// output order, each with a stable rule ID from [Rules], a position
// (file, 1-based line, 1-based byte column) and a hint; the counts; and
// the [Org] that was read. [Print] writes a report as text, JSON, GitHub
// workflow commands or SARIF. [Rules] describes every rule (when it
// fires, the files it reads, the fix); [PrintRules] writes that
// catalogue, which "ovsync rules" prints and docs/rules.md is made of.
//
// The pieces, in reading order:
//
//   - [CSVReader] is encoding/csv with the position of every field, and
//     the file-level rules (encoding, delimiter, csv-syntax, blank-line,
//     line-endings, runaway-quote);
//   - [Vocabulary] names each format's files and columns ([Legacy],
//     [Provisioning]); rules speak of [Role] values, never of names, and
//     [DetectFormat] tells a file's format from its header;
//   - the field rules live in the JSON Schemas of package schemas,
//     compiled once into direct per-column checks (patterns become
//     deterministic automata) instead of running a validator per row;
//   - users.csv is read on one core while groups.csv and the mapping are
//     read on the other; the rules across files run once both are done,
//     on the model's indexes ([Org.Problems] keeps their results).
//
// Memory grows with the number of distinct ids, not with the files'
// size: a million users lint in a few seconds and about 600 MB at peak,
// within twice the standard-library floor of lint/internal/floor, in
// every format: the printers stream, one finding at a time. SARIF columns
// count UTF-16 code units ([Finding.UTF16Column]), filled by reading each
// file with a column once more after the findings are sorted.
package lint
