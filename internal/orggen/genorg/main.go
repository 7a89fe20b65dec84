// Command genorg writes a generated Officevibe org to a folder, for
// benchmarks:
//
//	go run ./internal/orggen/genorg -users 1000000 -seed 1 -out /tmp/org1m
//
// The folder gets config.json and Data/users.csv, Data/groups.csv and
// Data/groups-mapping.csv; the counts and size are printed. With -export,
// the same people are written instead as an HR system's export, the input
// of ovsync build:
//
//	go run ./internal/orggen/genorg -users 1000000 -export /tmp/export1m.csv
package main

import (
	"flag"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/ovsync/ovsync/internal/orggen"
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

// run is the command with its arguments and streams; it returns the exit
// status: 0 done, 2 usage or write error.
func run(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("genorg", flag.ContinueOnError)
	fs.SetOutput(stderr)
	users := fs.Int("users", 1000, "number of people in the org")
	seed := fs.Int64("seed", 1, "seed of the org; the same seed gives the same files")
	out := fs.String("out", "", "folder to write config.json and Data/ to")
	export := fs.String("export", "", "file to write the people to as an HR export instead")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if (*out == "") == (*export == "") || fs.NArg() > 0 {
		fmt.Fprintln(stderr, "genorg: usage: genorg (-out DIR | -export FILE) [-users N] [-seed S]")
		return 2
	}
	start := time.Now()
	if *export != "" {
		f, err := os.Create(*export)
		if err == nil {
			var st orggen.Stats
			st, err = orggen.GenerateExport(f, orggen.Options{Users: *users, Seed: *seed})
			if cerr := f.Close(); err == nil {
				err = cerr
			}
			if err == nil {
				fmt.Fprintf(stdout, "users %d, %d bytes (%.1f MB) in %s, written in %.2fs\n",
					st.Users, st.Bytes, float64(st.Bytes)/1e6, *export, time.Since(start).Seconds())
				return 0
			}
		}
		fmt.Fprintf(stderr, "genorg: %v\n", err)
		return 2
	}
	st, err := orggen.WriteDir(*out, orggen.Options{Users: *users, Seed: *seed})
	if err != nil {
		fmt.Fprintf(stderr, "genorg: %v\n", err)
		return 2
	}
	fmt.Fprintf(stdout, "users %d, teams %d, mappings %d, %d bytes of CSV (%.1f MB) in %s, written in %.2fs\n",
		st.Users, st.Teams, st.Mappings, st.Bytes, float64(st.Bytes)/1e6, *out, time.Since(start).Seconds())
	return 0
}
