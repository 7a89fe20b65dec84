// Package orggen generates large, realistic and clean Officevibe orgs for
// benchmarks: the three CSV files of the legacy format (users.csv,
// groups.csv, groups-mapping.csv) and the config.json that points at them.
//
// The org is a reporting tree with a span of control of 6 to 10, where about
// one person in seven is a manager. Every manager has a direct-reports team
// (themselves as manager, their reports as members); every manager of
// managers also has a hierarchy team that holds, as sub-teams, their
// direct-reports team and the top team of each manager among their reports.
// The result passes every org rule of ovsync lint.
//
// [Generate] streams the files and keeps only integer arrays per person in
// memory. The same [Options] always give the same bytes: every random draw
// comes from math/rand/v2 PCG streams seeded by [Options.Seed].
package orggen

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
)

// Options say which org to generate.
type Options struct {
	// Users is the number of people, at least 2.
	Users int
	// Seed selects the org; the same seed gives the same files.
	Seed int64
}

// Stats describe a generated org.
type Stats struct {
	// Users, Teams and Mappings count the data rows of users.csv,
	// groups.csv and groups-mapping.csv.
	Users, Teams, Mappings int
	// Bytes is the size of the three CSV files together.
	Bytes int64
}

// MaxUsers is the largest org Generate makes.
const MaxUsers = 100_000_000

// Header lines of the three files. Department, Country and Hiring Date are
// custom properties.
const (
	usersHeader   = "id,email,firstName,lastName,jobTitle,imageUrl,language,Department,Country,Hiring Date\n"
	groupsHeader  = "id,name\n"
	mappingHeader = "groupId,userId,subGroupId,isMember,isManager\n"
)

// emailDomain is the domain of every address; example.com is reserved for
// documentation (RFC 2606).
const emailDomain = "@example.com"

// imageURLPrefix starts the imageUrl of the users who have one.
const imageURLPrefix = "https://img.example.com/"

// Seeds of the independent random streams, so that changing how people are
// described never changes the shape of the tree.
const (
	streamTree   = 0x7472_6565 // "tree"
	streamIDs    = 0x6964_7321 // "ids!"
	streamPeople = 0x7065_6f70 // "peop"
)

// Generate writes the org described by opt as three CSV files: users.csv to
// users, groups.csv to groups and groups-mapping.csv to mapping, in that
// order (the whole of users first, mapping last). The writers are buffered
// here. Lines end in LF; fields are quoted only when RFC 4180 requires it.
func Generate(users, groups, mapping io.Writer, opt Options) (Stats, error) {
	if opt.Users < 2 {
		return Stats{}, fmt.Errorf("users must be at least 2, got %d", opt.Users)
	}
	if opt.Users > MaxUsers {
		return Stats{}, fmt.Errorf("users must be at most %d, got %d", MaxUsers, opt.Users)
	}
	seed := uint64(opt.Seed)
	g := &generator{
		t: buildTree(opt.Users, rand.New(rand.NewPCG(seed, streamTree))),
	}
	g.numberUsers(rand.New(rand.NewPCG(seed, streamIDs)))
	g.userWidth = max(7, len(strconv.Itoa(opt.Users)))
	teams := g.t.managers + g.t.mom
	g.teamWidth = max(6, len(strconv.Itoa(teams)))

	st := Stats{Users: opt.Users, Teams: teams}
	var err error
	var n int64
	if n, err = g.writeUsers(users, rand.New(rand.NewPCG(seed, streamPeople)), usersHeader, nil); err != nil {
		return st, fmt.Errorf("write users: %w", err)
	}
	st.Bytes += n
	if n, err = g.writeGroups(groups); err != nil {
		return st, fmt.Errorf("write groups: %w", err)
	}
	st.Bytes += n
	if n, st.Mappings, err = g.writeMapping(mapping); err != nil {
		return st, fmt.Errorf("write mapping: %w", err)
	}
	st.Bytes += n
	return st, nil
}

// configJSON is config.json in the original tool's format, with the three
// files in the Data folder beside it. The API key is left out: it belongs
// in OFFICEVIBE_API_KEY.
const configJSON = `{
  "Configuration": {
    "ApiUrl": "https://app.officevibe.com",
    "ApiKey": "",
    "UsersCsv": "./Data/users.csv",
    "GroupsCsv": "./Data/groups.csv",
    "MappingCsv": "./Data/groups-mapping.csv",
    "SyncManagerEmail": "",
    "InviteNewUsers": false
  }
}
`

// WriteDir writes the org described by opt to dir: dir/config.json and
// dir/Data/users.csv, dir/Data/groups.csv, dir/Data/groups-mapping.csv,
// creating the folders and replacing files of those names.
func WriteDir(dir string, opt Options) (Stats, error) {
	data := filepath.Join(dir, "Data")
	if err := os.MkdirAll(data, 0o755); err != nil {
		return Stats{}, err
	}
	if err := os.WriteFile(filepath.Join(dir, "config.json"), []byte(configJSON), 0o644); err != nil {
		return Stats{}, err
	}
	var files []*os.File
	for _, name := range []string{"users.csv", "groups.csv", "groups-mapping.csv"} {
		f, err := os.Create(filepath.Join(data, name))
		if err != nil {
			for _, f := range files {
				f.Close()
			}
			return Stats{}, err
		}
		files = append(files, f)
	}
	st, err := Generate(files[0], files[1], files[2], opt)
	for _, f := range files {
		err = errors.Join(err, f.Close())
	}
	return st, err
}

// generator holds an org while it is written.
type generator struct {
	t *tree
	// userNum is the 0-based number of each node's id; nodeOf is its
	// inverse, the node behind each users.csv row.
	userNum, nodeOf []int32
	// first, last and nameDup describe each person's name, set by
	// writeUsers: indexes into firstDisplay and lastNames, and the rank of
	// the person among those whose e-mail would be the same (1, 2, …).
	first, last []uint16
	nameDup     []uint32
	userWidth   int
	teamWidth   int
}

// numberUsers gives the nodes their ids in a random order, so that ids do
// not follow the reporting line.
func (g *generator) numberUsers(r *rand.Rand) {
	n := g.t.n
	g.userNum = make([]int32, n)
	g.nodeOf = make([]int32, n)
	for i := range n {
		g.nodeOf[i] = int32(i)
	}
	for i := n - 1; i > 0; i-- {
		j := r.IntN(i + 1)
		g.nodeOf[i], g.nodeOf[j] = g.nodeOf[j], g.nodeOf[i]
	}
	for i, v := range g.nodeOf {
		g.userNum[v] = int32(i)
	}
}

// countingWriter counts the bytes written through it.
type countingWriter struct {
	w io.Writer
	n int64
}

func (c *countingWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n += int64(n)
	return n, err
}

// rowWriter buffers rows on their way to a file.
type rowWriter struct {
	c   countingWriter
	b   *bufio.Writer
	row []byte
}

func newRowWriter(w io.Writer) *rowWriter {
	rw := &rowWriter{c: countingWriter{w: w}, row: make([]byte, 0, 512)}
	rw.b = bufio.NewWriterSize(&rw.c, 64<<10)
	return rw
}

// flush writes what is buffered and returns the bytes written in all.
func (rw *rowWriter) flush() (int64, error) {
	err := rw.b.Flush()
	return rw.c.n, err
}

// writeUsers writes users.csv in id order and records each person's name:
// header, then a row per person, to which extra (if not nil) appends
// fields of node v.
func (g *generator) writeUsers(w io.Writer, r *rand.Rand, header string, extra func(b []byte, v int) []byte) (int64, error) {
	t := g.t
	n := t.n
	g.first = make([]uint16, n)
	g.last = make([]uint16, n)
	g.nameDup = make([]uint32, n)
	seen := make([]uint32, len(firstLocals)*len(lastLocals))
	rw := newRowWriter(w)
	if _, err := rw.b.WriteString(header); err != nil {
		return rw.c.n, err
	}
	for num := range n {
		v := int(g.nodeOf[num])
		f := r.IntN(len(firstNames))
		if r.IntN(nicknameOdds) == 0 {
			f = len(firstNames) + r.IntN(len(nicknames))
		}
		l := r.IntN(len(lastNames))
		key := int(firstLocalOf[f])*len(lastLocals) + int(lastLocalOf[l])
		seen[key]++
		g.first[v], g.last[v], g.nameDup[v] = uint16(f), uint16(l), seen[key]

		b := rw.row[:0]
		b = appendPadded(b, num+1, g.userWidth)
		b = append(b, ',')
		b = append(b, firstLocals[firstLocalOf[f]]...)
		b = append(b, '.')
		b = append(b, lastLocals[lastLocalOf[l]]...)
		if seen[key] > 1 {
			b = strconv.AppendUint(b, uint64(seen[key]), 10)
		}
		b = append(b, emailDomain...)
		b = append(b, ',')
		b = append(b, firstCSV[f]...)
		b = append(b, ',')
		b = append(b, lastCSV[l]...)
		b = append(b, ',')
		b = append(b, g.jobTitle(v, r)...)
		b = append(b, ',')
		if r.IntN(imageOdds) == 0 {
			b = append(b, imageURLPrefix...)
			b = appendPadded(b, num+1, g.userWidth)
			b = append(b, ".jpg"...)
		}
		b = append(b, ',')
		ci := pick(r, countryWeights)
		c := &countries[ci]
		lang := c.languages[0]
		if len(c.languages) > 1 && r.IntN(4) == 0 {
			lang = c.languages[1+r.IntN(len(c.languages)-1)]
		}
		b = append(b, lang...)
		b = append(b, ',')
		b = append(b, departmentCSV[t.dept[v]]...)
		b = append(b, ',')
		b = append(b, countryCSV[ci]...)
		b = append(b, ',')
		b = appendHiringDate(b, t.isManager(v), r)
		if extra != nil {
			b = extra(b, v)
		}
		b = append(b, '\n')
		rw.row = b
		if _, err := rw.b.Write(b); err != nil {
			return rw.c.n, err
		}
	}
	return rw.flush()
}

// Odds (one in so many) of a person having a nickname and a picture.
const (
	nicknameOdds = 150
	imageOdds    = 10
)

// jobTitle returns the CSV field of v's job title, drawn by role and
// department.
func (g *generator) jobTitle(v int, r *rand.Rand) string {
	t := g.t
	d := t.dept[v]
	switch {
	case v == 0:
		return ceoTitle
	case !t.isManager(v):
		titles := icTitleCSV[d]
		return titles[r.IntN(len(titles))]
	case t.depth[v] == 1:
		return vpTitleCSV[d]
	case t.managesManagers(v):
		return directorTitleCSV[d]
	default:
		return managerTitleCSV[d]
	}
}

// ceoTitle is the job title of the top of the org.
const ceoTitle = "Chief Executive Officer"

// Hiring dates fall between these days (counted from 1970-01-01): 1990-01-01
// to 2025-12-31; managers were hired before 2021.
const (
	hiringFirstDay   = 7305
	hiringLastDay    = 20453
	hiringManagerEnd = 18628
)

// appendHiringDate appends a hiring date as YYYY-MM-DD.
func appendHiringDate(b []byte, manager bool, r *rand.Rand) []byte {
	last := hiringLastDay
	if manager {
		last = hiringManagerEnd
	}
	y, m, d := civil(hiringFirstDay + r.IntN(last-hiringFirstDay+1))
	b = appendPadded(b, y, 4)
	b = append(b, '-')
	b = appendPadded(b, m, 2)
	b = append(b, '-')
	return appendPadded(b, d, 2)
}

// civil returns the proleptic Gregorian date of a day counted from
// 1970-01-01 (Howard Hinnant's civil_from_days, for days >= 0).
func civil(days int) (year, month, day int) {
	z := days + 719468
	era := z / 146097
	doe := z - era*146097
	yoe := (doe - doe/1460 + doe/36524 - doe/146096) / 365
	doy := doe - (365*yoe + yoe/4 - yoe/100)
	mp := (5*doy + 2) / 153
	day = doy - (153*mp+2)/5 + 1
	month = mp + 3
	if month > 12 {
		month -= 12
	}
	year = yoe + era*400
	if month <= 2 {
		year++
	}
	return year, month, day
}

// appendPadded appends x in decimal, left-padded with zeros to width digits.
func appendPadded(b []byte, x, width int) []byte {
	var tmp [20]byte
	s := strconv.AppendInt(tmp[:0], int64(x), 10)
	for i := len(s); i < width; i++ {
		b = append(b, '0')
	}
	return append(b, s...)
}

// appendTeamID appends the id of team number t (0-based): T000001, ….
func (g *generator) appendTeamID(b []byte, t int32) []byte {
	b = append(b, 'T')
	return appendPadded(b, int(t)+1, g.teamWidth)
}

// appendUserID appends the id of node v.
func (g *generator) appendUserID(b []byte, v int) []byte {
	return appendPadded(b, int(g.userNum[v])+1, g.userWidth)
}

// writeGroups writes groups.csv in team order. Team names hold their
// manager's name, so they are unique because e-mail addresses are.
func (g *generator) writeGroups(w io.Writer) (int64, error) {
	t := g.t
	rw := newRowWriter(w)
	if _, err := rw.b.WriteString(groupsHeader); err != nil {
		return rw.c.n, err
	}
	var name []byte
	for v := range t.n {
		if !t.isManager(v) {
			continue
		}
		id := t.team[v]
		if t.managesManagers(v) {
			name = g.appendTeamName(name[:0], v, "'s organization")
			if err := rw.writeGroup(g, id, name); err != nil {
				return rw.c.n, err
			}
			id++
		}
		name = g.appendTeamName(name[:0], v, "'s team")
		if err := rw.writeGroup(g, id, name); err != nil {
			return rw.c.n, err
		}
	}
	return rw.flush()
}

// appendTeamName appends "First Last<suffix>", with " (n)" after it for the
// n-th person of that e-mail address.
func (g *generator) appendTeamName(b []byte, v int, suffix string) []byte {
	b = append(b, firstDisplay[g.first[v]]...)
	b = append(b, ' ')
	b = append(b, lastNames[g.last[v]]...)
	b = append(b, suffix...)
	if d := g.nameDup[v]; d > 1 {
		b = append(b, " ("...)
		b = strconv.AppendUint(b, uint64(d), 10)
		b = append(b, ')')
	}
	return b
}

func (rw *rowWriter) writeGroup(g *generator, id int32, name []byte) error {
	b := g.appendTeamID(rw.row[:0], id)
	b = append(b, ',')
	b = appendCSV(b, name)
	b = append(b, '\n')
	rw.row = b
	_, err := rw.b.Write(b)
	return err
}

// appendCSV appends s as a CSV field, quoted when needed (see csvField).
func appendCSV(b, s []byte) []byte {
	quote := len(s) > 0 && s[0] == ' '
	for _, c := range s {
		if c == ',' || c == '"' || c == '\r' || c == '\n' {
			quote = true
			break
		}
	}
	if !quote {
		return append(b, s...)
	}
	b = append(b, '"')
	for _, c := range s {
		if c == '"' {
			b = append(b, '"')
		}
		b = append(b, c)
	}
	return append(b, '"')
}

// writeMapping writes groups-mapping.csv team by team, in team order: a
// hierarchy team's manager and sub-teams, then a direct-reports team's
// manager and members.
func (g *generator) writeMapping(w io.Writer) (int64, int, error) {
	t := g.t
	rw := newRowWriter(w)
	if _, err := rw.b.WriteString(mappingHeader); err != nil {
		return rw.c.n, 0, err
	}
	rows := 0
	for v := range t.n {
		if !t.isManager(v) {
			continue
		}
		first, n := int(t.childStart[v]), int(t.nChild[v])
		direct := t.team[v]
		b := rw.row[:0]
		if t.managesManagers(v) {
			hier := direct
			direct++
			b = g.appendUserRow(b, hier, v, "FALSE,TRUE\n")
			b = g.appendSubTeamRow(b, hier, direct)
			rows += 2
			for c := first; c < first+n; c++ {
				if t.isManager(c) {
					b = g.appendSubTeamRow(b, hier, t.team[c])
					rows++
				}
			}
		}
		b = g.appendUserRow(b, direct, v, "FALSE,TRUE\n")
		for c := first; c < first+n; c++ {
			b = g.appendUserRow(b, direct, c, "TRUE,FALSE\n")
		}
		rows += 1 + n
		rw.row = b
		if _, err := rw.b.Write(b); err != nil {
			return rw.c.n, rows, err
		}
	}
	n, err := rw.flush()
	return n, rows, err
}

// appendUserRow appends a mapping row putting node v in a team; flags is
// "isMember,isManager\n".
func (g *generator) appendUserRow(b []byte, team int32, v int, flags string) []byte {
	b = g.appendTeamID(b, team)
	b = append(b, ',')
	b = g.appendUserID(b, v)
	b = append(b, ",,"...)
	return append(b, flags...)
}

// appendSubTeamRow appends a mapping row putting team sub in team parent.
func (g *generator) appendSubTeamRow(b []byte, parent, sub int32) []byte {
	b = g.appendTeamID(b, parent)
	b = append(b, ",,"...)
	b = g.appendTeamID(b, sub)
	return append(b, ",FALSE,FALSE\n"...)
}
