package demo

import (
	"testing"
	"time"

	"linli/internal/platform/clock"
	"linli/internal/platform/db"
)

// checkEvaluation: the demonstration's grades (some expired), party
// instructors, contacts, appraisals of both years and one 2023 round per
// district, ten of them published.
func checkEvaluation(t *testing.T, d *db.DB) {
	today := clock.Day(time.Now())
	for _, c := range []struct {
		what     string
		sql      string
		min, max int
	}{
		{"grades", `SELECT COUNT(*) FROM org_grades`, 20, 1000},
		{"expired grades", `SELECT COUNT(*) FROM org_grades WHERE valid_until <= '` + today + `'`, 1, 1000},
		{"grades of unregistered organizations", `SELECT COUNT(*) FROM org_grades g JOIN orgs o ON o.id = g.org_id WHERE o.tier <> 'registered'`, 0, 0},
		{"instructors", `SELECT COUNT(*) FROM party_forms WHERE form = 'instructor'`, 20, 1000},
		{"contacts", `SELECT COUNT(*) FROM party_contacts`, 50, 2000},
		{"2022 appraisals", `SELECT COUNT(*) FROM appraisals WHERE year = 2022`, 20, 1000},
		{"2023 appraisals", `SELECT COUNT(*) FROM appraisals WHERE year = 2023`, 20, 1000},
		{"rounds", `SELECT COUNT(*) FROM eval_rounds WHERE year = 2023`, 11, 11},
		{"published rounds", `SELECT COUNT(*) FROM eval_rounds WHERE published_on <> ''`, 10, 10},
		{"frozen trees", `SELECT COUNT(*) FROM eval_trees WHERE frozen = 1`, 11, 11},
		{"indicators", `SELECT COUNT(*) FROM indicators WHERE key IN ('party_coverage', 'graded_orgs', 'party_contacted')`, 3, 3},
	} {
		var n int
		if err := d.Read.QueryRow(c.sql).Scan(&n); err != nil {
			t.Fatalf("%s: %v", c.what, err)
		}
		if n < c.min || n > c.max {
			t.Errorf("%s: %d, want %d–%d", c.what, n, c.min, c.max)
		}
	}
}
