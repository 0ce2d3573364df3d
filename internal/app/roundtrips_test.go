package app_test

import (
	"net/http"
	"strconv"
	"testing"

	"linli/internal/app/apptest"
	"linli/internal/platform/auth"
)

// TestRoundTripsPerRequest pins how many times a hot request waits for the
// database (db.DB.RoundTrips: round trips on the wire on PostgreSQL,
// statements on SQLite), once its statements are prepared and its session
// is known: a list page is its page and total in one query, the session is
// served from the short-lived cache. A new query on one of these paths
// fails here instead of showing up as a slower bench.
func TestRoundTripsPerRequest(t *testing.T) {
	a := apptest.New(t)
	officer := a.User(auth.DistrictOfficer, tianhe)
	var id int64
	for i := range 25 {
		id = a.CreateOrg(officer, apptest.OrgInput("五山读书会"+strconv.Itoa(i), wushanComm)).ID
	}
	city := a.User(auth.CityAdmin, "4401")
	cases := []struct {
		who   *auth.User
		path  string
		trips int64
	}{
		// a first page unchanged since it was made: the change counters
		// of its districts, then the kept page (registry/listcache.go)
		{officer, "/api/v1/orgs?per_page=20", 1},
		{city, "/api/v1/orgs?per_page=20&within=" + tianhe, 1},
		// a later page: its rows and total in one query
		{city, "/api/v1/orgs?per_page=20&page=2&within=" + tianhe, 1},
		{city, "/api/v1/orgs/" + strconv.FormatInt(id, 10), 1},
		// the organization, its history, its place (one query for every
		// level), its grade
		{city, "/orgs/" + strconv.FormatInt(id, 10), 4},
		// a coverage report unchanged since it was made: the change
		// counters of its districts, then the kept report
		{city, "/api/v1/coverage?unit=" + tianhe, 1},
		{officer, "/api/v1/coverage?as_of=2024-01-01", 1},
	}
	for _, tc := range cases {
		c := a.As(tc.who)
		for range 2 { // prepares the statements, caches the session
			if r := c.Do("GET", tc.path, nil); r.Status != http.StatusOK {
				t.Fatalf("GET %s: %d %.200s", tc.path, r.Status, r.Body)
			}
		}
		before := a.DB.RoundTrips()
		if r := c.Do("GET", tc.path, nil); r.Status != http.StatusOK {
			t.Fatalf("GET %s: %d", tc.path, r.Status)
		}
		if got := a.DB.RoundTrips() - before; got != tc.trips {
			t.Errorf("GET %s as %s: %d round trips, want %d", tc.path, tc.who.Role, got, tc.trips)
		}
	}
}
