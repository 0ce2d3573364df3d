package app_test

import (
	"net/url"
	"runtime"
	"strings"
	"testing"

	"linli/internal/app/apptest"
	"linli/internal/platform/auth"
)

// FuzzListParams throws list and search parameters at the organization
// list, as JSON and as a page, signed in as the read-only auditor (issue 18,
// failure 1: one GET with page=1000000000 ended the process). Every answer
// is a page or a field error, never a 500, and no request grows the heap
// past a bound. Without -fuzz it runs its seed corpus as a normal test. The
// full-text path of a big city is fuzzed in the registry's FuzzSearchParams.
func FuzzListParams(f *testing.F) {
	a := apptest.New(f)
	officer := a.User(auth.StreetOfficer, wushan)
	for _, n := range []string{"五山社区互助队", "社区长者服务队", "五山社区书法协会", "天河社区舞蹈队"} {
		a.CreateOrg(officer, apptest.OrgInput(n, wushanComm))
	}
	c := a.As(a.User(auth.Auditor, "4401"))
	for _, s := range [][5]string{
		{"社区", "1000000000", "200", "", ""},
		{"社区", "3000000", "200", "relevance", ""},
		{"社区", "1", "20", "", "440106"},
		{"sq", "2", "1", "", ""},
		{"", "1000000000", "200", "name", ""},
		{"%_\\", "-1", "0", "newest", "4401"},
		{"社区", "99999999999999999999", "201", "", ""},
		{"a\x00b", "1", "200", "", "44010"},
		{strings.Repeat("社", 300), "1", "1", "", ""},
		{"jfhz", "1e3", "abc", "bogus", "x"},
	} {
		f.Add(s[0], s[1], s[2], s[3], s[4])
	}
	f.Fuzz(func(t *testing.T, q, page, perPage, sort, within string) {
		v := url.Values{"q": {q}, "page": {page}, "per_page": {perPage}, "sort": {sort}, "within": {within}}
		var before runtime.MemStats
		runtime.ReadMemStats(&before)
		for _, path := range []string{"/api/v1/orgs?", "/orgs?"} {
			r := c.With(t).Do("GET", path+v.Encode(), nil)
			if r.Status != 200 && r.Status != 422 && r.Status != 404 {
				t.Fatalf("GET %s%s: %d %s", path, v.Encode(), r.Status, r.String())
			}
		}
		var after runtime.MemStats
		runtime.ReadMemStats(&after)
		if grown := after.TotalAlloc - before.TotalAlloc; grown > 256<<20 {
			t.Fatalf("%q page %q per_page %q allocated %d MiB", q, page, perPage, grown>>20)
		}
	})
}
