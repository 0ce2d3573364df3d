package registry_test

import (
	"maps"
	"testing"

	"linli/internal/geo"
	"linli/internal/platform/auth"
	"linli/internal/platform/errs"
	"linli/internal/registry"
)

func listIDs(t *testing.T, f *fixture, u *auth.User, flt registry.Filter) map[int64]*registry.Org {
	t.Helper()
	flt.PerPage = 200
	p, err := f.reg.List(f.ctx, u, flt)
	if err != nil {
		t.Fatal(err)
	}
	if p.Total != len(p.Items) {
		t.Fatalf("total %d, %d items", p.Total, len(p.Items))
	}
	out := map[int64]*registry.Org{}
	for _, o := range p.Items {
		out[o.ID] = o
	}
	return out
}

func TestScope(t *testing.T) {
	f := setup(t)
	a := f.active(t, "育蕾社区舞蹈队", yulei, registry.TierStreet)
	b := f.active(t, "育蕾社区粤曲社", yulei, registry.TierCommunity)
	c := f.active(t, "猎德社区龙舟协会", liede, registry.TierRegistered)
	leader := f.leader(t, "leader", a)

	t.Run("street officer of another street", func(t *testing.T) {
		_, err := f.reg.Get(f.ctx, f.street2, a.ID)
		wantErr(t, err, errs.NotFound)
		_, err = f.reg.Update(f.ctx, f.street2, a.ID, registry.InputOf(a))
		wantErr(t, err, errs.NotFound)
		_, err = f.reg.Transition(f.ctx, f.street2, a.ID, registry.ActSuspend, "查无此队")
		wantErr(t, err, errs.NotFound)
		_, err = f.reg.History(f.ctx, f.street2, a.ID)
		wantErr(t, err, errs.NotFound)
		ids := listIDs(t, f, f.street2, registry.Filter{})
		if ids[a.ID] != nil || ids[b.ID] != nil || ids[c.ID] == nil || len(ids) != 1 {
			t.Fatalf("lists %v", ids)
		}
		for _, c := range []struct {
			code string
			want map[string]int
		}{
			{"4401", map[string]int{"440106": 1}},
			{"440106", map[string]int{"440106013": 1}},
			{"440106008", map[string]int{}},
		} {
			counts, err := f.reg.ChildCounts(f.ctx, f.street2, c.code, geo.ChildLen(c.code))
			if err != nil || !maps.Equal(counts, c.want) {
				t.Fatalf("counts under %s: %v %v, want %v", c.code, counts, err, c.want)
			}
		}
	})
	t.Run("district officer sees its district only", func(t *testing.T) {
		counts, err := f.reg.ChildCounts(f.ctx, f.tianhe, "440106", 9)
		if err != nil || counts["440106008"] != 2 || counts["440106013"] != 1 {
			t.Fatalf("counts %v %v", counts, err)
		}
		_, err = f.reg.Get(f.ctx, f.haizhu, a.ID)
		wantErr(t, err, errs.NotFound)
		if ids := listIDs(t, f, f.haizhu, registry.Filter{}); len(ids) != 0 {
			t.Fatalf("海珠 lists %v", ids)
		}
		s, err := f.reg.Summarize(f.ctx, f.haizhu, "")
		if err != nil || s.Total != 0 {
			t.Fatalf("summary %+v %v", s, err)
		}
	})
	t.Run("committee sees its community only", func(t *testing.T) {
		_, err := f.reg.Get(f.ctx, f.committee2, a.ID)
		wantErr(t, err, errs.NotFound)
		if ids := listIDs(t, f, f.committee, registry.Filter{}); len(ids) != 2 {
			t.Fatalf("committee lists %v", ids)
		}
	})
	t.Run("org_leader sees only its own organization", func(t *testing.T) {
		if _, err := f.reg.Get(f.ctx, leader, a.ID); err != nil {
			t.Fatal(err)
		}
		_, err := f.reg.Get(f.ctx, leader, b.ID)
		wantErr(t, err, errs.NotFound)
		_, err = f.reg.Update(f.ctx, leader, b.ID, registry.InputOf(b))
		wantErr(t, err, errs.NotFound)
		ids := listIDs(t, f, leader, registry.Filter{})
		if len(ids) != 1 || ids[a.ID] == nil {
			t.Fatalf("leader lists %v", ids)
		}
		counts, err := f.reg.ChildCounts(f.ctx, leader, "4401", 6)
		if err != nil || len(counts) != 1 || counts["440106"] != 1 {
			t.Fatalf("leader counts %v %v", counts, err)
		}
	})
	t.Run("org_leader edits its own record but not its place or tier", func(t *testing.T) {
		in := registry.InputOf(a)
		in.Members = 33
		if o, err := f.reg.Update(f.ctx, leader, a.ID, in); err != nil || o.Members != 33 {
			t.Fatal(o, err)
		}
		in.CommunityCode, in.Tier = zhijie, registry.TierCommunity
		_, err := f.reg.Update(f.ctx, leader, a.ID, in)
		wantErr(t, err, errs.Invalid, "community_code", "tier")
	})
	t.Run("officer cannot move an organization out of scope", func(t *testing.T) {
		in := registry.InputOf(a)
		in.CommunityCode = liede
		_, err := f.reg.Update(f.ctx, f.street, a.ID, in)
		wantErr(t, err, errs.Invalid, "community_code")
	})
}

func TestPhoneVisibility(t *testing.T) {
	f := setup(t)
	o := f.active(t, "育蕾社区舞蹈队", yulei, registry.TierCommunity)
	leader := f.leader(t, "leader", o)
	cases := []struct {
		name   string
		u      *auth.User
		masked bool
	}{
		{"city admin", f.admin, false},
		{"district officer", f.tianhe, false},
		{"street officer", f.street, false},
		{"community committee", f.committee, false},
		{"the org's leader", leader, false},
		{"auditor", f.auditor, true},
		{"hub staff", f.hub, true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			want := phone
			if c.masked {
				want = masked
			}
			got, err := f.reg.Get(f.ctx, c.u, o.ID)
			if err != nil {
				t.Fatal(err)
			}
			if got.LeaderPhone != want || got.PhoneMasked != c.masked {
				t.Errorf("get: %s (masked %v)", got.LeaderPhone, got.PhoneMasked)
			}
			item := listIDs(t, f, c.u, registry.Filter{})[o.ID]
			if item == nil || item.LeaderPhone != want {
				t.Errorf("list: %+v", item)
			}
		})
	}
	t.Run("officers of other places do not see it at all", func(t *testing.T) {
		for _, u := range []*auth.User{f.haizhu, f.street2, f.committee2} {
			_, err := f.reg.Get(f.ctx, u, o.ID)
			wantErr(t, err, errs.NotFound)
		}
	})
}

func TestFlags(t *testing.T) {
	f := setup(t)
	act := f.active(t, "育蕾社区志愿服务队", yulei, registry.TierStreet)
	pending := f.create(t, f.street, input("育蕾社区舞蹈队", yulei))
	set := func(u *auth.User, o *registry.Org, change func(*registry.Input)) (*registry.Org, error) {
		cur, err := f.reg.Get(f.ctx, f.admin, o.ID)
		if err != nil {
			t.Fatal(err)
		}
		in := registry.InputOf(cur)
		change(&in)
		return f.reg.Update(f.ctx, u, o.ID, in)
	}
	hub := func(in *registry.Input) { in.Hub = true }
	brand := func(in *registry.Input) { in.Brand = true }
	demo := func(in *registry.Input) { in.DemonstrationYear = 2023 }
	mark := func(in *registry.Input) { in.VolunteerMark = true }

	refusals := []struct {
		name   string
		u      *auth.User
		o      *registry.Org
		change func(*registry.Input)
		field  string
	}{
		{"street officer: hub on a pending org", f.street, pending, hub, "hub"},
		{"district officer: hub on a pending org", f.tianhe, pending, hub, "hub"},
		{"street officer: brand", f.street, act, brand, "brand"},
		{"street officer: demonstration year", f.street, act, demo, "demonstration_year"},
		{"committee: hub", f.committee, act, hub, "hub"},
		{"committee: volunteer mark", f.committee, act, mark, "volunteer_mark"},
	}
	for _, c := range refusals {
		t.Run(c.name, func(t *testing.T) {
			_, err := set(c.u, c.o, c.change)
			wantErr(t, err, errs.Invalid, c.field)
		})
	}
	t.Run("street officer: hub on an active org", func(t *testing.T) {
		o, err := set(f.street, act, hub)
		if err != nil || !o.Hub {
			t.Fatal(o, err)
		}
		evs, _ := f.reg.History(f.ctx, f.street, act.ID)
		if evs[0].Field != "hub" || evs[0].OldValue != "0" || evs[0].Value != "1" || evs[0].Username != "street" {
			t.Fatalf("history %+v", evs[0])
		}
	})
	t.Run("street officer: volunteer mark", func(t *testing.T) {
		if o, err := set(f.street, act, mark); err != nil || !o.VolunteerMark {
			t.Fatal(o, err)
		}
	})
	t.Run("district officer: brand and demonstration year", func(t *testing.T) {
		o, err := set(f.tianhe, act, func(in *registry.Input) { brand(in); demo(in) })
		if err != nil || !o.Brand || o.DemonstrationYear != 2023 || !o.Demonstration {
			t.Fatal(o, err)
		}
	})
	t.Run("street officer cannot take the brand away", func(t *testing.T) {
		_, err := set(f.street, act, func(in *registry.Input) { in.Brand = false })
		wantErr(t, err, errs.Invalid, "brand")
	})
	t.Run("city admin: brand", func(t *testing.T) {
		o := f.active(t, "猎德社区龙舟协会", liede, registry.TierRegistered)
		if o, err := set(f.admin, o, brand); err != nil || !o.Brand {
			t.Fatal(o, err)
		}
	})
	t.Run("filing a pending hub is refused", func(t *testing.T) {
		in := input("天河南街社区社会组织联合会", yulei)
		in.Tier, in.Hub = registry.TierStreet, true
		_, err := f.reg.Create(f.ctx, f.street, in)
		wantErr(t, err, errs.Invalid, "hub")
		in.Status = registry.StatusActive
		if o := f.create(t, f.street, in); !o.Hub || o.Status != registry.StatusActive {
			t.Fatalf("%+v", o)
		}
	})
	t.Run("suspension ends hub status", func(t *testing.T) {
		o := f.move(t, f.street, act, registry.ActSuspend, "负责人联系不上")
		if o.Hub {
			t.Fatal("suspended org is still a hub")
		}
		evs, _ := f.reg.History(f.ctx, f.street, act.ID)
		var found bool
		for _, e := range evs {
			found = found || (e.Field == "hub" && e.OldValue == "1" && e.Value == "0" && e.Reason == "suspend")
		}
		if !found {
			t.Fatalf("no hub 1→0 event: %+v", evs)
		}
	})
}
