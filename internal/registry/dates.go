package registry

import (
	"strconv"
	"time"

	"linli/internal/platform/clock"
	"linli/internal/platform/db"
	"linli/internal/platform/errs"
)

// Effective dates (生效日期). Every dated change of an organization (status,
// tier, party organization, types, target groups and each flag) records
// when it took effect apart from when it was entered: org_history.at is
// the effective time that every "as of" answer reads, entered_at the entry
// time, and a change entered more than lateAfterDays days after it took
// effect is a late entry (补录), which needs a reason (late_reason).

// lateAfterDays is how long after its effective date a change may be
// entered without being a late entry.
const lateAfterDays = 30

// dating decides the effective times of one change's history events.
type dating struct {
	now     time.Time
	founded string               // the organization's founding date, "" if unknown
	last    map[string]time.Time // each field's latest effective time so far
	on      string               // effective_on of the whole change ("": today)
	dates   map[string]string    // a date per field (census date columns), over on
	reason  string               // late_reason
	late    bool                 // some event is a late entry
}

// dateField is the input field that holds a history field's own date (the
// census columns).
func dateField(field string) string {
	if field == "status" {
		return "founded_on"
	}
	return field + "_on"
}

// date sets the event's effective time (At) and late reason, adding field
// errors for a date that does not parse, lies in the future, before the
// founding date, or before the field's last change.
func (d *dating) date(e *Event, f errs.Fields) {
	on, errField := d.on, "effective_on"
	if v := d.dates[e.Field]; v != "" {
		on, errField = v, dateField(e.Field)
	}
	today := clock.Day(d.now)
	if on == "" || on == today {
		e.At = d.now
	} else {
		t, err := clock.Parse(time.DateOnly, on)
		switch {
		case err != nil:
			f.Add(errField, "err.date_format")
			return
		case on > today:
			f.Add(errField, "err.date_future")
			return
		case t.Year() < 1949:
			f.Add(errField, "err.date_too_early")
			return
		}
		e.At = t.UTC()
		if d.now.Sub(t) > lateAfterDays*24*time.Hour {
			d.late = true
			e.LateReason = d.reason
		}
	}
	if d.founded != "" && clock.Day(e.At) < d.founded {
		f.Add(errField, "err.effective_before_founded", d.founded)
		return
	}
	if last, ok := d.last[e.Field]; ok {
		if clock.Day(e.At) < clock.Day(last) {
			f.Add(errField, "err.effective_out_of_order", clock.Day(last))
			return
		}
		if !e.At.After(last) {
			e.At = last.Add(time.Microsecond) // the same day: after the change it follows
		}
	}
	if d.last == nil {
		d.last = map[string]time.Time{}
	}
	d.last[e.Field] = e.At
}

// dateAll dates every event of a change and requires a reason for a late
// entry.
func (d *dating) dateAll(evs []Event, f errs.Fields) {
	for i := range evs {
		d.date(&evs[i], f)
	}
	if d.late && d.reason == "" {
		f.Add("late_reason", "err.late_reason_required", lateAfterDays)
	}
}

// checkLateReason bounds the reason's length.
func checkLateReason(reason string, f errs.Fields) {
	f.Length("late_reason", reason, 0, 500)
}

// maskEvent is the history event of a set stored as a bit mask (types,
// target groups): the decimal masks before and after.
func maskEvent(field string, all, old, cur []string, created bool) Event {
	e := Event{Field: field, Value: strconv.FormatInt(db.Mask(all, cur), 10)}
	if !created {
		e.OldValue = strconv.FormatInt(db.Mask(all, old), 10)
	}
	return e
}
