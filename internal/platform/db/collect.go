package db

import (
	"context"
	"database/sql"
	"fmt"
)

// Collect reads every row of rows with scan into a list (empty, not nil,
// when there is none) and closes rows: the loop each list read wrote out.
func Collect[T any](rows *sql.Rows, scan func(interface{ Scan(...any) error }) (*T, error)) ([]T, error) {
	defer rows.Close()
	out := []T{}
	for rows.Next() {
		v, err := scan(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, *v)
	}
	return out, rows.Err()
}

// Column reads a one-column result into a list (nil when there is none)
// and closes rows: the loop each read of ids or codes wrote out.
func Column[T any](rows *sql.Rows) ([]T, error) {
	defer rows.Close()
	var out []T
	for rows.Next() {
		var v T
		if err := rows.Scan(&v); err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, rows.Err()
}

// Scalar reads a one-row, one-column answer (a count, a sum).
func Scalar[T any](ctx context.Context, q Querier, query string, args ...any) (T, error) {
	var v T
	err := q.QueryRowContext(ctx, query, args...).Scan(&v)
	return v, err
}

// List runs query and reads every row with scan (see Collect); a failed
// query is reported as what failed.
func List[T any](ctx context.Context, q Querier, what string, scan func(interface{ Scan(...any) error }) (*T, error), query string, args ...any) ([]T, error) {
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", what, err)
	}
	return Collect(rows, scan)
}
