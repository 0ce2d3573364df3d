package registry

import (
	"encoding/binary"
	"errors"
	"math"
	"strconv"
	"strings"
	"sync/atomic"
	"time"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgtype"

	"linli/internal/platform/db"
)

// A list page's rows on SQLite, one value a row. The SQLite driver
// (modernc.org/sqlite) reads a row column by column, each column through
// two or three calls into SQLite that each take and release the
// connection's mutex (the driver opens connections SQLITE_OPEN_FULLMUTEX),
// and hands each value over boxed: for a page of 20 organizations of 27
// columns, about 1,600 mutex pairs and 540 values, 55% of a rebuilt
// page's processor time in the service (issue 19). SQLite writes the row
// as one JSON array instead (orgPacked: json_array of orgColumns' values
// and the total), which the driver reads as one text, and packedOrg reads
// it back into the same Org scanOrg reads from the columns, each string a
// slice of the row's text unless it holds an escape.
// TestPackedRowsMatchColumns holds the two reads equal.

// orgPacked is the select list of a packed row: orgColumns' values, then
// the total (the statement total), as one JSON array.
func orgPacked(total string) string {
	return `json_array(` + orgPackedColumns + `, (` + total + `))`
}

// orgPackedColumns are orgColumns with the times as they are stored: in a
// JSON array a time is its text whatever the column's declared type, so
// it needs no expression around it (db.TimeExpr) to come as text.
var orgPackedColumns = strings.NewReplacer(db.TimeExpr("o.created_at"), "o.created_at",
	db.TimeExpr("o.updated_at"), "o.updated_at").Replace(orgColumns)

// errPacked is a packed row that is not what orgPacked writes.
var errPacked = errors.New("registry: packed organization row: malformed")

// packedOrg reads an organization and the list's total from a packed row
// (orgPacked), as scanOrg and withTotal read them from the columns: a
// NULL where scanOrg reads no NULL is an error, an integer read as text
// is parsed, a number read into a string is its text.
func packedOrg(row string, total *int) (*Org, error) {
	r := packedRow{s: row}
	if !strings.HasPrefix(row, "[") {
		return nil, errPacked
	}
	r.i = 1
	var o Org
	o.ID = r.int()
	o.Name, o.Tier = r.str(), r.str()
	types, groups := r.int(), r.int()
	o.CommunityCode, o.StreetCode, o.DistrictCode, o.CreditCode = r.str(), r.str(), r.str(), r.str()
	o.Address, o.FoundedOn = r.str(), r.str()
	o.Members = int(r.int())
	o.LeaderName, o.LeaderPhone, o.PartyOrg, o.PartyInstructor = r.str(), r.str(), r.str(), r.str()
	hub, brand := r.int(), r.int()
	o.DemonstrationYear = int(r.int())
	vm := r.int()
	o.Status, o.ReturnReason = r.str(), r.str()
	o.CreatedBy = r.int()
	created, updated := r.str(), r.str()
	o.Version = int(r.int())
	n := r.int()
	if r.err == nil && r.i != len(r.s) {
		r.err = errPacked
	}
	if r.err != nil {
		return nil, r.err
	}
	if err := (db.Time{T: &o.CreatedAt}).ScanString(created); err != nil {
		return nil, err
	}
	if err := (db.Time{T: &o.UpdatedAt}).ScanString(updated); err != nil {
		return nil, err
	}
	*total = int(n)
	finishOrg(&o, types, groups, hub != 0, brand != 0, vm != 0)
	return &o, nil
}

// packedRow reads the values of a JSON array as SQLite's json_array writes
// it (no spaces), one by one, past its "[": each value is followed by ","
// or by the closing "]".
type packedRow struct {
	s   string
	i   int
	err error
}

// sep steps over the separator after a value that ended at i.
func (r *packedRow) sep(i int) {
	switch {
	case i < len(r.s)-1 && r.s[i] == ',':
		r.i = i + 1
	case i == len(r.s)-1 && r.s[i] == ']':
		r.i = i + 1
	default:
		r.fail()
	}
}

func (r *packedRow) fail() {
	if r.err == nil {
		r.err = errPacked
	}
	r.i = len(r.s)
}

// str reads a string value (a number's text, as database/sql reads an
// integer into a string); null is an error, as scanning NULL into a
// string. A string without an escape is a slice of the row.
func (r *packedRow) str() string {
	s, i := r.s, r.i
	if i >= len(s) || s[i] != '"' {
		return r.number()
	}
	i++
	j := strings.IndexByte(s[i:], '"')
	if j < 0 {
		r.fail()
		return ""
	}
	if strings.IndexByte(s[i:i+j], '\\') >= 0 {
		v, end := r.unquote(i)
		r.sep(end)
		return v
	}
	r.sep(i + j + 1)
	return s[i : i+j]
}

// number reads a value that is not a string: its text; null is an error.
func (r *packedRow) number() string {
	s, i := r.s, r.i
	j := i
	for j < len(s) && s[j] != ',' && s[j] != ']' {
		j++
	}
	v := s[i:j]
	if v == "" || v == "null" {
		r.fail()
		return ""
	}
	r.sep(j)
	return v
}

// int reads an integer value (a string holding one, as database/sql
// parses text into an integer); null is an error.
func (r *packedRow) int() int64 {
	s, i := r.s, r.i
	neg := i < len(s) && s[i] == '-'
	if neg {
		i++
	}
	var n int64
	j := i
	for ; j < len(s) && s[j] >= '0' && s[j] <= '9' && j-i < 18; j++ {
		n = n*10 + int64(s[j]-'0')
	}
	if j > i && j < len(s) && (s[j] == ',' || s[j] == ']') {
		r.sep(j)
		if neg {
			return -n
		}
		return n
	}
	// anything else (a string, 19 digits): as database/sql parses text
	v := r.str()
	if r.err != nil {
		return 0
	}
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil {
		r.fail()
	}
	return n
}

// unquote reads a JSON string holding an escape from s[i:], past its
// opening quote, to its closing quote; end is past the closing quote.
func (r *packedRow) unquote(i int) (v string, end int) {
	s := r.s
	var b []byte
	for i < len(s) {
		c := s[i]
		switch {
		case c == '"':
			return string(b), i + 1
		case c != '\\':
			b = append(b, c)
			i++
			continue
		}
		if i+1 >= len(s) {
			break
		}
		e := s[i+1]
		i += 2
		switch e {
		case '"', '\\', '/':
			b = append(b, e)
		case 'b':
			b = append(b, '\b')
		case 'f':
			b = append(b, '\f')
		case 'n':
			b = append(b, '\n')
		case 'r':
			b = append(b, '\r')
		case 't':
			b = append(b, '\t')
		case 'u':
			c, ok := hex4(s, i)
			if !ok {
				r.fail()
				return "", len(s)
			}
			i += 4
			if utf16.IsSurrogate(c) {
				if c2, ok := hex4(s, i+2); ok && s[i] == '\\' && s[i+1] == 'u' {
					if d := utf16.DecodeRune(c, c2); d != utf8.RuneError {
						b = utf8.AppendRune(b, d)
						i += 6
						continue
					}
				}
				c = utf8.RuneError
			}
			b = utf8.AppendRune(b, c)
		default:
			r.fail()
			return "", len(s)
		}
	}
	r.fail()
	return "", len(s)
}

// hex4 reads four hexadecimal digits at s[i:].
func hex4(s string, i int) (rune, bool) {
	if i+4 > len(s) {
		return 0, false
	}
	n, err := strconv.ParseUint(s[i:i+4], 16, 16)
	return rune(n), err == nil
}

// A list page's rows on PostgreSQL, by their raw values. pgx decodes each
// column into its destination, allocating each text column's string: about
// 300 allocations for a page of 20 organizations, and a third of the
// client's processor time of a rebuilt page with the collector's share
// (issue 19). rawOrg reads the same binary values itself and copies a
// row's text columns into one string, sliced for each field.

// listRowsScanned counts the PostgreSQL list rows read through pgx's Scan
// because their columns were not what rawOrg reads (none, unless a column's
// type changes: TestPackedRowsMatchColumns requires none).
var listRowsScanned atomic.Int64

// orgKinds are the kinds of orgColumns' values and the total, in order: an
// integer (i), a text (s), a timestamp (t).
const orgKinds = "issiissssssissssiiiissittii"

// rawRows is a row set whose raw values can be read (pgx's on PostgreSQL).
type rawRows interface {
	FieldDescriptions() []pgconn.FieldDescription
	RawValues() [][]byte
}

// rawFits reports whether a row set's columns are what rawOrg reads:
// integers of 2, 4 or 8 bytes and timestamps with a zone in binary, texts.
func rawFits(fds []pgconn.FieldDescription) bool {
	if len(fds) != len(orgKinds) {
		return false
	}
	for i, fd := range fds {
		// a text's two formats are the same bytes (pgx asks for text's
		// text format); an integer's and a timestamp's must be binary
		if fd.Format != pgtype.BinaryFormatCode && orgKinds[i] != 's' {
			return false
		}
		switch orgKinds[i] {
		case 'i':
			if fd.DataTypeOID != pgtype.Int8OID && fd.DataTypeOID != pgtype.Int4OID && fd.DataTypeOID != pgtype.Int2OID {
				return false
			}
		case 's':
			if fd.DataTypeOID != pgtype.TextOID && fd.DataTypeOID != pgtype.VarcharOID {
				return false
			}
		case 't':
			if fd.DataTypeOID != pgtype.TimestamptzOID {
				return false
			}
		}
	}
	return true
}

// rawReader reads pgx's rows of orgColumns and a total by their raw values
// (rawOrg), when their columns are what rawOrg reads (checked on the first
// row), else by scan (counted in listRowsScanned).
func rawReader(scan func(db.Scanner) (*Org, error), total *int) func(db.Scanner) (*Org, error) {
	fits := -1
	return func(rows db.Scanner) (*Org, error) {
		raw, ok := rows.(rawRows)
		if fits < 0 {
			fits = 0
			if ok && rawFits(raw.FieldDescriptions()) {
				fits = 1
			}
		}
		if fits == 0 {
			listRowsScanned.Add(1)
			return scan(rows)
		}
		return rawOrg(raw.RawValues(), total)
	}
}

// errRaw is a raw value rawOrg cannot read: a NULL (which scanOrg refuses
// too) or an integer or timestamp of an unexpected size.
var errRaw = errors.New("registry: organization row: a NULL or a value of an unexpected size")

// rawOrg reads an organization and the list's total from a row's raw
// binary values (rawFits), as scanOrg and withTotal read them through pgx.
func rawOrg(vals [][]byte, total *int) (*Org, error) {
	if len(vals) != len(orgKinds) {
		return nil, errRaw
	}
	n := 0
	for i := range orgKinds {
		if vals[i] == nil {
			return nil, errRaw
		}
		if orgKinds[i] == 's' {
			n += len(vals[i])
		}
	}
	var b strings.Builder
	b.Grow(n)
	for i := range orgKinds {
		if orgKinds[i] == 's' {
			b.Write(vals[i])
		}
	}
	texts, at := b.String(), 0
	var ints [len(orgKinds)]int64
	var strs [len(orgKinds)]string
	var times [len(orgKinds)]time.Time
	for i, v := range vals {
		switch orgKinds[i] {
		case 's':
			strs[i], at = texts[at:at+len(v)], at+len(v)
		case 'i':
			switch len(v) {
			case 8:
				ints[i] = int64(binary.BigEndian.Uint64(v))
			case 4:
				ints[i] = int64(int32(binary.BigEndian.Uint32(v)))
			case 2:
				ints[i] = int64(int16(binary.BigEndian.Uint16(v)))
			default:
				return nil, errRaw
			}
		case 't':
			if len(v) != 8 {
				return nil, errRaw
			}
			t, ok := pgTime(int64(binary.BigEndian.Uint64(v)))
			if !ok {
				return nil, errRaw
			}
			times[i] = t
		}
	}
	o := &Org{ID: ints[0], Name: strs[1], Tier: strs[2], CommunityCode: strs[5], StreetCode: strs[6],
		DistrictCode: strs[7], CreditCode: strs[8], Address: strs[9], FoundedOn: strs[10], Members: int(ints[11]),
		LeaderName: strs[12], LeaderPhone: strs[13], PartyOrg: strs[14], PartyInstructor: strs[15],
		DemonstrationYear: int(ints[18]), Status: strs[20], ReturnReason: strs[21], CreatedBy: ints[22],
		CreatedAt: times[23], UpdatedAt: times[24], Version: int(ints[25])}
	*total = int(ints[26])
	finishOrg(o, ints[3], ints[4], ints[16] != 0, ints[17] != 0, ints[19] != 0)
	return o, nil
}

// pgTime is a binary timestamptz (microseconds since 2000-01-01 UTC) as
// pgx reads it into db.Time: the time, the zero time for ±infinity; ok is
// false outside the years pgx reads (-4713 to 294276), which it refuses.
func pgTime(us int64) (t time.Time, ok bool) {
	const y2k = 946684800 // 2000-01-01 in Unix seconds
	if us == math.MaxInt64 || us == math.MinInt64 {
		return time.Time{}, true
	}
	t = time.Unix(y2k+us/1_000_000, us%1_000_000*1000)
	return t, !t.Before(pgMinTime) && t.Before(pgEndTime)
}

// pgMinTime and pgEndTime bound the timestamps pgx reads.
var (
	pgMinTime = time.Date(-4713, 11, 24, 0, 0, 0, 0, time.UTC)
	pgEndTime = time.Date(294277, 1, 1, 0, 0, 0, 0, time.UTC)
)
