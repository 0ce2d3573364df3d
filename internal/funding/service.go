package funding

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"time"

	"linli/internal/activity"
	"linli/internal/ledger"
	"linli/internal/platform/audit"
	"linli/internal/platform/auth"
	"linli/internal/platform/clock"
	"linli/internal/platform/db"
	"linli/internal/platform/errs"
	"linli/internal/platform/idem"
	"linli/internal/platform/upload"
	"linli/internal/registry"
)

// Orgs is what funding needs of the registry.
type Orgs interface {
	Lookup(ctx context.Context, id int64) (*registry.Org, error)
	// the registry's named reads: organizations by id, and those of places
	OrgLines(ctx context.Context, ids []int64) ([]registry.OrgLine, error)
	OrgsIn(ctx context.Context, places []string) ([]registry.OrgLine, error)
}

// Custody is what funding needs of the custody ledger: which hub holds an
// organization's money, a grant's tranche posted as income into it, and
// what a project's tagged expenses have spent.
type Custody interface {
	HubOf(ctx context.Context, orgID int64) (int64, error)
	HubsOf(ctx context.Context, orgIDs []int64) (map[int64]int64, error)
	RecordGrant(ctx context.Context, u *auth.User, orgID int64, in ledger.IncomeInput,
		then func(tx *sql.Tx, p *ledger.Posting) (any, error)) (*ledger.Posting, error)
	ProjectSpent(ctx context.Context, projectID int64) (map[string]ledger.Fen, error)
	Held(ctx context.Context, hubID int64, limit int) ([]int64, error)
}

// Users finds reviewers' accounts.
type Users interface {
	UserByID(ctx context.Context, viewer *auth.User, id int64) (*auth.User, error)
	UserByName(ctx context.Context, name string) (*auth.User, error)
}

// Divisions tells whether a division exists.
type Divisions interface {
	Exists(ctx context.Context, code string) (bool, error)
}

// Evaluations is what eligibility reads of grades and appraisals
// (internal/evaluation), on a day.
type Evaluations interface {
	GradeOf(ctx context.Context, orgID int64, on string) (string, error)
	AppraisalBandOf(ctx context.Context, orgID int64, on string) (string, error)
}

// Service is the funding room's rules over its tables.
type Service struct {
	DB      *db.DB
	Orgs    Orgs
	Custody Custody
	Users   Users
	Geo     Divisions
	Now     func() time.Time
	// Evaluations, when set, answers min_grade and min_appraisal_band
	// (unset: no organization has a grade or a band).
	Evaluations Evaluations
}

func (s *Service) now() time.Time { return clock.Now(s.Now) }

// IneligibleError refuses a submission, listing every reason.
type IneligibleError struct {
	Reasons []errs.Msg
}

func (e *IneligibleError) Error() string {
	return fmt.Sprintf("funding: ineligible (%d reasons)", len(e.Reasons))
}

// Unwrap makes the refusal an invalid input (422).
func (e *IneligibleError) Unwrap() error { return errs.E(errs.Invalid, "err.fund.ineligible") }

// Conflict is a conflict of interest a reviewer declared.
type Conflict struct {
	UserID        int64  `json:"user_id"`
	ApplicationID int64  `json:"application_id"`
	Reason        string `json:"reason"`
}

func id(n int64) string { return strconv.FormatInt(n, 10) }

func (s *Service) record(ctx context.Context, tx *sql.Tx, now time.Time, u *auth.User, action, objType string, objID int64, scope string, detail any) error {
	return audit.Record(ctx, tx, now, u.Actor(), audit.Entry{Action: action, ObjectType: objType, ObjectID: id(objID),
		ScopeCode: scope, Detail: detail})
}

// write runs fn in a transaction that keeps an Idempotency-Key of ctx.
func (s *Service) write(ctx context.Context, now time.Time, fn func(tx *sql.Tx) (any, error)) error {
	return idem.Tx(ctx, s.DB, now, fn)
}

// calls

// CreateCall opens a call.
func (s *Service) CreateCall(ctx context.Context, u *auth.User, in CallInput) (*Call, error) {
	normalizeCall(&in)
	if !canOpenCall(u, in.UnitCode, in.Channel) {
		if u != nil && !u.InScope(in.UnitCode) && in.UnitCode != "" {
			return nil, errs.Field("unit_code", "err.fund.unit_scope")
		}
		return nil, errs.E(errs.Forbidden, "err.forbidden")
	}
	exists, err := s.Geo.Exists(ctx, in.UnitCode)
	if err != nil {
		return nil, err
	}
	if err := validateCall(&in, exists, 0, false, nil).Err(); err != nil {
		return nil, err
	}
	now := s.now()
	c := &Call{CallInput: in, CreatedBy: u.ID, CreatedAt: now, UpdatedAt: now}
	err = s.write(ctx, now, func(tx *sql.Tx) (any, error) {
		if err := insertCalls(ctx, tx, []*Call{c}); err != nil {
			return nil, err
		}
		c.State = callState(&c.CallInput, clock.Day(now))
		return c, s.record(ctx, tx, now, u, "funding.call_create", "call", c.ID, c.UnitCode, c.CallInput)
	})
	return c, err
}

// call finds a call the viewer may see.
func (s *Service) call(ctx context.Context, q db.Querier, u *auth.User, callID int64) (*Call, error) {
	c, err := getCall(ctx, q, callID, "")
	if err != nil {
		return nil, err
	}
	if !canSeeCall(u, &c.CallInput) {
		return nil, errs.Missing()
	}
	c.State = callState(&c.CallInput, clock.Day(s.now()))
	if c.AwardedFen, err = awardedSum(ctx, q, c.ID); err != nil {
		return nil, err
	}
	return c, nil
}

// managed finds a call the viewer may manage.
func (s *Service) managed(ctx context.Context, u *auth.User, callID int64) (*Call, error) {
	c, err := s.call(ctx, s.DB.Read, u, callID)
	if err != nil {
		return nil, err
	}
	if !canManageCall(u, &c.CallInput) {
		return nil, errs.E(errs.Forbidden, "err.forbidden")
	}
	return c, nil
}

// Call returns one call.
func (s *Service) Call(ctx context.Context, u *auth.User, callID int64) (*Call, error) {
	return s.call(ctx, s.DB.Read, u, callID)
}

// Calls lists the calls inside the viewer's scope and above it.
func (s *Service) Calls(ctx context.Context, u *auth.User, page, perPage int) ([]*Call, int, error) {
	if u == nil || u.ScopeCode == "" {
		return []*Call{}, 0, nil
	}
	list, total, err := listCalls(ctx, s.DB.Read, u.ScopeCode, perPage, (page-1)*perPage)
	if err != nil {
		return nil, 0, err
	}
	// what each call awarded, in one statement for the page
	sums, err := awardedSums(ctx, s.DB.Read, list)
	day := clock.Day(s.now())
	for _, c := range list {
		c.State, c.AwardedFen = callState(&c.CallInput, day), sums[c.ID]
	}
	return list, total, err
}

// UpdateCall changes a call; its unit stays, its budget never goes below
// what is awarded, and its scoring form is fixed once scores exist.
func (s *Service) UpdateCall(ctx context.Context, u *auth.User, callID int64, in CallInput) (*Call, error) {
	old, err := s.managed(ctx, u, callID)
	if err != nil {
		return nil, err
	}
	if in.UnitCode == "" {
		in.UnitCode = old.UnitCode
	}
	scored, err := hasScores(ctx, s.DB.Read, callID)
	if err != nil {
		return nil, err
	}
	if err := validateCall(&in, true, old.AwardedFen, scored, &old.CallInput).Err(); err != nil {
		return nil, err
	}
	if !canManageCall(u, &in) {
		return nil, errs.E(errs.Forbidden, "err.forbidden")
	}
	now := s.now()
	c := &Call{ID: callID, CallInput: in, CreatedBy: old.CreatedBy, CreatedAt: old.CreatedAt, UpdatedAt: now, AwardedFen: old.AwardedFen}
	err = s.write(ctx, now, func(tx *sql.Tx) (any, error) {
		if err := updateCall(ctx, tx, c); err != nil {
			return nil, err
		}
		c.State = callState(&c.CallInput, clock.Day(now))
		return c, s.record(ctx, tx, now, u, "funding.call_update", "call", c.ID, c.UnitCode,
			map[string]any{"before": old.CallInput, "after": c.CallInput})
	})
	return c, err
}

// applications

// facts reads what eligibility and bonuses need of an organization.
func (s *Service) facts(ctx context.Context, o *registry.Org, pairingOrg int64, day string) (OrgFacts, error) {
	hub, err := s.Custody.HubOf(ctx, o.ID)
	if err != nil {
		return OrgFacts{}, err
	}
	f := OrgFacts{Tier: o.Tier, Status: o.Status, PartyOrg: o.PartyOrg, HubID: hub}
	if s.Evaluations != nil {
		if f.Grade, err = s.Evaluations.GradeOf(ctx, o.ID, day); err != nil {
			return f, err
		}
		if f.Band, err = s.Evaluations.AppraisalBandOf(ctx, o.ID, day); err != nil {
			return f, err
		}
	}
	if pairingOrg != 0 {
		if f.HasPairing, err = hasPairing(ctx, s.DB.Read, o.ID, pairingOrg, day); err != nil {
			return f, err
		}
	}
	return f, nil
}

// applicant is an organization the user may apply for (its own people, or
// the hub that keeps its money).
func (s *Service) applicant(ctx context.Context, u *auth.User, orgID int64) (*registry.Org, error) {
	o, err := s.Orgs.Lookup(ctx, orgID)
	if err != nil {
		return nil, err
	}
	hub, err := s.Custody.HubOf(ctx, o.ID)
	if err != nil {
		return nil, err
	}
	if !canApply(u, o.ID, hub) {
		return nil, errs.E(errs.Forbidden, "err.forbidden")
	}
	return o, nil
}

// Apply drafts an application to an open call for an organization in the
// call's place.
func (s *Service) Apply(ctx context.Context, u *auth.User, callID int64, in ApplicationInput) (*Application, error) {
	c, err := s.call(ctx, s.DB.Read, u, callID)
	if err != nil {
		return nil, err
	}
	f := validateApplication(&in)
	if in.OrgID <= 0 {
		return nil, f.Err()
	}
	o, err := s.applicant(ctx, u, in.OrgID)
	if err != nil {
		return nil, err
	}
	if c.State != StateOpen {
		return nil, errs.E(errs.Conflict, "err.fund.call_closed")
	}
	if !inPlace(&c.CallInput, o.CommunityCode) {
		f.Add("org_id", "err.fund.outside_place")
	}
	if err := f.Err(); err != nil {
		return nil, err
	}
	now := s.now()
	a := &Application{CallID: callID, ApplicationInput: in, OrgName: o.Name, CommunityCode: o.CommunityCode, Status: AppDraft,
		Reasons: []string{}, CreatedBy: u.ID, CreatedAt: now, UpdatedAt: now}
	err = s.write(ctx, now, func(tx *sql.Tx) (any, error) {
		if err := insertApplications(ctx, tx, []*Application{a}); err != nil {
			return nil, err
		}
		return a, s.record(ctx, tx, now, u, "funding.apply", "application", a.ID, o.CommunityCode,
			map[string]any{"call_id": callID, "org_id": o.ID, "title": in.Title, "request_fen": in.RequestFen})
	})
	return a, err
}

// application finds an application the viewer may see, with its call.
func (s *Service) application(ctx context.Context, u *auth.User, appID int64) (*Application, *Call, int64, error) {
	a, err := getApplication(ctx, s.DB.Read, appID)
	if err != nil {
		return nil, nil, 0, err
	}
	c, err := getCall(ctx, s.DB.Read, a.CallID, "")
	if err != nil {
		return nil, nil, 0, err
	}
	c.State = callState(&c.CallInput, clock.Day(s.now()))
	hub, err := s.Custody.HubOf(ctx, a.OrgID)
	if err != nil {
		return nil, nil, 0, err
	}
	rev := false
	if u != nil {
		if rev, err = isReviewer(ctx, s.DB.Read, c.ID, u.ID); err != nil {
			return nil, nil, 0, err
		}
	}
	if !canSeeApplication(u, a.CommunityCode, a.OrgID, hub, rev) || !canSeeCall(u, &c.CallInput) && !rev {
		return nil, nil, 0, errs.Missing()
	}
	return a, c, hub, nil
}

// Application returns one application.
func (s *Service) Application(ctx context.Context, u *auth.User, appID int64) (*Application, error) {
	a, _, _, err := s.application(ctx, u, appID)
	return a, err
}

// Submit submits a draft while the call is open; eligibility is checked
// now and every reason it fails is listed (nothing is written then).
func (s *Service) Submit(ctx context.Context, u *auth.User, appID int64) (*Application, error) {
	a, c, hub, err := s.application(ctx, u, appID)
	if err != nil {
		return nil, err
	}
	if !canApply(u, a.OrgID, hub) {
		return nil, errs.E(errs.Forbidden, "err.forbidden")
	}
	if c.State != StateOpen {
		return nil, errs.E(errs.Conflict, "err.fund.call_closed")
	}
	if a.Status != AppDraft {
		return nil, errs.E(errs.Conflict, "err.fund.not_draft")
	}
	o, err := s.Orgs.Lookup(ctx, a.OrgID)
	if err != nil {
		return nil, err
	}
	now := s.now()
	facts, err := s.facts(ctx, o, a.PairingOrgID, clock.Day(now))
	if err != nil {
		return nil, err
	}
	if reasons := ineligible(c.Eligibility, facts); len(reasons) > 0 {
		return nil, &IneligibleError{Reasons: reasons}
	}
	err = s.write(ctx, now, func(tx *sql.Tx) (any, error) {
		if err := setApplicationStatus(ctx, tx, a.ID, AppSubmitted, nil, &now, now); err != nil {
			return nil, err
		}
		a.Status, a.SubmittedAt, a.UpdatedAt = AppSubmitted, &now, now
		return a, s.record(ctx, tx, now, u, "funding.submit", "application", a.ID, a.CommunityCode, map[string]any{"call_id": c.ID})
	})
	return a, err
}

// Withdraw withdraws an application before the call closes.
func (s *Service) Withdraw(ctx context.Context, u *auth.User, appID int64) (*Application, error) {
	a, c, hub, err := s.application(ctx, u, appID)
	if err != nil {
		return nil, err
	}
	if !canApply(u, a.OrgID, hub) {
		return nil, errs.E(errs.Forbidden, "err.forbidden")
	}
	if c.State == StateClosed {
		return nil, errs.E(errs.Conflict, "err.fund.call_closed")
	}
	if a.Status == AppWithdrawn {
		return nil, errs.E(errs.Conflict, "err.fund.withdrawn")
	}
	now := s.now()
	err = s.write(ctx, now, func(tx *sql.Tx) (any, error) {
		if err := setApplicationStatus(ctx, tx, a.ID, AppWithdrawn, nil, nil, now); err != nil {
			return nil, err
		}
		a.Status, a.SubmittedAt, a.UpdatedAt = AppWithdrawn, nil, now
		return a, s.record(ctx, tx, now, u, "funding.withdraw", "application", a.ID, a.CommunityCode, map[string]any{"call_id": c.ID})
	})
	return a, err
}

// Applications lists a call's applications the viewer may see: all of them
// for its managers and reviewers, their own for applicants.
func (s *Service) Applications(ctx context.Context, u *auth.User, callID int64) ([]*Application, error) {
	c, err := s.call(ctx, s.DB.Read, u, callID)
	if err != nil {
		return nil, err
	}
	rev, err := isReviewer(ctx, s.DB.Read, callID, u.ID)
	if err != nil {
		return nil, err
	}
	if scope, ok := applicationsIn(u, canManageCall(u, &c.CallInput), rev); ok {
		return callApplications(ctx, s.DB.Read, callID, "", scope)
	}
	all, err := callApplications(ctx, s.DB.Read, callID, "", u.ScopeCode)
	if err != nil {
		return nil, err
	}
	out := []*Application{}
	for _, a := range all {
		hub, err := s.Custody.HubOf(ctx, a.OrgID)
		if err != nil {
			return nil, err
		}
		if canSeeApplication(u, a.CommunityCode, a.OrgID, hub, false) {
			out = append(out, a)
		}
	}
	return out, nil
}

// review

// AssignReviewers adds reviewers to a call, with conflicts they declared.
func (s *Service) AssignReviewers(ctx context.Context, u *auth.User, callID int64, ids []int64, conflicts []Conflict) ([]int64, error) {
	c, err := s.managed(ctx, u, callID)
	if err != nil {
		return nil, err
	}
	f := errs.Fields{}
	if len(ids) == 0 || len(ids) > 50 {
		f.Add("user_ids", "err.required")
	}
	for _, rid := range ids {
		if _, err := s.Users.UserByID(ctx, u, rid); err != nil {
			if errs.Is(err, errs.NotFound) {
				f.Add("user_ids", "err.fund.reviewer_unknown", rid)
				continue
			}
			return nil, err
		}
	}
	for i := range conflicts {
		a, err := getApplication(ctx, s.DB.Read, conflicts[i].ApplicationID)
		if err != nil || a.CallID != callID || !slices.Contains(ids, conflicts[i].UserID) {
			f.Add("conflicts", "err.fund.conflict_unknown")
		}
	}
	if err := f.Err(); err != nil {
		return nil, err
	}
	now := s.now()
	var out []int64
	err = s.write(ctx, now, func(tx *sql.Tx) (any, error) {
		if err := insertReviewers(ctx, tx, callID, ids, now); err != nil {
			return nil, err
		}
		if err := insertConflicts(ctx, tx, conflicts); err != nil {
			return nil, err
		}
		var err error
		if out, err = reviewersOf(ctx, tx, callID); err != nil {
			return nil, err
		}
		return map[string]any{"user_ids": out}, s.record(ctx, tx, now, u, "funding.reviewers", "call", callID, c.UnitCode,
			map[string]any{"user_ids": ids, "conflicts": conflicts})
	})
	return out, err
}

// ScoreInput is one reviewer's scores of one application.
type ScoreInput struct {
	ReviewerID int64          `json:"reviewer_id"`
	Scores     map[string]int `json:"scores"`
}

// Score records a reviewer's scores after the call closed and before any
// award; a conflicted reviewer is refused.
func (s *Service) Score(ctx context.Context, u *auth.User, appID int64, in ScoreInput) (map[string]any, error) {
	a, c, hub, err := s.application(ctx, u, appID)
	if err != nil {
		return nil, err
	}
	if in.ReviewerID == 0 {
		in.ReviewerID = u.ID
	}
	assigned, err := isReviewer(ctx, s.DB.Read, c.ID, in.ReviewerID)
	if err != nil {
		return nil, err
	}
	if !canScore(u, &c.CallInput, in.ReviewerID, assigned) {
		return nil, errs.E(errs.Forbidden, "err.forbidden")
	}
	f := errs.Fields{}
	if !assigned {
		f.Add("reviewer_id", "err.fund.not_reviewer")
		return nil, f.Err()
	}
	if err := scoreRefusal(a, c); err != nil {
		return nil, err
	}
	rv, err := s.Users.UserByID(ctx, nil, in.ReviewerID)
	if err != nil {
		return nil, err
	}
	dec, err := declared(ctx, s.DB.Read, a.ID, rv.ID)
	if err != nil {
		return nil, err
	}
	if conflicted(ReviewerFacts{UserID: rv.ID, OrgID: rv.OrgID, Declared: dec}, a.OrgID, hub) {
		return nil, errs.E(errs.Conflict, "err.fund.conflicted")
	}
	if err := validateScores(c.Criteria, in.Scores).Err(); err != nil {
		return nil, err
	}
	now := s.now()
	out := map[string]any{"application_id": a.ID, "reviewer_id": rv.ID, "scores": in.Scores}
	err = s.write(ctx, now, func(tx *sql.Tx) (any, error) {
		if err := replaceScores(ctx, tx, c.ID, a.ID, rv.ID, in.Scores, now); err != nil {
			return nil, err
		}
		return out, s.record(ctx, tx, now, u, "funding.score", "application", a.ID, a.CommunityCode,
			map[string]any{"call_id": c.ID, "reviewer_id": rv.ID, "scores": in.Scores})
	})
	return out, err
}

// ranking computes a call's ranking from the stored scores.
func (s *Service) ranking(ctx context.Context, q db.Querier, c *Call) ([]Ranked, map[int64]*Application, error) {
	apps, err := callApplications(ctx, q, c.ID, AppSubmitted, "")
	if err != nil {
		return nil, nil, err
	}
	scores, err := callScores(ctx, q, c.ID)
	if err != nil {
		return nil, nil, err
	}
	byID := make(map[int64]*Application, len(apps))
	entries := make([]Entry, 0, len(apps))
	ids := make([]int64, 0, len(apps))
	for _, a := range apps {
		ids = append(ids, a.OrgID)
	}
	// what the ranking reads of the organizations as they are now: the
	// registry's named read, and the custody ledger's hubs
	lines, err := s.Orgs.OrgLines(ctx, ids)
	if err != nil {
		return nil, nil, err
	}
	orgs := make(map[int64]registry.OrgLine, len(lines))
	for _, l := range lines {
		orgs[l.ID] = l
	}
	var hubs map[int64]int64
	if len(c.Bonus) > 0 || len(c.TieBreaks) > 0 {
		if hubs, err = s.Custody.HubsOf(ctx, ids); err != nil {
			return nil, nil, err
		}
	}
	for _, a := range apps {
		byID[a.ID] = a
		o := orgs[a.OrgID]
		entries = append(entries, Entry{ApplicationID: a.ID, OrgID: a.OrgID, OrgName: a.OrgName, Title: a.Title,
			RequestFen: a.RequestFen, Facts: OrgFacts{Tier: o.Tier, Status: o.Status, PartyOrg: o.PartyOrg, HubID: hubs[a.OrgID]}})
	}
	r := rank(&c.CallInput, entries, scores)
	for i := range r {
		if a := byID[r[i].ApplicationID]; a.ProjectID != 0 {
			r[i].ProjectID = a.ProjectID
		}
	}
	return r, byID, nil
}

// Ranking returns a call's ranking (its managers, reviewers and the
// officers above it).
func (s *Service) Ranking(ctx context.Context, u *auth.User, callID int64) ([]Ranked, error) {
	c, err := s.call(ctx, s.DB.Read, u, callID)
	if err != nil {
		return nil, err
	}
	if !u.InScope(c.UnitCode) {
		if rev, err := isReviewer(ctx, s.DB.Read, callID, u.ID); err != nil || !rev {
			return nil, errors.Join(err, errs.E(errs.Forbidden, "err.forbidden"))
		}
	}
	r, _, err := s.ranking(ctx, s.DB.Read, c)
	if err != nil {
		return nil, err
	}
	ps, err := callProjects(ctx, s.DB.Read, callID)
	if err != nil {
		return nil, err
	}
	award := map[int64]int64{}
	for _, p := range ps {
		award[p.ApplicationID] = p.AwardFen
	}
	for i := range r {
		r[i].AwardFen = award[r[i].ApplicationID]
	}
	return r, nil
}

// Award awards applications within the budget after the call closed; each
// award becomes a project (with its budget lines and its mid-term and
// closing reports due). A departure from the ranking needs a reason,
// which is audited.
func (s *Service) Award(ctx context.Context, u *auth.User, callID int64, in []AwardInput) ([]*Project, error) {
	c, err := s.managed(ctx, u, callID)
	if err != nil {
		return nil, err
	}
	if c.State != StateClosed {
		return nil, errs.E(errs.Conflict, "err.fund.review_not_open")
	}
	ranking, apps, err := s.ranking(ctx, s.DB.Read, c)
	if err != nil {
		return nil, err
	}
	already := map[int64]bool{}
	for _, a := range apps {
		if a.ProjectID != 0 {
			already[a.ID] = true
		}
	}
	plans, f := planAwards(c.BudgetFen, c.AwardedFen, apps, already, ranking, in)
	if err := f.Err(); err != nil {
		return nil, err
	}
	now := s.now()
	day := clock.Day(now)
	var ps []*Project
	for _, p := range plans {
		a := apps[p.ApplicationID]
		o, err := s.Orgs.Lookup(ctx, a.OrgID)
		if err != nil {
			return nil, err
		}
		lines := make([]ProjectLine, 0, len(a.Budget))
		for _, l := range a.Budget {
			lines = append(lines, ProjectLine{Item: l.Item, AmountFen: l.AmountFen})
		}
		ps = append(ps, &Project{CallID: c.ID, CallTitle: c.Title, Channel: c.Channel, ApplicationID: a.ID, OrgID: o.ID,
			OrgName: o.Name, CommunityCode: o.CommunityCode, StreetCode: o.StreetCode, DistrictCode: o.DistrictCode,
			Title: a.Title, AwardFen: p.AmountFen, Score: p.Score, Rank: p.Rank, DepartureReason: p.Reason, AwardedOn: day,
			Status: ProjectActive, Lines: lines, Tranches: []Tranche{}})
	}
	err = s.write(ctx, now, func(tx *sql.Tx) (any, error) {
		// the budget, again under the writer: awards of two officers at once
		sum, err := awardedSum(ctx, tx, c.ID)
		if err != nil {
			return nil, err
		}
		for _, p := range ps {
			sum += p.AwardFen
		}
		if sum > c.BudgetFen {
			return nil, errs.E(errs.Conflict, "err.fund.over_budget_now")
		}
		if err := insertProjects(ctx, tx, ps, u.ID, now); err != nil {
			if s.DB.Dialect.IsUniqueViolation(err) {
				return nil, errs.E(errs.Conflict, "err.fund.already_awarded")
			}
			return nil, err
		}
		items := make([]map[string]any, 0, len(ps))
		for i, p := range ps {
			if _, err := insertMilestones(ctx, tx, p.ID, defaultMilestones(day)); err != nil {
				return nil, err
			}
			if p.Milestones, err = milestonesOf(ctx, tx, p.ID); err != nil {
				return nil, err
			}
			items = append(items, map[string]any{"application_id": p.ApplicationID, "project_id": p.ID, "amount_fen": p.AwardFen,
				"rank": p.Rank, "score": p.Score, "departure": plans[i].Departure, "reason": p.DepartureReason})
		}
		return map[string]any{"items": ps}, s.record(ctx, tx, now, u, "funding.award", "call", c.ID, c.UnitCode,
			map[string]any{"awards": items})
	})
	return ps, err
}

// projects

// project finds a project the viewer may see, with its call.
func (s *Service) project(ctx context.Context, u *auth.User, projectID int64) (*Project, *Call, int64, error) {
	p, err := getProject(ctx, s.DB.Read, projectID)
	if err != nil {
		return nil, nil, 0, err
	}
	c, err := getCall(ctx, s.DB.Read, p.CallID, "")
	if err != nil {
		return nil, nil, 0, err
	}
	hub, err := s.Custody.HubOf(ctx, p.OrgID)
	if err != nil {
		return nil, nil, 0, err
	}
	if !canSeeApplication(u, p.CommunityCode, p.OrgID, hub, false) {
		return nil, nil, 0, errs.Missing()
	}
	return p, c, hub, nil
}

// Project returns a project with its budget lines and what was spent on
// each (the ledger's paid expenses tagged with it), tranches, milestones
// and brand designation.
func (s *Service) Project(ctx context.Context, u *auth.User, projectID int64) (*Project, error) {
	p, _, _, err := s.project(ctx, u, projectID)
	if err != nil {
		return nil, err
	}
	return p, s.fill(ctx, p)
}

func (s *Service) fill(ctx context.Context, p *Project) error {
	var err error
	if p.Lines, err = budgetLines(ctx, s.DB.Read, p.ID); err != nil {
		return err
	}
	spent, err := s.Custody.ProjectSpent(ctx, p.ID)
	if err != nil {
		return err
	}
	p.SpentFen = 0
	for i := range p.Lines {
		p.Lines[i].SpentFen = int64(spent[p.Lines[i].Item])
		p.SpentFen += p.Lines[i].SpentFen
	}
	if p.Tranches, err = tranchesOf(ctx, s.DB.Read, p.ID); err != nil {
		return err
	}
	p.PaidFen = 0
	for _, t := range p.Tranches {
		p.PaidFen += t.AmountFen
	}
	if p.Milestones, err = milestonesOf(ctx, s.DB.Read, p.ID); err != nil {
		return err
	}
	if err := deliveryOf(ctx, s.DB.Read, p.ID, p.Milestones); err != nil {
		return err
	}
	day := clock.Day(s.now())
	for i := range p.Milestones {
		p.Milestones[i].Overdue = overdue(&p.Milestones[i], day)
	}
	p.Brand, err = projectBrand(ctx, s.DB.Read, p.ID)
	return err
}

// CheckExpenseTag accepts an expense's project and budget line for an
// organization (the ledger calls it when an expense is tagged).
func (s *Service) CheckExpenseTag(ctx context.Context, orgID, projectID int64, line string) error {
	f := errs.Fields{}
	p, err := getProject(ctx, s.DB.Read, projectID)
	switch {
	case errs.Is(err, errs.NotFound) || err == nil && p.OrgID != orgID:
		f.Add("project_id", "err.fund.project_unknown")
		return f.Err()
	case err != nil:
		return err
	case p.Status != ProjectActive:
		return errs.E(errs.Conflict, "err.fund.project_closed")
	}
	lines, err := budgetLines(ctx, s.DB.Read, projectID)
	if err != nil {
		return err
	}
	if !slices.ContainsFunc(lines, func(l ProjectLine) bool { return l.Item == line }) {
		f.Add("budget_line", "err.fund.line_unknown")
	}
	return f.Err()
}

// PayTranche pays a tranche of an award: into the organization's custody
// account at its hub, as income through the ledger; or, for a registered
// organization with no hub holding its money, recorded as paid directly.
// Never beyond the award.
func (s *Service) PayTranche(ctx context.Context, u *auth.User, projectID int64, in TrancheInput) (*Tranche, error) {
	p, c, hub, err := s.project(ctx, u, projectID)
	if err != nil {
		return nil, err
	}
	if !canManageCall(u, &c.CallInput) {
		return nil, errs.E(errs.Forbidden, "err.forbidden")
	}
	if p.Status != ProjectActive {
		return nil, errs.E(errs.Conflict, "err.fund.project_closed")
	}
	paid, err := paidSum(ctx, s.DB.Read, projectID)
	if err != nil {
		return nil, err
	}
	now := s.now()
	// what is left of the award is checked in the transaction, after an
	// Idempotency-Key's replay would have answered
	if err := validateTranche(&in, p.AwardFen, 0, clock.Day(now)).Err(); err != nil {
		return nil, err
	}
	t := &Tranche{ProjectID: p.ID, AmountFen: in.AmountFen, PaidOn: in.PaidOn, HubID: hub, Direct: hub == 0}
	keep := func(tx *sql.Tx, postingID int64) (any, error) {
		// under the writer (and the project row's lock): what is left of the award
		var award int64
		if err := tx.QueryRowContext(ctx, `SELECT award_fen FROM fund_projects WHERE id = $1`+s.DB.Dialect.ForUpdate(), p.ID).Scan(&award); err != nil {
			return nil, fmt.Errorf("funding: lock project: %w", err)
		}
		paid, err := paidSum(ctx, tx, p.ID)
		if err != nil {
			return nil, err
		}
		if paid+t.AmountFen > award {
			return nil, errs.Field("amount_fen", "err.fund.beyond_award", award-paid)
		}
		t.PostingID = postingID
		if err := insertTranche(ctx, tx, t, u.ID, now); err != nil {
			return nil, err
		}
		return t, s.record(ctx, tx, now, u, "funding.tranche", "project", p.ID, p.CommunityCode,
			map[string]any{"tranche_id": t.ID, "amount_fen": t.AmountFen, "paid_on": t.PaidOn, "posting_id": postingID, "hub_org_id": hub})
	}
	if hub == 0 {
		o, err := s.Orgs.Lookup(ctx, p.OrgID)
		if err != nil {
			return nil, err
		}
		if o.Tier != registry.TierRegistered {
			return nil, errs.E(errs.Conflict, "err.not_in_custody")
		}
		err = s.write(ctx, now, func(tx *sql.Tx) (any, error) { return keep(tx, 0) })
		return t, err
	}
	inc := ledger.IncomeInput{Amount: ledger.Fen(in.AmountFen), Source: incomeSource(c.Channel),
		Voucher: fmt.Sprintf("FUND-%d-%d", p.ID, paid/100), ReceivedOn: in.PaidOn, Memo: truncate(p.CallTitle+" · "+p.Title, 200)}
	_, err = s.Custody.RecordGrant(ctx, u, p.OrgID, inc, func(tx *sql.Tx, post *ledger.Posting) (any, error) {
		return keep(tx, post.ID)
	})
	return t, err
}

func truncate(s string, n int) string {
	r := []rune(s)
	if len(r) > n {
		return string(r[:n])
	}
	return s
}

// AddMilestone adds a milestone to a project (its call's managers).
func (s *Service) AddMilestone(ctx context.Context, u *auth.User, projectID int64, in MilestoneInput) (*Milestone, error) {
	p, c, _, err := s.project(ctx, u, projectID)
	if err != nil {
		return nil, err
	}
	if !canManageCall(u, &c.CallInput) {
		return nil, errs.E(errs.Forbidden, "err.forbidden")
	}
	if err := validateMilestone(&in).Err(); err != nil {
		return nil, err
	}
	if p.Status != ProjectActive {
		return nil, errs.E(errs.Conflict, "err.fund.project_closed")
	}
	now := s.now()
	var m *Milestone
	err = s.write(ctx, now, func(tx *sql.Tx) (any, error) {
		ids, err := insertMilestones(ctx, tx, p.ID, []MilestoneInput{in})
		if err != nil {
			return nil, err
		}
		if m, err = getMilestone(ctx, tx, p.ID, ids[0]); err != nil {
			return nil, err
		}
		return m, s.record(ctx, tx, now, u, "funding.milestone_add", "project", p.ID, p.CommunityCode, in)
	})
	return m, err
}

// Report files a milestone's report (the organization or its hub).
func (s *Service) Report(ctx context.Context, u *auth.User, projectID, milestoneID int64, in ReportInput) (*Milestone, error) {
	return s.ReportWithFile(ctx, u, projectID, milestoneID, in, nil)
}

// ReportWithFile files a milestone's report with its linked activities (the
// organization's own) and, when f is not nil, an attachment checked by its
// content.
func (s *Service) ReportWithFile(ctx context.Context, u *auth.User, projectID, milestoneID int64, in ReportInput, f *upload.File) (*Milestone, error) {
	p, _, hub, err := s.project(ctx, u, projectID)
	if err != nil {
		return nil, err
	}
	m, err := getMilestone(ctx, s.DB.Read, p.ID, milestoneID)
	if err != nil {
		return nil, err
	}
	if !canReport(u, p.OrgID, hub) {
		return nil, errs.E(errs.Forbidden, "err.forbidden")
	}
	if p.Status != ProjectActive {
		return nil, errs.E(errs.Conflict, "err.fund.project_closed")
	}
	now := s.now()
	fe := validateReport(&in, m, clock.Day(now))
	shared, err := activity.Shared(ctx, s.DB.Read, p.OrgID, in.ActivityIDs)
	if err != nil {
		return nil, err
	}
	own := make(map[int64]bool, len(shared))
	for id := range shared {
		own[id] = true
	}
	checkLinked(in.ActivityIDs, own, fe)
	ct := checkAttachment(f, fe)
	if err := fe.Err(); err != nil {
		return nil, err
	}
	err = s.write(ctx, now, func(tx *sql.Tx) (any, error) {
		if _, err := tx.ExecContext(ctx, `UPDATE fund_milestones SET report = $1, reported_on = $2, reported_by = $3 WHERE id = $4`,
			in.Report, in.ReportedOn, u.ID, m.ID); err != nil {
			return nil, fmt.Errorf("funding: report: %w", err)
		}
		if err := linkActivities(ctx, tx, m.ID, in.ActivityIDs); err != nil {
			return nil, err
		}
		detail := map[string]any{"milestone_id": m.ID, "reported_on": in.ReportedOn, "activity_ids": in.ActivityIDs}
		if f != nil {
			mf, err := insertMilestoneFile(ctx, tx, m.ID, p.ID, u.ID, now, ct, f)
			if err != nil {
				return nil, err
			}
			detail["file_id"], detail["sha256"], detail["size"] = mf.ID, mf.SHA256, mf.Size
		}
		m.Report, m.ReportedOn = in.Report, in.ReportedOn
		return m, s.record(ctx, tx, now, u, "funding.report", "project", p.ID, p.CommunityCode, detail)
	})
	return m, err
}

// Accept accepts a reported milestone (the call's managers); accepting the
// closing report closes the project.
func (s *Service) Accept(ctx context.Context, u *auth.User, projectID, milestoneID int64) (*Milestone, error) {
	p, c, _, err := s.project(ctx, u, projectID)
	if err != nil {
		return nil, err
	}
	m, err := getMilestone(ctx, s.DB.Read, p.ID, milestoneID)
	if err != nil {
		return nil, err
	}
	if !canManageCall(u, &c.CallInput) {
		return nil, errs.E(errs.Forbidden, "err.forbidden")
	}
	switch {
	case m.ReportedOn == "":
		return nil, errs.E(errs.Conflict, "err.fund.not_reported")
	case m.AcceptedOn != "":
		return nil, errs.E(errs.Conflict, "err.fund.milestone_accepted")
	}
	now := s.now()
	day := clock.Day(now)
	err = s.write(ctx, now, func(tx *sql.Tx) (any, error) {
		if _, err := tx.ExecContext(ctx, `UPDATE fund_milestones SET accepted_on = $1, accepted_by = $2 WHERE id = $3`,
			day, u.ID, m.ID); err != nil {
			return nil, fmt.Errorf("funding: accept: %w", err)
		}
		m.AcceptedOn = day
		if m.Kind == MilestoneClosing {
			if _, err := tx.ExecContext(ctx, `UPDATE fund_projects SET status = $1, closed_on = $2 WHERE id = $3`,
				ProjectClosed, day, p.ID); err != nil {
				return nil, fmt.Errorf("funding: close project: %w", err)
			}
		}
		return m, s.record(ctx, tx, now, u, "funding.accept", "project", p.ID, p.CommunityCode,
			map[string]any{"milestone_id": m.ID, "kind": m.Kind})
	})
	return m, err
}

// Overdue lists a call's milestones past due without a report.
func (s *Service) Overdue(ctx context.Context, u *auth.User, callID int64) ([]Milestone, error) {
	c, err := s.call(ctx, s.DB.Read, u, callID)
	if err != nil {
		return nil, err
	}
	if !u.InScope(c.UnitCode) {
		return nil, errs.E(errs.Forbidden, "err.forbidden")
	}
	return overdueMilestones(ctx, s.DB.Read, callID, clock.Day(s.now()))
}

// Brand designates a project a brand project (品牌项目), dated, with the
// reason (the district or the city).
func (s *Service) Brand(ctx context.Context, u *auth.User, projectID int64, in DesignationInput) (*Designation, error) {
	p, _, _, err := s.project(ctx, u, projectID)
	if err != nil {
		return nil, err
	}
	if !canBrand(u, p.CommunityCode) {
		return nil, errs.E(errs.Forbidden, "err.forbidden")
	}
	now := s.now()
	if err := validateDesignation(&in, clock.Day(now)).Err(); err != nil {
		return nil, err
	}
	if b, err := projectBrand(ctx, s.DB.Read, p.ID); err != nil || b != nil {
		return nil, errors.Join(err, errs.E(errs.Conflict, "err.fund.already_brand"))
	}
	d := &Designation{Kind: "project", ProjectID: p.ID, OrgID: p.OrgID, Name: p.Title, DistrictCode: p.DistrictCode,
		Reason: in.Reason, EffectiveOn: in.EffectiveOn}
	err = s.write(ctx, now, func(tx *sql.Tx) (any, error) {
		if err := insertDesignation(ctx, tx, d, p.CommunityCode, p.StreetCode, u.ID, now); err != nil {
			if s.DB.Dialect.IsUniqueViolation(err) {
				return nil, errs.E(errs.Conflict, "err.fund.already_brand")
			}
			return nil, err
		}
		return d, s.record(ctx, tx, now, u, "funding.brand", "project", p.ID, p.CommunityCode, in)
	})
	return d, err
}

// needs and pairings

// Needs lists residents' needs in the viewer's scope.
func (s *Service) Needs(ctx context.Context, u *auth.User) ([]*Need, error) {
	if u == nil || u.ScopeCode == "" {
		return []*Need{}, nil
	}
	return listNeeds(ctx, s.DB.Read, u.ScopeCode, 500)
}

// RecordNeed records a residents' need with its community.
func (s *Service) RecordNeed(ctx context.Context, u *auth.User, in Need) (*Need, error) {
	if statesOwnNeed(u) {
		in.CommunityCode = u.ScopeCode
	}
	if !canRecordNeed(u, in.CommunityCode) {
		if recordsNeeds(u) {
			return nil, errs.Field("community_code", "err.fund.community")
		}
		return nil, errs.E(errs.Forbidden, "err.forbidden")
	}
	exists, err := s.Geo.Exists(ctx, in.CommunityCode)
	if err != nil {
		return nil, err
	}
	now := s.now()
	if err := validateNeed(&in, exists, clock.Day(now)).Err(); err != nil {
		return nil, err
	}
	n := &in
	err = s.write(ctx, now, func(tx *sql.Tx) (any, error) {
		if err := insertNeeds(ctx, tx, []*Need{n}, u.ID, now); err != nil {
			return nil, err
		}
		return n, s.record(ctx, tx, now, u, "funding.need", "need", n.ID, n.CommunityCode, n)
	})
	return n, err
}

// Pairings lists pairings in the viewer's scope (a leader or hub: its own
// organization's).
func (s *Service) Pairings(ctx context.Context, u *auth.User) ([]*Pairing, error) {
	if u == nil || u.ScopeCode == "" {
		return []*Pairing{}, nil
	}
	var org int64
	if speaksForOrg(u) {
		org = u.OrgID
		if org == 0 {
			return []*Pairing{}, nil
		}
	}
	return listPairings(ctx, s.DB.Read, u.ScopeCode, org, 500)
}

// Pair records a pairing of an organization in the viewer's scope with a
// registered organization.
func (s *Service) Pair(ctx context.Context, u *auth.User, in Pairing) (*Pairing, error) {
	o, err := s.Orgs.Lookup(ctx, in.OrgID)
	if errs.Is(err, errs.NotFound) || err == nil && (u == nil || !u.InScope(o.CommunityCode)) {
		return nil, errs.Field("org_id", "err.fund.org_unknown")
	}
	if err != nil {
		return nil, err
	}
	if !canPair(u, o.CommunityCode) {
		return nil, errs.E(errs.Forbidden, "err.forbidden")
	}
	partner, err := s.Orgs.Lookup(ctx, in.PartnerOrgID)
	tier := ""
	if err == nil {
		tier = partner.Tier
	} else if !errs.Is(err, errs.NotFound) {
		return nil, err
	}
	if err := validatePairing(&in, tier).Err(); err != nil {
		return nil, err
	}
	now := s.now()
	p := &in
	p.CommunityCode, p.OrgName, p.PartnerName = o.CommunityCode, o.Name, partner.Name // partner found: its tier was checked
	err = s.write(ctx, now, func(tx *sql.Tx) (any, error) {
		if err := insertPairings(ctx, tx, []*Pairing{p}, u.ID, now); err != nil {
			return nil, err
		}
		return p, s.record(ctx, tx, now, u, "funding.pairing", "pairing", p.ID, p.CommunityCode, p)
	})
	return p, err
}

// PublicResult is one award as the public sees it: organization, project,
// amount, score; no person's name, no bank detail.
type PublicResult struct {
	OrgName   string  `json:"org_name"`
	Title     string  `json:"title"`
	AmountFen int64   `json:"amount_fen"`
	Score     float64 `json:"score"`
	Rank      int     `json:"rank"`
	Status    string  `json:"status"`
	Brand     bool    `json:"brand"`
}

// PublicCall is a call as published: its terms and its results.
type PublicCall struct {
	ID          int64          `json:"id"`
	Title       string         `json:"title"`
	Channel     string         `json:"channel"`
	UnitCode    string         `json:"unit_code"`
	BudgetFen   int64          `json:"budget_fen"`
	Fields      []string       `json:"fields"`
	Eligibility Eligibility    `json:"eligibility"`
	OpensOn     string         `json:"opens_on"`
	ClosesOn    string         `json:"closes_on"`
	ReviewOn    string         `json:"review_on,omitempty"`
	AwardOn     string         `json:"award_on,omitempty"`
	Criteria    []Criterion    `json:"criteria"`
	Bonus       []Bonus        `json:"bonus"`
	TieBreaks   []string       `json:"tie_breaks"`
	State       string         `json:"state"`
	Applicants  int            `json:"applicants"`
	AwardedFen  int64          `json:"awarded_fen"`
	Results     []PublicResult `json:"results"`
}

// Public returns a call as published, to anyone.
func (s *Service) Public(ctx context.Context, callID int64) (*PublicCall, error) {
	c, err := getCall(ctx, s.DB.Read, callID, "")
	if err != nil {
		return nil, err
	}
	apps, err := callApplications(ctx, s.DB.Read, callID, AppSubmitted, "")
	if err != nil {
		return nil, err
	}
	ps, err := callProjects(ctx, s.DB.Read, callID)
	if err != nil {
		return nil, err
	}
	out := &PublicCall{ID: c.ID, Title: c.Title, Channel: c.Channel, UnitCode: c.UnitCode, BudgetFen: c.BudgetFen, Fields: c.Fields,
		Eligibility: c.Eligibility, OpensOn: c.OpensOn, ClosesOn: c.ClosesOn, ReviewOn: c.ReviewOn, AwardOn: c.AwardOn,
		Criteria: c.Criteria, Bonus: c.Bonus, TieBreaks: c.TieBreaks, State: callState(&c.CallInput, clock.Day(s.now())),
		Applicants: len(apps), Results: []PublicResult{}}
	for _, p := range ps {
		b, err := projectBrand(ctx, s.DB.Read, p.ID)
		if err != nil {
			return nil, err
		}
		out.AwardedFen += p.AwardFen
		out.Results = append(out.Results, PublicResult{OrgName: p.OrgName, Title: p.Title, AmountFen: p.AwardFen, Score: p.Score,
			Rank: p.Rank, Status: p.Status, Brand: b != nil})
	}
	return out, nil
}

// Results lists a call's awards for its managers (the .xlsx export).
func (s *Service) Results(ctx context.Context, u *auth.User, callID int64) (*Call, []*Project, error) {
	c, err := s.call(ctx, s.DB.Read, u, callID)
	if err != nil {
		return nil, nil, err
	}
	if !u.InScope(c.UnitCode) {
		return nil, nil, errs.E(errs.Forbidden, "err.forbidden")
	}
	ps, err := callProjects(ctx, s.DB.Read, callID)
	if err != nil {
		return nil, nil, err
	}
	for _, p := range ps {
		if err := s.fill(ctx, p); err != nil {
			return nil, nil, err
		}
	}
	return c, ps, nil
}
