package ledger

import (
	"strconv"
	"strings"
	"time"

	"linli/internal/platform/clock"
)

// Fen is an amount of money in fen (分), 1/100 yuan. It marshals to JSON as
// an integer and prints as yuan with two decimals.
type Fen int64

// String formats the amount as yuan: "1,234.56", "-0.05".
func (f Fen) String() string {
	neg := f < 0
	if neg {
		f = -f
	}
	yuan, fen := int64(f)/100, int64(f)%100
	s := strconv.FormatInt(yuan, 10)
	var b strings.Builder
	if neg {
		b.WriteByte('-')
	}
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	b.WriteByte('.')
	if fen < 10 {
		b.WriteByte('0')
	}
	b.WriteString(strconv.FormatInt(fen, 10))
	return b.String()
}

// Plain formats the amount as yuan without separators: "1234.56".
func (f Fen) Plain() string { return strings.ReplaceAll(f.String(), ",", "") }

// ParseYuan reads a yuan amount with at most two decimals ("12", "12.3",
// "1,234.56") into fen; ok is false for anything else or a negative amount.
func ParseYuan(s string) (Fen, bool) {
	s = strings.ReplaceAll(strings.TrimSpace(s), ",", "")
	s = strings.TrimPrefix(strings.TrimPrefix(s, "¥"), "￥")
	if s == "" || strings.HasPrefix(s, "-") || strings.HasPrefix(s, "+") {
		return 0, false
	}
	whole, frac, _ := strings.Cut(s, ".")
	if whole == "" || len(frac) > 2 || len(whole) > 12 {
		return 0, false
	}
	for len(frac) < 2 {
		frac += "0"
	}
	w, err1 := strconv.ParseInt(whole, 10, 64)
	f, err2 := strconv.ParseInt(frac, 10, 64)
	if err1 != nil || err2 != nil || f < 0 {
		return 0, false
	}
	return Fen(w*100 + f), true
}

// Today is the date in China of a moment.
func Today(now time.Time) string { return clock.Day(now) }
