package geo_test

import (
	"context"
	"strings"
	"testing"

	"linli/internal/geo"
	"linli/internal/platform/db/dbtest"
)

// TestUnder: a level's divisions in a subtree, in code order, as many as
// the subtree's count of that level; a limit keeps the first ones; ""
// is the whole tree.
func TestUnder(t *testing.T) {
	ctx := context.Background()
	st := &geo.Store{DB: dbtest.Open(t)}
	if _, err := (&geo.Importer{Store: st}).LoadGuangzhou(ctx); err != nil {
		t.Fatal(err)
	}
	counts, err := st.Count(ctx, "440106")
	if err != nil {
		t.Fatal(err)
	}
	comms, err := st.Under(ctx, "440106", geo.Community, 0)
	if err != nil {
		t.Fatal(err)
	}
	if len(comms) == 0 || len(comms) != counts[geo.Community] {
		t.Fatalf("%d communities under 天河区, want %d", len(comms), counts[geo.Community])
	}
	for i, n := range comms {
		if !strings.HasPrefix(n.Code, "440106") || n.Level != geo.Community || n.ParentCode != n.Code[:9] || n.Name == "" ||
			(i > 0 && comms[i-1].Code >= n.Code) {
			t.Fatalf("community %d = %+v (after %+v)", i, n, comms[max(i-1, 0)])
		}
	}
	first, err := st.Under(ctx, "440106", geo.Community, 3)
	if err != nil || len(first) != 3 || first[2] != comms[2] {
		t.Errorf("the first three = %+v, %v; want %+v", first, err, comms[:3])
	}
	cities, err := st.Under(ctx, "", geo.City, 0)
	if err != nil || len(cities) != 1 || cities[0].Code != "4401" || cities[0].ParentCode != "44" {
		t.Errorf("cities = %+v, %v; want 广州 alone", cities, err)
	}
}
