package portal_test

import (
	"net/http"
	"testing"
)

// The community page's cost in round trips to the database, pinned: a new
// query on the portal's hottest page shows up here rather than as a slower
// bench. The first request makes the page's public data; the next ones,
// with nothing changed, read it from the portal's cache.
func TestCommunityPageRoundTrips(t *testing.T) {
	w := newWorld(t)
	anon := w.a.Anon()
	get := func() int64 {
		t.Helper()
		before := w.a.DB.RoundTrips()
		if r := anon.Do("GET", "/p/"+comm, nil); r.Status != http.StatusOK {
			t.Fatalf("community page: %d", r.Status)
		}
		return w.a.DB.RoundTrips() - before
	}
	first := get()
	second := get()
	t.Logf("%s: community page: %d round trips first, %d then", w.a.DB.Engine, first, second)
	// 12 on SQLite: the place's path; the organizations (page and count),
	// their settings and communities' names; upcoming, recent and the
	// month's days of activities; the calls; the indicators' change
	// counter; cases; surveys (on PostgreSQL as many round trips).
	if limit := map[string]int64{"sqlite": 12, "postgres": 12}[w.a.DB.Engine]; second > limit {
		t.Errorf("the community page costs %d round trips, at most %d", second, limit)
	}
}
