//go:build !race

package pushtest

// raceEnabled is true when the race detector, which slows the large
// streaming test tenfold, is on.
const raceEnabled = false
