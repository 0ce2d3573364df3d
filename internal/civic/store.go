package civic

import (
	"context"
	"fmt"

	"linli/internal/platform/db"
)

func listOrgLines(ctx context.Context, q db.Querier, query string, args ...any) ([]OrgLine, error) {
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("civic: orgs: %w", err)
	}
	defer rows.Close()
	out := []OrgLine{}
	for rows.Next() {
		var l OrgLine
		if err := rows.Scan(&l.ID, &l.Name, &l.CommunityCode); err != nil {
			return nil, err
		}
		out = append(out, l)
	}
	return out, rows.Err()
}
