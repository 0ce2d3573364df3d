package geo

import (
	"context"
	"fmt"

	"linli/internal/platform/db"
)

// Find is the named read for imports that name places: the codes of the
// divisions of a level below within whose code or name is text, in code
// order (more than one: the name is ambiguous there). It reads in the
// transaction ctx carries, if any.
func (s *Store) Find(ctx context.Context, within string, level int, text string) ([]string, error) {
	in, args := db.ScopeCond("code", within, []any{level, text})
	rows, err := s.DB.Q(ctx).QueryContext(ctx, `SELECT code FROM divisions WHERE level = $1 AND `+in+`
		AND (code = $2 OR name = $2) ORDER BY code`, args...)
	if err != nil {
		return nil, fmt.Errorf("geo find %q below %s: %w", text, within, err)
	}
	return db.Column[string](rows)
}
