package orggen

import (
	"fmt"
	"os"
	"path/filepath"
)

// cacheVersion changes whenever the generator's output changes, so that a
// cached org is never one an older generator wrote.
const cacheVersion = 1

// Cached returns the folder of a generated org of the given size (seed 1),
// writing it under the system's temporary folder the first time. The
// benchmarks of lint, graph and push share it, within a run and across
// runs: a million-user org takes a few seconds to write and 155 MB.
func Cached(users int) (string, error) {
	root := filepath.Join(os.TempDir(), "ovsync-orggen")
	dir := filepath.Join(root, fmt.Sprintf("v%d-users%d-seed1", cacheVersion, users))
	done := filepath.Join(dir, ".complete")
	if _, err := os.Stat(done); err == nil {
		return dir, nil
	}
	if err := os.MkdirAll(root, 0o755); err != nil {
		return "", err
	}
	tmp, err := os.MkdirTemp(root, "writing-")
	if err != nil {
		return "", err
	}
	defer os.RemoveAll(tmp)
	if _, err := WriteDir(tmp, Options{Users: users, Seed: 1}); err != nil {
		return "", err
	}
	if err := os.WriteFile(filepath.Join(tmp, ".complete"), nil, 0o644); err != nil {
		return "", err
	}
	os.RemoveAll(dir) // an incomplete one from an interrupted run
	if err := os.Rename(tmp, dir); err != nil {
		if _, statErr := os.Stat(done); statErr == nil {
			return dir, nil // another process finished first
		}
		return "", err
	}
	return dir, nil
}
