package registry_test

import (
	"testing"

	"linli/internal/platform/auth"
	"linli/internal/registry"
	"linli/internal/registry/registrytest"
)

// The tally (org_tally, kept by triggers on orgs) must equal the records'
// own counts after every kind of change, since summaries, division trees
// and list totals read it instead of counting.
func TestTallyEqualsRecords(t *testing.T) {
	f := setup(t)
	haizhu := "440105001101"
	a := f.create(t, f.admin, input("长者舞蹈队", yulei))
	b := f.active(t, "邻里互助会", zhijie, registry.TierStreet)
	c := f.active(t, "书法协会", liede, registry.TierCommunity)
	f.create(t, f.admin, input("合唱团", haizhu))
	registrytest.CheckTally(t, f.ctx, f.db)

	f.move(t, f.admin, a, registry.ActApprove, "")
	f.move(t, f.admin, b, registry.ActSuspend, "停止活动")
	f.move(t, f.admin, c, registry.ActDeregister, "自行解散")
	registrytest.CheckTally(t, f.ctx, f.db)

	if _, err := f.reg.SetHub(f.ctx, f.admin, a.ID, true, ""); err != nil {
		t.Fatal(err)
	}
	registrytest.CheckTally(t, f.ctx, f.db)

	// a move to another street and district, and a change of tier
	o, err := f.reg.Get(f.ctx, f.admin, a.ID)
	if err != nil {
		t.Fatal(err)
	}
	in := registry.InputOf(o)
	in.CommunityCode, in.Hub = haizhu, false
	if _, err := f.reg.Update(f.ctx, f.admin, a.ID, in); err != nil {
		t.Fatal(err)
	}
	registrytest.CheckTally(t, f.ctx, f.db)

	// and every figure that reads it agrees with a list of the records
	for _, u := range []*auth.User{f.admin, f.tianhe, f.haizhu, f.street, f.street2} {
		sum, err := f.reg.Summarize(f.ctx, u, "")
		if err != nil {
			t.Fatal(err)
		}
		var want int
		for _, st := range []string{registry.StatusPending, registry.StatusReturned, registry.StatusActive, registry.StatusSuspended} {
			p, err := f.reg.List(f.ctx, u, registry.Filter{Status: st, Q: ""})
			if err != nil {
				t.Fatal(err)
			}
			if p.Total != len(p.Items) {
				t.Fatalf("%s, status %s: total %d, %d items", u.Username, st, p.Total, len(p.Items))
			}
			want += len(p.Items)
		}
		if sum.Total != want {
			t.Errorf("%s: summary total %d, the lists hold %d", u.Username, sum.Total, want)
		}
	}
}
