package db

import (
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5/pgtype"
)

// Time scans a timestamp into *T on either engine, for the hot lists. The
// SQLite driver parses a column declared DATETIME by trying time.Parse with
// up to eight layouts in turn (two for the text it writes itself): 38 µs
// of an organization list page of 20 rows, issue 19. Selected as an
// expression, not a bare column (TimeExpr), the value comes as text, which
// Time reads by its fixed positions; on PostgreSQL it is pgx's own binary
// timestamp.
type Time struct{ T *time.Time }

// TimeExpr is col selected so that Time reads it: an expression of the same
// value and type, whose SQLite result has no declared type (so the driver
// hands the text over as it is).
func TimeExpr(col string) string { return "COALESCE(" + col + ", " + col + ")" }

// ScanTimestamptz is the pgx scan of a timestamptz.
func (t Time) ScanTimestamptz(v pgtype.Timestamptz) error {
	if !v.Valid {
		return fmt.Errorf("db: scan time: NULL")
	}
	*t.T = v.Time
	return nil
}

// Scan is the database/sql scan.
func (t Time) Scan(src any) error {
	switch v := src.(type) {
	case time.Time:
		*t.T = v
		return nil
	case string:
		return t.parse(v)
	case []byte:
		return t.parse(string(v))
	}
	return fmt.Errorf("db: scan time from %T", src)
}

// ScanString is Scan of a text value, without boxing it in an interface
// (an allocation a value): for a reader that has the text already (a
// list's packed rows, issue 19).
func (t Time) ScanString(s string) error { return t.parse(s) }

// timeLayouts are the layouts the SQLite driver reads, in its order.
var timeLayouts = []string{
	"2006-01-02 15:04:05.999999999-07:00",
	"2006-01-02T15:04:05.999999999-07:00",
	"2006-01-02 15:04:05.999999999",
	"2006-01-02T15:04:05.999999999",
	"2006-01-02 15:04",
	"2006-01-02T15:04",
	"2006-01-02",
}

func (t Time) parse(s string) error {
	if v, ok := quickTime(s); ok {
		*t.T = v
		return nil
	}
	// what time.Time's String writes, which the driver also reads
	st, _, _ := strings.Cut(s, " m=")
	if v, err := time.Parse("2006-01-02 15:04:05.999999999 -0700 MST", strings.TrimSpace(st)); err == nil {
		*t.T = v
		return nil
	}
	ts := s
	if n := len(ts); n > 0 && ts[n-1] == 'Z' {
		ts = ts[:n-1]
	}
	for _, l := range timeLayouts {
		if v, err := time.Parse(l, ts); err == nil {
			*t.T = v
			return nil
		}
	}
	return fmt.Errorf("db: scan time from %q", s)
}

// quickTime reads "YYYY-MM-DD HH:MM:SS[.fraction](+|-)HH:MM" or the same
// ending in "Z", the text the SQLite driver writes (_time_format=sqlite),
// without time.Parse; ok false for anything else.
func quickTime(s string) (time.Time, bool) {
	if len(s) < 20 || s[4] != '-' || s[7] != '-' || s[10] != ' ' && s[10] != 'T' || s[13] != ':' || s[16] != ':' {
		return time.Time{}, false
	}
	num := func(i, n int) (int, bool) {
		v := 0
		for _, c := range []byte(s[i : i+n]) {
			if c < '0' || c > '9' {
				return 0, false
			}
			v = v*10 + int(c-'0')
		}
		return v, true
	}
	year, ok1 := num(0, 4)
	month, ok2 := num(5, 2)
	day, ok3 := num(8, 2)
	hour, ok4 := num(11, 2)
	minute, ok5 := num(14, 2)
	sec, ok6 := num(17, 2)
	if !ok1 || !ok2 || !ok3 || !ok4 || !ok5 || !ok6 || month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || sec > 59 {
		return time.Time{}, false
	}
	i, nsec := 19, 0
	if s[i] == '.' {
		i++
		digits := 0
		for i < len(s) && s[i] >= '0' && s[i] <= '9' {
			if digits < 9 {
				nsec = nsec*10 + int(s[i]-'0')
				digits++
			} else {
				return time.Time{}, false // more than nanoseconds: time.Parse decides
			}
			i++
		}
		if digits == 0 {
			return time.Time{}, false
		}
		for ; digits < 9; digits++ {
			nsec *= 10
		}
	}
	loc := time.UTC
	switch rest := s[i:]; {
	case rest == "Z":
	case len(rest) == 6 && (rest[0] == '+' || rest[0] == '-') && rest[3] == ':':
		hh, okh := num(i+1, 2)
		mm, okm := num(i+4, 2)
		if !okh || !okm || hh > 23 || mm > 59 {
			return time.Time{}, false
		}
		if off := (hh*60 + mm) * 60; off != 0 {
			if rest[0] == '-' {
				off = -off
			}
			loc = time.FixedZone("", off)
		}
	default:
		return time.Time{}, false
	}
	v := time.Date(year, time.Month(month), day, hour, minute, sec, nsec, loc)
	if v.Day() != day { // 31 February: time.Parse refuses it
		return time.Time{}, false
	}
	return v, true
}
