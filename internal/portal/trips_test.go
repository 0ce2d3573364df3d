package portal_test

import (
	"net/http"
	"strconv"
	"testing"
)

// The community page's cost in round trips to the database, pinned: a new
// query on the portal's hottest page shows up here rather than as a slower
// bench. The first request makes the page's public data; the next ones,
// with nothing changed, read it from the portal's cache after one read of
// the place's version; a change (a publication) makes it again.
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
	if r := w.a.As(w.leader).Do("PUT", "/api/v1/orgs/"+strconv.FormatInt(w.dance.ID, 10)+"/publication", map[string]any{"activities": true}); r.Status != 200 {
		t.Fatalf("publish: %d %s", r.Status, r.Body)
	}
	remade := get()
	t.Logf("%s: community page: %d round trips first, %d then, %d after a change", w.a.DB.Engine, first, second, remade)
	if second != 1 {
		t.Errorf("the community page from the cache costs %d round trips, want 1 (its version)", second)
	}
	// 13 made again: the version; the place's path; the organizations
	// (page and count), their settings and communities' names; upcoming,
	// recent and the month's days of activities; the calls; the
	// indicators' change counter; cases; surveys (on PostgreSQL as many).
	if limit := map[string]int64{"sqlite": 13, "postgres": 13}[w.a.DB.Engine]; remade > limit {
		t.Errorf("the community page made again costs %d round trips, at most %d", remade, limit)
	}
}
