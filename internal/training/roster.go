package training

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"linli/internal/platform/auth"
	"linli/internal/platform/db"
)

// RosterRow is one enrolled person of a session: who, whether present, and
// the certificate issued, for the session's page.
type RosterRow struct {
	PersonID    int64
	Name        string
	Role        string
	OrgName     string
	Phone       string // masked
	Present     bool
	CheckedInAt time.Time
	Source      string
	Reason      string
	Serial      string
	Revoked     bool
}

// Roster lists a session's enrolled people. The organizer sees names; the
// levels below, who may see the session, see family names only.
func (s *Service) Roster(ctx context.Context, u *auth.User, id int64) ([]RosterRow, error) {
	t, err := s.Get(ctx, u, id)
	if err != nil {
		return nil, err
	}
	rows, err := listRoster(ctx, s.DB.Read, id, 1000)
	if err != nil {
		return nil, err
	}
	if !canOrganize(u, t.UnitCode, t.HubOrgID) {
		for i := range rows {
			rows[i].Name = MaskName(rows[i].Name)
		}
	}
	return rows, nil
}

func listRoster(ctx context.Context, q db.Querier, trainingID int64, limit int) ([]RosterRow, error) {
	rs, err := q.QueryContext(ctx, `SELECT p.id, p.name, p.role, COALESCE(o.name, ''), p.phone,
			a.checked_in_at, COALESCE(a.source, ''), COALESCE(a.reason, ''), COALESCE(c.serial, ''), COALESCE(c.revoked_on, '')
		FROM training_enrolments e JOIN people p ON p.id = e.person_id
		LEFT JOIN orgs o ON o.id = p.org_id
		LEFT JOIN training_attendance a ON a.training_id = e.training_id AND a.person_id = e.person_id
		LEFT JOIN certificates c ON c.training_id = e.training_id AND c.person_id = e.person_id
		WHERE e.training_id = $1 ORDER BY e.enrolled_at, p.id LIMIT $2`, trainingID, limit)
	if err != nil {
		return nil, fmt.Errorf("training: roster: %w", err)
	}
	return db.Collect(rs, func(sc interface{ Scan(...any) error }) (*RosterRow, error) {
		var r RosterRow
		var at sql.NullTime
		var revoked string
		if err := sc.Scan(&r.PersonID, &r.Name, &r.Role, &r.OrgName, &r.Phone, &at, &r.Source, &r.Reason, &r.Serial, &revoked); err != nil {
			return nil, fmt.Errorf("training: roster: %w", err)
		}
		r.Phone = MaskPhone(r.Phone)
		r.Present, r.Revoked = at.Valid, revoked != ""
		if at.Valid {
			r.CheckedInAt = at.Time.UTC()
		}
		return &r, nil
	})
}

// communitiesSQL lists the communities of a subtree for the people form,
// by name, bounded (organizations and people are chosen by search).
const communitiesSQL = `SELECT code, name FROM divisions WHERE code >= $1 AND code < $2 AND length(code) = 12 ORDER BY code LIMIT $3`

func choices(ctx context.Context, q db.Querier, query, scope string, limit int) ([]Choice, error) {
	return db.PairsIn(ctx, q, query, scope, limit)
}
