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
	t.Logf("community page: %d round trips first, %d then", first, second)
}
