package bench

import (
	"context"
	"maps"
	"slices"
	"testing"
	"time"

	"linli/internal/demo/catalog"
	"linli/internal/geo/geotest"
)

// TestCountsDoNotDependOnTheKinds: how many organizations each community
// holds, and which streets have a hub, are drawn apart from the kinds of
// organization, so that the catalogue (package catalog, shared with the
// demonstration) may change without moving the dataset's counts.
func TestCountsDoNotDependOnTheKinds(t *testing.T) {
	if testing.Short() {
		t.Skip("generates two datasets")
	}
	ctx := context.Background()
	now := time.Date(2025, 6, 1, 0, 0, 0, 0, time.UTC)
	// another catalogue: the same kinds in reverse, every weight 1
	other := kinds{slices.Clone(catalog.Kinds), slices.Clone(catalog.HubKinds)}
	slices.Reverse(other.ordinary)
	slices.Reverse(other.hubs)
	for i := range other.ordinary {
		other.ordinary[i].Weight = 1
	}
	counts := func(ks kinds) (map[string]int, map[string]int, *Dataset) {
		d, _ := geotest.Open(t)
		ds := &Dataset{}
		if err := generate(ctx, d, 5, 3000, now, ds, false, ks); err != nil {
			t.Fatal(err)
		}
		orgs, hubs := map[string]int{}, map[string]int{}
		rows, err := d.Read.QueryContext(ctx, `SELECT community_code, street_code, hub FROM orgs`)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		for rows.Next() {
			var comm, street string
			var hub int
			if err := rows.Scan(&comm, &street, &hub); err != nil {
				t.Fatal(err)
			}
			orgs[comm]++
			hubs[street] += hub
		}
		if err := rows.Err(); err != nil {
			t.Fatal(err)
		}
		return orgs, hubs, ds
	}
	orgs, hubs, ds := counts(kinds{catalog.Kinds, catalog.HubKinds})
	orgs2, hubs2, ds2 := counts(other)
	if ds.Orgs < 2500 || ds.Hubs == 0 || len(orgs) < 1000 {
		t.Fatalf("dataset %+v over %d communities", ds, len(orgs))
	}
	if ds.Orgs != ds2.Orgs || ds.Hubs != ds2.Hubs || !maps.Equal(orgs, orgs2) || !maps.Equal(hubs, hubs2) {
		t.Errorf("another catalogue moved the counts: %d organizations (%d hubs) against %d (%d)", ds2.Orgs, ds2.Hubs, ds.Orgs, ds.Hubs)
	}
}
