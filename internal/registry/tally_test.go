package registry_test

import (
	"slices"
	"testing"

	"linli/internal/platform/auth"
	"linli/internal/registry"
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
	checkTally(t, f)

	f.move(t, f.admin, a, registry.ActApprove, "")
	f.move(t, f.admin, b, registry.ActSuspend, "停止活动")
	f.move(t, f.admin, c, registry.ActDeregister, "自行解散")
	checkTally(t, f)

	if _, err := f.reg.SetHub(f.ctx, f.admin, a.ID, true, ""); err != nil {
		t.Fatal(err)
	}
	checkTally(t, f)

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
	checkTally(t, f)

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

// checkTally compares org_tally with counts over orgs, by district and by
// street.
func checkTally(t *testing.T, f *fixture) {
	t.Helper()
	rows := func(q string) []string {
		r, err := f.db.Read.Query(q)
		if err != nil {
			t.Fatal(err)
		}
		defer r.Close()
		var out []string
		for r.Next() {
			var lvl, n, hubs, brands int
			var code, status, tier string
			if err := r.Scan(&lvl, &code, &status, &tier, &n, &hubs, &brands); err != nil {
				t.Fatal(err)
			}
			out = append(out, string(rune('0'+lvl))+" "+code+" "+status+" "+tier+" "+string(rune('0'+n))+
				" "+string(rune('0'+hubs))+" "+string(rune('0'+brands)))
		}
		slices.Sort(out)
		return out
	}
	got := rows(`SELECT lvl, code, status, tier, n, hubs, brands FROM org_tally WHERE n <> 0 OR hubs <> 0 OR brands <> 0`)
	want := rows(`SELECT 3, district_code, status, tier, COUNT(*), SUM(hub), SUM(brand) FROM orgs GROUP BY district_code, status, tier
		UNION ALL SELECT 4, street_code, status, tier, COUNT(*), SUM(hub), SUM(brand) FROM orgs GROUP BY street_code, status, tier`)
	if !slices.Equal(got, want) {
		t.Fatalf("tally\n%q\nrecords\n%q", got, want)
	}
}
