package plural

import "fmt"

// Bytes writes a size in bytes with a decimal unit: "812 bytes",
// "24.1 kB", "373.8 MB", "1.05 GB".
func Bytes(n int64) string {
	switch {
	case n < 1000:
		return Count(int(n), "byte", "bytes")
	case n < 1000_000:
		return fmt.Sprintf("%.1f kB", float64(n)/1e3)
	case n < 1000_000_000:
		return fmt.Sprintf("%.1f MB", float64(n)/1e6)
	}
	return fmt.Sprintf("%.2f GB", float64(n)/1e9)
}
