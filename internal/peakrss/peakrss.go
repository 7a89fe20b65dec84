// Package peakrss measures the memory a run takes: the peak resident set
// size of the process, which the benchmarks of a whole run (plan, push,
// lint of a million users) report beside time and allocations, and the
// bytes a function allocates, which the tests of bounds assert.
package peakrss

import (
	"os"
	"runtime"
	"runtime/debug"
	"strconv"
	"strings"
)

// MB returns the process's peak resident set size in MB (Linux), or -1
// where it cannot be read.
func MB() float64 {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return -1
	}
	for _, l := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(l, "VmHWM:"); ok {
			kb, err := strconv.ParseFloat(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 64)
			if err == nil {
				return kb / 1024
			}
		}
	}
	return -1
}

// Reset returns the free heap to the system and starts the peak count
// again (Linux 4.0 and later), so that what ran before does not count.
func Reset() {
	debug.FreeOSMemory()
	_ = os.WriteFile("/proc/self/clear_refs", []byte("5"), 0)
}

// Allocated returns the bytes the Go heap allocated while f ran.
func Allocated(f func()) uint64 {
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	f()
	runtime.ReadMemStats(&after)
	return after.TotalAlloc - before.TotalAlloc
}
