package db

import (
	"context"
	"database/sql"
)

// Do is Tx for work that answers a value: fn's value comes back with its
// error, as the service returns it (the write that reads back what it
// wrote, inside its transaction).
func Do[T any](ctx context.Context, d *DB, fn func(tx *sql.Tx) (T, error)) (T, error) {
	var out T
	err := d.Tx(ctx, func(tx *sql.Tx) error {
		var err error
		out, err = fn(tx)
		return err
	})
	return out, err
}
