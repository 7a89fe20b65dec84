package plan

import (
	"fmt"
	"io"
	"strings"
	"sync"

	"github.com/ovsync/ovsync/internal/displaypath"
	"github.com/ovsync/ovsync/internal/rowpipe"
	"github.com/ovsync/ovsync/lint"
)

// pass is the planning pass: lint's row hook (lint.Options.Rows), in the
// read of the files that lints them. As lint reads the users file, the
// protocol writes each user's object into the body, and the pass keeps
// of the user what lint's model does not: a 64-bit hash of each of its
// values but the id, email and names, which the model holds (the values
// themselves only where they differ from the model's, which removes the
// spaces around them). Of the groups and mapping rows it keeps only what
// the model does not hold as written. Once lint is done, [pass.finish]
// writes the teams and the mapping rows into the body from the model,
// and the model with what the pass kept is the org the comparison looks
// the last push up in ([lintOrg]): one org in memory, read once.
//
// Lint reads the users file on one goroutine and the groups then mapping
// files on another: the pass keeps what each sees apart.
type pass struct {
	body Body
	// full, if set, also keeps the state of the files whole, for [repair]
	// of a state an earlier key filter masked; objects has the pass keep
	// a hash of each user's object, which a state of version 1 compares.
	full    *collector
	objects bool
	// read, if set, is called once the users file or the mapping file is
	// read (lint reads them on two goroutines).
	read func()

	// Users, on the users goroutine: their count and their values of the
	// four the model holds where they are not the model's. The records go
	// through userRows to a goroutine of their own that writes them into
	// the body ([pass.writeUsers]), so that the body costs lint's read of
	// the users file no time where a core is free; usersDone is closed
	// once every user is written.
	users     int
	raw       map[int32]*[4]string
	userRows  *rowpipe.Pipe
	usersDone chan struct{}

	// On the body's goroutine, read once it is done ([pass.wait]): the
	// keys and the positions of the id, email and names among them
	// (roles), each key's column among the hashes (-1 for the four the
	// model holds), and per user its hashes, the [lineHash] of its values
	// and its object's; writeErr is an error writing the body.
	keys     []string
	roles    [4]int
	hashed   []int
	stride   int
	hashes   chunks
	lines    chunks
	line     lineHasher
	object   []hash64
	writeErr error
	// usersErr is a record that is not one user of the model.
	usersErr error

	// Groups and mapping rows, on the other goroutine: the ids and names
	// of teams and the ids of rows where the model's differ from the
	// files' (spaces around them), the [mappingKey] of each row's ids
	// (its flags are the model's: [lintOrg.key]), a record that is not
	// one team of the model.
	teams     int
	teamIDs   map[int32]string
	teamNames map[int32]string
	rows      map[int32]*[3]string
	rowKeys   chunks
	teamsErr  error
	// files are the files, as displayed, by kind.
	files [3]string
}

// roles are the roles of the values the model holds, in the order of
// pass.roles and stateHead.UserRoles.
var roles = [4]lint.Role{lint.UserID, lint.UserEmail, lint.UserFirstName, lint.UserLastName}

// newPass starts the pass of the body b of cfg's org.
// Its goroutine ends with [pass.wait], which must be called.
func newPass(cfg *lint.Config) *pass {
	p := &pass{roles: [4]int{-1, -1, -1, -1}, raw: map[int32]*[4]string{},
		userRows: rowpipe.New(), usersDone: make(chan struct{}),
		teamIDs: map[int32]string{}, teamNames: map[int32]string{}, rows: map[int32]*[3]string{},
		files: [3]string{displaypath.Of(cfg.UsersCSV), displaypath.Of(cfg.GroupsCSV), displaypath.Of(cfg.MappingCSV)}}
	go p.writeUsers()
	return p
}

// writeUsers writes the users into the body, in the order lint read
// them, until the users file is read.
func (p *pass) writeUsers() {
	defer close(p.usersDone)
	p.userRows.Each(func(_ lint.Kind, h *lint.Header, rec *lint.Record) error {
		if err := p.body.User(h, rec.Fields); err != nil && p.writeErr == nil {
			p.writeErr = err
		}
		return nil // the first error is kept; the pipe is read to its end
	})
}

// wait waits until every user lint read is written into the body; once
// lint is done, what the body's goroutine keeps may be read.
func (p *pass) wait() {
	p.userRows.Close()
	<-p.usersDone
}

// hook is lint's row hook.
func (p *pass) hook(r *lint.Row) {
	if r.Record == nil { // a file is read: a core is free
		if r.Kind == lint.KindUsers {
			p.userRows.Close()
		}
		if r.Kind != lint.KindGroups && p.read != nil {
			p.read()
		}
		return
	}
	switch r.Kind {
	case lint.KindUsers:
		p.user(r)
	case lint.KindGroups:
		p.team(r)
	default:
		p.mappingRow(r)
	}
}

// notOne is the error of a record that is not one element of lint's
// model (an id repeated or missing: lint reports it as an error, so a
// plan never gets this far with one).
func (p *pass) notOne(r *lint.Row, what string) error {
	return fmt.Errorf("%s:%d: the record is not one %s of its own (run ovsync lint)", p.files[r.Kind], r.Record.Line, what)
}

// user queues a record of the users file for the body, and keeps its
// id, email and names as written where the model's differ.
func (p *pass) user(r *lint.Row) {
	if p.usersErr != nil {
		return
	}
	if r.Index != p.users {
		p.usersErr = p.notOne(r, "user")
		return
	}
	differs := false
	for _, role := range roles {
		col := r.Header.Col(role)
		differs = differs || valueAt(r.Record.Fields, col) != valueAt(r.Values, col)
	}
	if differs {
		raw := new([4]string)
		for j, role := range roles {
			raw[j] = strings.Clone(valueAt(r.Record.Fields, r.Header.Col(role)))
		}
		p.raw[int32(p.users)] = raw
	}
	p.userRows.Add(lint.KindUsers, r.Header, r.Record.Line, r.Record.Fields) // never stopped: writeUsers reads to the end
	p.users++
}

// UserKeys gets the keys of the user objects and their roles.
func (p *pass) UserKeys(keys []string, rs []lint.Role) {
	p.keys, p.roles, p.hashed, p.stride = keys, [4]int{-1, -1, -1, -1}, make([]int, len(keys)), 0
	for k, r := range rs {
		p.hashed[k] = -1
		for j, role := range roles {
			if r == role && p.roles[j] < 0 {
				p.roles[j] = k
			}
		}
		if p.hashed[k] < 0 && !p.held(k) {
			p.hashed[k] = p.stride
			p.stride++
		}
	}
	if p.full != nil {
		p.full.UserKeys(keys, rs)
	}
}

// held reports whether the value of key k is one the model holds.
func (p *pass) held(k int) bool {
	for _, r := range p.roles {
		if r == k {
			return true
		}
	}
	return false
}

// User gets a user's values in key order (as written) and its object.
func (p *pass) User(vals []string, obj []byte) {
	hs := p.hashes.next(p.stride)
	for k, col := range p.hashed {
		if col >= 0 {
			hs[col] = hashValue(vals[k])
		}
	}
	p.lines.next(1)[0] = p.line.sum(vals)
	if p.objects {
		p.object = append(p.object, hash64(hashBytes(hashSeed, obj)))
	}
	if p.full != nil {
		p.full.User(vals, obj)
	}
}

// Team and Mapping are told of the teams and rows as [pass.finish]
// writes them.
func (p *pass) Team(id, name string) {
	if p.full != nil {
		p.full.Team(id, name)
	}
}

func (p *pass) Mapping(team, user, sub string, member, manager bool) {
	if p.full != nil {
		p.full.Mapping(team, user, sub, member, manager)
	}
}

// team keeps the id and name of a record of the groups file where the
// model's differ.
func (p *pass) team(r *lint.Row) {
	if r.Index != p.teams {
		if p.teamsErr == nil {
			p.teamsErr = p.notOne(r, "team")
		}
		return
	}
	id, name := r.Header.Col(lint.TeamID), r.Header.Col(lint.TeamName)
	if v := valueAt(r.Record.Fields, id); v != valueAt(r.Values, id) {
		p.teamIDs[int32(p.teams)] = strings.Clone(v)
	}
	if v := valueAt(r.Record.Fields, name); v != valueAt(r.Values, name) {
		p.teamNames[int32(p.teams)] = strings.Clone(v)
	}
	p.teams++
}

// mappingRow keeps the ids of a record of the mapping file where the
// model's differ, and the key of its ids.
func (p *pass) mappingRow(r *lint.Row) {
	h, rec := r.Header, r.Record
	ids := [3]lint.Role{lint.MapTeam, lint.MapUser, lint.MapSubTeam}
	differs := !r.Whole
	for _, role := range ids {
		differs = differs || valueAt(rec.Fields, h.Col(role)) != valueAt(r.Values, h.Col(role))
	}
	if differs {
		raw := new([3]string)
		for j, role := range ids {
			raw[j] = strings.Clone(valueAt(rec.Fields, h.Col(role)))
		}
		p.rows[int32(r.Index)] = raw
	}
	key := mappingKey(valueAt(r.Values, h.Col(lint.MapTeam)), valueAt(r.Values, h.Col(lint.MapUser)), valueAt(r.Values, h.Col(lint.MapSubTeam)), false, false)
	p.rowKeys.next(1)[0] = uint64(key)
}

// err returns the first error of the pass, once lint is done.
func (p *pass) err() error {
	for _, err := range []error{p.usersErr, p.writeErr, p.teamsErr} {
		if err != nil {
			return err
		}
	}
	return nil
}

// org returns the org the pass read, lint's model of it with what the
// pass kept.
func (p *pass) org(m *lint.Org) *lintOrg {
	return &lintOrg{m: m, p: p}
}

// finish writes the teams and the mapping rows into the body from lint's
// model, each as the files hold it, and ends the body: the bytes a body
// written from the files' rows holds.
func (p *pass) finish(m *lint.Org) (int64, error) {
	for t := range p.teams {
		id, ok := p.teamIDs[int32(t)]
		if !ok {
			id = m.Teams[t].ID
		}
		name, ok := p.teamNames[int32(t)]
		if !ok {
			name = m.Teams[t].Name
		}
		if err := p.body.Team(id, name); err != nil {
			return 0, err
		}
	}
	// The ids of a block of rows are gathered before they are written:
	// a row's user is anywhere in the model, and fetching a block of them
	// at once waits for memory once per block rather than once per row.
	const block = 64
	var ids [block][3]string
	teams, users := m.Teams, m.Users
	for from := 0; from < len(m.Mappings); from += block {
		rows := m.Mappings[from:min(from+block, len(m.Mappings))]
		for k := range rows {
			row := &rows[k]
			if raw, ok := p.rows[int32(from+k)]; ok {
				ids[k] = *raw
				continue
			}
			ids[k] = [3]string{}
			if row.Team >= 0 {
				ids[k][0] = teams[row.Team].ID
			}
			if row.User >= 0 {
				ids[k][1] = users[row.User].ID
			}
			if row.SubTeam >= 0 {
				ids[k][2] = teams[row.SubTeam].ID
			}
		}
		for k := range rows {
			row := &rows[k]
			if err := p.body.Mapping(ids[k][0], ids[k][1], ids[k][2], row.IsMember, row.IsManager); err != nil {
				return 0, err
			}
		}
	}
	return p.body.Close()
}

// chunks holds fixed-size runs of hashes in blocks that never move, so
// that a million users' hashes take their size, not twice it while a
// slice grows.
type chunks struct {
	blocks [][]uint64
	used   int
}

// chunkSize is the number of hashes in a block.
const chunkSize = 1 << 16

// next returns room for n more hashes.
func (c *chunks) next(n int) []uint64 {
	if n == 0 {
		return nil
	}
	if len(c.blocks) == 0 || c.used+n > chunkSize {
		c.blocks = append(c.blocks, make([]uint64, max(chunkSize, n)))
		c.used = 0
	}
	s := c.blocks[len(c.blocks)-1][c.used : c.used+n : c.used+n]
	c.used += n
	return s
}

// at returns the n hashes of element i, n a stride that divides the
// block.
func (c *chunks) at(i, n int) []uint64 {
	per := max(chunkSize/n, 1)
	b := c.blocks[i/per]
	off := i % per * n
	return b[off : off+n]
}

// lintOrg is the org of a planning pass: lint's model of the files, with
// the hashes and values the pass kept (see [pass]).
type lintOrg struct {
	m *lint.Org
	p *pass
}

func (o *lintOrg) counts() (int, int, int) { return o.p.users, o.p.teams, len(o.m.Mappings) }

func (o *lintOrg) userID(i int) string { return o.m.Users[i].ID }

func (o *lintOrg) findUser(id string) int {
	if i, ok := o.m.UserIndex(id); ok {
		return i
	}
	return -1
}

// held returns value j of the four the model holds of user i, as
// written.
func (o *lintOrg) held(i, j int) string {
	if raw, ok := o.p.raw[int32(i)]; ok {
		return raw[j]
	}
	if o.p.roles[j] < 0 {
		return ""
	}
	u := &o.m.Users[i]
	return [4]string{u.ID, u.Email, u.FirstName, u.LastName}[j]
}

func (o *lintOrg) email(i int) string { return o.held(i, 1) }

func (o *lintOrg) names(i int) (first, last string) { return o.held(i, 2), o.held(i, 3) }

func (o *lintOrg) userKeys() []string { return o.p.keys }

func (o *lintOrg) userRoles() [4]int { return o.p.roles }

func (o *lintOrg) sameValue(i, k int, v string) bool {
	if col := o.p.hashed[k]; col >= 0 {
		return o.p.hashes.at(i, o.p.stride)[col] == hashValue(v)
	}
	for j, r := range o.p.roles {
		if r == k {
			return o.held(i, j) == v
		}
	}
	return v == ""
}

func (o *lintOrg) line(i int) uint64 { return o.p.lines.at(i, 1)[0] }

func (o *lintOrg) object(i int) hash64 {
	if i < len(o.p.object) {
		return o.p.object[i]
	}
	return 0
}

func (o *lintOrg) teamID(i int) string { return o.m.Teams[i].ID }

func (o *lintOrg) teamName(i int) string {
	if name, ok := o.p.teamNames[int32(i)]; ok {
		return name
	}
	return o.m.Teams[i].Name
}

func (o *lintOrg) findTeam(id string) int {
	if i, ok := o.m.TeamIndex(id); ok {
		return i
	}
	return -1
}

func (o *lintOrg) row(r int) lint.Mapping { return o.m.Mappings[r] }

// key is the [mappingKey] of row r: the hash of its ids the pass kept,
// with the model's flags (lint reads them; a row whose flags it cannot
// read is an error that stops the plan before the comparison).
func (o *lintOrg) key(r int) hash64 {
	m := &o.m.Mappings[r]
	return hash64(o.p.rowKeys.at(r, 1)[0]).withFlags(m.IsMember, m.IsManager)
}

// aside is a writer that hands what it is given to w on a goroutine of
// its own, in the blocks it gets them in: the pass writes the body while
// lint reads the users file, and the body's hash (and the dump) need not
// slow that read down. Write copies the block, as an io.Writer must; an
// error of w comes out of Close.
type aside struct {
	w          io.Writer
	full, free chan []byte
	done       chan struct{}
	err        error
	closing    sync.Once
}

// asideBlocks is how many blocks may wait for w.
const asideBlocks = 8

func newAside(w io.Writer) *aside {
	a := &aside{w: w, full: make(chan []byte, asideBlocks), free: make(chan []byte, asideBlocks), done: make(chan struct{})}
	go func() {
		defer close(a.done)
		for b := range a.full {
			if a.err == nil {
				_, a.err = a.w.Write(b)
			}
			select {
			case a.free <- b:
			default:
			}
		}
	}()
	return a
}

// Write hands a copy of b to w.
func (a *aside) Write(b []byte) (int, error) {
	var buf []byte
	select {
	case buf = <-a.free:
	default:
	}
	a.full <- append(buf[:0], b...)
	return len(b), nil
}

// Close waits until w has had every block, and returns its error; it
// may be called again.
func (a *aside) Close() error {
	a.closing.Do(func() { close(a.full) })
	<-a.done
	return a.err
}
