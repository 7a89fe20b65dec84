package lint

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/ovsync/ovsync/internal/displaypath"
	"github.com/ovsync/ovsync/internal/editdist"
	"github.com/ovsync/ovsync/internal/plural"
)

// DataFolder tells whether dir is read as the files of an org: a folder
// without config.json that holds files under the names of one format
// (users.csv, groups.csv and groups-mapping.csv, or Workleap's
// members.csv, teams.csv and teams-mappings.csv), such as the Data folder
// beside the original tool's config.json, or under names close to them
// (group.csv). "" is the current folder. ok is false for anything else:
// a file, a folder holding config.json, a folder of other files, a path
// that does not exist ([FindConfig] says what is wrong then).
//
// Read as a folder, an org needs all three files: when one is missing,
// err names it and what the folder holds instead ("found group.csv: did
// you mean groups.csv?"). A subset is linted on purpose by naming files
// with [Options] Users, Groups and Mapping, never by leaving one out of a
// folder. Every subcommand that takes a PATH reads it through here.
func DataFolder(dir string) (paths [3]string, ok bool, err error) {
	if dir == "" {
		dir = "."
	}
	if st, err := os.Stat(dir); err != nil || !st.IsDir() {
		return paths, false, nil
	}
	if _, err := os.Lstat(filepath.Join(dir, "config.json")); !errors.Is(err, fs.ErrNotExist) {
		return paths, false, nil
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		return paths, false, nil
	}
	var files []string
	for _, e := range entries {
		if !e.IsDir() {
			files = append(files, e.Name())
		}
	}
	// The format with more of its names present; the legacy one on a tie.
	v, found := Legacy, 0
	for _, voc := range Vocabularies {
		n := 0
		for _, name := range voc.FileNames {
			if _, ok := fileNamed(files, name); ok {
				n++
			}
		}
		if n > found {
			v, found = voc, n
		}
	}
	var missing, hints []string
	for k, name := range v.FileNames {
		if f, ok := fileNamed(files, name); ok {
			paths[k] = filepath.Join(dir, f)
			continue
		}
		missing = append(missing, name)
		if near := nearNames(files, name, true); len(near) > 0 {
			hints = append(hints, fmt.Sprintf("found %s: did you mean %s?", strings.Join(near, " and "), name))
		}
	}
	switch {
	case len(missing) == 0:
		return paths, true, nil
	case found == 0 && len(hints) == 0:
		return paths, false, nil // not a folder of org files at all
	}
	if len(hints) < len(missing) {
		hints = append(hints, "the folder holds "+listNames(files, 10))
	}
	hints = append(hints, fmt.Sprintf("a folder without config.json is read as the three files %s: name them so, or give a subset on purpose with --users, --groups and --mapping",
		strings.Join(v.FileNames[:], ", ")))
	verb := "is"
	if len(missing) > 1 {
		verb = "are"
	}
	return paths, true, fmt.Errorf("%s: %s %s missing from this folder of org files (no config.json)\nhint: %s",
		displaypath.Of(dir), plural.And(missing), verb, strings.Join(hints, "\nhint: "))
}

// fileNamed returns the file of files named name, or else the one file
// named so in another case (Users.csv, as Windows and macOS would open
// it anyway).
func fileNamed(files []string, name string) (string, bool) {
	if slices.Contains(files, name) {
		return name, true
	}
	var same []string
	for _, f := range files {
		if strings.EqualFold(f, name) {
			same = append(same, f)
		}
	}
	if len(same) == 1 {
		return same[0], true
	}
	return "", false
}

// nearNames returns the names among files that look like want without
// being it: the same name in another case, a few letters apart
// (group.csv, groups_mapping.csv), or with more after it (users.csv.txt,
// as Windows hides a second extension; groups.csv.bak). With others, the file names of every
// format are left out: members.csv is not a misspelt users.csv.
func nearNames(files []string, want string, others bool) []string {
	var near []string
	w := strings.ToLower(want)
	for _, f := range files {
		if f == want || others && isFileName(f) {
			continue
		}
		l := strings.ToLower(f)
		if d := editdist.Levenshtein(l, w); d <= 2 || d <= 3 && len(w) >= 12 || strings.HasPrefix(l, w) {
			near = append(near, f)
		}
	}
	return near
}

// isFileName reports whether name is the file name of a kind in some
// format.
func isFileName(name string) bool {
	for _, v := range Vocabularies {
		if slices.Contains(v.FileNames[:], name) {
			return true
		}
	}
	return false
}

// listNames lists at most limit names, saying how many more there are,
// or says there are none.
func listNames(names []string, limit int) string {
	switch {
	case len(names) == 0:
		return "no file"
	case len(names) > limit:
		return fmt.Sprintf("%s and %d more", strings.Join(names[:limit], ", "), len(names)-limit)
	}
	return strings.Join(names, ", ")
}
