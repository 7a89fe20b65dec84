// Command ovsync checks, converts, draws and pushes the three CSV files of
// an Officevibe organisation (users.csv, groups.csv, groups-mapping.csv).
//
// Run "ovsync help" for the subcommands.
package main

import "os"

func main() {
	os.Exit(run(os.Args, os.Stdin, os.Stdout, os.Stderr))
}
