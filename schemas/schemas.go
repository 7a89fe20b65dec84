// Package schemas holds the JSON Schemas (draft 2020-12) of one row of
// each CSV file of an org, in the legacy Officevibe format (users, groups,
// mapping) and in Workleap API provisioning (members, teams,
// teams-mappings): the single place where the field rules live.
//
// A row is validated as an object of column name to field value, all
// strings, with surrounding spaces removed. Each constraint carries the
// lint rule that reports it in the "x-ovsync-rule" keyword, which other
// validators ignore, so the files can be reused as they are.
package schemas

import (
	"embed"
	"fmt"
	"strings"
)

//go:embed *.schema.json
var files embed.FS

// Names lists the schema names in a stable order: the three files of the
// legacy Officevibe format, then the three of Workleap API provisioning.
var Names = []string{"users", "groups", "mapping", "members", "teams", "teams-mappings"}

// Get returns the schema of name (one of [Names]).
func Get(name string) ([]byte, error) {
	b, err := files.ReadFile(name + ".schema.json")
	if err != nil {
		return nil, fmt.Errorf("no schema named %q (use %s)", name, strings.Join(Names, ", "))
	}
	return b, nil
}

// URL returns the $id under which the schema of name is compiled.
func URL(name string) string {
	return "https://github.com/ovsync/ovsync/schemas/" + name + ".schema.json"
}
