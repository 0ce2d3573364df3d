package activity

import (
	"context"
	"database/sql"
	"time"

	"linli/internal/platform/db"
)

// InsertBulk stores planned activities straight through the store (for the
// benchmark's 100,000 rows), with their volunteer minutes.
func InsertBulk(ctx context.Context, d db.Dialect, tx *sql.Tx, ins []Input, minutes []int, now time.Time) error {
	as := make([]*Activity, 0, len(ins))
	for _, in := range ins {
		orgs := []*OrgRef{{ID: in.OrgIDs[0], Status: "active", CommunityCode: in.CommunityCode, DistrictCode: in.CommunityCode[:6]}}
		a, err := planActivity(in, orgs, true, DefaultRule())
		if err != nil {
			return err
		}
		a.Status = statusOf(a.Major, "")
		as = append(as, a)
	}
	if err := insertActivities(ctx, tx, d, as, 0, now); err != nil {
		return err
	}
	for i, a := range as {
		if minutes[i] > 0 {
			if _, err := tx.ExecContext(ctx, `UPDATE activities SET volunteer_minutes = $1 WHERE id = $2`, minutes[i], a.ID); err != nil {
				return err
			}
		}
	}
	return nil
}
