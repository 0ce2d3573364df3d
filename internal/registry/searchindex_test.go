package registry_test

import (
	"bytes"
	"fmt"
	"sync"
	"testing"

	"linli/internal/platform/auth"
	"linli/internal/registry"
)

// searchTerms are queries of every kind the search box takes: Chinese
// words of one to four characters, whole names and their beginnings,
// pinyin syllables (the last one begun), initials, Latin letters and
// digits, punctuation, and words no name holds.
var searchTerms = []string{
	"舞蹈", "服务队", "社区", "队", "育蕾舞蹈队", "育蕾", "长者服务", "志愿者协会", "书画社", "乐团",
	"wudao", "wu", "w", "wd", "wdd", "ylwdd", "yulei", "yl", "shequ", "sqfwd", "zhiyuan", "zyz", "yue", "yinyue",
	"abc", "q1", "a", "1", "社-区", "社 区", "ＡＢＣ合唱", "无此名称", "xyzq",
}

// searchNamesFor are the organizations' names: each first part with each
// second and third, some Latin letters and digits.
func searchNamesFor() []string {
	first := []string{"育蕾", "猎德", "天河", "长者", "阳光", "志愿", "社区", "乐龄"}
	second := []string{"舞蹈", "书画", "服务", "互助", "读书", "音乐", "义工"}
	third := []string{"队", "社", "会", "团", "协会", "服务队", "志愿者协会"}
	var out []string
	for i, a := range first {
		for j, b := range second {
			out = append(out, a+b+third[(i+j)%len(third)])
		}
	}
	return append(out, "ABC合唱团", "Q1读书会", "社区-互助会", "育蕾舞蹈队", "A1乐团", "银行长者服务队")
}

// TestSearchIndexMatchesRecords answers searches from the districts'
// indexes in memory on two services on one database (two replicas) and
// compares every page with the one a third service, its index off, reads
// from the database's full-text index: every kind of query, city and
// district viewers, pages and the count's cap, after each kind of change.
// A change rebuilds only its own district's index.
func TestSearchIndexMatchesRecords(t *testing.T) {
	registry.SetScanLimitForTest(t, 0) // never scan: the index, or the full-text index
	f := setup(t)
	replica, cold := f.replica(), f.replica()
	cold.NoSearchIndex(true)

	places := []string{yulei, zhijie, liede, haizhuComm}
	var orgs []*registry.Org
	for i, name := range searchNamesFor() {
		orgs = append(orgs, f.active(t, name, places[i%len(places)], registry.TierCommunity))
	}

	viewers := []struct {
		name string
		u    *auth.User
		f    registry.Filter
	}{
		{"city admin", f.admin, registry.Filter{}},
		{"auditor, one district", f.auditor, registry.Filter{Within: "440106"}},
		{"district officer", f.tianhe, registry.Filter{}},
		{"haizhu officer", f.haizhu, registry.Filter{}},
	}
	check := func(t *testing.T, step string) {
		t.Helper()
		compared := 0
		for _, cap := range []int{200, 7} {
			registry.SetSearchCountCapForTest(t, cap)
			for _, svc := range []*registry.Service{f.reg, replica} {
				for _, v := range viewers {
					for _, q := range searchTerms {
						for _, pg := range [][2]int{{1, 20}, {1, 5}, {2, 5}, {4, 5}, {30, 5}} {
							fl := v.f
							fl.Q, fl.Page, fl.PerPage = q, pg[0], pg[1]
							got, err := svc.List(f.ctx, v.u, fl)
							if err != nil {
								t.Fatalf("%s: %s %q %v: %v", step, v.name, q, pg, err)
							}
							want, err := cold.List(f.ctx, v.u, fl)
							if err != nil {
								t.Fatalf("%s: %s %q %v, database: %v", step, v.name, q, pg, err)
							}
							if g, w := got.AppendJSON(nil), want.AppendJSON(nil); !bytes.Equal(g, w) {
								t.Errorf("%s: %s %q page %v, cap %d: the index's page differs from the database's\n got %s\nwant %s",
									step, v.name, q, pg, cap, g, w)
							}
							compared++
						}
					}
				}
			}
		}
		// the comparison is not empty: some pages are full, some are not
		if compared == 0 {
			t.Fatal("nothing compared")
		}
	}
	rebuilt := func(t *testing.T, step string, want int64, svc *registry.Service, do func()) {
		t.Helper()
		before := registry.SearchIndexBuildsForTest(svc)
		do()
		if n := registry.SearchIndexBuildsForTest(svc) - before; n != want {
			t.Errorf("%s: %d district indexes read, want %d", step, n, want)
		}
	}
	search := func(svc *registry.Service, u *auth.User) func() {
		return func() {
			if _, err := svc.List(f.ctx, u, registry.Filter{Q: "舞蹈", PerPage: 20}); err != nil {
				t.Fatal(err)
			}
		}
	}

	check(t, "start")
	if registry.SearchIndexBuildsForTest(f.reg) == 0 || registry.SearchIndexBuildsForTest(replica) == 0 {
		t.Fatal("the index answered no search")
	}
	if n := registry.SearchIndexBuildsForTest(cold); n != 0 {
		t.Fatalf("the service with the index off read %d district indexes", n)
	}
	// a warm index is read again by nothing but a change
	rebuilt(t, "unchanged", 0, f.reg, search(f.reg, f.admin))

	t.Run("rename", func(t *testing.T) {
		in := registry.InputOf(orgs[0])
		in.Name = "育蕾广场舞蹈队"
		if _, err := f.reg.Update(f.ctx, f.admin, orgs[0].ID, in); err != nil {
			t.Fatal(err)
		}
		// tianhe's index again, not haizhu's; on the other replica too
		rebuilt(t, "after a tianhe rename", 1, f.reg, search(f.reg, f.admin))
		rebuilt(t, "after a tianhe rename, replica", 1, replica, search(replica, f.admin))
		rebuilt(t, "haizhu after a tianhe rename", 0, f.reg, search(f.reg, f.haizhu))
		check(t, "rename")
	})
	t.Run("move between districts", func(t *testing.T) {
		o := orgs[1]
		in := registry.InputOf(o)
		in.CommunityCode = haizhuComm
		moved, err := replica.Update(f.ctx, f.admin, o.ID, in)
		if err != nil {
			t.Fatal(err)
		}
		if moved.DistrictCode != "440105" {
			t.Fatalf("moved to %s", moved.DistrictCode)
		}
		rebuilt(t, "after a move", 2, f.reg, search(f.reg, f.admin))
		check(t, "move")
	})
	t.Run("new organizations and a census row", func(t *testing.T) {
		f.active(t, "猎德舞蹈队", liede, registry.TierCommunity)
		in := input("育蕾舞蹈二队", yulei)
		in.Status = registry.StatusActive
		f.importRow(t, f.tianhe, in)
		check(t, "created")
	})
	t.Run("deregistration", func(t *testing.T) {
		f.move(t, f.tianhe, orgs[2], registry.ActDeregister, "停止活动")
		check(t, "deregistration")
	})
	t.Run("many matches past the cap", func(t *testing.T) {
		for i := range 12 {
			f.active(t, fmt.Sprintf("社区互助队%d", i), places[i%len(places)], registry.TierCommunity)
		}
		check(t, "many")
	})
}

// TestSearchIndexConcurrent searches from several goroutines while
// organizations are renamed: the districts' indexes and the scopes are
// shared by every request, built once per version and never written after
// (run with -race), and once the writes stop every page equals the
// database's.
func TestSearchIndexConcurrent(t *testing.T) {
	registry.SetScanLimitForTest(t, 0)
	f := setup(t)
	cold := f.replica()
	cold.NoSearchIndex(true)
	places := []string{yulei, zhijie, liede, haizhuComm}
	var orgs []*registry.Org
	for i, name := range searchNamesFor()[:24] {
		orgs = append(orgs, f.active(t, name, places[i%len(places)], registry.TierCommunity))
	}
	queries := []string{"舞蹈", "服务队", "社区", "yl", "wudao", "队"}
	viewers := []*auth.User{f.admin, f.tianhe, f.haizhu}
	errc := make(chan error, 64)
	var wg sync.WaitGroup
	for g := range 6 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 30 {
				u := viewers[(g+i)%len(viewers)]
				if _, err := f.reg.List(f.ctx, u, registry.Filter{Q: queries[(g*7+i)%len(queries)], PerPage: 5}); err != nil {
					errc <- err
					return
				}
			}
		}()
	}
	for i, o := range orgs[:8] {
		in := registry.InputOf(o)
		in.Name = fmt.Sprintf("%s%d队", o.Name, i)
		if _, err := f.reg.Update(f.ctx, f.admin, o.ID, in); err != nil {
			t.Fatal(err)
		}
	}
	wg.Wait()
	close(errc)
	for err := range errc {
		t.Error(err)
	}
	for _, u := range viewers {
		for _, q := range queries {
			fl := registry.Filter{Q: q, PerPage: 5}
			got, err := f.reg.List(f.ctx, u, fl)
			if err != nil {
				t.Fatal(err)
			}
			want, err := cold.List(f.ctx, u, fl)
			if err != nil {
				t.Fatal(err)
			}
			if g, w := got.AppendJSON(nil), want.AppendJSON(nil); !bytes.Equal(g, w) {
				t.Errorf("%s %q after the writes: the index's page differs from the database's\n got %s\nwant %s", u.Username, q, g, w)
			}
		}
	}
}
