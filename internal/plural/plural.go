// Package plural writes counts with the noun that agrees with them, for
// every message of ovsync: "1 team", "2 teams"; and lists as a sentence
// does: "a, b and c".
package plural

import "strconv"

// Count writes n and the noun in the form that agrees with it: one when n
// is 1, many otherwise (0 included: "0 errors").
func Count(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return strconv.Itoa(n) + " " + many
}
