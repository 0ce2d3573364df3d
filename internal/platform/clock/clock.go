// Package clock is linli's one clock and one calendar. Every room takes the
// present from an injected func (time.Now in production, a fixed time in
// tests) and reads it through Now, so that every stored time has the same
// precision on both engines; and every "which day is it" is China's day,
// answered here, so that no room keeps its own zone or truncation rule.
package clock

import (
	"context"
	"fmt"
	"time"
)

// China is the offices' clock and calendar: UTC+8, with no daylight saving.
var China = time.FixedZone("CST", 8*3600)

// Now is the present as linli stores it: UTC, to the microsecond, the finest
// precision PostgreSQL keeps, so that a time read back equals the time
// written on both engines. A nil source is the system clock.
func Now(source func() time.Time) time.Time {
	if source == nil {
		return time.Now().UTC().Truncate(time.Microsecond)
	}
	return source().UTC().Truncate(time.Microsecond)
}

// Day is the date of t in China, as YYYY-MM-DD: the day an office would write.
func Day(t time.Time) string { return t.In(China).Format(time.DateOnly) }

// Month is the month of t in China, as YYYY-MM.
func Month(t time.Time) string { return t.In(China).Format("2006-01") }

// Year is the year of t in China.
func Year(t time.Time) int { return t.In(China).Year() }

// Minutes is t in China to the minute, as shown on pages and in exports.
func Minutes(t time.Time) string { return t.In(China).Format("2006-01-02 15:04") }

// Midnight is the start of t's day in China.
func Midnight(t time.Time) time.Time {
	c := t.In(China)
	return time.Date(c.Year(), c.Month(), c.Day(), 0, 0, 0, 0, China)
}

// Start is the start in China of the day written YYYY-MM-DD.
func Start(day string) (time.Time, error) {
	t, err := time.ParseInLocation(time.DateOnly, day, China)
	if err != nil {
		return time.Time{}, fmt.Errorf("day %q: %w", day, err)
	}
	return t, nil
}

// Parse reads a time written in China's clock with the given layout (a form's
// "2006-01-02T15:04", say).
func Parse(layout, value string) (time.Time, error) {
	return time.ParseInLocation(layout, value, China)
}

// Every calls fn every d until ctx ends or fn returns false: the loop of
// the background work (the census jobs' leases and passes, the purge of
// expired sessions and keys).
func Every(ctx context.Context, d time.Duration, fn func() bool) {
	t := time.NewTicker(d)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		if !fn() {
			return
		}
	}
}
