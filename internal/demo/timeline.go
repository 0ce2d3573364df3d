package demo

import (
	"context"
	"fmt"
	"math/rand/v2"
	"time"

	"linli/internal/platform/auth"
	"linli/internal/registry"
)

// timeline is when each planned event happened: the demo backdates them so
// that "as of" questions about past dates have believable answers (a hub
// designated in 2022 does not count for 2021).
type timeline struct {
	filed, decided, hub, brand, demo time.Time
}

var chinaTime = time.FixedZone("CST", 8*3600)

func day(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 10, 0, 0, 0, chinaTime) }

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
	founded, err := time.ParseInLocation(time.DateOnly, o.in.FoundedOn, chinaTime)
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

// at is the registry with its clock set to t.
func at(reg *registry.Service, t time.Time) *registry.Service {
	c := *reg
	c.Now = func() time.Time { return t }
	return &c
}

// create files one planned organization through the registry on its filing
// date, designates its flags on their dates, and moves it to its final
// status, with the reasons a reviewer would give.
func create(ctx context.Context, reg *registry.Service, admin *auth.User, o *planned, t timeline) error {
	in := o.in
	in.Hub, in.Brand, in.DemonstrationYear = false, false, 0
	in.Status = registry.StatusActive
	if o.final == registry.StatusPending || o.final == registry.StatusReturned {
		in.Status = registry.StatusPending
	}
	org, err := at(reg, t.filed).Create(ctx, admin, in)
	if err != nil {
		return fmt.Errorf("demo: create %s in %s: %w", in.Name, in.CommunityCode, err)
	}
	o.id = org.ID
	flags := []struct {
		when time.Time
		set  func(*registry.Input)
		on   bool
	}{
		{t.hub, func(x *registry.Input) { x.Hub = true }, o.in.Hub},
		{t.brand, func(x *registry.Input) { x.Brand = true }, o.in.Brand},
		{t.demo, func(x *registry.Input) { x.DemonstrationYear = o.in.DemonstrationYear }, o.in.DemonstrationYear != 0},
	}
	for _, f := range flags {
		if !f.on || in.Status != registry.StatusActive {
			continue
		}
		cur, err := reg.Get(ctx, admin, org.ID)
		if err != nil {
			return err
		}
		next := registry.InputOf(cur)
		f.set(&next)
		if _, err := at(reg, f.when).Update(ctx, admin, org.ID, next); err != nil {
			return fmt.Errorf("demo: designate %s: %w", in.Name, err)
		}
	}
	action := map[string]string{registry.StatusReturned: registry.ActReturn,
		registry.StatusSuspended: registry.ActSuspend, registry.StatusDeregistered: registry.ActDeregister}[o.final]
	if action == "" {
		return nil
	}
	if _, err := at(reg, t.decided).Transition(ctx, admin, org.ID, action, o.reason); err != nil {
		return fmt.Errorf("demo: %s %s: %w", action, in.Name, err)
	}
	return nil
}
