package plan

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/ovsync/ovsync/internal/atomicfile"
	"github.com/ovsync/ovsync/internal/displaypath"
	"github.com/ovsync/ovsync/internal/fserr"
	"github.com/ovsync/ovsync/internal/redact"
)

// DefaultStateFile is where the state is kept, relative to the config
// file's folder, unless Options.State says otherwise.
const DefaultStateFile = ".ovsync/state.json"

// Versions of the state file. Version 1 is one JSON document (users with
// a hash of their object, teams, mappings as hashes); version 2, which
// this package writes, is a JSON head on the first line, then a gzip
// stream of tab-separated lines: every user's values, the teams and the
// mapping rows, so that a plan can say which fields changed and which
// managers lose access. Both are read.
const (
	stateVersion1 = 1
	stateVersion  = 2
)

// state is what a push sent, or an org as a plan compares it: read from
// a state file, or built from the files in the planning pass.
type state struct {
	stateHead
	// Users are the users of users.csv in file order.
	Users []stateUser
	// Teams are the teams of groups.csv in file order.
	Teams []stateTeam
	// Mappings are the mapping rows in file order (version 2).
	Mappings []stateMapping
	// MappingKeys are the mapping rows as [mappingKey] values, sorted:
	// all a version 1 state keeps of them.
	MappingKeys []hash64
	// SHA256 is the hex digest of the state file as read ("" when the
	// state was not read from a file).
	SHA256 string
}

// v1 reports whether the state is of version 1, which knows users by a
// hash of their object and mappings by hashes only.
func (st *state) v1() bool { return st.Version == stateVersion1 }

// stateHead is the part of a state before its lists.
type stateHead struct {
	Version  int       `json:"version"`
	Protocol string    `json:"protocol"`
	APIURL   string    `json:"apiUrl"`
	PushedAt time.Time `json:"pushedAt"`
	// Digest is "sha256:HEX" of the body; Bytes its size.
	Digest string `json:"digest"`
	Bytes  int64  `json:"bytes"`
	// InviteNewUsers is the setting the body carried.
	InviteNewUsers bool `json:"inviteNewUsers"`
	// Exact is set by an ovsync that writes the values as they were
	// sent. An earlier ovsync wrote them through its key filter, which
	// put [redact.Mask] in place of any piece of the key: the values of
	// such a state that hold the mask are read as damaged ([repair]).
	Exact bool `json:"exact,omitempty"`
	// UserKeys are the keys of a user's values, in the order of the
	// values (version 2); UserRoles the positions of the id, email,
	// first and last names among them (-1 for none).
	UserKeys  []string `json:"userKeys,omitempty"`
	UserRoles [4]int   `json:"userRoles,omitzero"`
	// Counts are the lengths of the lists (version 2).
	Counts [3]int `json:"counts,omitzero"`
}

// stateUser is one user of a state.
type stateUser struct {
	ID    string `json:"id"`
	Email string `json:"email"`
	// Values are the user's values in the order of UserKeys, escaped
	// and joined by tabs as in the file (version 2).
	Values string `json:"-"`
	// Hash is a hash of the user's JSON object as sent (version 1).
	Hash hash64 `json:"hash"`
}

// stateTeam is one team of a state.
type stateTeam struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

// stateMapping is one mapping row of a state, by ids.
type stateMapping struct {
	Team, User, SubTeam string
	Member, Manager     bool
}

// hash64 is a 64-bit hash written as 16 hex digits.
type hash64 uint64

// MarshalText writes the hash as 16 hex digits.
func (h hash64) MarshalText() ([]byte, error) {
	return h.appendHex(make([]byte, 0, 16)), nil
}

// hexDigits are the digits of a hash written in hex.
const hexDigits = "0123456789abcdef"

// appendHex appends the hash as 16 lower-case hex digits.
func (h hash64) appendHex(b []byte) []byte {
	for shift := 60; shift >= 0; shift -= 4 {
		b = append(b, hexDigits[h>>shift&0xf])
	}
	return b
}

// UnmarshalText reads 16 hex digits.
func (h *hash64) UnmarshalText(b []byte) error {
	v, err := strconv.ParseUint(string(b), 16, 64)
	if err != nil || len(b) != 16 {
		return fmt.Errorf("hash %q is not 16 hex digits", b)
	}
	*h = hash64(v)
	return nil
}

// statePath returns the state file of a config: the given one, or
// [DefaultStateFile] beside the config file.
func statePath(given, configPath string) string {
	if given != "" {
		return given
	}
	return filepath.Join(filepath.Dir(configPath), filepath.FromSlash(DefaultStateFile))
}

// stateHint ends the errors of a state file that cannot be read: the
// record it held is lost until it is restored, and a push without a
// record is a first push, which the user must accept on purpose.
const stateHint = "\nhint: restore the file from where it is kept (a backup, the CI cache or artifact of the last push); or, to start a new record on purpose, give another file and accept a first push: --state NEW --first-push"

// loadState reads a state file; nil without error means there is none.
// A file that exists but cannot be read, is empty or damaged is an error
// naming it and the fix, never a missing state: the record it held would
// otherwise be silently lost.
func loadState(path string) (*state, error) {
	shown := displaypath.Of(path)
	raw, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("%s: cannot read the state file: %w%s", shown, fserr.WithoutPath(err), stateHint)
	}
	st, err := parseState(raw)
	if err != nil {
		return nil, fmt.Errorf("%s: %v%s", shown, err, stateHint)
	}
	sum := sha256.Sum256(raw)
	st.SHA256 = hex.EncodeToString(sum[:])
	return st, nil
}

// isStateFile reports whether the file at path starts as a state file
// does, for diff's arguments.
func isStateFile(path string) bool {
	f, err := os.Open(path)
	if err != nil {
		return false
	}
	defer f.Close()
	b := make([]byte, 64)
	n, _ := io.ReadFull(f, b)
	return bytes.HasPrefix(bytes.TrimSpace(b[:n]), []byte(`{"version":`))
}

// parseState reads a state file of either version. A state file is input
// like any other: what it claims is checked against what it holds, and
// what reading it allocates is bounded by what it really holds.
func parseState(raw []byte) (*state, error) {
	if len(bytes.TrimSpace(raw)) == 0 {
		return nil, errors.New("the state file is empty")
	}
	line, rest, _ := bytes.Cut(raw, []byte("\n"))
	var version struct {
		Version int `json:"version"`
	}
	if err := json.Unmarshal(line, &version); err == nil && version.Version == stateVersion {
		var head stateHead
		if err := json.Unmarshal(line, &head); err != nil {
			return nil, fmt.Errorf("the state file is damaged: its head line cannot be read: %v", err)
		}
		return parseStateV2(head, rest)
	}
	var v1 struct {
		stateHead
		Users    []stateUser `json:"users"`
		Teams    []stateTeam `json:"teams"`
		Mappings []hash64    `json:"mappings"`
	}
	if err := json.Unmarshal(raw, &v1); err != nil {
		return nil, fmt.Errorf("not a state file of ovsync push, or a damaged one: %v", err)
	}
	if v1.Version != stateVersion1 {
		return nil, fmt.Errorf("state file version %d, this ovsync reads versions %d and %d", v1.Version, stateVersion1, stateVersion)
	}
	st := &state{stateHead: v1.stateHead, Users: v1.Users, Teams: v1.Teams, MappingKeys: v1.Mappings}
	return st, nil
}

// The least bytes a line of a version 2 state's lists takes: "U\t\n"
// plus a tab between values, "T\t\t\n", "M\t\t\t\t0\n".
const (
	minTeamLine    = 4
	minMappingLine = 7
)

// maxInflate is the most bytes deflate unpacks a compressed byte into
// (258 bytes for two bits: 1032); the few bytes of a stream's end are
// given too.
const maxInflate = 1032

// stateChunk is how much of the lists' text is read and turned into one
// string at a time: the fields of its lines are cut from that string.
const stateChunk = 1 << 20

// listsBound checks the head of a version 2 state against the file: no
// count is negative, the user roles point into the user keys, and the
// least text the counts need fits both into what the compressed lists
// (z bytes) can unpack to and into twice the body the state was taken
// from. The lists are shorter than the body, where every value of theirs
// is as long or longer once JSON-escaped, with its key and quotes; but
// the key filter of an earlier ovsync may have replaced 6 characters of
// a value by the 10 of "[redacted]" (repair.go), hence twice. It returns
// the most text the lists may hold,
// the bound their stream is read through.
func (h *stateHead) listsBound(z int) (int64, error) {
	if h.Counts[0] < 0 || h.Counts[1] < 0 || h.Counts[2] < 0 {
		return 0, fmt.Errorf("the state file is damaged: its head counts %d users, %d teams and %d mappings, a negative number", h.Counts[0], h.Counts[1], h.Counts[2])
	}
	for _, r := range h.UserRoles {
		if r < -1 || r >= len(h.UserKeys) {
			return 0, fmt.Errorf("the state file is damaged: the positions of the id, email and names %v fall outside its %d user keys", h.UserRoles, len(h.UserKeys))
		}
	}
	if z == 0 {
		return 0, errors.New("the state file is cut short: its head is not followed by its lists")
	}
	bound := int64(z) * maxInflate
	if h.Bytes < bound/2 {
		bound = max(2*h.Bytes, 0)
	}
	// Each count is checked alone first, so that the sum cannot overflow.
	userLine := int64(3 + max(len(h.UserKeys)-1, 0))
	least := int64(0)
	for i, each := range []int64{userLine, minTeamLine, minMappingLine} {
		n := int64(h.Counts[i])
		if n > bound/each {
			least = bound + 1
			break
		}
		least += n * each
	}
	if least > bound {
		return 0, fmt.Errorf("the state file is damaged: its head counts %d users, %d teams and %d mappings, more than the file can hold (%d bytes of lists, from a body of %d bytes)",
			h.Counts[0], h.Counts[1], h.Counts[2], z, h.Bytes)
	}
	return bound, nil
}

// parseStateV2 reads the lists of a version 2 state: "U" lines of
// values, "T" lines of id and name, "M" lines of team, user, sub-team
// and flags (0 to 3: isMember 1, isManager 2).
//
// The gzip stream is read through the bound of [stateHead.listsBound], a
// chunk at a time, and each list grows with the lines really read, never
// beyond its count: a head that claims more than its lists hold costs
// nothing, a stream that unpacks to more than the bound stops at it, and
// a line that is not a list's stops the reading at once.
func parseStateV2(head stateHead, z []byte) (*state, error) {
	bound, err := head.listsBound(len(z))
	if err != nil {
		return nil, err
	}
	br := bytes.NewReader(z)
	zr, err := gzip.NewReader(br)
	if err != nil {
		return nil, fmt.Errorf("the state file is damaged: its lists are not a gzip stream: %v", err)
	}
	zr.Multistream(false)
	lr := &io.LimitedReader{R: zr, N: bound + 1}
	p := listParser{st: &state{stateHead: head}}
	buf := make([]byte, min(stateChunk, bound+1))
	have := 0
	for done := false; !done; {
		var err error
		for have < len(buf) && err == nil {
			var n int
			n, err = lr.Read(buf[have:])
			have += n
		}
		if lr.N == 0 {
			return nil, fmt.Errorf("the state file is damaged: its lists unpack to more than the %d bytes its head and its size allow", bound)
		}
		switch {
		case err == io.EOF:
			done = true
		case err != nil:
			return nil, streamError(err)
		}
		end := bytes.LastIndexByte(buf[:have], '\n') + 1
		if end == 0 && !done {
			// A line longer than the buffer: check that it starts as a
			// line of the lists before reading on.
			if err := p.start(buf[:have]); err != nil {
				return nil, err
			}
			more := int(min(int64(len(buf)), bound+1-int64(len(buf))))
			buf = slices.Grow(buf, more)[:len(buf)+more]
			continue
		}
		if done && end < have {
			return nil, fmt.Errorf("the state file is cut short: line %d of its lists has no end", p.n+1)
		}
		if err := p.lines(string(buf[:end])); err != nil {
			return nil, err
		}
		have = copy(buf, buf[end:have])
	}
	if br.Len() > 0 {
		return nil, fmt.Errorf("the state file is damaged: it has %d bytes after its lists", br.Len())
	}
	st := p.st
	if got := [3]int{len(st.Users), len(st.Teams), len(st.Mappings)}; got != head.Counts {
		return nil, fmt.Errorf("the state file is cut short: %d users, %d teams and %d mappings of %d, %d and %d", got[0], got[1], got[2], head.Counts[0], head.Counts[1], head.Counts[2])
	}
	return st, nil
}

// streamError describes an error of the gzip stream of a state's lists.
func streamError(err error) error {
	if errors.Is(err, io.ErrUnexpectedEOF) {
		return errors.New("the state file is cut short: its lists end before their stream does")
	}
	return fmt.Errorf("the state file is damaged: its lists cannot be unpacked: %v", err)
}

// listParser reads the lines of a version 2 state's lists into st.
type listParser struct {
	st *state
	// n counts the lines read.
	n int
}

// start checks that b starts as a line of the lists does.
func (p *listParser) start(b []byte) error {
	if len(b) >= 2 && b[1] == '\t' && (b[0] == 'U' || b[0] == 'T' || b[0] == 'M') {
		return nil
	}
	return fmt.Errorf("the state file is damaged: line %d of its lists is not a user, team or mapping", p.n+1)
}

// grown returns s with room for one more element, growing it to at most
// limit: a list never grows beyond the lines really read, nor beyond
// its count.
func grown[T any](s []T, limit int) []T {
	if len(s) < cap(s) {
		return s
	}
	return slices.Grow(s, min(max(2*len(s), 64), limit)-len(s))
}

// lines reads whole lines, each ending with a newline: the fields are
// cut from text, which the state then shares.
func (p *listParser) lines(text string) error {
	st, roles := p.st, p.st.UserRoles
	for text != "" {
		p.n++
		var line string
		line, text, _ = strings.Cut(text, "\n")
		if len(line) < 2 || line[1] != '\t' {
			return fmt.Errorf("the state file is damaged: line %d of its lists is not a user, team or mapping", p.n)
		}
		body := line[2:]
		var kind string
		switch line[0] {
		case 'U':
			if kind = "users"; len(st.Users) == st.Counts[0] {
				break
			}
			u := stateUser{Values: body}
			i := 0
			for v := range strings.SplitSeq(body, "\t") {
				switch i {
				case roles[0]:
					u.ID = unescape(v)
				case roles[1]:
					u.Email = unescape(v)
				}
				if i++; i > roles[0] && i > roles[1] {
					break
				}
			}
			st.Users = append(grown(st.Users, st.Counts[0]), u)
			continue
		case 'T':
			if kind = "teams"; len(st.Teams) == st.Counts[1] {
				break
			}
			id, name, _ := strings.Cut(body, "\t")
			st.Teams = append(grown(st.Teams, st.Counts[1]), stateTeam{ID: unescape(id), Name: unescape(name)})
			continue
		case 'M':
			if kind = "mappings"; len(st.Mappings) == st.Counts[2] {
				break
			}
			f := strings.SplitN(body, "\t", 4)
			if len(f) != 4 || len(f[3]) != 1 || f[3][0] < '0' || f[3][0] > '3' {
				return fmt.Errorf("the state file is damaged: line %d of its lists is not a mapping", p.n)
			}
			st.Mappings = append(grown(st.Mappings, st.Counts[2]), stateMapping{
				Team: unescape(f[0]), User: unescape(f[1]), SubTeam: unescape(f[2]),
				Member: (f[3][0]-'0')&1 != 0, Manager: (f[3][0]-'0')&2 != 0,
			})
			continue
		default:
			return fmt.Errorf("the state file is damaged: line %d of its lists is not a user, team or mapping", p.n)
		}
		return fmt.Errorf("the state file is damaged: line %d of its lists is one more of its %s than its head counts", p.n, kind)
	}
	return nil
}

// splitValues appends the unescaped tab-separated values of s to dst.
func splitValues(s string, dst []string) []string {
	for {
		v, rest, more := strings.Cut(s, "\t")
		dst = append(dst, unescape(v))
		if !more {
			return dst
		}
		s = rest
	}
}

// appendEscaped appends v with backslash, tab, newline and carriage
// return escaped, so that a value never breaks a line of the state.
func appendEscaped(b []byte, v string) []byte {
	for i := 0; i < len(v); i++ {
		switch c := v[i]; c {
		case '\\':
			b = append(b, '\\', '\\')
		case '\t':
			b = append(b, '\\', 't')
		case '\n':
			b = append(b, '\\', 'n')
		case '\r':
			b = append(b, '\\', 'r')
		default:
			b = append(b, c)
		}
	}
	return b
}

// unescape undoes appendEscaped; a value without a backslash is returned
// as it is, without a copy.
func unescape(s string) string {
	if strings.IndexByte(s, '\\') < 0 {
		return s
	}
	b := make([]byte, 0, len(s))
	for i := 0; i < len(s); i++ {
		if s[i] != '\\' || i+1 == len(s) {
			b = append(b, s[i])
			continue
		}
		i++
		switch s[i] {
		case 't':
			b = append(b, '\t')
		case 'n':
			b = append(b, '\n')
		case 'r':
			b = append(b, '\r')
		default:
			b = append(b, s[i])
		}
	}
	return string(b)
}

// isFor reports whether a state records a push to the target a push goes
// to: the same protocol and the same URL. A state of version 1 written
// before the protocols were recorded is a legacy one; a state without a
// URL records no target, so no push's. A URL that an earlier key filter
// masked in part is the target's when the target's fits it (repair.go).
func (st *state) isFor(proto, url string) bool {
	was := st.Protocol
	if was == "" && st.v1() {
		was = ProtocolLegacy
	}
	same := strings.EqualFold(st.APIURL, url) || !st.Exact && damaged(st.APIURL) && fits(strings.ToLower(st.APIURL), strings.ToLower(url))
	return was == proto && st.APIURL != "" && same
}

// fits reports whether s can be the damaged value d: d with each
// [redact.Mask] standing for one or more characters. A value without a
// mask fits itself only.
func fits(d, s string) bool {
	parts := strings.Split(d, redact.Mask)
	if len(parts) == 1 {
		return d == s
	}
	if !strings.HasPrefix(s, parts[0]) {
		return false
	}
	s = s[len(parts[0]):]
	for _, p := range parts[1 : len(parts)-1] {
		// At least one character for the mask before p, then the first
		// p: the leftmost leaves the most for the rest.
		if s == "" {
			return false
		}
		i := strings.Index(s[1:], p)
		if i < 0 {
			return false
		}
		s = s[1+i+len(p):]
	}
	last := parts[len(parts)-1]
	return len(s) > len(last) && strings.HasSuffix(s, last)
}

// damaged reports whether a value of a state holds the mask.
func damaged(v string) bool { return strings.Contains(v, redact.Mask) }

// target describes the push a state records, for messages: "a legacy
// push to https://app.officevibe.com".
func (st *state) target() string {
	proto, url := st.Protocol, st.APIURL
	if proto == "" {
		proto = ProtocolLegacy
	}
	if url == "" {
		url = "an unknown service"
	}
	return fmt.Sprintf("a %s push to %s", proto, url)
}

// stage writes the state as version 2 into b, beside path: the file is
// replaced only when b is committed.
func (st *state) stage(b *atomicfile.Batch, path string, red *redact.Redactor) error {
	err := b.Add(path, func(w io.Writer) error { return st.encode(w, red) })
	if errors.Is(err, redact.ErrSecret) {
		err = fmt.Errorf("%s: not written, and nothing sent: %w\nhint: %s", displaypath.Of(path), err, KeyInDataHint)
	}
	return err
}

// encode writes the state as version 2, its values exactly as they were
// sent (Exact), through guards of red that see the text before it is
// compressed, the head line and the lists alike: a whole key stops it.
func (st *state) encode(out io.Writer, red *redact.Redactor) error {
	w := red.Guard(out)
	h := st.stateHead
	h.Version = stateVersion
	h.Exact = true
	h.Counts = [3]int{len(st.Users), len(st.Teams), len(st.Mappings)}
	head, err := json.Marshal(h)
	if err != nil {
		return err
	}
	if _, err := w.Write(append(head, '\n')); err != nil {
		return err
	}
	if err := w.Close(); err != nil {
		return err
	}
	zw, err := gzip.NewWriterLevel(out, gzip.BestSpeed)
	if err != nil {
		return err
	}
	zr := red.Guard(zw)
	bw := bufio.NewWriterSize(zr, 1<<16)
	var buf []byte
	line := func() error {
		buf = append(buf, '\n')
		_, err := bw.Write(buf)
		buf = buf[:0]
		return err
	}
	for i := range st.Users {
		buf = append(buf, "U\t"...)
		buf = append(buf, st.Users[i].Values...)
		if err := line(); err != nil {
			return err
		}
	}
	for _, t := range st.Teams {
		buf = append(buf, "T\t"...)
		buf = appendEscaped(buf, t.ID)
		buf = append(buf, '\t')
		buf = appendEscaped(buf, t.Name)
		if err := line(); err != nil {
			return err
		}
	}
	for _, m := range st.Mappings {
		buf = append(buf, "M\t"...)
		buf = appendEscaped(buf, m.Team)
		buf = append(buf, '\t')
		buf = appendEscaped(buf, m.User)
		buf = append(buf, '\t')
		buf = appendEscaped(buf, m.SubTeam)
		flags := byte('0')
		if m.Member {
			flags++
		}
		if m.Manager {
			flags += 2
		}
		buf = append(buf, '\t', flags)
		if err := line(); err != nil {
			return err
		}
	}
	if err := bw.Flush(); err != nil {
		return err
	}
	if err := zr.Close(); err != nil {
		return err
	}
	return zw.Close()
}
