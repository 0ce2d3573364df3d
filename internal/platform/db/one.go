package db

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"linli/internal/platform/errs"
)

// One runs a one-row query and reads its row with scan: errs.Missing when
// there is no row, any other failure reported as what failed (see Found).
// The single-row getter every room wrote out by hand.
func One[T any](ctx context.Context, q Querier, what string, scan func(interface{ Scan(...any) error }) (*T, error), query string, args ...any) (*T, error) {
	v, err := scan(q.QueryRowContext(ctx, query, args...))
	if err != nil {
		return nil, Found(err, what)
	}
	return v, nil
}

// Maybe is One for a row that may well be absent: nil and no error when
// there is none.
func Maybe[T any](ctx context.Context, q Querier, what string, scan func(interface{ Scan(...any) error }) (*T, error), query string, args ...any) (*T, error) {
	v, err := scan(q.QueryRowContext(ctx, query, args...))
	if err != nil {
		return nil, Optional(err, what)
	}
	return v, nil
}

// Found is a one-row read's error as its caller answers it: nil when the
// row was read, errs.Missing when there was none (sql.ErrNoRows, on both
// engines), otherwise err wrapped as what failed.
func Found(err error, what string) error {
	if errors.Is(err, sql.ErrNoRows) {
		return errs.Missing()
	}
	return wrap(err, what)
}

// Optional is Found for a row that may be absent: no row is no error (the
// values scanned into stay as they were: zero).
func Optional(err error, what string) error {
	if errors.Is(err, sql.ErrNoRows) {
		return nil
	}
	return wrap(err, what)
}

func wrap(err error, what string) error {
	if err != nil {
		return fmt.Errorf("%s: %w", what, err)
	}
	return nil
}
