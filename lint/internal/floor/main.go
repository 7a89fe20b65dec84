// Command floor is the memory and time baseline of "ovsync lint": a
// standard-library program that reads an org's three files with
// encoding/csv and keeps no more than the checks need (an index of the
// user ids, emails, team ids and team names, and the mapping rows as
// integers), checks duplicates and references as lint does, and writes
// each finding as soon as it is found. It prints no hint and runs one
// structure rule (users in no team) to touch the rows once.
//
//	go build -o /tmp/floor ./lint/internal/floor
//	/usr/bin/time -v /tmp/floor /tmp/org1m/config.json >/dev/null
//
// lint's own peak memory is measured against this floor (see the
// Benchmarks section of docs/development.md).
package main

import (
	"bufio"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
)

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "floor: usage: floor CONFIG.json")
		os.Exit(2)
	}
	if err := run(os.Args[1], os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "floor:", err)
		os.Exit(2)
	}
}

type mapping struct {
	team, user, sub     int32
	isMember, isManager bool
	line                int32
}

func run(config string, stdout io.Writer) error {
	b, err := os.ReadFile(config)
	if err != nil {
		return err
	}
	var cfg struct {
		Configuration struct{ UsersCsv, GroupsCsv, MappingCsv string }
	}
	if err := json.Unmarshal(b, &cfg); err != nil {
		return err
	}
	dir := filepath.Dir(config)
	w := bufio.NewWriter(stdout)
	defer w.Flush()
	userIndex := map[string]int32{}
	emails := map[string]int32{}
	err = each(filepath.Join(dir, cfg.Configuration.UsersCsv), func(line int, f []string) {
		id, email := f[0], f[1]
		if _, dup := userIndex[id]; dup {
			fmt.Fprintf(w, "users.csv:%d: duplicate-id %q\n", line, id)
			return
		}
		userIndex[strings.Clone(id)] = int32(len(userIndex))
		key := strings.ToLower(email)
		if _, dup := emails[key]; dup {
			fmt.Fprintf(w, "users.csv:%d: duplicate-email %q\n", line, email)
		} else {
			emails[strings.Clone(key)] = int32(line)
		}
		if !strings.Contains(email, "@") {
			fmt.Fprintf(w, "users.csv:%d: email-format %q\n", line, email)
		}
	})
	if err != nil {
		return err
	}
	teamIndex := map[string]int32{}
	names := map[string]int32{}
	err = each(filepath.Join(dir, cfg.Configuration.GroupsCsv), func(line int, f []string) {
		id, name := f[0], f[1]
		if _, dup := teamIndex[id]; dup {
			fmt.Fprintf(w, "groups.csv:%d: duplicate-id %q\n", line, id)
			return
		}
		teamIndex[strings.Clone(id)] = int32(len(teamIndex))
		key := strings.ToLower(name)
		if first, dup := names[key]; dup {
			fmt.Fprintf(w, "groups.csv:%d: duplicate-name %q is already used on line %d\n", line, name, first)
		} else {
			names[strings.Clone(key)] = int32(line)
		}
	})
	if err != nil {
		return err
	}
	var ms []mapping
	err = each(filepath.Join(dir, cfg.Configuration.MappingCsv), func(line int, f []string) {
		m := mapping{team: -1, user: -1, sub: -1, line: int32(line),
			isMember: strings.EqualFold(f[3], "true"), isManager: strings.EqualFold(f[4], "true")}
		var ok bool
		if m.team, ok = teamIndex[f[0]]; !ok {
			fmt.Fprintf(w, "groups-mapping.csv:%d: unknown-team %q\n", line, f[0])
		}
		if f[1] != "" {
			if m.user, ok = userIndex[f[1]]; !ok {
				fmt.Fprintf(w, "groups-mapping.csv:%d: unknown-user %q\n", line, f[1])
			}
		}
		if f[2] != "" {
			if m.sub, ok = teamIndex[f[2]]; !ok {
				fmt.Fprintf(w, "groups-mapping.csv:%d: unknown-team %q\n", line, f[2])
			}
		}
		ms = append(ms, m)
	})
	if err != nil {
		return err
	}
	// Users in no team: the one structure rule, to touch the model once.
	inTeam := make([]bool, len(userIndex))
	for _, m := range ms {
		if m.user >= 0 {
			inTeam[m.user] = true
		}
	}
	for i, in := range inTeam {
		if !in {
			fmt.Fprintf(w, "users.csv: user-without-team %d\n", i)
		}
	}
	return nil
}

// each calls fn with the line and fields of every record after the header.
func each(path string, fn func(line int, fields []string)) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	r := csv.NewReader(bufio.NewReaderSize(f, 64<<10))
	r.ReuseRecord = true
	r.FieldsPerRecord = -1
	if _, err := r.Read(); err != nil {
		return err
	}
	for {
		rec, err := r.Read()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
		line, _ := r.FieldPos(0)
		if len(rec) < 5 {
			rec = append(rec, make([]string, 5-len(rec))...)
		}
		fn(line, rec)
	}
}
