package activity

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"strings"

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
			return nil, errs.Field("raised_by_org_id", "err.activity_orgs")
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
			c.ActivityID, c.Topic, c.TopicKind, c.CommunityCode, c.RaisedBy, db.NullID(c.RaisedByOrgID), c.RaisedNote, c.FollowUp,
			db.NullID(u.ID), now).Scan(&c.ID); err != nil {
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

// Consultations lists a page of the consultations the user may see,
// newest first, with their meetings.
func (s *Service) Consultations(ctx context.Context, u *auth.User, within string, p Paging) (*List[*Consultation], error) {
	q := s.DB.Read
	lq := listQuery{cols: `c.id, c.activity_id, c.topic, c.topic_kind, c.community_code, c.raised_by, COALESCE(c.raised_by_org_id, 0),
		c.raised_note, c.follow_up, c.created_at`, order: "c.id DESC"}
	if u.Role == auth.OrgLeader {
		lq.from, lq.args = `FROM consultations c JOIN activity_orgs ao ON ao.activity_id = c.activity_id WHERE ao.org_id = $1`, []any{u.OrgID}
	} else {
		place, ok := u.Narrow(within)
		if !ok {
			return nil, errs.Missing()
		}
		in, args := db.ScopeCond("c.community_code", place, nil)
		if u.Role == auth.HubStaff { // those of the hub and the organizations it serves
			var n string
			n, args = db.Arg(args, u.OrgID)
			in += ` AND ` + strings.ReplaceAll(strings.ReplaceAll(hubServed, "a.id IN", "c.activity_id IN"), "?", n)
		}
		lq.from, lq.args = `FROM consultations c WHERE `+in, args
	}
	l, err := readPage(ctx, q, lq, p, scanConsultations, nil)
	if err != nil {
		return nil, err
	}
	return l, consultationMeetings(ctx, q, l.Items)
}

func scanConsultations(rows *sql.Rows) ([]*Consultation, error) {
	return db.CollectPtrs(rows, scanConsultation)
}

// scanConsultation reads a consultation (its meetings empty, filled by
// consultationMeetings).
func scanConsultation(sc interface{ Scan(...any) error }) (*Consultation, error) {
	c := &Consultation{Meetings: []Meeting{}}
	return c, sc.Scan(&c.ID, &c.ActivityID, &c.Topic, &c.TopicKind, &c.CommunityCode, &c.RaisedBy, &c.RaisedByOrgID,
		&c.RaisedNote, &c.FollowUp, &c.CreatedAt)
}

// consultationMeetings sets the meetings of consultations, in one read.
func consultationMeetings(ctx context.Context, q db.Querier, cs []*Consultation) error {
	if len(cs) == 0 {
		return nil
	}
	by := make(map[int64]*Consultation, len(cs))
	ids := make([]string, len(cs))
	for i, c := range cs {
		by[c.ID], ids[i] = c, strconv.FormatInt(c.ID, 10)
	}
	rows, err := q.QueryContext(ctx, `SELECT consultation_id, held_on, residents, committee, organizations, property_mgmt, minutes, decisions
		FROM consultation_meetings WHERE consultation_id IN (`+strings.Join(ids, ",")+`) ORDER BY consultation_id, held_on, id`)
	if err != nil {
		return fmt.Errorf("activity: meetings: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var m Meeting
		if err := rows.Scan(&id, &m.HeldOn, &m.Residents, &m.Committee, &m.Organizations, &m.PropertyMgmt, &m.Minutes, &m.Decisions); err != nil {
			return err
		}
		by[id].Meetings = append(by[id].Meetings, m)
	}
	return rows.Err()
}
