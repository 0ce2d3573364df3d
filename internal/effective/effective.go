// Package effective holds the rules every dated fact shares (issue 11): an
// effective date (生效日期) is a real day, not in the future, not before
// the plan's records begin, and in order with the fact's other dates; a
// fact entered more than LateDays after it took effect is a late entry
// (补录) and needs a reason. Pure decisions: no context, no I/O.
package effective

import (
	_ "embed"
	"strings"
	"time"

	"linli/internal/platform/errs"
	"linli/internal/platform/i18n"
)

// LateDays is how long after its effective date a fact may be entered
// without being a late entry.
const LateDays = 30

// Earliest is the first effective date linli accepts.
const Earliest = "2000-01-01"

// Valid reports a YYYY-MM-DD date.
func Valid(day string) bool {
	_, err := time.Parse(time.DateOnly, day)
	return err == nil
}

// IsLate reports whether a fact effective on day, entered on today, is a
// late entry. Both are YYYY-MM-DD; an invalid date is not late.
func IsLate(day, today string) bool {
	d, err1 := time.Parse(time.DateOnly, day)
	t, err2 := time.Parse(time.DateOnly, today)
	return err1 == nil && err2 == nil && t.Sub(d) > LateDays*24*time.Hour
}

// Day checks a day entered under field: a YYYY-MM-DD date (else the
// message bad) not after today (else future), in the room's own words. It
// reports whether the day passed both.
func Day(f errs.Fields, field, day, today, bad, future string) bool {
	switch {
	case !Valid(day):
		f.Add(field, bad)
	case day > today:
		f.Add(field, future)
	default:
		return true
	}
	return false
}

// Check validates an effective date under field, entered on today: a
// valid date, not after today, not before notBefore (if set; msg names
// what it may not precede). It returns whether the entry is late.
func Check(f errs.Fields, field, day, today, notBefore, msg string) bool {
	switch {
	case !Day(f, field, day, today, "effective.err.date", "effective.err.future"):
		return false
	case day < Earliest:
		f.Add(field, "effective.err.too_early", Earliest)
		return false
	case notBefore != "" && day < notBefore:
		if msg == "" {
			msg = "effective.err.order"
		}
		f.Add(field, msg, notBefore)
		return false
	}
	return IsLate(day, today)
}

// Reason checks a late entry's reason (field late_reason): required when
// late, at most 500 characters. It returns the trimmed reason, ” when the
// entry is not late.
func Reason(f errs.Fields, late bool, reason string) string {
	reason = strings.TrimSpace(reason)
	if !late {
		return ""
	}
	if reason == "" {
		f.Add("late_reason", "effective.err.late_reason", LateDays)
	}
	f.Length("late_reason", reason, 0, 500)
	return reason
}

//go:embed messages.json
var messagesJSON []byte

// Messages are the effective dates' texts.
var Messages = i18n.MustLoad("effective/messages.json", messagesJSON)
