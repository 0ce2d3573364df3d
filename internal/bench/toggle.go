package bench

import (
	"context"
	"fmt"

	"linli/internal/platform/auth"
	"linli/internal/platform/db"
	"linli/internal/registry"
)

// ChangeTargets are the organizations a first-request-after-a-change
// measurement changes under a unit, one before each request: the lowest
// id among the active organizations of each district of a city, or of each
// street of a district. linli bench's dashboard_*_changed rows and the kpi
// package's BenchmarkNationalAfterChange read them here, so that both
// change the same records.
func ChangeTargets(ctx context.Context, d *db.DB, unit string, city bool) ([]int64, error) {
	q, args := `SELECT MIN(id) FROM orgs WHERE district_code = $1 AND status = 'active' GROUP BY street_code ORDER BY 1`, []any{unit}
	if city {
		lo, hi := db.PrefixRange(unit)
		q, args = `SELECT MIN(id) FROM orgs WHERE district_code >= $1 AND district_code < $2 AND status = 'active'
			GROUP BY district_code ORDER BY 1`, []any{lo, hi}
	}
	rows, err := d.Read.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("bench change targets: %w", err)
	}
	ids, err := db.Column[int64](rows)
	if err != nil {
		return nil, fmt.Errorf("bench change targets: %w", err)
	}
	return ids, nil
}

// BrandToggler changes organizations the way the bench's changing rows do:
// their brand flag toggled through the registry's service (an
// organizations update, a history row and an audit row, the district's
// change counter advanced), as User. It remembers each organization's
// flag as it first found it, and Restore puts back those it left changed,
// for the next measurement or run.
type BrandToggler struct {
	Registry *registry.Service
	User     *auth.User
	was      map[int64]bool
}

// Toggle turns the organization's brand flag over.
func (t *BrandToggler) Toggle(ctx context.Context, id int64) error {
	return t.toggle(ctx, id, false)
}

// Restore turns back each organization toggled whose flag is not as it
// was first found, and reports the first error.
func (t *BrandToggler) Restore(ctx context.Context) error {
	var first error
	for id := range t.was {
		if err := t.toggle(ctx, id, true); err != nil && first == nil {
			first = err
		}
	}
	return first
}

func (t *BrandToggler) toggle(ctx context.Context, id int64, back bool) error {
	o, err := t.Registry.Get(ctx, t.User, id)
	if err != nil {
		return err
	}
	if t.was == nil {
		t.was = map[int64]bool{}
	}
	if _, ok := t.was[id]; !ok {
		t.was[id] = o.Brand
	}
	if back && o.Brand == t.was[id] {
		return nil
	}
	in := registry.InputOf(o)
	in.Brand = !in.Brand
	_, err = t.Registry.Update(ctx, t.User, id, in)
	return err
}
