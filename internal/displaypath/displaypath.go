// Package displaypath writes a path as ovsync's messages and reports
// show it: one the user can open from where they ran the command.
package displaypath

import (
	"os"
	"path/filepath"
	"strings"
)

// Of returns path as the user can open it: relative to the working
// folder when under it, else absolute; "" stays "".
func Of(path string) string {
	if path == "" {
		return ""
	}
	abs, err := filepath.Abs(path)
	if err != nil {
		return path
	}
	wd, err := os.Getwd()
	if err != nil {
		return abs
	}
	rel, err := filepath.Rel(wd, abs)
	if err != nil || rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
		return abs
	}
	return rel
}
