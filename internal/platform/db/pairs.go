package db

import (
	"context"
	"fmt"
)

// Pair is a value and its label, as a form's select offers it.
type Pair struct{ Value, Label string }

// PairsIn reads at most limit pairs (query's two columns) of the code range
// of scope; query takes the range as $1, $2 and a LIMIT as $3. More than
// limit answers none: a form then asks for the code instead of a list.
func PairsIn(ctx context.Context, q Querier, query, scope string, limit int) ([]Pair, error) {
	lo, hi := PrefixRange(scope)
	rs, err := q.QueryContext(ctx, query, lo, hi, limit+1)
	if err != nil {
		return nil, fmt.Errorf("db: pairs: %w", err)
	}
	var out []Pair
	err = EachPair(rs, func(v, l string) { out = append(out, Pair{Value: v, Label: l}) })
	if err != nil || len(out) > limit {
		return nil, err
	}
	return out, nil
}
