package plan

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"hash"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/ovsync/ovsync/internal/displaypath"
	"github.com/ovsync/ovsync/internal/fserr"
	"github.com/ovsync/ovsync/internal/redact"
)

// DefaultStateFile is where the state is kept, relative to the config
// file's folder, unless Options.State says otherwise.
const DefaultStateFile = ".ovsync/state.json"

// Versions of the state file. Version 1 is one JSON document (users with
// a hash of their object, teams, mappings as hashes); versions 2 and 3
// are a JSON head on the first line, then a stream of tab-separated
// lines, every user's values, the teams and the mapping rows, so that a
// plan can say which fields changed and which managers lose access: gzip
// in version 2, zstd in version 3, which this package writes ([packing]).
// All three are read.
const (
	stateVersion1 = 1
	stateVersion2 = 2
	stateVersion  = 3
)

// state is what a push sent, or an org as a plan compares it: read from
// a state file, or built from the files in the planning pass.
type state struct {
	stateHead
	// Users are the users of users.csv in file order.
	Users []stateUser
	// Teams are the teams of groups.csv in file order.
	Teams []stateTeam
	// Mappings are the mapping rows in file order (versions 2 and 3).
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
func (h *stateHead) v1() bool { return h.Version == stateVersion1 }

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
	// values (versions 2 and 3); UserRoles the positions of the id, email,
	// first and last names among them (-1 for none).
	UserKeys  []string `json:"userKeys,omitempty"`
	UserRoles [4]int   `json:"userRoles,omitzero"`
	// Counts are the lengths of the lists (versions 2 and 3).
	Counts [3]int `json:"counts,omitzero"`
}

// stateUser is one user of a state.
type stateUser struct {
	ID    string `json:"id"`
	Email string `json:"email"`
	// Values are the user's values in the order of UserKeys, escaped
	// and joined by tabs as in the file (versions 2 and 3).
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

// loadState reads a state file whole; nil without error means there is
// none. A file that exists but cannot be read, is empty or damaged is an
// error naming it and the fix, never a missing state: the record it held
// would otherwise be silently lost.
func loadState(path string) (*state, error) {
	raw, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, stateError(path, fmt.Errorf("cannot read the state file: %w", fserr.WithoutPath(err)))
	}
	st, err := parseState(raw)
	if err != nil {
		return nil, stateError(path, err)
	}
	sum := sha256.Sum256(raw)
	st.SHA256 = hex.EncodeToString(sum[:])
	return st, nil
}

// stateError names the state file at path in err, with the fix.
func stateError(path string, err error) error {
	return fmt.Errorf("%s: %w%s", displaypath.Of(path), err, stateHint)
}

// stateFile is a state file opened to be compared with: its head, and
// either its lists still to be read from the file, in their order
// ([stateFile.stream]), or the whole state when it is read at once (one
// of version 1, or one written before ovsync wrote its values exactly,
// which [repair] may need whole).
type stateFile struct {
	path string
	head stateHead
	// whole is the state read whole, nil when its lists are streamed.
	whole *state
	// f reads the lists through br, and sum hashes every byte read from
	// f; z is the size of the lists, compressed.
	f   *os.File
	br  *bufio.Reader
	sum hash.Hash
	z   int64
	// lists are its lists being unpacked ahead (prefetch), or the error
	// of their head.
	lists    *lists
	listsErr error
}

// maxHeadLine is the longest head line of a state whose lists are
// streamed; a longer first line is read with the whole file.
const maxHeadLine = 1 << 20

// openState opens the state file at path: its head is read, and its lists
// are left to [stateFile.stream] when the head says they hold the values
// exactly; any other file is read whole ([loadState]). nil without error
// means there is no state file.
func openState(path string) (*stateFile, error) {
	f, err := os.Open(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, stateError(path, fmt.Errorf("cannot read the state file: %w", fserr.WithoutPath(err)))
	}
	sf := &stateFile{path: path, f: f, sum: sha256.New()}
	if head, ok := sf.readHead(); ok {
		sf.head = head
		return sf, nil
	}
	f.Close()
	st, err := loadState(path)
	if err != nil || st == nil {
		return nil, err
	}
	return &stateFile{path: path, head: st.stateHead, whole: st}, nil
}

// readHead reads the head line of a state with lists written exactly,
// leaving its lists to be streamed; ok is false for any other file.
func (sf *stateFile) readHead() (head stateHead, ok bool) {
	fi, err := sf.f.Stat()
	if err != nil || !fi.Mode().IsRegular() {
		return head, false
	}
	sf.br = bufio.NewReaderSize(io.TeeReader(sf.f, sf.sum), 64<<10)
	var line []byte
	for {
		part, err := sf.br.ReadSlice('\n')
		line = append(line, part...)
		if err != bufio.ErrBufferFull {
			if err != nil {
				return head, false
			}
			break
		}
		if len(line) > maxHeadLine {
			return head, false
		}
	}
	var version struct {
		Version int `json:"version"`
	}
	if json.Unmarshal(line, &version) != nil || packingOf(version.Version) == nil || json.Unmarshal(line, &head) != nil || !head.Exact {
		return head, false
	}
	sf.z = fi.Size() - int64(len(line))
	return head, true
}

// close stops the unpacking of a streamed state and closes its file.
func (sf *stateFile) close() {
	if sf != nil && sf.f != nil {
		sf.lists.close()
		sf.f.Close()
	}
}

// prefetch has the lists of a streamed state unpacked ahead of
// [stateFile.stream], once start is closed.
func (sf *stateFile) prefetch(start <-chan struct{}) {
	if sf.whole == nil && sf.lists == nil && sf.listsErr == nil {
		sf.lists, sf.listsErr = openLists(&sf.head, sf.br, sf.z, start, prefetchBlocks)
	}
}

// stream reads the lists of the state to sink, in their order, and
// returns the hex SHA-256 of the whole file: its bytes are read once,
// from the file opened by [openState], so that a state file replaced
// since (by a push) is still read as it was then. A state read whole is
// handed over from memory.
func (sf *stateFile) stream(sink listSink) (string, error) {
	if sf.whole != nil {
		return sf.whole.SHA256, sf.damaged(sf.whole.each(sink))
	}
	sf.prefetch(nil)
	if sf.listsErr != nil {
		return "", sf.damaged(sf.listsErr)
	}
	err := sf.lists.read(sink)
	sf.lists.close()
	if err != nil {
		return "", sf.damaged(err)
	}
	n, err := sf.rest()
	if err == nil && n > 0 {
		err = stateError(sf.path, fmt.Errorf("the state file is damaged: it has %d bytes after its lists", n))
	}
	return hex.EncodeToString(sf.sum.Sum(nil)), err
}

// compare hands the last push the state records to c: its lists streamed
// to sink ([stateFile.stream]), which is c or a translation of the lists
// in front of it ([succession]), then, for a state of version 1, which
// keeps the keys of its mapping rows instead of the rows, those keys.
// It returns the hex SHA-256 of the whole file.
func (sf *stateFile) compare(sink listSink, c *comparison) (string, error) {
	sum, err := sf.stream(sink)
	if err != nil {
		return "", err
	}
	if whole := sf.whole; whole != nil && whole.v1() {
		c.lastKeys(whole.MappingKeys)
	}
	return sum, nil
}

// damaged names the state file in err, an error of its lists or of the
// comparison they were handed to.
func (sf *stateFile) damaged(err error) error {
	switch {
	case err == nil:
		return nil
	case errors.Is(err, errTwice):
		err = fmt.Errorf("the state file is damaged: it %w", err)
	}
	return stateError(sf.path, err)
}

// rest reads what is left of a streamed state file, hashing it, and
// returns how many bytes that was.
func (sf *stateFile) rest() (int64, error) {
	n, err := io.Copy(io.Discard, sf.br)
	if err != nil {
		err = stateError(sf.path, fmt.Errorf("cannot read the state file: %w", fserr.WithoutPath(err)))
	}
	return n, err
}

// digest returns the hex SHA-256 of the state file without reading its
// lists: the state of another target is no record of this one's.
func (sf *stateFile) digest() (string, error) {
	if sf.whole != nil {
		return sf.whole.SHA256, nil
	}
	if _, err := sf.rest(); err != nil {
		return "", err
	}
	return hex.EncodeToString(sf.sum.Sum(nil)), nil
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

// parseState reads a state file of either version, whole. A state file
// is input like any other: what it claims is checked against what it
// holds, and what reading it allocates is bounded by what it really
// holds.
func parseState(raw []byte) (*state, error) {
	if len(bytes.TrimSpace(raw)) == 0 {
		return nil, errors.New("the state file is empty")
	}
	line, rest, _ := bytes.Cut(raw, []byte("\n"))
	var version struct {
		Version int `json:"version"`
	}
	if err := json.Unmarshal(line, &version); err == nil && version.Version > stateVersion1 {
		if version.Version > stateVersion {
			return nil, fmt.Errorf("the state file is of version %d, written by a newer ovsync; this one reads versions %d to %d: run that newer ovsync", version.Version, stateVersion1, stateVersion)
		}
		var head stateHead
		if err := json.Unmarshal(line, &head); err != nil {
			return nil, fmt.Errorf("the state file is damaged: its head line cannot be read: %v", err)
		}
		return parseStateLists(head, rest)
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
		return nil, fmt.Errorf("not a state file of ovsync push: its version is %d, this ovsync reads versions %d to %d", v1.Version, stateVersion1, stateVersion)
	}
	st := &state{stateHead: v1.stateHead, Users: v1.Users, Teams: v1.Teams, MappingKeys: v1.Mappings}
	return st, nil
}

// The least bytes a line of a state's lists takes: "U\t\n"
// plus a tab between values, "T\t\t\n", "M\t\t\t\t0\n".
const (
	minTeamLine    = 4
	minMappingLine = 7
)

// stateChunk is how much of the lists' text is read and turned into one
// string at a time: the fields of its lines are cut from that string.
const stateChunk = 1 << 20

// listsBound checks the head of a state with lists against the file: no
// count is negative, the user roles point into the user keys, and the
// least text the counts need fits both into what the compressed lists
// (z bytes) can unpack to and into twice the body the state was taken
// from. The lists are shorter than the body, where every value of theirs
// is as long or longer once JSON-escaped, with its key and quotes; but
// the key filter of an earlier ovsync may have replaced 6 characters of
// a value by the 10 of "[redacted]" (repair.go), hence twice. It returns
// the most text the lists may hold,
// the bound their stream is read through.
func (h *stateHead) listsBound(z int64) (int64, error) {
	if h.Counts[0] < 0 || h.Counts[1] < 0 || h.Counts[2] < 0 {
		return 0, fmt.Errorf("the state file is damaged: its head counts %d users, %d teams and %d mappings, a negative number", h.Counts[0], h.Counts[1], h.Counts[2])
	}
	for _, r := range h.UserRoles {
		if r < -1 || r >= len(h.UserKeys) {
			return 0, fmt.Errorf("the state file is damaged: the positions of the id, email and names %v fall outside its %d user keys", h.UserRoles, len(h.UserKeys))
		}
	}
	if z <= 0 {
		return 0, errors.New("the state file is cut short: its head is not followed by its lists")
	}
	bound := z * packingOf(h.Version).maxRatio
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

// listSink takes the records of a state's lists one at a time, in the
// order of the file: every user, then every team, then every mapping
// row. A record is the reader's until the next: the sink copies what it
// keeps. Its strings are cut from text that the sink keeps alive if it
// keeps them: a sink that keeps few of many clones them.
type listSink interface {
	user(u *stateUser) error
	team(t *stateTeam) error
	mapping(m *stateMapping) error
}

// parseStateLists reads the lists of a state of version 2 or 3 whole
// (see [readLists]), each list growing with the lines really read, never
// beyond its count: a head that claims more than its lists hold costs
// nothing.
func parseStateLists(head stateHead, z []byte) (*state, error) {
	br := bytes.NewReader(z)
	st := &state{stateHead: head}
	if err := readLists(&st.stateHead, br, int64(len(z)), (*wholeLists)(st)); err != nil {
		return nil, err
	}
	if br.Len() > 0 {
		return nil, fmt.Errorf("the state file is damaged: it has %d bytes after its lists", br.Len())
	}
	return st, nil
}

// wholeLists is the sink that keeps every record of the lists in the
// state.
type wholeLists state

func (st *wholeLists) user(u *stateUser) error {
	st.Users = append(grown(st.Users, st.Counts[0]), *u)
	return nil
}

func (st *wholeLists) team(t *stateTeam) error {
	st.Teams = append(grown(st.Teams, st.Counts[1]), *t)
	return nil
}

func (st *wholeLists) mapping(m *stateMapping) error {
	st.Mappings = append(grown(st.Mappings, st.Counts[2]), *m)
	return nil
}

// readLists reads the lists of a state from src (a compressed stream of
// z bytes, [packing]) to sink: "U" lines of values,
// then "T" lines of id and name, then "M" lines of team, user, sub-team
// and flags (0 to 3: isMember 1, isManager 2).
//
// The stream is read through the bound of [stateHead.listsBound], a
// chunk at a time, and no kind has more lines than its count: a stream
// that unpacks to more than the bound stops at it, and a line that is
// not a list's, or out of order, stops the reading at once. What it
// allocates is a chunk of text at a time, whatever the head claims.
func readLists(head *stateHead, src io.Reader, z int64, sink listSink) error {
	l, err := openLists(head, src, z, nil, readAheadBlocks)
	if err != nil {
		return err
	}
	defer l.close()
	return l.read(sink)
}

// lists are the lists of a state being unpacked ([openLists]).
type lists struct {
	head  *stateHead
	bound int64
	ahead *readAhead
	// zr unpacks them; closed once ahead is stopped.
	zr io.Closer
}

// openLists checks head against the lists' size z and starts unpacking
// them from src on a goroutine of its own, once start is closed (nil: at
// once), up to depth blocks ahead of [lists.read]: a plan has them
// unpacked while lint is still at work. close stops it.
func openLists(head *stateHead, src io.Reader, z int64, start <-chan struct{}, depth int) (*lists, error) {
	bound, err := head.listsBound(z)
	if err != nil {
		return nil, err
	}
	pk := packingOf(head.Version)
	zr, err := pk.open(src)
	if err != nil {
		return nil, fmt.Errorf("the state file is damaged: its lists are not a %s stream: %v", pk.name, err)
	}
	ahead := newReadAhead(&io.LimitedReader{R: zr, N: bound + 1}, int(min(readAheadBlock, bound+1)), start, depth)
	return &lists{head: head, bound: bound, ahead: ahead, zr: zr}, nil
}

// close stops the unpacking; it may be called again.
func (l *lists) close() {
	if l != nil {
		l.ahead.close()
		l.zr.Close()
	}
}

// read reads the lists to sink: see [readLists].
func (l *lists) read(sink listSink) error {
	head, bound, lr := l.head, l.bound, l.ahead
	p := listParser{head: head, sink: sink}
	buf := make([]byte, min(stateChunk, bound+1))
	have, total := 0, int64(0)
	for done := false; !done; {
		var err error
		for have < len(buf) && err == nil {
			var n int
			n, err = lr.Read(buf[have:])
			have += n
			total += int64(n)
		}
		if total > bound {
			return fmt.Errorf("the state file is damaged: its lists unpack to more than the %d bytes its head and its size allow", bound)
		}
		switch {
		case err == io.EOF:
			done = true
		case err != nil:
			return streamError(err)
		}
		end := bytes.LastIndexByte(buf[:have], '\n') + 1
		if end == 0 && !done {
			// A line longer than the buffer: check that it starts as a
			// line of the lists before reading on.
			if err := p.start(buf[:have]); err != nil {
				return err
			}
			more := int(min(int64(len(buf)), bound+1-int64(len(buf))))
			buf = slices.Grow(buf, more)[:len(buf)+more]
			continue
		}
		if done && end < have {
			return fmt.Errorf("the state file is cut short: line %d of its lists has no end", p.n+1)
		}
		if err := p.lines(string(buf[:end])); err != nil {
			return err
		}
		have = copy(buf, buf[end:have])
	}
	if got := p.counts; got != head.Counts {
		return fmt.Errorf("the state file is cut short: %d users, %d teams and %d mappings of %d, %d and %d", got[0], got[1], got[2], head.Counts[0], head.Counts[1], head.Counts[2])
	}
	return nil
}

// readAhead reads r on a goroutine of its own, a few blocks ahead of its
// reader: the lists of a state are unpacked while the records unpacked
// before are compared.
type readAhead struct {
	blocks chan []byte
	free   chan []byte
	stop   chan struct{}
	done   chan struct{}
	// block is the block being read, at off; err is r's error, set
	// before blocks is closed.
	block    []byte
	off      int
	err      error
	stopping sync.Once
}

// readAheadBlock is the size of a block read ahead, and readAheadBlocks
// how many may wait; prefetchBlocks how many may wait for a plan's
// comparison while lint is at work (24 MB).
const (
	readAheadBlock  = 256 << 10
	readAheadBlocks = 2
	prefetchBlocks  = 96
)

// newReadAhead reads r in blocks of size, up to depth blocks ahead, once
// start is closed (nil: at once).
func newReadAhead(r io.Reader, size int, start <-chan struct{}, depth int) *readAhead {
	a := &readAhead{blocks: make(chan []byte, depth), free: make(chan []byte, depth+2), stop: make(chan struct{}), done: make(chan struct{})}
	go func() {
		defer close(a.done)
		defer close(a.blocks)
		if start != nil {
			select {
			case <-start:
			case <-a.stop:
				return
			}
		}
		for {
			var b []byte
			select {
			case b = <-a.free:
			default:
				b = make([]byte, size)
			}
			n := 0
			var err error
			for n < len(b) && err == nil {
				var m int
				m, err = r.Read(b[n:])
				n += m
			}
			if n > 0 {
				select {
				case a.blocks <- b[:n]:
				case <-a.stop:
					return
				}
			}
			if err != nil {
				a.err = err
				return
			}
		}
	}()
	return a
}

// Read reads what the goroutine read.
func (a *readAhead) Read(p []byte) (int, error) {
	for a.off == len(a.block) {
		if a.block != nil {
			select {
			case a.free <- a.block[:cap(a.block)]:
			default:
			}
		}
		b, ok := <-a.blocks
		if !ok {
			a.block, a.off = nil, 0
			return 0, a.err
		}
		a.block, a.off = b, 0
	}
	n := copy(p, a.block[a.off:])
	a.off += n
	return n, nil
}

// close stops the goroutine and waits until it is done, so that nothing
// reads the source after; it may be called again.
func (a *readAhead) close() {
	a.stopping.Do(func() { close(a.stop) })
	<-a.done
}

// streamError describes an error of the compressed stream of a state's
// lists.
func streamError(err error) error {
	if errors.Is(err, io.ErrUnexpectedEOF) {
		return errors.New("the state file is cut short: its lists end before their stream does")
	}
	return fmt.Errorf("the state file is damaged: its lists cannot be unpacked: %v", err)
}

// listParser reads the lines of a state's lists to a sink.
type listParser struct {
	head *stateHead
	sink listSink
	// n counts the lines read, counts those of each kind.
	n      int
	counts [3]int
	// u, t and m are the records handed to the sink, reused.
	u stateUser
	t stateTeam
	m stateMapping
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

// listKinds name the kinds of lines of the lists, by their letter's
// place in "UTM".
var listKinds = [3]string{"users", "teams", "mappings"}

// lines reads whole lines, each ending with a newline: the fields are
// cut from text.
func (p *listParser) lines(text string) error {
	roles := p.head.UserRoles
	for text != "" {
		p.n++
		var line string
		line, text, _ = strings.Cut(text, "\n")
		k := -1
		if len(line) >= 2 && line[1] == '\t' {
			k = strings.IndexByte("UTM", line[0])
		}
		if k < 0 {
			return fmt.Errorf("the state file is damaged: line %d of its lists is not a user, team or mapping", p.n)
		}
		if p.counts[k] == p.head.Counts[k] {
			return fmt.Errorf("the state file is damaged: line %d of its lists is one more of its %s than its head counts", p.n, listKinds[k])
		}
		// Users, then teams, then mappings, as ovsync writes them: a
		// sink compares each list once the one before is whole.
		for later := k + 1; later < 3; later++ {
			if p.counts[later] > 0 {
				return fmt.Errorf("the state file is damaged: line %d of its lists is one of its %s after its %s", p.n, listKinds[k], listKinds[later])
			}
		}
		p.counts[k]++
		body := line[2:]
		var err error
		switch k {
		case 0:
			p.u = stateUser{Values: body}
			i := 0
			for v := range strings.SplitSeq(body, "\t") {
				switch i {
				case roles[0]:
					p.u.ID = unescape(v)
				case roles[1]:
					p.u.Email = unescape(v)
				}
				if i++; i > roles[0] && i > roles[1] {
					break
				}
			}
			err = p.sink.user(&p.u)
		case 1:
			id, name, _ := strings.Cut(body, "\t")
			p.t = stateTeam{ID: unescape(id), Name: unescape(name)}
			err = p.sink.team(&p.t)
		default:
			team, rest, ok1 := strings.Cut(body, "\t")
			user, rest, ok2 := strings.Cut(rest, "\t")
			sub, flags, ok3 := strings.Cut(rest, "\t")
			if !ok1 || !ok2 || !ok3 || len(flags) != 1 || flags[0] < '0' || flags[0] > '3' {
				return fmt.Errorf("the state file is damaged: line %d of its lists is not a mapping", p.n)
			}
			p.m = stateMapping{
				Team: unescape(team), User: unescape(user), SubTeam: unescape(sub),
				Member: (flags[0]-'0')&1 != 0, Manager: (flags[0]-'0')&2 != 0,
			}
			err = p.sink.mapping(&p.m)
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// each hands the records of a state read whole to sink, in the order of
// its lists.
func (st *state) each(sink listSink) error {
	for i := range st.Users {
		if err := sink.user(&st.Users[i]); err != nil {
			return err
		}
	}
	for i := range st.Teams {
		if err := sink.team(&st.Teams[i]); err != nil {
			return err
		}
	}
	for i := range st.Mappings {
		if err := sink.mapping(&st.Mappings[i]); err != nil {
			return err
		}
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
	i := plainPrefix(v)
	b = append(b, v[:i]...) // most values need no escape
	for ; i < len(v); i++ {
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

// escapedBytes are the bytes appendEscaped escapes.
var escapedBytes = [256]bool{'\\': true, '\t': true, '\n': true, '\r': true}

// plainPrefix returns how many of v's first bytes appendEscaped writes
// as they are: len(v) for a value that needs no escape.
func plainPrefix(v string) int {
	for i := 0; i < len(v); i++ {
		if escapedBytes[v[i]] {
			return i
		}
	}
	return len(v)
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
func (st *stateHead) isFor(proto, url string) bool {
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
func (st *stateHead) target() string {
	proto, url := st.Protocol, st.APIURL
	if proto == "" {
		proto = ProtocolLegacy
	}
	if url == "" {
		url = "an unknown service"
	}
	return fmt.Sprintf("a %s push to %s", proto, url)
}

// stateWriter writes a version 3 state: the head line, then its lists, a
// line at a time, through zstd. The head and the text of the lists go
// through guards of the run's keys that see them before compression.
type stateWriter struct {
	zw  io.WriteCloser
	zr  io.WriteCloser
	bw  *bufio.Writer
	buf []byte
	err error
}

// newStateWriter writes the head line of h, its values exact, and
// starts the lists.
func newStateWriter(out io.Writer, red *redact.Redactor, h stateHead) (*stateWriter, error) {
	h.Version = stateVersion
	h.Exact = true
	head, err := json.Marshal(h)
	if err != nil {
		return nil, err
	}
	g := red.Guard(out)
	if _, err := g.Write(append(head, '\n')); err != nil {
		return nil, err
	}
	if err := g.Close(); err != nil {
		return nil, err
	}
	zw, err := newListsWriter(out)
	if err != nil {
		return nil, err
	}
	zr := red.Guard(zw)
	return &stateWriter{zw: zw, zr: zr, bw: bufio.NewWriterSize(zr, 1<<16)}, nil
}

// line ends the line in buf and writes it.
func (w *stateWriter) line() {
	w.buf = append(w.buf, '\n')
	if w.err == nil {
		_, w.err = w.bw.Write(w.buf)
	}
	w.buf = w.buf[:0]
}

// userValues writes a user's line from its values, as a push sends them.
func (w *stateWriter) userValues(vals []string) {
	w.buf = append(w.buf, "U\t"...)
	w.buf = appendValues(w.buf, vals)
	w.line()
}

// team writes a team's line.
func (w *stateWriter) team(id, name string) {
	w.buf = append(w.buf, "T\t"...)
	w.buf = appendEscaped(w.buf, id)
	w.buf = append(w.buf, '\t')
	w.buf = appendEscaped(w.buf, name)
	w.line()
}

// mapping writes a mapping row's line.
func (w *stateWriter) mapping(team, user, sub string, member, manager bool) {
	w.buf = append(w.buf, "M\t"...)
	w.buf = appendEscaped(w.buf, team)
	w.buf = append(w.buf, '\t')
	w.buf = appendEscaped(w.buf, user)
	w.buf = append(w.buf, '\t')
	w.buf = appendEscaped(w.buf, sub)
	flags := byte('0')
	if member {
		flags++
	}
	if manager {
		flags += 2
	}
	w.buf = append(w.buf, '\t', flags)
	w.line()
}

// close ends the lists and their stream.
func (w *stateWriter) close() error {
	if w.err != nil {
		return w.err
	}
	if err := w.bw.Flush(); err != nil {
		return err
	}
	if err := w.zr.Close(); err != nil {
		return err
	}
	return w.zw.Close()
}

// appendValues appends a user's values, escaped and joined by tabs, as
// a state keeps them.
func appendValues(b []byte, vals []string) []byte {
	for i, v := range vals {
		if i > 0 {
			b = append(b, '\t')
		}
		b = appendEscaped(b, v)
	}
	return b
}
