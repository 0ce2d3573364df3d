package pii

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"linli/internal/platform/db"
)

// Column is a sealed column and the keyed-hash column beside it.
type Column struct{ Table, Col, HashCol string }

// Columns lists every column holding a phone or an ID number (migration
// 026 added the hash columns). A new table with personal data adds itself.
var Columns = []Column{
	{"orgs", "leader_phone", "leader_phone_hash"},
	{"volunteers", "phone", "phone_hash"},
	{"people", "phone", "phone_hash"},
	{"people", "id_number", "id_number_hash"},
	{"emergency_contacts", "phone", "phone_hash"},
	{"beneficiaries", "phone", "phone_hash"},
}

// CheckKey refuses a key set that does not hold the key the database was
// sealed with (a check value sealed on first use is kept in app_keys, and
// sealed again under the new key by a rotation).
func CheckKey(ctx context.Context, d *db.DB, k *Keys) error {
	b := k.Primary()
	var v string
	err := d.Write.QueryRowContext(ctx, `SELECT check_value FROM app_keys WHERE name = 'pii'`).Scan(&v)
	if errors.Is(err, sql.ErrNoRows) {
		_, err = d.Write.ExecContext(ctx, `INSERT INTO app_keys (name, check_value) VALUES ('pii', $1)`, b.Seal("linli"))
		return err
	}
	if err != nil {
		return fmt.Errorf("pii: read check value: %w", err)
	}
	if p, err := k.Open(v); err != nil || p != "linli" {
		return errors.New("pii: the data key is not the one this database was encrypted with (see --key-file / LINLI_DATA_KEY)")
	}
	return nil
}

// EncryptExisting seals every plain value left in Columns (rows written
// before migration 026, or by a bulk loader) and fills missing hashes, in
// batches; it returns how many rows it changed. On SQLite, when it changed
// any, the file is vacuumed so no freed page keeps a plain value.
func EncryptExisting(ctx context.Context, d *db.DB, k *Keys) (int, error) {
	total := 0
	for _, c := range Columns {
		// each batch starts after the last id the one before read: from
		// the start every time, a table of sealed rows was read again for
		// each batch (3.8 million volunteers: hours)
		var after int64
		for {
			n, last, err := encryptBatch(ctx, d, k, c, after, 500)
			if err != nil {
				return total, err
			}
			total += n
			if last == 0 {
				break
			}
			after = last
		}
	}
	if total > 0 && d.Engine == db.SQLite {
		if _, err := d.Write.ExecContext(ctx, `VACUUM`); err != nil {
			return total, fmt.Errorf("pii: vacuum: %w", err)
		}
		if _, err := d.Write.ExecContext(ctx, `PRAGMA wal_checkpoint(TRUNCATE)`); err != nil {
			return total, fmt.Errorf("pii: checkpoint: %w", err)
		}
	}
	return total, nil
}

func encryptBatch(ctx context.Context, d *db.DB, k *Keys, c Column, after int64, n int) (changed int, last int64, err error) {
	b := k.Primary()
	err = d.Tx(ctx, func(tx *sql.Tx) error {
		rows, err := reseal(ctx, tx, k, c, `SELECT id, `+c.Col+` FROM `+c.Table+` WHERE id > $1 AND `+c.Col+` <> ''
			AND ((`+c.Col+` NOT LIKE 'enc1:%' AND `+c.Col+` NOT LIKE 'enc2:%') OR `+c.HashCol+` = '') ORDER BY id LIMIT `+fmt.Sprint(n),
			[]any{after}, func(r sealed, plain string) error {
				_, err := tx.ExecContext(ctx, `UPDATE `+c.Table+` SET `+c.Col+` = $1, `+c.HashCol+` = $2 WHERE id = $3`,
					b.Seal(plain), b.Hash(plain), r.id)
				return err
			})
		if err != nil {
			return err
		}
		if len(rows) > 0 {
			last = rows[len(rows)-1].id
		}
		changed = len(rows)
		return nil
	})
	if err != nil {
		return 0, 0, fmt.Errorf("pii: encrypt %s.%s: %w", c.Table, c.Col, err)
	}
	return changed, last, nil
}

// sealed is one row's id and its personal-data column, as a batch reads it.
type sealed struct {
	id int64
	v  string
}

// reseal reads a batch of rows (query's id and value) and hands each one's
// value, opened under the key set, to write: the one loop of sealing in
// clear values and of sealing again under a new key. A value that does not
// open stops the batch, naming its row.
func reseal(ctx context.Context, tx *sql.Tx, k *Keys, c Column, query string, args []any, write func(r sealed, plain string) error) ([]sealed, error) {
	rows, err := readSealed(ctx, tx, query, args...)
	if err != nil {
		return nil, err
	}
	for _, r := range rows {
		plain, err := k.Open(r.v)
		if err != nil {
			return nil, fmt.Errorf("%s.%s id %d: %w", c.Table, c.Col, r.id, err)
		}
		if err := write(r, plain); err != nil {
			return nil, err
		}
	}
	return rows, nil
}

// readSealed reads a batch of (id, value) rows for sealing or re-sealing.
func readSealed(ctx context.Context, tx *sql.Tx, q string, args ...any) ([]sealed, error) {
	rs, err := tx.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	return db.Collect(rs, func(sc interface{ Scan(...any) error }) (*sealed, error) {
		var r sealed
		return &r, sc.Scan(&r.id, &r.v)
	})
}
