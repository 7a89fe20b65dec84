package cellfmt

import (
	"math"
	"strconv"
	"time"
)

const secondsPerDay = 86400

// ISO returns the date serial number serial as ISO 8601 text of the given
// kind: "2019-03-04" for [KindDate], "2019-03-04T08:30:00" for
// [KindDateTime] and "08:30:00" (the time of day) for [KindTime]. It
// reports false for any other kind, for a negative serial and for a date
// after 9999-12-31, which spreadsheets cannot show either.
//
// Serials count days: in the 1900 date system (date1904 false) day 1 is
// 1900-01-01 and day 60 is 1900-02-29, a day that never was but that Excel
// shows, as Lotus 1-2-3 did; day 0 is given as 1899-12-31 (Excel shows
// "1900-01-00"). In the 1904 system day 0 is 1904-01-01. The fraction is
// the time of day, rounded to the nearest second (so 23:59:59.6 is the
// next day's 00:00:00).
func ISO(serial float64, k Kind, date1904 bool) (string, bool) {
	if k != KindDate && k != KindDateTime && k != KindTime {
		return "", false
	}
	if math.IsNaN(serial) || serial < 0 || serial > 3e6 {
		return "", false
	}
	secs := int64(math.Round(serial * secondsPerDay))
	days, tod := secs/secondsPerDay, secs%secondsPerDay
	if k == KindTime {
		return clock(tod), true
	}
	var date string
	switch {
	case date1904:
		date = civil(time.Date(1904, 1, 1, 0, 0, 0, 0, time.UTC), days)
	case days == 60:
		date = "1900-02-29"
	case days < 60:
		date = civil(time.Date(1899, 12, 31, 0, 0, 0, 0, time.UTC), days)
	default:
		// From 1900-03-01 on, Excel's count is one ahead of the calendar.
		date = civil(time.Date(1899, 12, 30, 0, 0, 0, 0, time.UTC), days)
	}
	if date == "" {
		return "", false
	}
	if k == KindDate {
		return date, true
	}
	return date + "T" + clock(tod), true
}

// clock returns a time of day, in seconds since midnight, as hh:mm:ss.
func clock(tod int64) string {
	b := [8]byte{'0', '0', ':', '0', '0', ':', '0', '0'}
	for i, n := range [3]int64{tod / 3600, tod / 60 % 60, tod % 60} {
		b[3*i], b[3*i+1] = byte('0'+n/10), byte('0'+n%10)
	}
	return string(b[:])
}

// civil returns the date days after epoch as yyyy-mm-dd, or "" past the
// year 9999.
func civil(epoch time.Time, days int64) string {
	t := epoch.AddDate(0, 0, int(days))
	if t.Year() > 9999 {
		return ""
	}
	return t.Format(time.DateOnly)
}

// duration returns an elapsed time ([h]:mm:ss) as hours, minutes and
// seconds; hours may exceed 23. It reports false for a negative value.
func duration(v float64) (string, bool) {
	if math.IsNaN(v) || v < 0 || v > 3e6 {
		return "", false
	}
	secs := int64(math.Round(v * secondsPerDay))
	h := secs / 3600
	b := strconv.AppendInt(nil, h, 10)
	if h < 10 {
		b = append([]byte{'0'}, b...)
	}
	b = append(b, ':')
	b = append(b, strconv.AppendInt(nil, 100+secs/60%60, 10)[1:]...)
	b = append(b, ':')
	b = append(b, strconv.AppendInt(nil, 100+secs%60, 10)[1:]...)
	return string(b), true
}
