package geo

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"linli/internal/platform/db"
	"linli/internal/platform/pick"
)

// Pick is the place picker's search: up to pick.Limit divisions within a
// code (itself included) whose name contains q, the exact name first, then
// those it begins, then the higher levels; each with its parent's name, and
// its code as the id (a form's field then holds "name #code").
func (s *Store) Pick(ctx context.Context, within, q string) ([]pick.Item, error) {
	return s.PickAt(ctx, within, q, 0)
}

// PickAt is Pick at one level only (Community, Street, District), or at
// every level when level is 0.
func (s *Store) PickAt(ctx context.Context, within, q string, level int) ([]pick.Item, error) {
	q = strings.TrimSpace(q)
	in, args := db.ScopeCond("d.code", within, nil)
	match, rank, args := pick.Match("d.name", q, args)
	lim, args := db.Arg(args, pick.Limit)
	lvl, args := db.Arg(args, level)
	rows, err := s.DB.Read.QueryContext(ctx, `SELECT d.code, d.name, COALESCE(p.name, '') FROM divisions d
		LEFT JOIN divisions p ON p.code = d.parent_code
		WHERE `+in+` AND `+match+` AND (`+lvl+` = 0 OR d.level = `+lvl+`)
		ORDER BY `+rank+`, d.level, d.code LIMIT `+lim, args...)
	if err != nil {
		return nil, fmt.Errorf("geo pick: %w", err)
	}
	defer rows.Close()
	out := []pick.Item{}
	for rows.Next() {
		var code string
		var it pick.Item
		if err := rows.Scan(&code, &it.Name, &it.Place); err != nil {
			return nil, fmt.Errorf("geo pick: %w", err)
		}
		if it.ID, err = strconv.ParseInt(code, 10, 64); err != nil {
			continue
		}
		it.Value = pick.Value(it.Name, it.ID)
		out = append(out, it)
	}
	return out, rows.Err()
}
