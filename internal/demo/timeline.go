package demo

import (
	"context"
	"fmt"
	"math/rand/v2"
	"time"

	"linli/internal/platform/auth"
	"linli/internal/platform/clock"
	"linli/internal/registry"
)

// timeline is when each planned event took effect: the demo enters them
// today with these effective dates, so that "as of" questions about past
// dates have believable answers (a hub designated in 2022 does not count
// for 2021).
type timeline struct {
	filed, decided, hub, brand, demo time.Time
}

func day(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 10, 0, 0, 0, clock.China) }

// between returns a random working-hours moment in [a, b).
func between(r *rand.Rand, a, b time.Time) time.Time {
	if !b.After(a) {
		return a
	}
	days := int(b.Sub(a).Hours() / 24)
	return a.AddDate(0, 0, r.IntN(max(days, 1))).Add(time.Duration(r.IntN(8*60)) * time.Minute)
}

// plan dates an organization's events: organizations founded before the
// special action were recorded during its census (2021-09 to 2022-03); later
// ones were filed soon after founding. Designations come after filing.
func (t *timeline) plan(r *rand.Rand, o *planned, now time.Time) {
	latest := now.AddDate(0, 0, -1)
	founded, err := clock.Parse(time.DateOnly, o.in.FoundedOn)
	if err != nil || founded.Before(day(2021, 9, 1)) {
		t.filed = between(r, day(2021, 9, 1), day(2022, 4, 1))
	} else {
		t.filed = between(r, founded.AddDate(0, 0, 1).Add(10*time.Hour), founded.AddDate(0, 2, 0))
	}
	t.filed = minTime(t.filed, latest)
	after := func(a, b time.Time) time.Time { return minTime(between(r, maxTime(a, t.filed), b), latest) }
	t.hub = after(day(2021, 10, 1), day(2024, 4, 1))
	t.brand = after(day(2022, 1, 1), day(2024, 7, 1))
	if y := o.in.DemonstrationYear; y != 0 {
		t.demo = after(day(y, 3, 1), day(y, 12, 1))
	}
	t.decided = after(t.filed.AddDate(0, 0, 10), t.filed.AddDate(0, 0, 150))
	for _, x := range []time.Time{t.hub, t.brand, t.demo} {
		t.decided = maxTime(t.decided, x)
	}
	t.decided = minTime(t.decided.Add(time.Hour), latest)
}

func minTime(a, b time.Time) time.Time {
	if a.Before(b) {
		return a
	}
	return b
}

func maxTime(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}

// lateReason is the reason the demonstration gives for its late entries
// (补录): like a district starting on linli today, it types in the plan's
// earlier years from paper records.
const lateReason = "按区民政局2021—2023年纸质台账补录（示例数据）"

// on is the effective date (生效日期) of an event: its day in China.
func on(t time.Time) string { return clock.Day(t) }

// create enters one planned organization today, as a district starting on
// linli would from its records: filed with its filing date as the
// effective date, its flags designated on their dates, moved to its final
// status on the day it was decided, each a late entry (补录) with its
// reason. Nothing is backdated: every event is entered now.
func create(ctx context.Context, reg *registry.Service, admin *auth.User, o *planned, t timeline) error {
	in := o.in
	in.Hub, in.Brand, in.DemonstrationYear = false, false, 0
	in.Status = registry.StatusActive
	if o.final == registry.StatusPending || o.final == registry.StatusReturned {
		in.Status = registry.StatusPending
	}
	in.EffectiveOn, in.LateReason = on(t.filed), lateReason
	org, err := reg.Create(ctx, admin, in)
	if err != nil {
		return fmt.Errorf("demo: create %s in %s: %w", in.Name, in.CommunityCode, err)
	}
	o.id, o.filed = org.ID, t.filed
	flags := []struct {
		when time.Time
		set  func(*registry.Input)
		on   bool
	}{
		{t.hub, func(x *registry.Input) { x.Hub = true }, o.in.Hub},
		{t.brand, func(x *registry.Input) { x.Brand = true }, o.in.Brand},
		{t.demo, func(x *registry.Input) { x.DemonstrationYear = o.in.DemonstrationYear }, o.in.DemonstrationYear != 0},
	}
	cur := org
	for _, f := range flags {
		if !f.on || in.Status != registry.StatusActive {
			continue
		}
		next := registry.InputOf(cur)
		next.LeaderPhone = in.LeaderPhone // the answer masks it for some roles; keep what was filed
		f.set(&next)
		next.EffectiveOn, next.LateReason = on(f.when), lateReason
		if cur, err = reg.Update(ctx, admin, org.ID, next); err != nil {
			return fmt.Errorf("demo: designate %s: %w", in.Name, err)
		}
	}
	action := map[string]string{registry.StatusReturned: registry.ActReturn,
		registry.StatusSuspended: registry.ActSuspend, registry.StatusDeregistered: registry.ActDeregister}[o.final]
	if action == "" {
		return nil
	}
	mv := registry.Move{Action: action, Reason: o.reason, EffectiveOn: on(t.decided), LateReason: lateReason}
	if _, err := reg.Move(ctx, admin, org.ID, mv); err != nil {
		return fmt.Errorf("demo: %s %s: %w", action, in.Name, err)
	}
	return nil
}
