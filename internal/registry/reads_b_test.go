package registry_test

import (
	"testing"
	"time"

	"linli/internal/platform/db"
	"linli/internal/registry"
)

// TestEachActiveAt: the named read of the organizations active at a past
// moment gives each as it stood then (its community before a move, its
// target groups before a change), leaves out one filed after the moment,
// and follows a move into the range it reads.
func TestEachActiveAt(t *testing.T) {
	f := setup(t)
	a := f.active(t, "育蕾长者服务队", yulei, registry.TierCommunity) // 2023-03-01
	f.now = time.Date(2023, 6, 1, 8, 0, 0, 0, time.UTC)
	in := registry.InputOf(a)
	in.CommunityCode, in.TargetGroups = liede, []string{"women"}
	if _, err := f.reg.Update(f.ctx, f.admin, a.ID, in); err != nil {
		t.Fatal(err)
	}
	b := f.active(t, "育蕾读书会", yulei, registry.TierCommunity) // 2023-06-01
	read := func(place string, cut time.Time) map[int64]registry.OrgAt {
		t.Helper()
		lo, hi := db.PrefixRange(place)
		out := map[int64]registry.OrgAt{}
		if err := registry.EachActiveAt(f.ctx, f.db.Read, lo, hi, cut, func(o registry.OrgAt) { out[o.ID] = o }); err != nil {
			t.Fatal(err)
		}
		return out
	}
	elderly, women := int64(1)<<0, int64(1)<<1
	may := time.Date(2023, 5, 1, 0, 0, 0, 0, time.UTC)
	if got := read("440106008", may); len(got) != 1 || got[a.ID].Community != yulei || got[a.ID].Groups != elderly ||
		got[a.ID].Tier != registry.TierCommunity {
		t.Errorf("天河南 in May = %+v, want only %d in %s serving the elderly", got, a.ID, yulei)
	}
	if got := read("440106013", may); len(got) != 0 {
		t.Errorf("猎德 in May = %+v, want none (the move came later)", got)
	}
	july := time.Date(2023, 7, 1, 0, 0, 0, 0, time.UTC)
	if got := read("440106008", july); len(got) != 1 || got[b.ID].Community != yulei {
		t.Errorf("天河南 in July = %+v, want only %d", got, b.ID)
	}
	if got := read("440106013", july); len(got) != 1 || got[a.ID].Community != liede || got[a.ID].Groups != women {
		t.Errorf("猎德 in July = %+v, want only %d in %s serving women", got, a.ID, liede)
	}
	if got := read("4401", time.Date(2023, 2, 1, 0, 0, 0, 0, time.UTC)); len(got) != 0 {
		t.Errorf("the city before anything was filed = %+v, want none", got)
	}
}
