package geo

import (
	"context"
	"fmt"

	"linli/internal/platform/db"
)

// AtLevel is a named read for the other rooms (issue 10): the divisions of
// a level in within's subtree, in code order. It reads in the transaction
// ctx carries, if any.
func (s *Store) AtLevel(ctx context.Context, within string, level int) ([]Node, error) {
	in, args := db.ScopeCond("code", within, []any{level})
	rows, err := s.DB.Q(ctx).QueryContext(ctx, `SELECT code, name, level, kind, COALESCE(parent_code, '') FROM divisions
		WHERE level = $1 AND `+in+` ORDER BY code`, args...)
	if err != nil {
		return nil, fmt.Errorf("geo: level %d below %s: %w", level, within, err)
	}
	defer rows.Close()
	var out []Node
	for rows.Next() {
		var n Node
		if err := rows.Scan(&n.Code, &n.Name, &n.Level, &n.Kind, &n.ParentCode); err != nil {
			return nil, err
		}
		out = append(out, n)
	}
	return out, rows.Err()
}
