package activity

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"

	"linli/internal/platform/audit"
	"linli/internal/platform/auth"
	"linli/internal/platform/clock"
	"linli/internal/platform/db"
	"linli/internal/platform/errs"
	"linli/internal/registry"
)

// CreateBeneficiary registers a person served again and again, in the
// user's place (a leader: in their organization's district).
func (s *Service) CreateBeneficiary(ctx context.Context, u *auth.User, in BeneficiaryInput) (*Beneficiary, error) {
	if !addsBeneficiaries(u) {
		return nil, errs.E(errs.Forbidden, "err.forbidden")
	}
	ok, err := s.exists(ctx, in.CommunityCode)
	if err != nil {
		return nil, err
	}
	b, err := planBeneficiary(in, ok)
	if err != nil {
		return nil, err
	}
	leaderDistrict := ""
	if u.LeadsAnOrg() {
		o, err := s.Orgs.Lookup(ctx, u.OrgID)
		if err != nil {
			return nil, err
		}
		leaderDistrict = o.DistrictCode
	}
	if !canAddBeneficiary(u, b.CommunityCode, b.DistrictCode, leaderDistrict) {
		return nil, errs.Field("community_code", "err.outside_scope")
	}
	now := s.now()
	err = s.DB.Tx(ctx, func(tx *sql.Tx) error {
		if err := insertBeneficiary(ctx, tx, b, u.ID, now); err != nil {
			return err
		}
		return audit.Record(ctx, tx, now, u.Actor(), audit.Entry{Action: "beneficiary.create", ObjectType: "beneficiary",
			ObjectID: itoa(b.ID), ScopeCode: b.CommunityCode, Detail: map[string]any{"groups": b.Groups}})
	})
	if err != nil {
		return nil, err
	}
	b.maskFor(u)
	return b, nil
}

// Beneficiaries lists a page of the registered beneficiaries in the
// user's place (a leader: their organization's community).
func (s *Service) Beneficiaries(ctx context.Context, u *auth.User, p Paging) (*List[*Beneficiary], error) {
	scope, err := s.beneficiaryScope(ctx, u)
	if isNotFound(err) { // a leader without an organization
		return &List[*Beneficiary]{Items: []*Beneficiary{}, Page: 1, PerPage: p.bounded().PerPage}, nil
	}
	if err != nil {
		return nil, err
	}
	l, err := listBeneficiaries(ctx, s.DB.Read, scope, p)
	if err != nil {
		return nil, err
	}
	for _, b := range l.Items {
		b.maskFor(u)
	}
	return l, nil
}

// AddServed records which registered people an activity served; they are
// among its beneficiaries, and a person served again in the period counts
// once in the campaign's figures.
func (s *Service) AddServed(ctx context.Context, u *auth.User, activityID int64, ids []int64) (*Activity, error) {
	now := s.now()
	var out *Activity
	err := s.recording(ctx, u, activityID, func(tx *sql.Tx, a *Activity) error {
		people, err := beneficiariesByID(ctx, tx, ids)
		if err != nil {
			return err
		}
		already, err := servedAt(ctx, tx, a.ID)
		if err != nil {
			return err
		}
		if err := planServed(a, ids, people, already); err != nil {
			return err
		}
		if err := insertServed(ctx, tx, a, ids); err != nil {
			return err
		}
		out = a
		return audit.Record(ctx, tx, now, u.Actor(), audit.Entry{Action: "activity.served", ObjectType: "activity",
			ObjectID: itoa(a.ID), ScopeCode: a.CommunityCode, Detail: map[string]any{"beneficiary_ids": ids}})
	})
	return out, err
}

// consultationActivity is a consultation's activity, if the user sees it;
// write also asks that the user may record for it.
func (s *Service) consultationActivity(ctx context.Context, u *auth.User, id int64, write bool) (*Activity, error) {
	var aid int64
	err := s.DB.Q(ctx).QueryRowContext(ctx, `SELECT activity_id FROM consultations WHERE id = $1`, id).Scan(&aid)
	if err != nil {
		return nil, db.Found(err, "activity: consultation")
	}
	a, err := s.seen(ctx, s.DB.Q(ctx), u, aid, "")
	if err != nil {
		return nil, err
	}
	if write {
		if u.ReadOnly() {
			return nil, errs.E(errs.Forbidden, "err.read_only")
		}
		if err := s.mayRecordOn(ctx, u, a); err != nil {
			return nil, err
		}
	}
	return a, nil
}

// OpenSurvey adds the resident survey of a consultation (one per
// consultation).
func (s *Service) OpenSurvey(ctx context.Context, u *auth.User, consultationID int64, in SurveyInput) (*Survey, error) {
	a, err := s.consultationActivity(ctx, u, consultationID, true)
	if err != nil {
		return nil, err
	}
	if in, err = planSurvey(in); err != nil {
		return nil, err
	}
	now := s.now()
	err = s.DB.Tx(ctx, func(tx *sql.Tx) error {
		opts, _ := json.Marshal(in.Options)
		var id int64
		err := tx.QueryRowContext(ctx, `INSERT INTO consultation_surveys (consultation_id, question, options, created_by, created_at)
			VALUES ($1, $2, $3, $4, $5) RETURNING id`, consultationID, in.Question, string(opts), db.NullID(u.ID), now).Scan(&id)
		if s.DB.Dialect.IsUniqueViolation(err) {
			return errs.E(errs.Conflict, "err.survey_exists")
		}
		if err != nil {
			return fmt.Errorf("activity: insert survey: %w", err)
		}
		return audit.Record(ctx, tx, now, u.Actor(), audit.Entry{Action: "survey.open", ObjectType: "consultation",
			ObjectID: itoa(consultationID), ScopeCode: a.CommunityCode, Detail: in})
	})
	if err != nil {
		return nil, err
	}
	return getSurvey(ctx, s.DB.Read, consultationID)
}

// Answer records one resident's answer: a second answer from the same
// resident (the same phone) is refused.
func (s *Service) Answer(ctx context.Context, u *auth.User, consultationID int64, in AnswerInput) (*Survey, error) {
	a, err := s.consultationActivity(ctx, u, consultationID, true)
	if err != nil {
		return nil, err
	}
	now := s.now()
	err = s.DB.InTx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		sv, err := getSurvey(ctx, tx, consultationID)
		if err != nil {
			return err
		}
		key, err := planAnswer(sv, in)
		if err != nil {
			return err
		}
		masked, _ := maskPhone(nil, key)
		var id int64
		err = tx.QueryRowContext(ctx, `INSERT INTO consultation_answers (survey_id, resident_key, phone_masked, choice, created_by, created_at)
			VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (survey_id, resident_key) DO NOTHING RETURNING id`,
			sv.ID, hashKey(key), masked, in.Choice, db.NullID(u.ID), now).Scan(&id)
		if err == sql.ErrNoRows {
			return errs.FieldConflict("phone", "err.survey_answered")
		}
		if err != nil {
			return fmt.Errorf("activity: insert answer: %w", err)
		}
		return audit.Record(ctx, tx, now, u.Actor(), audit.Entry{Action: "survey.answer", ObjectType: "consultation",
			ObjectID: itoa(consultationID), ScopeCode: a.CommunityCode, Detail: map[string]any{"answer_id": id, "choice": in.Choice}})
	})
	if err != nil {
		return nil, err
	}
	return getSurvey(ctx, s.DB.Read, consultationID)
}

// Survey is a consultation's survey with its tally.
func (s *Service) Survey(ctx context.Context, u *auth.User, consultationID int64) (*Survey, error) {
	if _, err := s.consultationActivity(ctx, u, consultationID, false); err != nil {
		return nil, err
	}
	return getSurvey(ctx, s.DB.Read, consultationID)
}

func (s *Service) lookup(ctx context.Context, id int64) (*registry.Org, error) {
	o, err := s.Orgs.Lookup(ctx, id)
	if errs.Is(err, errs.NotFound) {
		return nil, nil
	}
	return o, err
}

// Association is a street's social-work and volunteer-service association
// and its member teams.
func (s *Service) Association(ctx context.Context, u *auth.User, street string) (*Association, error) {
	if !seesAssociation(u, street) {
		return nil, errs.Missing()
	}
	return getAssociation(ctx, s.DB.Read, street)
}

// PutAssociation names the organization that is a street's association.
func (s *Service) PutAssociation(ctx context.Context, u *auth.User, street string, orgID int64) (*Association, error) {
	if len(street) != 9 || !u.InScope(street) {
		return nil, errs.Missing()
	}
	if !canManageAssociation(u, street) {
		return nil, errs.E(errs.Forbidden, "err.forbidden")
	}
	o, err := s.lookup(ctx, orgID)
	if err != nil {
		return nil, err
	}
	if err := planAssociation(street, o); err != nil {
		return nil, err
	}
	now := s.now()
	err = s.DB.Tx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `INSERT INTO volunteer_associations (street_code, org_id, created_by, created_at) VALUES ($1, $2, $3, $4)
			ON CONFLICT (street_code) DO UPDATE SET org_id = excluded.org_id, created_by = excluded.created_by, created_at = excluded.created_at`,
			street, orgID, db.NullID(u.ID), now); err != nil {
			if s.DB.Dialect.IsUniqueViolation(err) {
				return errs.Field("org_id", "err.association_org")
			}
			return err
		}
		return audit.Record(ctx, tx, now, u.Actor(), audit.Entry{Action: "association.put", ObjectType: "association",
			ObjectID: street, ScopeCode: street, Detail: map[string]any{"org_id": orgID}})
	})
	if err != nil {
		return nil, err
	}
	return getAssociation(ctx, s.DB.Read, street)
}

// AddMember takes a volunteer team into its street's association (C7).
func (s *Service) AddMember(ctx context.Context, u *auth.User, street string, orgID int64, joinedOn string) (*Association, error) {
	as, err := s.Association(ctx, u, street)
	if err != nil {
		return nil, err
	}
	if !canManageAssociation(u, street) {
		return nil, errs.E(errs.Forbidden, "err.forbidden")
	}
	assoc, err := s.lookup(ctx, as.OrgID)
	if err != nil {
		return nil, err
	}
	o, err := s.lookup(ctx, orgID)
	if err != nil {
		return nil, err
	}
	member := false
	for _, m := range as.Members {
		member = member || m.OrgID == orgID && m.LeftOn == ""
	}
	now := s.now()
	if joinedOn == "" {
		joinedOn = clock.Day(now)
	}
	if err := planMember(assoc, o, joinedOn, clock.Day(now), member); err != nil {
		return nil, err
	}
	err = s.DB.Tx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `INSERT INTO association_members (association_id, org_id, joined_on, created_by, created_at)
			VALUES ($1, $2, $3, $4, $5)`, as.OrgID, orgID, joinedOn, db.NullID(u.ID), now); err != nil {
			return fmt.Errorf("activity: insert member: %w", err)
		}
		return audit.Record(ctx, tx, now, u.Actor(), audit.Entry{Action: "association.member", ObjectType: "association",
			ObjectID: street, ScopeCode: street, Detail: map[string]any{"org_id": orgID, "joined_on": joinedOn}})
	})
	if err != nil {
		return nil, err
	}
	return getAssociation(ctx, s.DB.Read, street)
}
