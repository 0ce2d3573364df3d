package pii

import (
	"context"
	"database/sql"
	"fmt"

	"linli/internal/platform/db"
)

// Secrets are sealed columns without a keyed hash (second-factor secrets).
var Secrets = []Column{{"users", "totp_secret", ""}}

// Sealing is every sealed column: Columns and Secrets.
func Sealing() []Column { return append(append([]Column(nil), Columns...), Secrets...) }

// RotateBatch seals again under the set's sealing key up to n values of c
// with an id above after that are not sealed under it yet (older keys'
// values, enc1 values, values left in clear), and recomputes their keyed
// hash; one transaction per batch, each row updated only if it still holds
// what was read (a server writing meanwhile wins). It returns how many rows
// it changed and the last id it looked at (0 when none is left after
// after), so a caller walks a table once and a new run resumes by walking
// again.
func RotateBatch(ctx context.Context, d *db.DB, k *Keys, c Column, after int64, n int) (changed int, last int64, err error) {
	b := k.Primary()
	var rows []sealed
	err = d.Tx(ctx, func(tx *sql.Tx) error {
		changed = 0
		rows, err = reseal(ctx, tx, k, c, `SELECT id, `+c.Col+` FROM `+c.Table+` WHERE id > $1 AND `+c.Col+` <> ''
			AND `+c.Col+` NOT LIKE $2 ORDER BY id LIMIT `+fmt.Sprint(n), []any{after, b.Tag() + "%"}, func(r sealed, plain string) error {
			set, args := c.Col+` = $1`, []any{b.Seal(plain), r.id, r.v}
			if c.HashCol != "" {
				set += `, ` + c.HashCol + ` = $4`
				args = append(args, b.Hash(plain))
			}
			res, err := tx.ExecContext(ctx, `UPDATE `+c.Table+` SET `+set+` WHERE id = $2 AND `+c.Col+` = $3`, args...)
			if err != nil {
				return err
			}
			if m, _ := res.RowsAffected(); m == 1 {
				changed++
			}
			return nil
		})
		return err
	})
	if err != nil {
		return 0, 0, fmt.Errorf("pii: rotate %s.%s: %w", c.Table, c.Col, err)
	}
	if len(rows) == 0 {
		return 0, 0, nil
	}
	return changed, rows[len(rows)-1].id, nil
}

// Left counts, per column, the values not sealed under the set's sealing
// key (what a rotation has still to do; all zero once it is done).
func Left(ctx context.Context, d *db.DB, k *Keys) (map[string]int, int, error) {
	out := map[string]int{}
	total := 0
	for _, c := range Sealing() {
		var n int
		if err := d.Read.QueryRowContext(ctx, `SELECT COUNT(*) FROM `+c.Table+` WHERE `+c.Col+` <> '' AND `+c.Col+` NOT LIKE $1`,
			k.Primary().Tag()+"%").Scan(&n); err != nil {
			return nil, 0, fmt.Errorf("pii: count %s.%s: %w", c.Table, c.Col, err)
		}
		out[c.Table+"."+c.Col] = n
		total += n
	}
	var check string
	if err := d.Read.QueryRowContext(ctx, `SELECT check_value FROM app_keys WHERE name = 'pii'`).Scan(&check); err != nil && err != sql.ErrNoRows {
		return nil, 0, fmt.Errorf("pii: read check value: %w", err)
	}
	if check != "" && keyID(check) != k.Primary().ID() {
		out["app_keys.check_value"] = 1
		total++
	}
	return out, total, nil
}

// Recheck seals the database's check value under the set's sealing key,
// once it opens under one of the set's keys: from then on a process
// without the new key is refused at start.
func Recheck(ctx context.Context, d *db.DB, k *Keys) error {
	if err := CheckKey(ctx, d, k); err != nil {
		return err
	}
	if _, err := d.Write.ExecContext(ctx, `UPDATE app_keys SET check_value = $1 WHERE name = 'pii'`, k.Primary().Seal("linli")); err != nil {
		return fmt.Errorf("pii: seal check value: %w", err)
	}
	return nil
}

// HashIn is the condition "col holds the keyed hash of plain under one of
// the process's keys", its arguments appended to args (numbered after
// them): the lookup that keeps finding rows during a rotation.
func HashIn(col, plain string, args []any) (string, []any) {
	return in(col, Hashes(plain), args)
}

// KeyedIn is HashIn for Keyed values (recovery codes).
func KeyedIn(col, purpose, v string, args []any) (string, []any) {
	return in(col, Keyed(purpose, v), args)
}

func in(col string, vals []string, args []any) (string, []any) {
	list, args := db.InList(vals, args)
	return col + " IN " + list, args
}
