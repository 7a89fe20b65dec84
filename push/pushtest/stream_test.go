package pushtest

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"net/http"
	"runtime"
	"runtime/metrics"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/ovsync/ovsync/push"
)

// org is the shape of a generated body: n users, a team per seven users
// managed by its first member, a member row per user and a sub-team row per
// team but the first, so mappings are about 1.14 n.
type org struct {
	users, groups, mappings int
}

func orgOf(n int) org {
	g := (n + 6) / 7
	return org{users: n, groups: g, mappings: n + g - 1}
}

// writeOrg writes a clean body of n users in protocol p, one element at a
// time, as a streaming client would.
func writeOrg(w io.Writer, p Protocol, n int) error {
	bw := bufio.NewWriterSize(w, 64<<10)
	o := orgOf(n)
	id, email, lang := push.UserID, "email", `"language":"English"`
	groups, gid, gname := "groups", "id", "name"
	mappings, mg, mu, ms := "mappings", "groupId", "userId", "subGroupId"
	users := "users"
	if p == Provisioning {
		users, id, lang = "members", push.MemberID, `"languagePreferences":"en","productAssignations":""`
		groups, gid, gname = "teams", "externalTeamId", "teamName"
		mappings, mg, mu, ms = "teamMappings", "externalTeamId", "externalMemberId", "externalSubteamId"
		bw.WriteString(`{`)
	} else {
		bw.WriteString(`{"settings":{"syncManagerEmail":"hr-ops@example.com","inviteNewUsers":false},`)
	}
	var buf []byte
	fmt.Fprintf(bw, `"%s":[`, users)
	for i := range o.users {
		buf = buf[:0]
		if i > 0 {
			buf = append(buf, ',')
		}
		buf = append(buf, `{"`+id+`":"U`...)
		buf = strconv.AppendInt(buf, int64(i), 10)
		buf = append(buf, `","`+email+`":"user`...)
		buf = strconv.AppendInt(buf, int64(i), 10)
		buf = append(buf, `@example.com","firstName":"Zoë","lastName":"O'Brien-`...)
		buf = strconv.AppendInt(buf, int64(i), 10)
		buf = append(buf, `","jobTitle":"Engineer, \"Platform\"","imageUrl":"",`+lang+`,"Department":"R&D","Hiring Date":"2019-03-04","Country":"Canada"}`...)
		bw.Write(buf)
	}
	fmt.Fprintf(bw, `],"%s":[`, groups)
	for g := range o.groups {
		buf = buf[:0]
		if g > 0 {
			buf = append(buf, ',')
		}
		buf = append(buf, `{"`+gid+`":"T`...)
		buf = strconv.AppendInt(buf, int64(g), 10)
		buf = append(buf, `","`+gname+`":"Team `...)
		buf = strconv.AppendInt(buf, int64(g), 10)
		buf = append(buf, `"}`...)
		bw.Write(buf)
	}
	fmt.Fprintf(bw, `],"%s":[`, mappings)
	row := func(first bool, group, user, sub int, member, manager bool) {
		buf = buf[:0]
		if !first {
			buf = append(buf, ',')
		}
		buf = append(buf, `{"`+mg+`":"T`...)
		buf = strconv.AppendInt(buf, int64(group), 10)
		buf = append(buf, `","`+mu+`":"`...)
		if user >= 0 {
			buf = append(buf, 'U')
			buf = strconv.AppendInt(buf, int64(user), 10)
		}
		buf = append(buf, `","`+ms+`":"`...)
		if sub >= 0 {
			buf = append(buf, 'T')
			buf = strconv.AppendInt(buf, int64(sub), 10)
		}
		buf = append(buf, `","isMember":`...)
		buf = strconv.AppendBool(buf, member)
		buf = append(buf, `,"isManager":`...)
		buf = strconv.AppendBool(buf, manager)
		buf = append(buf, '}')
		bw.Write(buf)
	}
	for i := range o.users {
		row(i == 0, i/7, i, -1, true, i%7 == 0)
	}
	for g := range o.groups {
		if g > 0 {
			row(false, (g-1)/8, -1, g, false, false)
		}
	}
	bw.WriteString(`]}`)
	return bw.Flush()
}

func TestWriteOrgIsClean(t *testing.T) {
	for _, p := range []Protocol{Legacy, Provisioning} {
		t.Run(string(p), func(t *testing.T) {
			var buf bytes.Buffer
			if err := writeOrg(&buf, p, 100); err != nil {
				t.Fatal(err)
			}
			res := Check(p, &buf)
			o := orgOf(100)
			if res.Status() != StatusSuccess || res.Users != o.users || res.Groups != o.groups || res.Mappings != o.mappings {
				t.Errorf("Check = %+v, want a clean org of %+v", res, o)
			}
		})
	}
}

// heapPeak samples the live heap until stop is closed and returns the
// highest value seen, in bytes.
func heapPeak(stop <-chan struct{}) <-chan uint64 {
	out := make(chan uint64, 1)
	go func() {
		sample := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
		var peak uint64
		tick := time.NewTicker(time.Millisecond)
		defer tick.Stop()
		for {
			metrics.Read(sample)
			peak = max(peak, sample[0].Value.Uint64())
			select {
			case <-stop:
				out <- peak
				return
			case <-tick.C:
			}
		}
	}()
	return out
}

// countingWriter counts the bytes written through it.
type countingWriter struct {
	w io.Writer
	n int64
}

func (c *countingWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n += int64(n)
	return n, err
}

// streamOrg sends a generated org of n users to srv through an io.Pipe, so
// neither side ever has the whole body, and returns the body's size and
// the peak live heap of the process meanwhile.
func streamOrg(tb testing.TB, srv *Server, p Protocol, n int) (size int64, peak uint64) {
	tb.Helper()
	pr, pw := io.Pipe()
	var wg sync.WaitGroup
	var written int64
	wg.Go(func() {
		cw := &countingWriter{w: pw}
		pw.CloseWithError(writeOrg(cw, p, n))
		written = cw.n
	})
	path, header := push.SyncPath, legacyHeader(DefaultKey)
	if p == Provisioning {
		path, header = push.ProvisioningPath, provisioningHeader(DefaultKey)
	}
	req, err := http.NewRequest(http.MethodPost, srv.URL+path, pr)
	if err != nil {
		tb.Fatal(err)
	}
	for k, v := range header {
		req.Header.Set(k, v)
	}
	runtime.GC()
	stop := make(chan struct{})
	peakc := heapPeak(stop)
	resp, err := srv.Client().Do(req)
	if err != nil {
		tb.Fatal(err)
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	close(stop)
	wg.Wait()
	if resp.StatusCode/100 != 2 {
		tb.Fatalf("status %d", resp.StatusCode)
	}
	return written, <-peakc
}

// TestStreamLargeBody streams a large generated org through the fake and
// checks it is counted whole while the process's live heap stays well
// below the body's size: the body is checked as it comes, never held.
func TestStreamLargeBody(t *testing.T) {
	n := 200_000
	switch {
	case testing.Short():
		n = 20_000
	case raceEnabled:
		n = 50_000
	}
	for _, p := range []Protocol{Legacy, Provisioning} {
		t.Run(string(p), func(t *testing.T) {
			srv := NewServer(Options{})
			defer srv.Close()
			runtime.GC()
			var base runtime.MemStats
			runtime.ReadMemStats(&base)
			size, peak := streamOrg(t, srv, p, n)
			h := srv.History()
			if len(h) != 1 {
				t.Fatalf("history has %d syncs, want 1", len(h))
			}
			s, o := h[0], orgOf(n)
			if s.Status != StatusSuccess || s.Users != o.users || s.Groups != o.groups || s.Mappings != o.mappings || s.Bytes != size {
				t.Errorf("sync = %+v, want %+v and %d bytes", s, o, size)
			}
			growth := int64(peak) - int64(base.HeapAlloc)
			t.Logf("%d users, body %.1f MB, peak live heap growth %.1f MB", n, float64(size)/1e6, float64(growth)/1e6)
			// Holding the body would grow the heap by at least its size.
			if growth > size*3/4 {
				t.Errorf("peak live heap grew by %d bytes for a %d-byte body: the body is held in memory", growth, size)
			}
		})
	}
}

// BenchmarkCheck measures the checker alone on an in-memory body.
func BenchmarkCheck(b *testing.B) {
	for _, n := range []int{1_000, 100_000} {
		b.Run(fmt.Sprintf("users=%d", n), func(b *testing.B) {
			var buf bytes.Buffer
			if err := writeOrg(&buf, Legacy, n); err != nil {
				b.Fatal(err)
			}
			body := buf.Bytes()
			b.SetBytes(int64(len(body)))
			b.ReportAllocs()
			for b.Loop() {
				if res := Check(Legacy, bytes.NewReader(body)); res.Users != n {
					b.Fatalf("users = %d, want %d", res.Users, n)
				}
			}
		})
	}
}

// BenchmarkServerStream streams generated orgs to the fake over loopback
// and reports the peak live heap of the process (client and fake
// together) in MB beside the body's size.
func BenchmarkServerStream(b *testing.B) {
	for _, n := range []int{10_000, 200_000, 1_000_000} {
		b.Run(fmt.Sprintf("users=%d", n), func(b *testing.B) {
			srv := NewServer(Options{})
			defer srv.Close()
			b.ReportAllocs()
			var size int64
			var peak uint64
			for b.Loop() {
				s, p := streamOrg(b, srv, Legacy, n)
				size, peak = s, max(peak, p)
			}
			b.SetBytes(size)
			b.ReportMetric(float64(size)/1e6, "body-MB")
			b.ReportMetric(float64(peak)/1e6, "peak-heap-MB")
		})
	}
}
