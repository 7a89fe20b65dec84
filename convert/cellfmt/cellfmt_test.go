package cellfmt

import (
	"math"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestNumber(t *testing.T) {
	tests := []struct {
		name string
		in   float64
		want string
	}{
		{"zero", 0, "0"},
		{"negative zero", math.Copysign(0, -1), "0"},
		{"small integer", 42, "42"},
		{"half", 2.5, "2.5"},
		{"negative", -2.5, "-2.5"},
		{"negative integer", -17, "-17"},
		{"large id", 1234567890123, "1234567890123"},
		{"fifteen digits", 123456789012345, "123456789012345"},
		{"sixteen digits rounded", 1234567890123456, "1234567890123460"},
		{"float sum", 0.1 + 0.2, "0.3"},
		{"float product", 1.1 * 1.1, "1.21"},
		{"one third", 1.0 / 3, "0.333333333333333"},
		{"two thirds", -2.0 / 3, "-0.666666666666667"},
		{"1e20", 1e20, "100000000000000000000"},
		{"1e15", 1e15, "1000000000000000"},
		{"tiny", 0.000001234, "0.000001234"},
		{"negative tiny", -0.000001234, "-0.000001234"},
		{"1e-10", 1e-10, "0.0000000001"},
		{"rounds up to power of ten", 0.9999999999999999, "1"},
		{"rounds up large", 999999999999999.9, "1000000000000000"},
		{"mixed", 12345.678, "12345.678"},
		{"serial", 43528.354166666664, "43528.3541666667"},
		{"max float", math.MaxFloat64, "17976931348623200" + zeros(292)},
		{"NaN", math.NaN(), "NaN"},
		{"+Inf", math.Inf(1), "+Inf"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if diff := cmp.Diff(tt.want, Number(tt.in)); diff != "" {
				t.Errorf("Number(%v) mismatch (-want +got):\n%s", tt.in, diff)
			}
		})
	}
}

func zeros(n int) string {
	b := make([]byte, n)
	for i := range b {
		b[i] = '0'
	}
	return string(b)
}

func TestBool(t *testing.T) {
	if diff := cmp.Diff([]string{"TRUE", "FALSE"}, []string{Bool(true), Bool(false)}); diff != "" {
		t.Errorf("Bool mismatch (-want +got):\n%s", diff)
	}
}

func TestParseKind(t *testing.T) {
	tests := []struct {
		name string
		code string
		want Kind
	}{
		{"empty", "", KindNumber},
		{"general", "General", KindNumber},
		{"general lower case", "general", KindNumber},
		{"integer", "0", KindNumber},
		{"leading zeros", "00000", KindNumber},
		{"thousands", "#,##0.00", KindNumber},
		{"percent", "0.00%", KindNumber},
		{"scientific", "0.00E+00", KindNumber},
		{"currency", `[$€-407]\ #,##0.00;[Red]\-[$€-407]\ #,##0.00`, KindNumber},
		{"accounting", `_-* #,##0.00\ _€_-;\-* #,##0.00\ _€_-;_-* "-"??\ _€_-;_-@_-`, KindNumber},
		{"text", "@", KindNumber},
		{"quoted date letters", `0" days"`, KindNumber},
		{"escaped date letters", `0\ \d\a\y\s`, KindNumber},
		{"iso date", "yyyy-mm-dd", KindDate},
		{"upper case date", "YYYY-MM-DD", KindDate},
		{"european date", "dd/mm/yyyy", KindDate},
		{"us date", "m/d/yy", KindDate},
		{"long date", "mmmm d yyyy", KindDate},
		{"locale long date", `[$-409]mmmm d, yyyy;@`, KindDate},
		{"year month", "yyyy-mm", KindDate},
		{"month only", "mmm", KindDate},
		{"day name", "dddd", KindDate},
		{"coloured date", "[Red]dd/mm/yyyy", KindDate},
		{"japanese date", `yyyy"年"m"月"d"日"`, KindDate},
		{"date time", "dd/mm/yyyy hh:mm", KindDateTime},
		{"iso date time", `yyyy-mm-dd"T"hh:mm:ss`, KindDateTime},
		{"us date time", "m/d/yy h:mm AM/PM", KindDateTime},
		{"time", "hh:mm", KindTime},
		{"time seconds", "hh:mm:ss", KindTime},
		{"minutes seconds", "mm:ss", KindTime},
		{"fractional seconds", "mm:ss.0", KindTime},
		{"am pm", "h:mm AM/PM", KindTime},
		{"a p", "h:mm a/p", KindTime},
		{"elapsed hours", "[h]:mm:ss", KindTime},
		{"elapsed minutes", "[mm]:ss", KindTime},
		{"time with fill", "* hh:mm", KindTime},
		{"boolean", `"TRUE";"TRUE";"FALSE"`, KindLiteral},
		{"yes no", `"Yes";"Yes";"No"`, KindLiteral},
		{"single literal", `"n/a"`, KindLiteral},
		{"escaped literal", `\Y\e\s;\Y\e\s;\N\o`, KindLiteral},
		{"literal with colour", `[Green]"ok";[Red]"bad"`, KindLiteral},
		{"literal with text section", `"on";"on";"off";@`, KindLiteral},
		{"mixed sections", `0;"negative"`, KindNumber},
		{"empty sections", ";;", KindNumber},
		{"unterminated quote", `"abc`, KindLiteral},
		{"unterminated bracket", `[Red`, KindNumber},
		{"trailing backslash", `0\`, KindNumber},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Parse(tt.code).Kind(); got != tt.want {
				t.Errorf("Parse(%q).Kind() = %v, want %v", tt.code, got, tt.want)
			}
		})
	}
}

func TestBuiltin(t *testing.T) {
	want := map[int]Kind{
		0: KindNumber, 1: KindNumber, 2: KindNumber, 9: KindNumber, 11: KindNumber,
		14: KindDate, 15: KindDate, 16: KindDate, 17: KindDate,
		18: KindTime, 19: KindTime, 20: KindTime, 21: KindTime,
		22: KindDateTime,
		31: KindDate, 32: KindTime,
		45: KindTime, 46: KindTime, 47: KindTime,
		49: KindNumber, 164: KindNumber, -1: KindNumber,
	}
	got := map[int]Kind{}
	for id := range want {
		got[id] = Builtin(id).Kind()
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Builtin kinds mismatch (-want +got):\n%s", diff)
	}
}

func TestRender(t *testing.T) {
	const (
		march4     = 43528 // 2019-03-04 in the 1900 system
		march4y04  = march4 - 1462
		halfPast8  = 8.5 / 24
		boolFormat = `"TRUE";"TRUE";"FALSE"`
	)
	tests := []struct {
		name     string
		code     string
		v        float64
		date1904 bool
		want     string
	}{
		{"general integer", "General", 42, false, "42"},
		{"general fraction", "General", 2.5, false, "2.5"},
		{"leading zero format keeps number", "00000", 123, false, "123"},
		{"percent keeps number", "0%", 0.25, false, "0.25"},
		{"currency keeps number", `#,##0.00 [$€-407]`, -1234.5, false, "-1234.5"},
		{"iso date", "yyyy-mm-dd", march4, false, "2019-03-04"},
		{"european date", "dd/mm/yyyy", march4, false, "2019-03-04"},
		{"long date", "mmmm d yyyy", march4, false, "2019-03-04"},
		{"date ignores time of day", "dd/mm/yyyy", march4 + halfPast8, false, "2019-03-04"},
		{"date time", "dd/mm/yyyy hh:mm", march4 + halfPast8, false, "2019-03-04T08:30:00"},
		{"date time at midnight", "yyyy-mm-dd hh:mm:ss", march4, false, "2019-03-04T00:00:00"},
		{"time", "hh:mm", halfPast8, false, "08:30:00"},
		{"time of a date time", "hh:mm:ss", march4 + halfPast8, false, "08:30:00"},
		{"elapsed time", "[h]:mm:ss", 1 + halfPast8, false, "32:30:00"},
		{"negative elapsed time", "[h]:mm", -1, false, "-1"},
		{"rounds to the second", "hh:mm:ss", 0.49999 / secondsPerDay, false, "00:00:00"},
		{"rounds up to the next second", "hh:mm:ss", (59 + 0.6) / secondsPerDay, false, "00:01:00"},
		{"rounds into the next day", "yyyy-mm-dd hh:mm:ss", march4 + 1 - 0.4/secondsPerDay, false, "2019-03-05T00:00:00"},
		{"1904 date", "yyyy-mm-dd", march4y04, true, "2019-03-04"},
		{"1904 epoch", "yyyy-mm-dd", 0, true, "1904-01-01"},
		{"1904 date time", "yyyy-mm-dd hh:mm", march4y04 + halfPast8, true, "2019-03-04T08:30:00"},
		{"1900 day 1", "yyyy-mm-dd", 1, false, "1900-01-01"},
		{"1900 day 59", "yyyy-mm-dd", 59, false, "1900-02-28"},
		{"1900 leap bug", "yyyy-mm-dd", 60, false, "1900-02-29"},
		{"1900 leap bug with time", "yyyy-mm-dd hh:mm", 60.5, false, "1900-02-29T12:00:00"},
		{"1900 day 61", "yyyy-mm-dd", 61, false, "1900-03-01"},
		{"1900 day 0", "yyyy-mm-dd", 0, false, "1899-12-31"},
		{"last date", "yyyy-mm-dd", 2958465, false, "9999-12-31"},
		{"past last date", "yyyy-mm-dd", 2958466, false, "2958466"},
		{"negative date", "yyyy-mm-dd", -1, false, "-1"},
		{"huge date", "yyyy-mm-dd", 1e300, false, "1" + zeros(300)},
		{"boolean true", boolFormat, 1, false, "TRUE"},
		{"boolean false", boolFormat, 0, false, "FALSE"},
		{"boolean negative", boolFormat, -1, false, "TRUE"},
		{"two sections zero", `"plus";"minus"`, 0, false, "plus"},
		{"two sections negative", `"plus";"minus"`, -3, false, "minus"},
		{"one section", `"n/a"`, -3, false, "n/a"},
		{"condition met", `[>=100]"big";"small"`, 150, false, "big"},
		{"condition not met", `[>=100]"big";"small"`, 50, false, "small"},
		{"no condition met", `[>=100]"big";[<0]"negative"`, 50, false, "50"},
		{"escaped literal", `\Y\e\s;\Y\e\s;\N\o`, 0, false, "No"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Parse(tt.code).Render(tt.v, tt.date1904)
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("Parse(%q).Render(%v, %v) mismatch (-want +got):\n%s", tt.code, tt.v, tt.date1904, diff)
			}
		})
	}
}

func TestISO(t *testing.T) {
	tests := []struct {
		name   string
		serial float64
		kind   Kind
		want   string
		ok     bool
	}{
		{"date", 43528, KindDate, "2019-03-04", true},
		{"date time", 43528.5, KindDateTime, "2019-03-04T12:00:00", true},
		{"time", 0.75, KindTime, "18:00:00", true},
		{"number kind", 43528, KindNumber, "", false},
		{"literal kind", 1, KindLiteral, "", false},
		{"NaN", math.NaN(), KindDate, "", false},
		{"negative", -0.5, KindTime, "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := ISO(tt.serial, tt.kind, false)
			if got != tt.want || ok != tt.ok {
				t.Errorf("ISO(%v, %v) = %q, %v; want %q, %v", tt.serial, tt.kind, got, ok, tt.want, tt.ok)
			}
		})
	}
}

func TestKindString(t *testing.T) {
	got := []string{KindNumber.String(), KindDate.String(), KindDateTime.String(), KindTime.String(), KindLiteral.String()}
	want := []string{"number", "date", "date-time", "time", "literal"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Kind.String mismatch (-want +got):\n%s", diff)
	}
}

// FuzzParse renders any number through any format code and checks what
// a person reads: the shape the format's kind promises (an ISO date, a
// date-time, a clock, one of a literal format's texts, or the number
// itself), and numbers that read back as the same number, so that
// rendering what was rendered changes nothing.
func FuzzParse(f *testing.F) {
	for _, code := range []string{"", "General", "yyyy-mm-dd", `"TRUE";"TRUE";"FALSE"`, `[>=100]"big";"small"`, `[h]:mm:ss`, `\`, `"`, `[`, `_`, `*`, "dd/mm/yyyy hh:mm", "hh:mm", "0.00%"} {
		f.Add(code, 43528.5)
	}
	f.Add("General", 0.1+0.2)
	f.Add("General", -1.234e-6)
	f.Add("General", 1e20)
	dateRe := regexp.MustCompile(`^\d{4}-\d{2}-\d{2}$`)
	dateTimeRe := regexp.MustCompile(`^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}$`)
	timeRe := regexp.MustCompile(`^\d{2,}:\d{2}:\d{2}$`)
	f.Fuzz(func(t *testing.T, code string, v float64) {
		n := Number(v)
		if !math.IsNaN(v) && !math.IsInf(v, 0) {
			back, err := strconv.ParseFloat(n, 64)
			if err != nil {
				t.Fatalf("Number(%v) = %q, not a number", v, n)
			}
			if d := math.Abs(back - v); d > math.Abs(v)*1e-14 {
				t.Fatalf("Number(%v) = %q, which reads back as %v", v, n, back)
			}
			if again := Number(back); again != n {
				t.Fatalf("Number(%v) = %q, but Number(%q) = %q", v, n, n, again)
			}
			if strings.ContainsAny(n, "eE") {
				t.Fatalf("Number(%v) = %q: an exponent", v, n)
			}
		}
		fm := Parse(code)
		for _, d1904 := range []bool{false, true} {
			got := fm.Render(v, d1904)
			if again := Parse(code).Render(v, d1904); again != got {
				t.Fatalf("Render of %q gives %q, then %q", code, got, again)
			}
			if got == n {
				continue // the number itself: always allowed
			}
			ok := false
			switch fm.Kind() {
			case KindDate:
				ok = dateRe.MatchString(got)
			case KindDateTime:
				ok = dateTimeRe.MatchString(got)
			case KindTime:
				ok = timeRe.MatchString(got)
			case KindLiteral:
				for _, sec := range fm.literal {
					ok = ok || sec.text == got
				}
			}
			if !ok {
				t.Fatalf("Parse(%q) (%v) renders %v as %q", code, fm.Kind(), v, got)
			}
		}
	})
}

func BenchmarkRender(b *testing.B) {
	formats := []Format{Builtin(0), Parse("yyyy-mm-dd"), Parse(`"TRUE";"TRUE";"FALSE"`)}
	values := []float64{1234567890123, 0.1 + 0.2, 43528.354166666664}
	b.ReportAllocs()
	for b.Loop() {
		for _, f := range formats {
			for _, v := range values {
				_ = f.Render(v, false)
			}
		}
	}
}
