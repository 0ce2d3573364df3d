package registry_test

import (
	"reflect"
	"slices"
	"strings"
	"testing"

	"linli/internal/platform/auth"
	"linli/internal/platform/db"
	"linli/internal/registry"
)

// TestRankedSearchCounts compares ranked searches through the database's
// full-text index (and through the index in memory) with an answer made
// here from the names: the matches of a query are the names holding it,
// ranked exact name, then prefix, then the others, ties by id; the total
// is capped (searchCountCap, 7 here) with More past it. Queries with no
// match, the cap less one, exactly the cap and one past it, exact names
// tied, prefix matches with ids above the substring matches (so a page of
// fewer rows than the matches must stop at its size), on every page, for
// a city, a district and a list with another filter. Each row must equal
// the organization read alone (on PostgreSQL read by its raw values), and on PostgreSQL a search costs three
// round trips (the tally, the matches, the page's rows; two past the last
// page; four when the matches are past the cap and the exact and prefix
// names do not fill the page, less the page's rows when there are none).
func TestRankedSearchCounts(t *testing.T) {
	registry.SetScanLimitForTest(t, 0) // never scan: the full-text index
	registry.SetSearchCountCapForTest(t, 7)
	f := setup(t)
	cold := f.replica()
	cold.NoSearchIndex(true)

	places := []string{yulei, liede, haizhuComm, zhijie}
	names := []string{
		// 甲乙: exactly the cap (7), two exact names, prefix and substring
		"丁甲乙队", "甲乙", "戊甲乙社", "甲乙队", "甲乙", "己甲乙", "甲乙舞团",
		// 丙丁: one past the cap (8), the prefix names last
		"一丙丁", "二丙丁", "三丙丁会", "四丙丁", "五丙丁队", "六丙丁",
		// 庚辛: the cap less one (6), the prefix names last
		"一庚辛", "二庚辛", "三庚辛", "四庚辛社",
		"丙丁一队", "丙丁二队", "庚辛团", "庚辛",
	}
	var orgs []*registry.Org
	for i, name := range names {
		orgs = append(orgs, f.active(t, name, places[i%len(places)], registry.TierCommunity))
	}
	// the ranking, made here: exact, prefix, substring, each by id
	want := func(u *auth.User, within, q string) []*registry.Org {
		scope := u.ScopeCode
		if within != "" {
			scope = within
		}
		var exact, prefix, other []*registry.Org
		for _, o := range orgs { // in id order
			switch {
			case !strings.HasPrefix(o.CommunityCode, scope) || !strings.Contains(o.Name, q):
			case o.Name == q:
				exact = append(exact, o)
			case strings.HasPrefix(o.Name, q):
				prefix = append(prefix, o)
			default:
				other = append(other, o)
			}
		}
		return slices.Concat(exact, prefix, other)
	}
	counts := map[string]int{}
	for _, o := range want(f.admin, "", "甲乙") {
		counts[o.Name]++
	}
	if n := len(want(f.admin, "", "丙丁")); n != 8 {
		t.Fatalf("丙丁 matches %d names, want 8", n)
	}

	viewers := []struct {
		name  string
		u     *auth.User
		f     registry.Filter
		plain bool
	}{
		{"city admin", f.admin, registry.Filter{}, true},
		{"district officer", f.tianhe, registry.Filter{}, true},
		{"auditor, one district", f.auditor, registry.Filter{Within: "440106"}, true},
		{"city admin, active only", f.admin, registry.Filter{Status: registry.StatusActive}, false},
	}
	trips := 0
	for _, svc := range []*registry.Service{cold, f.reg} {
		for _, v := range viewers {
			for _, q := range []string{"甲乙", "丙丁", "庚辛", "壬癸"} {
				all := want(v.u, v.f.Within, q)
				for _, pg := range [][2]int{{1, 3}, {2, 3}, {3, 3}, {4, 3}, {1, 2}, {1, 20}, {2, 20}} {
					fl := v.f
					fl.Q, fl.Page, fl.PerPage = q, pg[0], pg[1]
					if svc == cold {
						if _, err := svc.List(f.ctx, v.u, fl); err != nil { // statements prepared
							t.Fatal(err)
						}
					}
					before := f.db.RoundTrips()
					got, err := svc.List(f.ctx, v.u, fl)
					if err != nil {
						t.Fatalf("%s %q %v: %v", v.name, q, pg, err)
					}
					n := f.db.RoundTrips() - before
					skip := (pg[0] - 1) * pg[1]
					page := all[min(skip, len(all)):min(skip+pg[1], len(all))]
					total, more := min(len(all), 7), len(all) > 7
					var ids, wantIDs []int64
					for _, o := range got.Items {
						ids = append(ids, o.ID)
					}
					for _, o := range page {
						wantIDs = append(wantIDs, o.ID)
					}
					if !slices.Equal(ids, wantIDs) || got.Total != total || got.More != more {
						t.Errorf("%s %q page %v: ids %v, total %d, more %v; want %v, %d, %v",
							v.name, q, pg, ids, got.Total, got.More, wantIDs, total, more)
					}
					for _, o := range got.Items {
						alone, err := f.reg.Get(f.ctx, v.u, o.ID)
						if err != nil {
							t.Fatal(err)
						}
						if !reflect.DeepEqual(o, alone) {
							t.Errorf("%s %q: row %d\n got %+v\nwant %+v", v.name, q, o.ID, o, alone)
						}
					}
					if svc != cold || !v.plain || f.db.Engine != db.Postgres {
						continue
					}
					// the database's path on PostgreSQL: its round trips
					wantTrips := int64(3)
					exactOrPrefix := 0
					for _, o := range all {
						if strings.HasPrefix(o.Name, q) {
							exactOrPrefix++
						}
					}
					switch {
					case !more && skip >= total:
						wantTrips = 2
					case more && exactOrPrefix < skip+pg[1]:
						wantTrips = 4 // the matches in id order too
					}
					if more && len(page) == 0 {
						wantTrips-- // no page's rows to read
					}
					if n != wantTrips {
						t.Errorf("%s %q page %v: %d round trips, want %d", v.name, q, pg, n, wantTrips)
					}
					trips++
				}
			}
		}
	}
	if f.db.Engine == db.Postgres && trips == 0 {
		t.Fatal("no round trips counted")
	}
	if n := registry.ListRowsScannedForTest(); n != 0 {
		t.Errorf("%d rows read through pgx's Scan, not by their raw values", n)
	}
	if counts["甲乙"] != 2 {
		t.Fatalf("the exact names are not tied: %v", counts)
	}
}
