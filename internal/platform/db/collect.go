package db

import "database/sql"

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
