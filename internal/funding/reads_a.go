package funding

import (
	"context"
	"fmt"

	"linli/internal/platform/db"
)

// Awards is a named read for the other rooms (issue 10): the award of
// each of some funded projects, in fen (a missing id is absent), read in
// batches of 500 in the caller's querier. No viewer: the caller's rules
// decide who sees the figure.
func Awards(ctx context.Context, q db.Querier, projectIDs []int64) (map[int64]int64, error) {
	out := make(map[int64]int64, len(projectIDs))
	for start := 0; start < len(projectIDs); start += 500 {
		in, args := db.InList(projectIDs[start:min(start+500, len(projectIDs))], nil)
		rows, err := q.QueryContext(ctx, `SELECT id, award_fen FROM fund_projects WHERE id IN `+in, args...)
		if err != nil {
			return nil, fmt.Errorf("funding: awards: %w", err)
		}
		if err := db.Pairs(rows, out); err != nil {
			return nil, err
		}
	}
	return out, nil
}
