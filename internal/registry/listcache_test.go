package registry_test

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"linli/internal/geo"
	"linli/internal/platform/auth"
	"linli/internal/registry"
)

// listCase is a list a viewer asks for.
type listCase struct {
	name string
	u    *auth.User
	f    registry.Filter
}

// TestListCacheMatchesRecords keeps lists' first pages in the cache of two
// services on one database (two replicas) and, after each kind of change,
// compares every page they serve with the page a third service, its cache
// off, reads from the records. Viewers who see the leader's phone and
// viewers who see it masked ask for the same places in turn.
func TestListCacheMatchesRecords(t *testing.T) {
	f := setup(t)
	replica, cold := f.replica(), f.replica()
	cold.NoListCache(true)
	haizhuOfficer := f.haizhu

	a := f.active(t, "育蕾舞蹈队", yulei, registry.TierCommunity)
	b := f.active(t, "猎德书画社", liede, registry.TierStreet)
	c := f.active(t, "海珠长者服务队", haizhuComm, registry.TierCommunity)
	f.active(t, "直街义工队", zhijie, registry.TierCommunity)
	e := f.active(t, "海珠读书会", haizhuComm, registry.TierCommunity)

	page := func(fl registry.Filter) registry.Filter {
		fl.PerPage = 20
		return fl
	}
	tianheLists := []listCase{
		{"district officer", f.tianhe, page(registry.Filter{})},
		{"district officer, active, by name", f.tianhe, page(registry.Filter{Status: registry.StatusActive, Sort: "name"})},
		{"city admin, district filter", f.admin, page(registry.Filter{Within: "440106"})},
		{"auditor, district filter", f.auditor, page(registry.Filter{Within: "440106"})},
		{"street officer", f.street, page(registry.Filter{})},
		{"hub staff", f.hub, page(registry.Filter{})},
		{"city admin, hubs of the district", f.admin, page(registry.Filter{Within: "440106", Hub: true})},
	}
	haizhuLists := []listCase{
		{"haizhu officer", haizhuOfficer, page(registry.Filter{})},
		{"auditor, haizhu filter", f.auditor, page(registry.Filter{Within: "440105"})},
	}
	all := append(append([]listCase{}, tianheLists...), haizhuLists...)
	encode := func(p *registry.Page) []byte { return p.AppendJSON(nil) }
	// check compares each service's answer with the records', both
	// replicas, masked and unmasked viewers interleaved
	check := func(t *testing.T, step string, lists []listCase) {
		t.Helper()
		for _, svc := range []*registry.Service{f.reg, replica} {
			for _, lc := range lists {
				got, err := svc.List(f.ctx, lc.u, lc.f)
				if err != nil {
					t.Fatalf("%s: %s: %v", step, lc.name, err)
				}
				want, err := cold.List(f.ctx, lc.u, lc.f)
				if err != nil {
					t.Fatalf("%s: %s, cache off: %v", step, lc.name, err)
				}
				if g, w := encode(got), encode(want); !bytes.Equal(g, w) {
					t.Errorf("%s: %s: cached page differs from the records'\n got %s\nwant %s", step, lc.name, g, w)
				}
			}
		}
	}
	// masking: each viewer's answer carries its own class's masking
	wantMasking := func(t *testing.T, step string, lc listCase, masked bool, phone string) {
		t.Helper()
		for _, svc := range []*registry.Service{f.reg, replica} {
			p, err := svc.List(f.ctx, lc.u, lc.f)
			if err != nil {
				t.Fatal(err)
			}
			for _, o := range p.Items {
				if o.PhoneMasked != masked || (o.ID == a.ID && o.LeaderPhone != phone) {
					t.Errorf("%s: %s sees %s's phone %q (masked %v)", step, lc.name, o.Name, o.LeaderPhone, o.PhoneMasked)
				}
			}
		}
	}
	hits := func(t *testing.T, step string, lists []listCase, svc *registry.Service) {
		t.Helper()
		before := registry.ListBuildsForTest(svc)
		for _, lc := range lists {
			if _, err := svc.List(f.ctx, lc.u, lc.f); err != nil {
				t.Fatal(err)
			}
		}
		if n := registry.ListBuildsForTest(svc) - before; n != 0 {
			t.Errorf("%s: %d of %d pages made again, want all kept", step, n, len(lists))
		}
	}

	check(t, "start", all)
	hits(t, "unchanged", all, f.reg)
	hits(t, "unchanged, replica", all, replica)

	t.Run("form edit", func(t *testing.T) {
		in := registry.InputOf(a)
		in.Name, in.Members = "育蕾舞蹈队（新）", 35
		var err error
		if a, err = f.reg.Update(f.ctx, f.admin, a.ID, in); err != nil {
			t.Fatal(err)
		}
		check(t, "form edit", all)
	})
	t.Run("census import row", func(t *testing.T) {
		in := input("猎德环保队", liede)
		in.Status = registry.StatusActive
		f.importRow(t, f.tianhe, in)
		check(t, "census import row", all)
	})
	t.Run("move between districts", func(t *testing.T) {
		in := registry.InputOf(b)
		in.CommunityCode = haizhuComm
		var err error
		if b, err = f.reg.Update(f.ctx, f.admin, b.ID, in); err != nil {
			t.Fatal(err)
		}
		if b.DistrictCode != "440105" {
			t.Fatalf("moved to %s", b.DistrictCode)
		}
		check(t, "move", all)
	})
	t.Run("deregistration", func(t *testing.T) {
		f.move(t, f.tianhe, a, registry.ActDeregister, "停止活动")
		check(t, "deregistration", all)
		f.move(t, f.admin, c, registry.ActDeregister, "停止活动")
		check(t, "deregistration in haizhu", all)
	})
	t.Run("leader phone", func(t *testing.T) {
		d := f.active(t, "育蕾合唱团", yulei, registry.TierCommunity)
		check(t, "new organization", all)
		in := registry.InputOf(d)
		in.LeaderPhone = "13900001111"
		// written through the other replica
		if _, err := replica.Update(f.ctx, f.admin, d.ID, in); err != nil {
			t.Fatal(err)
		}
		a = d
		// masked viewer first, then unmasked, then masked again
		wantMasking(t, "phone", listCase{"auditor", f.auditor, page(registry.Filter{Within: "440106"})}, true, "139****1111")
		wantMasking(t, "phone", listCase{"district officer", f.tianhe, page(registry.Filter{})}, false, "13900001111")
		wantMasking(t, "phone", listCase{"city admin", f.admin, page(registry.Filter{Within: "440106"})}, false, "13900001111")
		wantMasking(t, "phone", listCase{"hub staff", f.hub, page(registry.Filter{})}, true, "139****1111")
		check(t, "leader phone", all)
	})
	t.Run("division rename", func(t *testing.T) {
		imp := &geo.Importer{Store: f.reg.Geo}
		if _, err := imp.Read(f.ctx, strings.NewReader("code,name\n440106008,天河南新街道\n"), nil); err != nil {
			t.Fatal(err)
		}
		check(t, "division rename", all)
	})
	t.Run("another district's change leaves this one kept", func(t *testing.T) {
		check(t, "warm", all)
		cur, err := cold.Get(f.ctx, f.admin, e.ID)
		if err != nil {
			t.Fatal(err)
		}
		in := registry.InputOf(cur)
		in.Members = 60
		if _, err := f.reg.Update(f.ctx, f.admin, e.ID, in); err != nil {
			t.Fatal(err)
		}
		hits(t, "tianhe after a haizhu change", tianheLists, f.reg)
		hits(t, "tianhe after a haizhu change, replica", tianheLists, replica)
		before := registry.ListBuildsForTest(f.reg)
		check(t, "haizhu after its change", haizhuLists)
		if registry.ListBuildsForTest(f.reg) == before {
			t.Error("haizhu's lists were not made again after its change")
		}
	})
	// the encoding served by the API is the page's
	p, err := f.reg.List(f.ctx, f.tianhe, page(registry.Filter{}))
	if err != nil {
		t.Fatal(err)
	}
	var back registry.Page
	if err := json.Unmarshal(p.AppendJSON(nil), &back); err != nil || back.Total != p.Total {
		t.Fatalf("page JSON: %v, total %d, want %d", err, back.Total, p.Total)
	}
}
