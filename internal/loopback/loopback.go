// Package loopback tells the host names of this machine apart, for the
// rules that let plain http reach a loopback address only (a fake of the
// service in tests and rehearsals), never the network.
package loopback

import (
	"net"
	"strings"
)

// Is reports whether host names this machine: localhost or a loopback IP
// address.
func Is(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}
