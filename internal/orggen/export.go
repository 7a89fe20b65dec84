package orggen

import (
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
)

// exportHeader is the header of an HR export: the columns of users.csv as
// HR systems name them, and the manager's id.
const exportHeader = "Employee ID,Work Email,First Name,Last Name,Job Title,Photo URL,Preferred Language,Department,Country,Hire Date,Manager ID\n"

// GenerateExport writes the people of the org of opt as an HR system
// exports them, the input of ovsync build: one row per person in id
// order, with the values of users.csv (the same people as [Generate]'s for
// the same options) and the id of each person's manager, empty for the
// top of the org.
func GenerateExport(w io.Writer, opt Options) (Stats, error) {
	if opt.Users < 2 || opt.Users > MaxUsers {
		return Stats{}, fmt.Errorf("users must be between 2 and %d, got %d", MaxUsers, opt.Users)
	}
	seed := uint64(opt.Seed)
	g := &generator{t: buildTree(opt.Users, rand.New(rand.NewPCG(seed, streamTree)))}
	g.numberUsers(rand.New(rand.NewPCG(seed, streamIDs)))
	g.userWidth = max(7, len(strconv.Itoa(opt.Users)))
	parent := make([]int32, g.t.n)
	parent[0] = -1
	for v := range g.t.n {
		for i := range int(g.t.nChild[v]) {
			parent[int(g.t.childStart[v])+i] = int32(v)
		}
	}
	n, err := g.writeUsers(w, rand.New(rand.NewPCG(seed, streamPeople)), exportHeader, func(b []byte, v int) []byte {
		b = append(b, ',')
		if p := parent[v]; p >= 0 {
			b = g.appendUserID(b, int(p))
		}
		return b
	})
	return Stats{Users: opt.Users, Bytes: n}, err
}

// CachedExport returns the path of a generated export of the given size
// (seed 1), writing it under the system's temporary folder the first time,
// as [Cached] does for orgs.
func CachedExport(users int) (string, error) {
	root := filepath.Join(os.TempDir(), "ovsync-orggen")
	path := filepath.Join(root, fmt.Sprintf("v%d-export%d-seed1.csv", cacheVersion, users))
	if _, err := os.Stat(path); err == nil {
		return path, nil
	}
	if err := os.MkdirAll(root, 0o755); err != nil {
		return "", err
	}
	f, err := os.CreateTemp(root, "writing-*.csv")
	if err != nil {
		return "", err
	}
	defer os.Remove(f.Name())
	_, err = GenerateExport(f, Options{Users: users, Seed: 1})
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return "", err
	}
	return path, os.Rename(f.Name(), path)
}
