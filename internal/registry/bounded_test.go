package registry_test

import (
	"fmt"
	"net/url"
	"runtime"
	"testing"

	"linli/internal/platform/errs"
	"linli/internal/registry"
)

// allocated runs fn and returns the bytes it allocated.
func allocated(fn func()) uint64 {
	var a, b runtime.MemStats
	runtime.ReadMemStats(&a)
	fn()
	runtime.ReadMemStats(&b)
	return b.TotalAlloc - a.TotalAlloc
}

// searchWays runs test both ways a search can go: through the full-text
// index (large lists) and by scanning the list (small ones).
func searchWays(t *testing.T, test func(t *testing.T)) {
	for _, way := range []struct {
		name  string
		limit int
	}{{"full-text index", 0}, {"scan", 1 << 30}} {
		t.Run(way.name, func(t *testing.T) {
			registry.SetScanLimitForTest(t, way.limit)
			test(t)
		})
	}
}

// mutualAid files n organizations in 育蕾 named 社区互助队0, 社区互助队1…
func (f *fixture) mutualAid(t testing.TB, n int) {
	t.Helper()
	for i := range n {
		f.create(t, f.admin, input(fmt.Sprintf("社区互助队%d", i), yulei))
	}
}

// TestDeepPageIsBounded reproduces issue 18's failure 1: a relevance-ranked
// search collected every row before the page (page × per_page ids), so one
// GET with page=1000000000 ended the process. A page past the last is now
// an empty page at the cost of a count, on both paths a search takes.
func TestDeepPageIsBounded(t *testing.T) {
	searchWays(t, func(t *testing.T) {
		f := setup(t)
		f.mutualAid(t, 7)
		for _, cap := range []int{200, 3} { // under and past the count's cap
			registry.SetSearchCountCapForTest(t, cap)
			var p *registry.Page
			var err error
			n := allocated(func() {
				p, err = f.reg.List(f.ctx, f.auditor, registry.Filter{Q: "社区", Page: 50_000, PerPage: 200})
			})
			if err != nil {
				t.Fatalf("cap %d: %v", cap, err)
			}
			if len(p.Items) != 0 || p.Total != 7 || p.More {
				t.Errorf("cap %d, page 50000: %d items, total %d, more %v; want an empty page of 7", cap, len(p.Items), p.Total, p.More)
			}
			if n > 8<<20 {
				t.Errorf("cap %d, page 50000 allocated %d MiB", cap, n>>20)
			}
			p, err = f.reg.List(f.ctx, f.auditor, registry.Filter{Q: "社区", Page: registry.MaxPage, PerPage: 200})
			if err != nil || len(p.Items) != 0 || p.Total != 7 {
				t.Fatalf("cap %d, page %d: %+v %v", cap, registry.MaxPage, p, err)
			}
		}
		p, err := f.reg.List(f.ctx, f.auditor, registry.Filter{Page: registry.MaxPage, PerPage: 200})
		if err != nil || len(p.Items) != 0 || p.Total != 7 {
			t.Fatalf("list, page %d: %+v %v", registry.MaxPage, p, err)
		}
	})
}

// TestDeepRankedPageWithinMatches: a relevance-ranked page deeper than the
// ranking's bound but within the matches is a field error naming the
// bound, never a walk through the rows before it.
func TestDeepRankedPageWithinMatches(t *testing.T) {
	registry.SetScanLimitForTest(t, 0)
	registry.SetMaxRankedDepthForTest(t, 4)
	f := setup(t)
	f.mutualAid(t, 7)
	if p, err := f.reg.List(f.ctx, f.admin, registry.Filter{Q: "社区", Page: 2, PerPage: 2}); err != nil || len(p.Items) != 2 {
		t.Fatalf("page 2 within the bound: %+v %v", p, err)
	}
	_, err := f.reg.List(f.ctx, f.admin, registry.Filter{Q: "社区", Page: 3, PerPage: 2})
	if e, ok := errs.As(err); !ok || e.Code != errs.Invalid || e.Fields["page"].Key != "err.page_too_deep" {
		t.Fatalf("page 3 past the bound: %v", err)
	}
	p, err := f.reg.List(f.ctx, f.admin, registry.Filter{Q: "社区", Page: 5, PerPage: 2})
	if err != nil || len(p.Items) != 0 || p.Total != 7 || p.More {
		t.Fatalf("page 5 past the last: %+v %v", p, err)
	}
	// another order is not ranked and pages on
	if p, err := f.reg.List(f.ctx, f.admin, registry.Filter{Q: "社区", Page: 4, PerPage: 2, Sort: "name"}); err != nil || len(p.Items) != 1 {
		t.Fatalf("page 4 by name: %+v %v", p, err)
	}
}

// FuzzSearchParams parses list parameters as the handlers do and lists
// with them on the full-text path of a big city, as the auditor: every
// answer is a page or a field error, and none allocates past a bound.
func FuzzSearchParams(fz *testing.F) {
	registry.SetScanLimitForTest(fz, 0)
	registry.SetSearchCountCapForTest(fz, 3)
	f := setup(fz)
	f.mutualAid(fz, 6)
	for _, s := range [][5]string{
		{"社区", "1000000000", "200", "", ""},
		{"社区", "3000000", "200", "relevance", ""},
		{"社区", "2", "2", "", "440106"},
		{"hz", "2", "1", "", ""},
		{"", "1000000000", "200", "name", ""},
		{"%_\\", "-1", "0", "newest", "4401"},
		{"社区", "99999999999999999999", "201", "", ""},
		{"a\x00b", "1", "200", "", "44010"},
		{"shequ", "1e3", "abc", "bogus", "x"},
	} {
		fz.Add(s[0], s[1], s[2], s[3], s[4])
	}
	fz.Fuzz(func(t *testing.T, q, page, perPage, sort, within string) {
		flt, fe := registry.FilterFromQueryForTest(url.Values{"q": {q}, "page": {page}, "per_page": {perPage},
			"sort": {sort}, "within": {within}})
		if len(fe) > 0 {
			return
		}
		var err error
		n := allocated(func() { _, err = f.reg.List(f.ctx, f.auditor, flt) })
		if err != nil && !errs.Is(err, errs.Invalid) {
			t.Fatalf("%+v: %v", flt, err)
		}
		if n > 64<<20 {
			t.Fatalf("%+v allocated %d MiB", flt, n>>20)
		}
	})
}
