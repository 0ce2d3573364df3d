package clock_test

import (
	"context"
	"testing"
	"time"

	"linli/internal/platform/clock"
)

func TestDayIsChinas(t *testing.T) {
	// 2023-12-31 16:30 UTC is already 2024-01-01 00:30 in 广州.
	late := time.Date(2023, 12, 31, 16, 30, 0, 0, time.UTC)
	if got := clock.Day(late); got != "2024-01-01" {
		t.Fatalf("Day = %s, want 2024-01-01", got)
	}
	if got := clock.Year(late); got != 2024 {
		t.Fatalf("Year = %d, want 2024", got)
	}
	if got := clock.Month(late); got != "2024-01" {
		t.Fatalf("Month = %s, want 2024-01", got)
	}
	if got := clock.Minutes(late); got != "2024-01-01 00:30" {
		t.Fatalf("Minutes = %s", got)
	}
	// One minute before China's midnight is still the old day.
	early := time.Date(2023, 12, 31, 15, 59, 0, 0, time.UTC)
	if got := clock.Day(early); got != "2023-12-31" {
		t.Fatalf("Day = %s, want 2023-12-31", got)
	}
}

func TestMidnightIsChinasNotUTCs(t *testing.T) {
	// time.Truncate(24h) would give UTC's midnight, 08:00 in China: the rule
	// this package replaces.
	at := time.Date(2026, 12, 6, 3, 0, 0, 0, time.UTC) // 11:00 in China
	m := clock.Midnight(at)
	if want := time.Date(2026, 12, 5, 16, 0, 0, 0, time.UTC); !m.Equal(want) {
		t.Fatalf("Midnight = %s, want %s", m.UTC(), want)
	}
	s, err := clock.Start("2026-12-06")
	if err != nil || !s.Equal(m) {
		t.Fatalf("Start = %s, %v; want %s", s.UTC(), err, m.UTC())
	}
	if _, err := clock.Start("2026-13-01"); err == nil {
		t.Fatal("Start accepted month 13")
	}
	p, err := clock.Parse("2006-01-02T15:04", "2026-12-06T11:00")
	if err != nil || !p.Equal(at) {
		t.Fatalf("Parse = %s, %v; want %s", p.UTC(), err, at)
	}
}

func TestNowIsUTCToTheMicrosecond(t *testing.T) {
	fixed := time.Date(2026, 12, 6, 11, 0, 0, 123456789, clock.China)
	got := clock.Now(func() time.Time { return fixed })
	if got.Location() != time.UTC || got.Nanosecond() != 123456000 || !got.Equal(fixed.Truncate(time.Microsecond)) {
		t.Fatalf("Now = %v", got)
	}
	if n := clock.Now(nil); n.Location() != time.UTC || n.Nanosecond()%1000 != 0 {
		t.Fatalf("Now(nil) = %v", n)
	}
}

// Every calls fn on each tick until fn says stop, and returns at once
// once its context ends.
func TestEvery(t *testing.T) {
	calls := 0
	clock.Every(context.Background(), time.Millisecond, func() bool { calls++; return calls < 3 })
	if calls != 3 {
		t.Fatalf("%d calls, want 3 (the third said stop)", calls)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	clock.Every(ctx, time.Hour, func() bool { t.Fatal("called after its context ended"); return false })
}
