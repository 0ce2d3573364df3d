package db_test

import (
	"context"
	"strings"
	"testing"

	"linli/internal/platform/auth"
	"linli/internal/platform/db"
	"linli/internal/platform/db/dbtest"
)

// ScopeCond selects exactly the codes under a division, on both engines:
// the same count as a prefix test in Go, for the whole tree, a district, a
// street, a community, and a code whose last digit is 9 (the range's end
// carries).
func TestScopeCond(t *testing.T) {
	ctx := context.Background()
	d := dbtest.Open(t)
	codes := scopeCodes(t, d)
	for _, scope := range []string{"", "4401", "440106", "440106008", "440106008007", "440106009", "440106019", "4403"} {
		want := 0
		for _, c := range codes {
			if strings.HasPrefix(c, scope) {
				want++
			}
		}
		args := []any{"unused"}
		cond, args := db.ScopeCond("code", scope, args)
		var got int
		if err := d.Read.QueryRowContext(ctx, `SELECT COUNT(*) FROM divisions WHERE code <> $1 AND `+cond, args...).Scan(&got); err != nil {
			t.Fatalf("%s: %v", cond, err)
		}
		if got != want {
			t.Errorf("scope %q (%s): %d codes, want %d", scope, cond, got, want)
		}
	}
}

func scopeCodes(t *testing.T, d *db.DB) []string {
	codes := []string{"4401", "440106", "440106008", "440106008007", "440106008008", "440106009", "440106009001",
		"440106019", "440107", "440107001", "4402"}
	for _, c := range codes {
		if _, err := d.Write.ExecContext(context.Background(), `INSERT INTO divisions (code, name, level, parent_code) VALUES ($1, $2, $3, $4)`,
			c, "d"+c, map[int]int{4: 2, 6: 3, 9: 4, 12: 5}[len(c)], c[:max(0, len(c)-3)]); err != nil {
			t.Fatal(err)
		}
	}
	return codes
}

// OverlapCond selects exactly the codes auth.User.Overlaps accepts: the
// scope's subtree and the divisions above it, on both engines.
func TestOverlapCond(t *testing.T) {
	ctx := context.Background()
	d := dbtest.Open(t)
	codes := scopeCodes(t, d)
	for _, scope := range []string{"4401", "440106", "440106008", "440106008007", "440106009", "440106019", "4403"} {
		u := &auth.User{ScopeCode: scope}
		want := 0
		for _, c := range codes {
			if u.Overlaps(c) {
				want++
			}
		}
		cond, args := db.OverlapCond("code", scope, []any{"unused"})
		var got int
		if err := d.Read.QueryRowContext(ctx, `SELECT COUNT(*) FROM divisions WHERE code <> $1 AND `+cond, args...).Scan(&got); err != nil {
			t.Fatalf("%s: %v", cond, err)
		}
		if got != want {
			t.Errorf("scope %q (%s): %d codes, want %d", scope, cond, got, want)
		}
	}
}
