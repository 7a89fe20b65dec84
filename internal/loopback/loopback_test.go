package loopback

import "testing"

func TestIs(t *testing.T) {
	for _, tt := range []struct {
		host string
		want bool
	}{
		{"localhost", true},
		{"LocalHost", true},
		{"127.0.0.1", true},
		{"127.8.9.10", true},
		{"::1", true},
		{"10.0.0.1", false},
		{"::", false},
		{"localhost.example.com", false},
		{"app.officevibe.com", false},
		{"[::1]", false}, // a host, not host:port with brackets
		{"", false},
	} {
		if got := Is(tt.host); got != tt.want {
			t.Errorf("Is(%q) = %t, want %t", tt.host, got, tt.want)
		}
	}
}
