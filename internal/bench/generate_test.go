package bench

import (
	"context"
	"slices"
	"testing"
	"time"

	"linli/internal/demo/catalog"
	"linli/internal/geo/geotest"
	"linli/internal/platform/db/dbtest"
)

// TestCountsDoNotDependOnTheKinds: how many organizations each community
// holds, and which streets have a hub, are drawn apart from the kinds of
// organization, so that the catalogue (package catalog, shared with the
// demonstration) may change without moving the dataset's counts.
func TestCountsDoNotDependOnTheKinds(t *testing.T) {
	ctx := context.Background()
	now := time.Date(2025, 6, 1, 0, 0, 0, 0, time.UTC)
	// another catalogue: the same kinds in reverse, every weight 1
	other := kinds{slices.Clone(catalog.Kinds), slices.Clone(catalog.HubKinds)}
	slices.Reverse(other.ordinary)
	slices.Reverse(other.hubs)
	for i := range other.ordinary {
		other.ordinary[i].Weight = 1
	}
	// the organizations' communities, and the hubs' streets, one a row
	counts := func(ks kinds) (orgs, hubs []string, ds *Dataset) {
		d, _ := geotest.Open(t)
		ds = &Dataset{}
		if err := generate(ctx, d, 5, 3000, now, ds, false, ks); err != nil {
			t.Fatal(err)
		}
		return dbtest.Strings(t, d, `SELECT community_code FROM orgs ORDER BY community_code`),
			dbtest.Strings(t, d, `SELECT street_code FROM orgs WHERE hub = 1 ORDER BY street_code`), ds
	}
	orgs, hubs, ds := counts(kinds{catalog.Kinds, catalog.HubKinds})
	orgs2, hubs2, ds2 := counts(other)
	if ds.Orgs < 2500 || ds.Hubs == 0 || int64(len(orgs)) != ds.Orgs || int64(len(hubs)) != ds.Hubs {
		t.Fatalf("dataset %+v: %d organizations, %d hubs read", ds, len(orgs), len(hubs))
	}
	if ds.Orgs != ds2.Orgs || ds.Hubs != ds2.Hubs || !slices.Equal(orgs, orgs2) || !slices.Equal(hubs, hubs2) {
		t.Errorf("another catalogue moved the counts: %d organizations (%d hubs) against %d (%d)", ds2.Orgs, ds2.Hubs, ds.Orgs, ds.Hubs)
	}
}
