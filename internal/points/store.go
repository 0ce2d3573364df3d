package points

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"linli/internal/platform/db"
)

const columns = `p.id, p.kind, p.district_code, COALESCE(d.name, ''), p.street_code, p.community_code, COALESCE(c.name, ''),
	COALESCE(p.org_id, 0), COALESCE(o.name, ''), p.year, p.reason, COALESCE(p.approved_by, 0), p.approver_name, p.approved_on,
	p.late_reason, p.status, p.cancel_reason, p.cancelled_at, p.created_at`

const from = ` FROM demonstration_points p JOIN divisions d ON d.code = p.district_code
	LEFT JOIN divisions c ON c.code = p.community_code LEFT JOIN orgs o ON o.id = p.org_id`

func scan(sc interface{ Scan(...any) error }) (*Point, error) {
	var p Point
	var cancelled sql.NullTime
	if err := sc.Scan(&p.ID, &p.Kind, &p.DistrictCode, &p.DistrictName, &p.StreetCode, &p.CommunityCode, &p.CommunityName,
		&p.OrgID, &p.OrgName, &p.Year, &p.Reason, &p.ApprovedBy, &p.ApproverName, &p.ApprovedOn, &p.LateReason,
		&p.Status, &p.CancelReason, &cancelled, &p.CreatedAt); err != nil {
		return nil, err
	}
	if cancelled.Valid {
		t := cancelled.Time.UTC()
		p.CancelledAt = &t
	}
	p.CreatedAt = p.CreatedAt.UTC()
	p.Late = p.LateReason != ""
	return &p, nil
}

func get(ctx context.Context, q db.Querier, id int64) (*Point, error) {
	return db.One(ctx, q, "get demonstration point", scan, `SELECT `+columns+from+` WHERE p.id = $1`, id)
}

// list reads the points of the districts under place (a district or
// above), newest year first; year 0 is every year.
func list(ctx context.Context, q db.Querier, place string, year int) ([]*Point, error) {
	in, args := db.ScopeCond("p.district_code", place, []any{year})
	return db.ListPtrs(ctx, q, "list demonstration points", scan, `SELECT `+columns+from+` WHERE `+in+`
		AND ($1 = 0 OR p.year = $1) ORDER BY p.year DESC, p.district_code, p.id LIMIT 2000`, args...)
}

// row is a point to insert, resolved.
type row struct {
	in                   Input
	street, community    string
	orgID                int64
	approverID           int64
	approver, lateReason string
}

// insert adds points, batch-first.
func insert(ctx context.Context, tx *sql.Tx, rows []row, now time.Time) ([]int64, error) {
	ids := make([]int64, 0, len(rows))
	for _, r := range rows {
		var org any
		if r.orgID != 0 {
			org = r.orgID
		}
		var by any
		if r.approverID != 0 {
			by = r.approverID
		}
		var id int64
		if err := tx.QueryRowContext(ctx, `INSERT INTO demonstration_points (kind, district_code, street_code, community_code,
			org_id, year, reason, approved_by, approver_name, approved_on, late_reason, status, created_at, updated_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, 'active', $12, $12) RETURNING id`,
			r.in.Kind, r.in.DistrictCode, r.street, r.community, org, r.in.Year, r.in.Reason, by, r.approver,
			r.in.ApprovedOn, r.lateReason, now).Scan(&id); err != nil {
			return nil, fmt.Errorf("insert demonstration point: %w", err)
		}
		ids = append(ids, id)
	}
	return ids, nil
}

// duplicate reports an active point of the same kind, year and org or
// community.
func duplicate(ctx context.Context, tx *sql.Tx, r row) (bool, error) {
	var n int
	err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM demonstration_points WHERE status = 'active' AND kind = $1
		AND district_code = $2 AND year = $3 AND COALESCE(org_id, 0) = $4 AND community_code = $5`,
		r.in.Kind, r.in.DistrictCode, r.in.Year, r.orgID, r.community).Scan(&n)
	if err != nil {
		return false, fmt.Errorf("demonstration point duplicate: %w", err)
	}
	return n > 0, nil
}

func cancel(ctx context.Context, tx *sql.Tx, id int64, reason string, by int64, now time.Time) error {
	_, err := tx.ExecContext(ctx, `UPDATE demonstration_points SET status = 'cancelled', cancel_reason = $1,
		cancelled_by = $2, cancelled_at = $3, updated_at = $3 WHERE id = $4 AND status = 'active'`, reason, by, now, id)
	if err != nil {
		return fmt.Errorf("cancel demonstration point: %w", err)
	}
	return nil
}
