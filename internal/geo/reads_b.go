package geo

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"

	"linli/internal/platform/db"
)

// Under is the named read of a level's divisions in a subtree (code ""
// is the whole tree), in code order, at most limit of them when limit > 0:
// the communities a report or a form lists, the units a report's rows
// name. One range read (the level-and-code index).
func (s *Store) Under(ctx context.Context, code string, level, limit int) ([]Node, error) {
	q, args := `SELECT code, name, level, parent_code, kind FROM divisions WHERE level = $1`, []any{level}
	if code != "" {
		var in string
		in, args = db.ScopeCond("code", code, args)
		q += ` AND ` + in
	}
	q += ` ORDER BY code`
	if limit > 0 {
		q += ` LIMIT ` + strconv.Itoa(limit)
	}
	rows, err := s.DB.Q(ctx).QueryContext(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("geo under %s: %w", code, err)
	}
	defer rows.Close()
	out := []Node{}
	for rows.Next() {
		var n Node
		var parent sql.NullString
		if err := rows.Scan(&n.Code, &n.Name, &n.Level, &parent, &n.Kind); err != nil {
			return nil, fmt.Errorf("geo under %s: %w", code, err)
		}
		n.ParentCode = parent.String
		out = append(out, n)
	}
	return out, rows.Err()
}

// Version is the divisions' change counter (geo_changes, migration 048):
// advanced by every insert, update or delete of a division in the writer's
// transaction, and only growing, so a list read from the divisions may be
// kept while it is unchanged.
func (s *Store) Version(ctx context.Context) (int64, error) {
	var n int64
	if err := s.DB.Q(ctx).QueryRowContext(ctx, `SELECT n FROM geo_changes WHERE id = 1`).Scan(&n); err != nil {
		return 0, fmt.Errorf("geo version: %w", err)
	}
	return n, nil
}
