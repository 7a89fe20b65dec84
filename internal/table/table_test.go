package table

import (
	"bytes"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestWrite(t *testing.T) {
	tests := []struct {
		name   string
		header []string
		rows   [][]string
		right  []int
		want   string
	}{
		{
			name:   "counts right",
			header: []string{"RULE", "COUNT"},
			rows:   [][]string{{"cycle", "1"}, {"no-role", "12"}},
			right:  []int{1},
			want: `+---------+-------+
| RULE    | COUNT |
+---------+-------+
| cycle   |     1 |
| no-role |    12 |
+---------+-------+
`,
		},
		{
			name:   "no wrapping",
			header: []string{"FILE"},
			rows:   [][]string{{"a rather long path/with spaces in it/users.csv"}},
			want: `+------------------------------------------------+
| FILE                                           |
+------------------------------------------------+
| a rather long path/with spaces in it/users.csv |
+------------------------------------------------+
`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var b bytes.Buffer
			if err := Write(&b, tt.header, tt.rows, tt.right...); err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, b.String()); diff != "" {
				t.Errorf("Write mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestWriteWrapped(t *testing.T) {
	var b bytes.Buffer
	rows := [][]string{{"cycle", "sub-teams form a cycle of teams", "12"}}
	if err := WriteWrapped(&b, []string{"RULE", "WHEN", "N"}, rows, []int{0, 12, 0}); err != nil {
		t.Fatal(err)
	}
	// 12 columns with the padding: 10 characters of text.
	want := `+-------+-----------+----+
| RULE  | WHEN      | N  |
+-------+-----------+----+
| cycle | sub-teams | 12 |
|       | form a    |    |
|       | cycle of  |    |
|       | teams     |    |
+-------+-----------+----+
`
	if diff := cmp.Diff(want, b.String()); diff != "" {
		t.Errorf("WriteWrapped mismatch (-want +got):\n%s", diff)
	}
}
