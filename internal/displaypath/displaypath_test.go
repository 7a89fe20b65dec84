package displaypath

import (
	"os"
	"path/filepath"
	"testing"
)

func TestOf(t *testing.T) {
	wd, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	parent := filepath.Dir(wd)
	for _, tt := range []struct {
		name, path, want string
	}{
		{"empty", "", ""},
		{"relative under the working folder", filepath.Join("testdata", "a.csv"), filepath.Join("testdata", "a.csv")},
		{"absolute under the working folder", filepath.Join(wd, "Data", "users.csv"), filepath.Join("Data", "users.csv")},
		{"the working folder", wd, "."},
		{"above the working folder", filepath.Join("..", "x.csv"), filepath.Join(parent, "x.csv")},
		{"a sibling named like the parent", filepath.Join(parent, "..x"), filepath.Join(parent, "..x")},
		{"cleaned", filepath.Join("Data", "..", "config.json"), "config.json"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if got := Of(tt.path); got != tt.want {
				t.Errorf("Of(%q) = %q, want %q", tt.path, got, tt.want)
			}
		})
	}
}
