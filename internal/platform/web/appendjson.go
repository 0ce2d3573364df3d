package web

import (
	"bytes"
	"encoding/json"
	"math"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"
)

// An Appender writes its own JSON, byte for byte what encoding/json (HTML
// not escaped) writes for it: for the busiest lists, where the reflective
// encoder cost more than the rest of the handler (an organization list's
// page of 20: 70 of its 270 µs, issue 19). The implementing package keeps a
// test that compares the two on the same values.
type Appender interface {
	AppendJSON(b []byte) []byte
}

// jsonBufs keeps the buffers responses are encoded into.
var jsonBufs = sync.Pool{New: func() any { return new([]byte) }}

// maxPooledJSON bounds the buffers kept for reuse (a larger one, an
// occasional big response, goes to the collector).
const maxPooledJSON = 64 << 10

// encodeJSON appends v's JSON and a newline to b, as json.Encoder with HTML
// not escaped writes it.
func encodeJSON(b []byte, v any) ([]byte, error) {
	if a, ok := v.(Appender); ok {
		return append(a.AppendJSON(b), '\n'), nil
	}
	buf := bytes.NewBuffer(b)
	enc := json.NewEncoder(buf)
	enc.SetEscapeHTML(false)
	err := enc.Encode(v)
	return buf.Bytes(), err
}

// EncodeJSON is v's JSON as JSON sends it: its own AppendJSON when v is an
// Appender, else json.Encoder's with HTML not escaped; a newline after.
func EncodeJSON(v any) ([]byte, error) { return encodeJSON(nil, v) }

// bodyAllowed reports the statuses that carry a body.
func bodyAllowed(status int) bool {
	return status >= 200 && status != 204 && status != 304
}

// AppendString appends s as a JSON string, as encoding/json writes it with
// HTML not escaped.
func AppendString(b []byte, s string) []byte {
	if plainJSON(s) {
		b = append(b, '"')
		b = append(b, s...)
		return append(b, '"')
	}
	return appendEncoded(b, s) // what needs escaping: encoding/json's own rules
}

// appendEncoded appends v as json.Encoder with HTML not escaped writes it,
// without its newline.
func appendEncoded(b []byte, v any) []byte {
	n := len(b)
	b, err := encodeJSON(b, v)
	if err != nil {
		return b[:n]
	}
	return b[:len(b)-1]
}

// plainJSON reports a string encoding/json writes as it is, between quotes:
// valid UTF-8 without control characters, quotes, backslashes or
// U+2028/U+2029.
func plainJSON(s string) bool {
	wide := false
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c < 0x20, c == '"', c == '\\':
			return false
		case c >= utf8.RuneSelf:
			wide = true
		}
	}
	return !wide || utf8.ValidString(s) && !strings.Contains(s, "\u2028") && !strings.Contains(s, "\u2029")
}

// AppendStrings appends a list of strings (nil as null, as encoding/json).
func AppendStrings(b []byte, ss []string) []byte {
	if ss == nil {
		return append(b, "null"...)
	}
	b = append(b, '[')
	for i, s := range ss {
		if i > 0 {
			b = append(b, ',')
		}
		b = AppendString(b, s)
	}
	return append(b, ']')
}

// AppendTime appends t as encoding/json writes a time.Time (RFC 3339 with
// nanoseconds, quoted).
func AppendTime(b []byte, t time.Time) []byte {
	if y := t.Year(); y < 0 || y > 9999 {
		return appendEncoded(b, t)
	}
	b = append(b, '"')
	b = t.AppendFormat(b, time.RFC3339Nano)
	return append(b, '"')
}

// AppendInt appends an integer.
func AppendInt(b []byte, n int64) []byte { return strconv.AppendInt(b, n, 10) }

// AppendFloat appends a float64 as encoding/json writes it: the shortest
// decimal that reads back the same, with an exponent only below 1e-6 or
// from 1e21 on (its two-digit negative exponents without the leading 0).
// ok is false for NaN and the infinities, which encoding/json refuses.
func AppendFloat(b []byte, f float64) (_ []byte, ok bool) {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return b, false
	}
	fmt := byte('f')
	if abs := math.Abs(f); abs != 0 && (abs < 1e-6 || abs >= 1e21) {
		fmt = 'e'
	}
	b = strconv.AppendFloat(b, f, fmt, -1, 64)
	if fmt == 'e' {
		// e-07 → e-7
		if n := len(b); n >= 4 && b[n-4] == 'e' && b[n-3] == '-' && b[n-2] == '0' {
			b[n-2] = b[n-1]
			b = b[:n-1]
		}
	}
	return b, true
}

// AppendBool appends true or false.
func AppendBool(b []byte, v bool) []byte { return strconv.AppendBool(b, v) }
