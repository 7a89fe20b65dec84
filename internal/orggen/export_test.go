package orggen

import (
	"bytes"
	"testing"
)

// TestGenerateExport checks the export against the org of the same
// options: the same people, and each person's manager is the manager of
// the one team they are a member of.
func TestGenerateExport(t *testing.T) {
	opt := Options{Users: 2000, Seed: 7}
	o := generate(t, opt)
	var buf bytes.Buffer
	st, err := GenerateExport(&buf, opt)
	if err != nil {
		t.Fatal(err)
	}
	if st.Users != opt.Users || st.Bytes != int64(buf.Len()) {
		t.Errorf("stats %+v for %d bytes", st, buf.Len())
	}
	header, rows := readCSV(t, "export.csv", buf.Bytes())
	_, users := readCSV(t, "users.csv", o.users)
	if len(header) != 11 || header[10] != "Manager ID" || len(rows) != len(users) {
		t.Fatalf("header %q, %d rows for %d users", header, len(rows), len(users))
	}
	_, mapping := readCSV(t, "groups-mapping.csv", o.mapping)
	managerOf := map[string]string{} // team -> its manager
	for _, m := range mapping {
		if m[1] != "" && m[4] == "TRUE" {
			managerOf[m[0]] = m[1]
		}
	}
	bossOf := map[string]string{}
	for _, m := range mapping {
		if m[1] != "" && m[3] == "TRUE" {
			if _, dup := bossOf[m[1]]; dup {
				t.Fatalf("%s is a member of two teams", m[1])
			}
			bossOf[m[1]] = managerOf[m[0]]
		}
	}
	roots := 0
	for i, r := range rows {
		for c := range 10 {
			if r[c] != users[i][c] {
				t.Fatalf("row %d field %d: %q, users.csv has %q", i+1, c+1, r[c], users[i][c])
			}
		}
		if r[10] != bossOf[r[0]] {
			t.Fatalf("%s: manager %q, the org says %q", r[0], r[10], bossOf[r[0]])
		}
		if r[10] == "" {
			roots++
		}
	}
	if roots != 1 {
		t.Errorf("%d people without a manager", roots)
	}
	if _, err := GenerateExport(&buf, Options{Users: 1}); err == nil {
		t.Error("an export of one person")
	}
}
