package db

import (
	"context"
	"database/sql"
)

// Collect reads every row of rows with scan into a list (empty, not nil,
// when there is none) and closes rows: the loop each list read wrote out.
func Collect[T any](rows *sql.Rows, scan func(interface{ Scan(...any) error }) (*T, error)) ([]T, error) {
	return collect(rows, scan, func(v *T) T { return *v })
}

// CollectPtrs is Collect for a list of the pointers scan returns (empty,
// not nil, when there is none): the loop of each read whose rows are
// shared and changed in place afterwards (filled, masked, paged).
func CollectPtrs[T any](rows *sql.Rows, scan func(interface{ Scan(...any) error }) (*T, error)) ([]*T, error) {
	return collect(rows, scan, func(v *T) *T { return v })
}

// collect is the one loop behind Collect and CollectPtrs: keep turns what
// scan read into the list's element. A scan error ends the read with no
// list; rows.Err comes back with the rows read before it.
func collect[T, E any](rows *sql.Rows, scan func(interface{ Scan(...any) error }) (*T, error), keep func(*T) E) ([]E, error) {
	defer rows.Close()
	out := []E{}
	for rows.Next() {
		v, err := scan(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, keep(v))
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

// EachPair reads a two-column result row by row into keep and closes rows:
// the one loop behind Pairs and Groups, for a read that keeps its pairs
// its own way.
func EachPair[K, V any](rows *sql.Rows, keep func(k K, v V)) error {
	defer rows.Close()
	for rows.Next() {
		var k K
		var v V
		if err := rows.Scan(&k, &v); err != nil {
			return err
		}
		keep(k, v)
	}
	return rows.Err()
}

// Pairs reads a two-column result, a key and its value, into m and closes
// rows: the loop each read of counts by code or sums by id wrote out.
func Pairs[K comparable, V any](rows *sql.Rows, m map[K]V) error {
	return EachPair(rows, func(k K, v V) { m[k] = v })
}

// Set reads a one-column result into m as a set and closes rows: the loop
// each read of "which of these have one" wrote out.
func Set[K comparable](rows *sql.Rows, m map[K]bool) error {
	defer rows.Close()
	for rows.Next() {
		var k K
		if err := rows.Scan(&k); err != nil {
			return err
		}
		m[k] = true
	}
	return rows.Err()
}

// Groups reads a two-column result, a key and a value, into m, each value
// appended under its key in the result's order, and closes rows.
func Groups[K comparable, V any](rows *sql.Rows, m map[K][]V) error {
	return EachPair(rows, func(k K, v V) { m[k] = append(m[k], v) })
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
	rows, err := queryList(ctx, q, what, query, args)
	if err != nil {
		return nil, err
	}
	return Collect(rows, scan)
}

// ListPtrs is List for a list of pointers (see CollectPtrs).
func ListPtrs[T any](ctx context.Context, q Querier, what string, scan func(interface{ Scan(...any) error }) (*T, error), query string, args ...any) ([]*T, error) {
	rows, err := queryList(ctx, q, what, query, args)
	if err != nil {
		return nil, err
	}
	return CollectPtrs(rows, scan)
}

// ListColumn runs query and reads its one column (see Column): a list of
// ids or codes. A failure, of the query or of a row, is reported as what
// failed.
func ListColumn[T any](ctx context.Context, q Querier, what, query string, args ...any) ([]T, error) {
	rows, err := queryList(ctx, q, what, query, args)
	if err != nil {
		return nil, err
	}
	out, err := Column[T](rows)
	return out, wrap(err, what)
}

// queryList runs a list's query; a failure is reported as what failed.
func queryList(ctx context.Context, q Querier, what, query string, args []any) (*sql.Rows, error) {
	rows, err := q.QueryContext(ctx, query, args...)
	return rows, wrap(err, what)
}
