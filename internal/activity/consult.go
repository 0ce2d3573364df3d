package activity

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"

	"linli/internal/platform/audit"
	"linli/internal/platform/auth"
	"linli/internal/platform/db"
	"linli/internal/platform/errs"
)

// CreateConsultation records a consultation with its meetings, and its
// activity under 共建共治共享 (held at the first meeting).
func (s *Service) CreateConsultation(ctx context.Context, u *auth.User, in ConsultationInput) (*Consultation, error) {
	act, err := planConsultation(in)
	if err != nil {
		return nil, err
	}
	if in.RaisedBy == "organization" {
		o, err := s.orgRefs(ctx, []int64{in.RaisedByOrgID})
		if err != nil {
			return nil, err
		}
		if o[0] == nil || !u.InScope(o[0].CommunityCode) && u.OrgID != o[0].ID {
			return nil, &errs.Error{Code: errs.Invalid, Message: errs.M("err.invalid_input"),
				Fields: map[string]errs.Msg{"raised_by_org_id": errs.M("err.activity_orgs")}}
		}
	} else {
		in.RaisedByOrgID = 0
	}
	now := s.now()
	c := &Consultation{Topic: act.Title, TopicKind: in.TopicKind, CommunityCode: in.CommunityCode, RaisedBy: in.RaisedBy,
		RaisedByOrgID: in.RaisedByOrgID, RaisedNote: in.RaisedNote, FollowUp: in.FollowUp, Meetings: in.Meetings, CreatedAt: now}
	err = s.DB.Tx(ctx, func(tx *sql.Tx) error {
		as, err := s.CreateMany(ctx, tx, u, []Input{act})
		if err != nil {
			return err
		}
		c.ActivityID = as[0].ID
		if err := tx.QueryRowContext(ctx, `INSERT INTO consultations (activity_id, topic, topic_kind, community_code, raised_by,
			raised_by_org_id, raised_note, follow_up, created_by, created_at) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10) RETURNING id`,
			c.ActivityID, c.Topic, c.TopicKind, c.CommunityCode, c.RaisedBy, nullID(c.RaisedByOrgID), c.RaisedNote, c.FollowUp,
			nullID(u.ID), now).Scan(&c.ID); err != nil {
			return fmt.Errorf("activity: insert consultation: %w", err)
		}
		for _, m := range c.Meetings {
			if _, err := tx.ExecContext(ctx, `INSERT INTO consultation_meetings (consultation_id, held_on, residents, committee,
				organizations, property_mgmt, minutes, decisions) VALUES ($1,$2,$3,$4,$5,$6,$7,$8)`, c.ID, m.HeldOn, m.Residents,
				m.Committee, m.Organizations, m.PropertyMgmt, m.Minutes, m.Decisions); err != nil {
				return fmt.Errorf("activity: insert meeting: %w", err)
			}
		}
		return audit.Record(ctx, tx, now, u.Actor(), audit.Entry{Action: "consultation.create", ObjectType: "consultation",
			ObjectID: itoa(c.ID), ScopeCode: c.CommunityCode, Detail: map[string]any{"topic": c.Topic, "activity_id": c.ActivityID}})
	})
	if err != nil {
		return nil, err
	}
	return c, nil
}

// Consultations lists the consultations the user may see, newest first.
func (s *Service) Consultations(ctx context.Context, u *auth.User, within string) ([]*Consultation, error) {
	q := s.DB.Read
	var rows *sql.Rows
	var err error
	const cols = `c.id, c.activity_id, c.topic, c.topic_kind, c.community_code, c.raised_by, COALESCE(c.raised_by_org_id, 0), c.raised_note, c.follow_up, c.created_at`
	if u.Role == auth.OrgLeader {
		rows, err = q.QueryContext(ctx, `SELECT `+cols+` FROM consultations c JOIN activity_orgs ao ON ao.activity_id = c.activity_id
			WHERE ao.org_id = $1 ORDER BY c.id DESC LIMIT 200`, u.OrgID)
	} else {
		place, ok := u.Narrow(within)
		if !ok {
			return nil, notFound()
		}
		in, args := db.ScopeCond("c.community_code", place, nil)
		if u.Role == auth.HubStaff { // those of the hub and the organizations it serves
			args = append(args, u.OrgID)
			n := "$" + strconv.Itoa(len(args))
			in += ` AND c.activity_id IN (SELECT activity_id FROM activity_orgs WHERE org_id = ` + n + ` OR org_id IN
				(SELECT org_id FROM hub_members WHERE hub_org_id = ` + n + ` AND status = 'active'))`
		}
		rows, err = q.QueryContext(ctx, `SELECT `+cols+` FROM consultations c WHERE `+in+`
			ORDER BY c.id DESC LIMIT 200`, args...)
	}
	if err != nil {
		return nil, fmt.Errorf("activity: consultations: %w", err)
	}
	out := []*Consultation{}
	for rows.Next() {
		var c Consultation
		if err := rows.Scan(&c.ID, &c.ActivityID, &c.Topic, &c.TopicKind, &c.CommunityCode, &c.RaisedBy, &c.RaisedByOrgID,
			&c.RaisedNote, &c.FollowUp, &c.CreatedAt); err != nil {
			rows.Close()
			return nil, err
		}
		out = append(out, &c)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	for _, c := range out {
		ms, err := q.QueryContext(ctx, `SELECT held_on, residents, committee, organizations, property_mgmt, minutes, decisions
			FROM consultation_meetings WHERE consultation_id = $1 ORDER BY held_on, id`, c.ID)
		if err != nil {
			return nil, err
		}
		c.Meetings = []Meeting{}
		for ms.Next() {
			var m Meeting
			if err := ms.Scan(&m.HeldOn, &m.Residents, &m.Committee, &m.Organizations, &m.PropertyMgmt, &m.Minutes, &m.Decisions); err != nil {
				ms.Close()
				return nil, err
			}
			c.Meetings = append(c.Meetings, m)
		}
		ms.Close()
	}
	return out, nil
}
