package lint

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/ovsync/ovsync/internal/displaypath"
)

// DetectFormat tells the format of an org's files (paths by kind; "" for
// a file not given) from their headers, and from a file's name where its
// header says nothing either way. Files of different formats in one org
// are an error. A file that cannot be read or decoded says nothing here:
// lint reports it. With nothing to go by, the format is [Legacy].
func DetectFormat(paths [3]string) (*Vocabulary, error) {
	var found *Vocabulary
	var foundIn string
	for k, p := range paths {
		if p == "" {
			continue
		}
		v := detectFile(Kind(k), p)
		if v == nil {
			continue
		}
		if found != nil && v != found {
			return nil, fmt.Errorf("the files mix two formats: %s is in the %s format but %s is in the %s format (rename the columns of one, or run \"ovsync migrate\" on legacy files)",
				displaypath.Of(foundIn), found.Title, displaypath.Of(p), v.Title)
		}
		found, foundIn = v, p
	}
	if found == nil {
		return Legacy, nil
	}
	return found, nil
}

// detectFile tells the format of one file of kind, or nil when neither
// its header nor its name tells.
func detectFile(k Kind, path string) *Vocabulary {
	f, err := os.Open(path)
	if err != nil {
		return nil
	}
	defer f.Close()
	r := NewCSVReader(path, f, func(Finding) {})
	rec, err := r.Next()
	var names []string
	if err == nil {
		names = rec.Fields
	} else if err != io.EOF {
		return nil
	}
	return formatOf(k, names, filepath.Base(path))
}

// formatOf tells the format of a file of kind from its header names: the
// vocabulary with more of its own column names there (names both share,
// like email, count for neither); on a tie, its file name.
func formatOf(k Kind, header []string, name string) *Vocabulary {
	in := map[string]bool{}
	for _, h := range header {
		in[strings.ToLower(strings.TrimSpace(h))] = true
	}
	shared := map[string]bool{}
	for _, c := range Legacy.Columns(k) {
		for _, d := range Provisioning.Columns(k) {
			if strings.EqualFold(c, d) {
				shared[strings.ToLower(c)] = true
			}
		}
	}
	score := func(v *Vocabulary) int {
		n := 0
		for _, c := range v.Columns(k) {
			if c := strings.ToLower(c); in[c] && !shared[c] {
				n++
			}
		}
		return n
	}
	l, p := score(Legacy), score(Provisioning)
	switch {
	case l > p:
		return Legacy
	case p > l:
		return Provisioning
	}
	for _, v := range Vocabularies {
		if strings.EqualFold(name, v.FileNames[k]) {
			return v
		}
	}
	return nil
}
