package build

import (
	"fmt"
	"io"
	"strconv"

	"github.com/ovsync/ovsync/internal/table"
)

// printSummary draws the table of what was built, then names the files
// written.
func printSummary(w io.Writer, s *Summary) error {
	var rows [][]string
	add := func(what string, n int, always bool) {
		if n > 0 || always {
			rows = append(rows, []string{what, strconv.Itoa(n)})
		}
	}
	add("people", s.People, true)
	add("rows left out by --where", s.Filtered, s.Filtered > 0)
	add("managers", s.Managers, true)
	add("manager values matched by id", s.ByID, false)
	add("manager values matched by email", s.ByEmail, false)
	add("manager values matched by --manager-key", s.ByKey, false)
	add("roots (no manager)", s.Roots, true)
	add("levels", s.Depth, true)
	add("emails written in lower case", s.Lowered, false)
	add("cells computed from formulas", s.Computed, false)
	add("direct-reports teams", s.Direct, true)
	add("hierarchy teams", s.Hierarchy, true)
	add("segment teams", s.Segment, false)
	add("hand-made teams", s.HandMade, false)
	add("mapping rows", s.Mappings, true)
	if err := table.Write(w, []string{"BUILT", "COUNT"}, rows, 1); err != nil {
		return err
	}
	_, err := fmt.Fprintf(w, "wrote %s, %s and %s (%s format)\n", s.Outputs[0], s.Outputs[1], s.Outputs[2], s.Format.Name)
	return err
}
