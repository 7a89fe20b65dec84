package main

import (
	"strings"

	"github.com/urfave/cli/v2"

	"github.com/ovsync/ovsync/lint"
)

// rulesCommand is "ovsync rules".
func rulesCommand() *cli.Command {
	return &cli.Command{
		Name:      "rules",
		Usage:     "list lint's rules: id, severity, files, when each fires and the fix",
		ArgsUsage: "[ID...]",
		Description: `Prints lint's rule catalogue, from the rule table lint itself runs: each
rule's id, default severity, the files it reads, when it fires and how to
fix what it finds. With IDs, only those rules; one rule as text shows each
of its fields in full. The ids are what "ovsync lint --rule ID=SEV" takes,
and what every output format of lint names; they never change.

--format text (the default) draws a table; json prints {"version": 1,
"rules": [...]}; markdown prints the catalogue as docs/rules.md holds it.

Exit status: 0 printed; 2 usage (an unknown id: the message names the
nearest ones).

Examples:
   ovsync rules
   ovsync rules language-value
   ovsync rules --format json | jq -r '.rules[] | select(.severity == "error") | .id'
   ovsync rules --format markdown > rules.md`,
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "format", Aliases: []string{"f"}, Value: "text", Usage: "print the catalogue as `FORMAT`: " + strings.Join(lint.RuleFormats(), ", ")},
		},
		Action: runRules,
	}
}

// runRules is the action of "ovsync rules".
func runRules(c *cli.Context) error {
	rules := lint.Rules
	if c.NArg() > 0 {
		rules = nil
		for _, id := range c.Args().Slice() {
			r, ok := lint.LookupRule(id)
			if !ok {
				return exitWith(exitUsage, lint.UnknownRule(id))
			}
			rules = append(rules, r)
		}
	}
	// An unknown format is PrintRules' error, a usage error as any plain
	// error of a command is.
	return lint.PrintRules(c.App.Writer, c.String("format"), rules)
}
