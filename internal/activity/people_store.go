package activity

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"time"

	"linli/internal/platform/db"
	"linli/internal/platform/pii"
	"linli/internal/registry"
)

// The statements on the registered beneficiaries, surveys and associations.

func insertBeneficiary(ctx context.Context, tx *sql.Tx, b *Beneficiary, by int64, now time.Time) error {
	err := tx.QueryRowContext(ctx, `INSERT INTO beneficiaries (name, phone, community_code, district_code, groups_mask, created_by, created_at,
		phone_hash) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id`, b.Name, pii.Seal(b.Phone), b.CommunityCode, b.DistrictCode,
		db.Mask(registry.TargetGroups, b.Groups), db.NullID(by), now, pii.Hash(b.Phone)).Scan(&b.ID)
	if err != nil {
		return fmt.Errorf("activity: insert beneficiary: %w", err)
	}
	b.CreatedAt = now
	return nil
}

const beneficiaryCols = `id, name, phone, community_code, district_code, groups_mask, created_at`

func scanBeneficiaries(rows *sql.Rows) ([]*Beneficiary, error) {
	return db.CollectPtrs(rows, func(r interface{ Scan(...any) error }) (*Beneficiary, error) {
		var b Beneficiary
		var mask int64
		if err := r.Scan(&b.ID, &b.Name, &b.Phone, &b.CommunityCode, &b.DistrictCode, &mask, &b.CreatedAt); err != nil {
			return nil, err
		}
		b.Phone = pii.Open(b.Phone)
		b.Groups = db.Unmask(registry.TargetGroups, mask)
		return &b, nil
	})
}

func beneficiariesByID(ctx context.Context, q db.Querier, ids []int64) (map[int64]*Beneficiary, error) {
	out := map[int64]*Beneficiary{}
	if len(ids) == 0 {
		return out, nil
	}
	in, args := db.InList(ids, nil)
	rows, err := q.QueryContext(ctx, `SELECT `+beneficiaryCols+` FROM beneficiaries WHERE id IN `+in, args...)
	if err != nil {
		return nil, fmt.Errorf("activity: beneficiaries: %w", err)
	}
	bs, err := scanBeneficiaries(rows)
	for _, b := range bs {
		out[b.ID] = b
	}
	return out, err
}

// listBeneficiaries reads a page of the beneficiaries registered in a
// place, by id.
func listBeneficiaries(ctx context.Context, q db.Querier, scope string, p Paging) (*List[*Beneficiary], error) {
	in, args := db.ScopeCond("community_code", scope, nil)
	return readPage(ctx, q, listQuery{cols: beneficiaryCols, from: `FROM beneficiaries WHERE ` + in, args: args, order: "id", key: "id"},
		p, scanBeneficiaries, func(b *Beneficiary) int64 { return b.ID })
}

func servedAt(ctx context.Context, q db.Querier, activityID int64) (map[int64]bool, error) {
	rows, err := q.QueryContext(ctx, `SELECT beneficiary_id FROM activity_beneficiaries WHERE activity_id = $1`, activityID)
	if err != nil {
		return nil, err
	}
	out := map[int64]bool{}
	return out, db.Set(rows, out)
}

func insertServed(ctx context.Context, tx *sql.Tx, a *Activity, ids []int64) error {
	for _, id := range ids {
		if _, err := tx.ExecContext(ctx, `INSERT INTO activity_beneficiaries (activity_id, beneficiary_id, theme, district_code, street_code,
			community_code, starts_on) VALUES ($1, $2, $3, $4, $5, $6, $7)`, a.ID, id, a.Theme, a.DistrictCode, a.StreetCode,
			a.CommunityCode, a.StartsOn); err != nil {
			return fmt.Errorf("activity: insert served: %w", err)
		}
	}
	_, err := tx.ExecContext(ctx, `UPDATE activities SET registered = registered + $1 WHERE id = $2`, len(ids), a.ID)
	return err
}

// served is what the registered people served by a theme's activities in a
// place and period add up to: the entries (a person once per activity) and
// the distinct people.
type served struct{ entries, people int }

// distinctServed counts them in all, by district and by month.
func distinctServed(ctx context.Context, q db.Querier, theme, from, to, unit string) (served, map[string]served, map[string]served, error) {
	place, args := placeCond("ab.", unit, []any{theme, from, to, StatusRefused})
	from_ := ` FROM activity_beneficiaries ab JOIN activities a ON a.id = ab.activity_id AND a.status <> $4
		WHERE ab.theme = $1 AND ab.starts_on >= $2 AND ab.starts_on <= $3 AND ` + place
	var total served
	if err := q.QueryRowContext(ctx, `SELECT COUNT(*), COUNT(DISTINCT ab.beneficiary_id)`+from_, args...).Scan(&total.entries, &total.people); err != nil {
		return total, nil, nil, fmt.Errorf("activity: distinct served: %w", err)
	}
	group := func(key string) (map[string]served, error) {
		out := map[string]served{}
		if total.entries == 0 {
			return out, nil
		}
		rows, err := q.QueryContext(ctx, `SELECT `+key+`, COUNT(*), COUNT(DISTINCT ab.beneficiary_id)`+from_+` GROUP BY `+key, args...)
		if err != nil {
			return nil, fmt.Errorf("activity: distinct served: %w", err)
		}
		defer rows.Close()
		for rows.Next() {
			var k string
			var n served
			if err := rows.Scan(&k, &n.entries, &n.people); err != nil {
				return nil, err
			}
			out[k] = n
		}
		return out, rows.Err()
	}
	byDistrict, err := group("ab.district_code")
	if err != nil {
		return total, nil, nil, err
	}
	byMonth, err := group("substr(ab.starts_on, 1, 7)")
	return total, byDistrict, byMonth, err
}

func getSurvey(ctx context.Context, q db.Querier, consultationID int64) (*Survey, error) {
	var s Survey
	var opts string
	err := q.QueryRowContext(ctx, `SELECT id, consultation_id, question, options FROM consultation_surveys WHERE consultation_id = $1`,
		consultationID).Scan(&s.ID, &s.ConsultationID, &s.Question, &opts)
	if err != nil {
		return nil, db.Found(err, "activity: survey")
	}
	_ = json.Unmarshal([]byte(opts), &s.Options)
	s.Counts = make([]int, len(s.Options))
	rows, err := q.QueryContext(ctx, `SELECT choice, COUNT(*) FROM consultation_answers WHERE survey_id = $1 GROUP BY choice`, s.ID)
	if err != nil {
		return nil, err
	}
	return &s, db.EachPair(rows, func(c, n int) {
		if c >= 0 && c < len(s.Counts) {
			s.Counts[c] = n
		}
		s.Answers += n
	})
}

func hashKey(k string) string {
	sum := sha256.Sum256([]byte("linli-survey:" + k))
	return hex.EncodeToString(sum[:])
}

func getAssociation(ctx context.Context, q db.Querier, street string) (*Association, error) {
	a := &Association{StreetCode: street, Members: []Member{}}
	err := q.QueryRowContext(ctx, `SELECT va.org_id, o.name FROM volunteer_associations va JOIN orgs o ON o.id = va.org_id
		WHERE va.street_code = $1`, street).Scan(&a.OrgID, &a.OrgName)
	if err != nil {
		return nil, db.Found(err, "activity: association")
	}
	rows, err := q.QueryContext(ctx, `SELECT m.org_id, o.name, m.joined_on, m.left_on FROM association_members m JOIN orgs o ON o.id = m.org_id
		WHERE m.association_id = $1 ORDER BY m.joined_on, m.id`, a.OrgID)
	if err != nil {
		return nil, err
	}
	if a.Members, err = db.Collect(rows, func(r interface{ Scan(...any) error }) (*Member, error) {
		var m Member
		return &m, r.Scan(&m.OrgID, &m.OrgName, &m.JoinedOn, &m.LeftOn)
	}); err != nil {
		return nil, err
	}
	return a, nil
}
