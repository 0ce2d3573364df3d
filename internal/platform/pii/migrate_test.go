package pii_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"linli/internal/platform/db/dbtest"
	"linli/internal/platform/pii"
)

// Plain values left by a bulk loader are sealed at start over several
// batches (each starting after the last id the one before read), values
// already sealed are left as they are, and a second start changes nothing.
func TestEncryptExistingBatches(t *testing.T) {
	ctx := context.Background()
	d := dbtest.Open(t)
	k, err := pii.NewKeys(make([]byte, pii.KeySize))
	if err != nil {
		t.Fatal(err)
	}
	b := k.Primary()
	const n = 1234
	plain := 0
	for i := 1; i <= n; i++ {
		phone := fmt.Sprintf("138%08d", i)
		stored, hash := phone, ""
		if i%3 == 0 { // written by the registry: sealed already
			stored, hash = b.Seal(phone), b.Hash(phone)
		} else {
			plain++
		}
		if _, err := d.Write.ExecContext(ctx, `INSERT INTO volunteers (id, name, phone, phone_hash, community_code, district_code, created_at)
			VALUES ($1, $2, $3, $4, '440106001001', '440106', $5)`, i, fmt.Sprint("志愿者", i), stored, hash, time.Now()); err != nil {
			t.Fatal(err)
		}
	}
	got, err := pii.EncryptExisting(ctx, d, k)
	if err != nil || got != plain {
		t.Fatalf("EncryptExisting = %d, %v; want %d rows sealed", got, err, plain)
	}
	rows, err := d.Read.QueryContext(ctx, `SELECT id, phone, phone_hash FROM volunteers ORDER BY id`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	seen := 0
	for rows.Next() {
		var id int
		var phone, hash string
		if err := rows.Scan(&id, &phone, &hash); err != nil {
			t.Fatal(err)
		}
		seen++
		want := fmt.Sprintf("138%08d", id)
		if open, err := k.Open(phone); err != nil || open != want || hash != b.Hash(want) {
			t.Fatalf("volunteer %d: stored %q hash %q opens to %q (%v); want %s sealed", id, phone, hash, open, err, want)
		}
	}
	if err := rows.Err(); err != nil || seen != n {
		t.Fatalf("read %d volunteers (%v), want %d", seen, err, n)
	}
	if again, err := pii.EncryptExisting(ctx, d, k); err != nil || again != 0 {
		t.Fatalf("second start sealed %d (%v), want 0", again, err)
	}
}
