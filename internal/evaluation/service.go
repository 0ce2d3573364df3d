package evaluation

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"sort"
	"strconv"
	"sync"
	"time"

	"linli/internal/activity"
	"linli/internal/effective"

	"linli/internal/geo"
	"linli/internal/orgroll"
	"linli/internal/platform/audit"
	"linli/internal/platform/auth"
	"linli/internal/platform/clock"
	"linli/internal/platform/db"
	"linli/internal/platform/errs"
	"linli/internal/registry"
)

// Registry is what the room needs of the registry: an organization, and
// its write path for the party organization fields (the one truth of the
// party organization, with its dated history).
type Registry interface {
	Lookup(ctx context.Context, id int64) (*registry.Org, error)
	Update(ctx context.Context, u *auth.User, id int64, in registry.Input) (*registry.Org, error)
	registry.Lister // the organization picker
	// the registry's named reads: names, the party_org history, the
	// organizations of a place with their status on a day
	OrgNames(ctx context.Context, ids []int64) (map[int64]string, error)
	FieldHistory(ctx context.Context, ids []int64, field string) (map[int64][]registry.Event, error)
	StatusesOn(ctx context.Context, within string, cut time.Time, current bool) ([]registry.OrgStatus, error)
}

// Users finds scorers' accounts.
type Users interface {
	UserByID(ctx context.Context, viewer *auth.User, id int64) (*auth.User, error)
}

// Hubs tells which hub holds each organization's money (the custody
// ledger): the hub a conflicted scorer may work for.
type Hubs interface {
	HubsOf(ctx context.Context, orgIDs []int64) (map[int64]int64, error)
}

// Geo is what the room needs of the hierarchy.
type Geo interface {
	Exists(ctx context.Context, code string) (bool, error)
	Names(ctx context.Context, codes []string) (map[string]string, error)
	Children(ctx context.Context, code string) ([]geo.Node, error)
}

// Evidence gives, for an evidence key, a value per organization for a
// year (a count, a 0/1 fact, a score): what an automatic leaf of an
// indicator tree reads. Providers are registered by name with
// RegisterEvidence; the room registers its own (activities, appraisal,
// grade, party_form, party_contacts) and other rooms add theirs (the
// governance room's charter_adopted and reports_on_time).
type Evidence interface {
	Values(ctx context.Context, key string, orgIDs []int64, year int) (map[int64]float64, error)
}

// EvidenceFunc adapts a function to Evidence.
type EvidenceFunc func(ctx context.Context, orgIDs []int64, year int) (map[int64]float64, error)

// Values calls f.
func (f EvidenceFunc) Values(ctx context.Context, _ string, orgIDs []int64, year int) (map[int64]float64, error) {
	return f(ctx, orgIDs, year)
}

// Service is the room's rules over its tables.
type Service struct {
	DB    *db.DB
	Orgs  Registry
	Users Users
	Hubs  Hubs
	Geo   Geo
	Now   func() time.Time

	mu       sync.RWMutex
	evidence map[string]Evidence
	moved    orgroll.Retries // party forms run again: an organization moved meanwhile
}

func (s *Service) now() time.Time { return clock.Now(s.Now) }

func id(n int64) string { return strconv.FormatInt(n, 10) }

func record(ctx context.Context, tx *sql.Tx, now time.Time, u *auth.User, action, objType string, objID int64, scope string, detail any) error {
	return audit.Record(ctx, tx, now, u.Actor(), audit.Entry{Action: action, ObjectType: objType, ObjectID: id(objID),
		ScopeCode: scope, Detail: detail})
}

// RegisterEvidence makes an evidence key available to indicator trees.
func (s *Service) RegisterEvidence(key string, e Evidence) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.initEvidence()
	s.evidence[key] = e
}

func (s *Service) initEvidence() {
	if s.evidence != nil {
		return
	}
	s.evidence = map[string]Evidence{
		"activities": EvidenceFunc(func(ctx context.Context, ids []int64, year int) (map[int64]float64, error) {
			y := strconv.Itoa(year)
			hosted, err := activity.HostedBy(ctx, s.DB.Read, ids, y+"-01-01", y+"-12-31")
			if err != nil {
				return nil, err
			}
			out := make(map[int64]float64, len(hosted))
			for id, h := range hosted {
				out[id] = float64(h.Activities)
			}
			return out, nil
		}),
		"appraisal": EvidenceFunc(func(ctx context.Context, ids []int64, year int) (map[int64]float64, error) {
			return appraisalScores(ctx, s.DB.Read, ids, year)
		}),
		"grade": EvidenceFunc(func(ctx context.Context, ids []int64, year int) (map[int64]float64, error) {
			gs, err := gradesOf(ctx, s.DB.Read, ids)
			if err != nil {
				return nil, err
			}
			by := map[int64][]Grade{}
			for _, g := range gs {
				by[g.OrgID] = append(by[g.OrgID], g)
			}
			out := map[int64]float64{}
			for id, list := range by {
				out[id] = float64(gradeRank(gradeOn(list, strconv.Itoa(year)+"-12-31")))
			}
			return out, nil
		}),
		"party_form": EvidenceFunc(func(ctx context.Context, ids []int64, year int) (map[int64]float64, error) {
			evs, err := formEvents(ctx, s.DB.Read, s.Orgs, ids)
			if err != nil {
				return nil, err
			}
			out := map[int64]float64{}
			for id, list := range evs {
				switch formOn(list, strconv.Itoa(year)+"-12-31").Form {
				case FormIndependent, FormJoint:
					out[id] = 1
				case FormInstructor:
					out[id] = 0.5
				}
			}
			return out, nil
		}),
		"party_contacts": EvidenceFunc(func(ctx context.Context, ids []int64, year int) (map[int64]float64, error) {
			y := strconv.Itoa(year)
			return countContacts(ctx, s.DB.Read, ids, y+"-01-01", y+"-12-31")
		}),
	}
}

// EvidenceKeys lists the registered evidence keys.
func (s *Service) EvidenceKeys() []string {
	s.mu.Lock()
	s.initEvidence()
	keys := make([]string, 0, len(s.evidence))
	for k := range s.evidence {
		keys = append(keys, k)
	}
	s.mu.Unlock()
	slices.Sort(keys)
	return keys
}

func (s *Service) evidenceOf(key string) Evidence {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.initEvidence()
	return s.evidence[key]
}

func (s *Service) known(key string) bool { return s.evidenceOf(key) != nil }

// org reads an organization the user sees; any other is not found.
func (s *Service) org(ctx context.Context, u *auth.User, orgID int64) (*registry.Org, error) {
	o, err := s.Orgs.Lookup(ctx, orgID)
	if errs.Is(err, errs.NotFound) || (err == nil && !sees(u, o.ID, o.CommunityCode)) {
		return nil, errs.Missing()
	}
	return o, err
}

// grades

// AwardGrade records a grade (planGrade decides).
func (s *Service) AwardGrade(ctx context.Context, u *auth.User, orgID int64, in GradeInput) (*Grade, error) {
	o, err := s.org(ctx, u, orgID)
	if err != nil {
		return nil, err
	}
	now := s.now()
	if err := planGrade(u, o, &in, clock.Day(now)); err != nil {
		return nil, err
	}
	g := &Grade{OrgID: o.ID, GradeInput: in, OrgName: o.Name, CreatedAt: now}
	err = s.DB.Tx(ctx, func(tx *sql.Tx) error {
		if g.ID, err = insertGrade(ctx, tx, now, o.ID, o.CommunityCode, in, u.ID); err != nil {
			return err
		}
		return record(ctx, tx, now, u, "evaluation.grade_award", "org", o.ID, o.CommunityCode, in)
	})
	if err != nil {
		return nil, err
	}
	g.Valid = g.AwardedOn <= clock.Day(now) && clock.Day(now) < g.ValidUntil
	return g, nil
}

// Grades lists an organization's grades, newest first, each marked valid
// when it counts today.
func (s *Service) Grades(ctx context.Context, u *auth.User, orgID int64) ([]Grade, error) {
	if _, err := s.org(ctx, u, orgID); err != nil {
		return nil, err
	}
	gs, err := gradesOf(ctx, s.DB.Read, []int64{orgID})
	if err != nil {
		return nil, err
	}
	day := clock.Day(s.now())
	cur := gradeOn(gs, day)
	out := make([]Grade, 0, len(gs))
	for i := len(gs) - 1; i >= 0; i-- {
		g := gs[i]
		g.Valid = cur != "" && g.Grade == cur && g.AwardedOn <= day && day < g.ValidUntil
		out = append(out, g)
	}
	return out, nil
}

// GradeOf is the grade of an organization that counts on a day
// (YYYY-MM-DD), "" if none: what call eligibility (funding's min_grade)
// reads at the application date.
func (s *Service) GradeOf(ctx context.Context, orgID int64, on string) (string, error) {
	gs, err := gradesOf(ctx, s.DB.Read, []int64{orgID})
	if err != nil {
		return "", err
	}
	return gradeOn(gs, on), nil
}

// CurrentGrade is the grade that counts today and its last valid day
// (the organization page).
func (s *Service) CurrentGrade(ctx context.Context, orgID int64) (grade, validUntil string, err error) {
	gs, err := gradesOf(ctx, s.DB.Read, []int64{orgID})
	if err != nil {
		return "", "", err
	}
	day := clock.Day(s.now())
	g := gradeOn(gs, day)
	for _, x := range gs {
		if x.Grade == g && x.AwardedOn <= day && day < x.ValidUntil {
			validUntil = x.ValidUntil
		}
	}
	return g, validUntil, nil
}

// GradesIn lists the grades valid on a day in a place.
func (s *Service) GradesIn(ctx context.Context, u *auth.User, place, day string) ([]Grade, error) {
	scope, err := u.Within(place)
	if err != nil {
		return nil, err
	}
	if u.OwnOrgOnly() {
		return nil, errs.E(errs.Forbidden, "err.forbidden")
	}
	if day == "" {
		day = clock.Day(s.now())
	}
	if !effective.Valid(day) {
		return nil, errs.Field("on", "err.bad_date")
	}
	gs, err := gradesIn(ctx, s.DB.Read, scope, day, 1000)
	for i := range gs {
		gs[i].Valid = true
	}
	return gs, err
}

// party building

// PartyState is an organization's form today and its timeline.
type PartyState struct {
	OrgID   int64       `json:"org_id"`
	Form    FormEvent   `json:"form"`
	History []FormEvent `json:"history"`
}

// SetForm records an organization's party organization form from a date.
// The registry's party organization fields take the same change through
// the registry's own write path, in the same transaction.
func (s *Service) SetForm(ctx context.Context, u *auth.User, in FormInput) (*PartyState, error) {
	o, err := s.org(ctx, u, in.OrgID)
	if err != nil {
		return nil, err
	}
	now := s.now()
	if err := planForm(u, o, &in, clock.Day(now)); err != nil {
		return nil, err
	}
	// the registry's Update joins this transaction: an organization moved
	// meanwhile (orgroll.ErrMoved) runs it all again
	err = s.moved.Run(ctx, func() error {
		return s.DB.InTx(ctx, func(ctx context.Context, tx *sql.Tx) error {
			party, instructor := registryParty(in)
			if o.PartyOrg != party || o.PartyInstructor != instructor {
				ri := registry.InputOf(o)
				ri.PartyOrg, ri.PartyInstructor, ri.EffectiveOn, ri.LateReason = party, instructor, in.EffectiveOn, in.LateReason
				if _, err := s.Orgs.Update(ctx, u, o.ID, ri); err != nil {
					return err
				}
			}
			fid, err := insertForm(ctx, tx, now, in, u.ID)
			if err != nil {
				return err
			}
			return record(ctx, tx, now, u, "evaluation.party_form", "party_form", fid, o.CommunityCode, in)
		})
	})
	if err != nil {
		return nil, err
	}
	return s.Party(ctx, u, o.ID)
}

// Party is an organization's form today and its timeline.
func (s *Service) Party(ctx context.Context, u *auth.User, orgID int64) (*PartyState, error) {
	if _, err := s.org(ctx, u, orgID); err != nil {
		return nil, err
	}
	evs, err := formEvents(ctx, s.DB.Read, s.Orgs, []int64{orgID})
	if err != nil {
		return nil, err
	}
	list := evs[orgID]
	st := &PartyState{OrgID: orgID, Form: formOn(list, clock.Day(s.now())), History: make([]FormEvent, 0, len(list))}
	for i := len(list) - 1; i >= 0; i-- {
		st.History = append(st.History, list[i])
	}
	sort.SliceStable(st.History, func(i, j int) bool { return st.History[i].EffectiveOn > st.History[j].EffectiveOn })
	return st, nil
}

// AddContact records a contact between the community party organization
// and an organization.
func (s *Service) AddContact(ctx context.Context, u *auth.User, in ContactInput) (*Contact, error) {
	o, err := s.org(ctx, u, in.OrgID)
	if err != nil {
		return nil, err
	}
	now := s.now()
	if err := planContact(u, o, &in, clock.Day(now)); err != nil {
		return nil, err
	}
	c := &Contact{ContactInput: in, OrgName: o.Name, Community: o.CommunityCode, CreatedAt: now}
	err = s.DB.Tx(ctx, func(tx *sql.Tx) error {
		if c.ID, err = insertContact(ctx, tx, now, in, o.CommunityCode, u.ID); err != nil {
			return err
		}
		return record(ctx, tx, now, u, "evaluation.party_contact", "party_contact", c.ID, o.CommunityCode, in)
	})
	if err != nil {
		return nil, err
	}
	return c, nil
}

// Contacts lists the contacts of a place (or one organization), newest first.
func (s *Service) Contacts(ctx context.Context, u *auth.User, place string, orgID int64) ([]Contact, error) {
	if u.OwnOrgOnly() {
		if orgID != 0 && orgID != u.OrgID {
			return nil, errs.Missing()
		}
		o, err := s.org(ctx, u, u.OrgID)
		if err != nil {
			return nil, err
		}
		return listContacts(ctx, s.DB.Read, o.CommunityCode, o.ID, 500)
	}
	scope, err := u.Within(place)
	if err != nil {
		return nil, err
	}
	if orgID != 0 {
		if _, err := s.org(ctx, u, orgID); err != nil {
			return nil, err
		}
	}
	return listContacts(ctx, s.DB.Read, scope, orgID, 500)
}

// PartyCoverage is a place's party building on a day and by child unit.
type PartyCoverage struct {
	On       string     `json:"on"`
	Total    Coverage   `json:"total"`
	Children []Coverage `json:"children"`
}

// Coverage is party building on a day in a place (the user's scope by
// default): of the organizations active that day, those with a party
// organization or an instructor, and those contacted in the quarter up to
// the day (92 days), by child unit.
func (s *Service) Coverage(ctx context.Context, u *auth.User, place, day string) (*PartyCoverage, error) {
	if !readsCoverage(u) {
		return nil, errs.E(errs.Forbidden, "err.forbidden")
	}
	scope, err := u.Within(place)
	if err != nil {
		return nil, err
	}
	now := s.now()
	if day == "" {
		day = clock.Day(now)
	}
	t, perr := clock.Parse(time.DateOnly, day)
	if perr != nil {
		return nil, errs.Field("on", "err.bad_date")
	}
	rows, err := s.Orgs.StatusesOn(ctx, scope, t.AddDate(0, 0, 1).UTC(), day >= clock.Day(now))
	if err != nil {
		return nil, err
	}
	var active []int64
	for _, r := range rows {
		if r.Status == registry.StatusActive {
			active = append(active, r.ID)
		}
	}
	evs, err := formEvents(ctx, s.DB.Read, s.Orgs, active)
	if err != nil {
		return nil, err
	}
	contacts, err := countContacts(ctx, s.DB.Read, active, quarterStart(day), day)
	if err != nil {
		return nil, err
	}
	childLen := map[int]int{2: 4, 4: 6, 6: 9, 9: 12}[len(scope)]
	out := &PartyCoverage{On: day, Total: Coverage{Code: scope}, Children: []Coverage{}}
	by := map[string]*Coverage{}
	var order []string
	for _, r := range rows {
		if r.Status != registry.StatusActive {
			continue
		}
		var c *Coverage
		if childLen > 0 && len(r.Community) >= childLen {
			code := r.Community[:childLen]
			if c = by[code]; c == nil {
				c = &Coverage{Code: code}
				by[code] = c
				order = append(order, code)
			}
		}
		cov, con := covered(formOn(evs[r.ID], day).Form), contacts[r.ID] > 0
		for _, x := range []*Coverage{&out.Total, c} {
			if x == nil {
				continue
			}
			x.Active++
			if cov {
				x.Covered++
			}
			if con {
				x.Contacted++
			}
		}
	}
	slices.Sort(order)
	names, err := s.Geo.Names(ctx, append(order, scope))
	if err != nil {
		return nil, err
	}
	out.Total.Name = names[scope]
	shares(&out.Total)
	for _, code := range order {
		c := by[code]
		c.Name = names[code]
		shares(c)
		out.Children = append(out.Children, *c)
	}
	return out, nil
}

func shares(c *Coverage) {
	if c.Active > 0 {
		c.Share = round4(float64(c.Covered) / float64(c.Active))
		c.Contact = round4(float64(c.Contacted) / float64(c.Active))
	}
}

func round4(x float64) float64 { return float64(int64(x*10000+0.5)) / 10000 }

// appraisals

// Appraise records a year's appraisal of an organization, once.
func (s *Service) Appraise(ctx context.Context, u *auth.User, in AppraisalInput) (*Appraisal, error) {
	o, err := s.org(ctx, u, in.OrgID)
	if err != nil {
		return nil, err
	}
	now := s.now()
	a, err := planAppraisal(u, o, &in, clock.Day(now))
	if err != nil {
		return nil, err
	}
	a.CreatedAt = now
	err = s.DB.Tx(ctx, func(tx *sql.Tx) error {
		if err := insertAppraisal(ctx, tx, now, a, o.CommunityCode, u.ID); err != nil {
			if s.DB.Dialect.IsUniqueViolation(err) {
				return errs.FieldConflict("year", "eval.err.appraised", in.Year)
			}
			return err
		}
		return record(ctx, tx, now, u, "evaluation.appraise", "appraisal", a.ID, o.CommunityCode,
			map[string]any{"input": in, "score": a.Score, "band": a.Band})
	})
	if err != nil {
		return nil, err
	}
	return a, nil
}

// Appraisals lists the appraisals of a place (a year, or every year); a
// leader sees their own organization's.
func (s *Service) Appraisals(ctx context.Context, u *auth.User, place string, year int) ([]Appraisal, error) {
	if u.OwnOrgOnly() {
		o, err := s.org(ctx, u, u.OrgID)
		if err != nil {
			return nil, err
		}
		return listAppraisals(ctx, s.DB.Read, o.CommunityCode, []int64{o.ID}, year, 100)
	}
	scope, err := u.Within(place)
	if err != nil {
		return nil, err
	}
	return listAppraisals(ctx, s.DB.Read, scope, nil, year, 1000)
}

// AppraisalBandOf is the band of the organization's latest appraisal
// entered on or before a day, "" if none (call eligibility's
// min_appraisal_band).
func (s *Service) AppraisalBandOf(ctx context.Context, orgID int64, on string) (string, error) {
	return latestBand(ctx, s.DB.Read, orgID, on)
}

// trees

// SaveTree builds a tree: a new one (without nodes: the default tree), or
// a new version of the tree it is based on.
func (s *Service) SaveTree(ctx context.Context, u *auth.User, in TreeInput) (*Tree, error) {
	t := &Tree{UnitCode: in.UnitCode, Name: in.Name}
	if in.BasedOn != 0 {
		base, err := s.Tree(ctx, u, in.BasedOn)
		if err != nil {
			return nil, err
		}
		t.UnitCode, t.Name, in.UnitCode, in.Name = base.UnitCode, base.Name, base.UnitCode, base.Name
		if in.Nodes == nil {
			in.Nodes = base.Nodes
		}
	}
	t.UnitCode = treeUnit(u, t.UnitCode)
	in.UnitCode = t.UnitCode
	if !buildsTrees(u, in.UnitCode) {
		if u.InScope(in.UnitCode) || in.UnitCode == "" {
			return nil, errs.E(errs.Forbidden, "err.forbidden")
		}
		return nil, errs.Field("unit_code", "eval.err.unit")
	}
	if in.Nodes == nil {
		in.Nodes = DefaultTree(s.known)
	}
	if err := validateTree(&in, s.known).Err(); err != nil {
		return nil, err
	}
	t.Name, t.Nodes = in.Name, in.Nodes
	now := s.now()
	err := s.DB.Tx(ctx, func(tx *sql.Tx) error {
		v, err := nextVersion(ctx, tx, t.UnitCode, t.Name)
		if err != nil {
			return err
		}
		t.Version = v
		if err := insertTree(ctx, tx, now, t, u.ID); err != nil {
			return err
		}
		return record(ctx, tx, now, u, "evaluation.tree_create", "eval_tree", t.ID, t.UnitCode,
			map[string]any{"name": t.Name, "version": t.Version, "based_on": in.BasedOn, "nodes": t.Nodes})
	})
	if err != nil {
		return nil, err
	}
	return t, nil
}

// EditTree changes a version in place, refused once a round has used it
// (frozen: changes make a new version).
func (s *Service) EditTree(ctx context.Context, u *auth.User, treeID int64, nodes []Node) (*Tree, error) {
	if !treeBuilder(u) {
		return nil, errs.E(errs.Forbidden, "err.forbidden")
	}
	t, err := s.Tree(ctx, u, treeID)
	if err != nil {
		return nil, err
	}
	if !buildsTrees(u, t.UnitCode) {
		return nil, errs.E(errs.Forbidden, "err.forbidden")
	}
	in := TreeInput{UnitCode: t.UnitCode, Name: t.Name, Nodes: nodes}
	if err := validateTree(&in, s.known).Err(); err != nil {
		return nil, err
	}
	now := s.now()
	err = s.DB.Tx(ctx, func(tx *sql.Tx) error {
		cur, err := getTree(ctx, tx, treeID, s.DB.Dialect.ForUpdate())
		if err != nil {
			return err
		}
		if cur.Frozen {
			return errs.E(errs.Conflict, "eval.err.tree_frozen")
		}
		if err := updateTreeNodes(ctx, tx, now, treeID, in.Nodes); err != nil {
			return err
		}
		return record(ctx, tx, now, u, "evaluation.tree_edit", "eval_tree", treeID, t.UnitCode,
			map[string]any{"before": cur.Nodes, "after": in.Nodes})
	})
	if err != nil {
		return nil, err
	}
	return getTree(ctx, s.DB.Read, treeID, "")
}

// Tree reads a tree version the user sees.
func (s *Service) Tree(ctx context.Context, u *auth.User, treeID int64) (*Tree, error) {
	t, err := getTree(ctx, s.DB.Read, treeID, "")
	return errs.Seen(t, err, func(t *Tree) bool { return seesUnit(u, t.UnitCode) })
}

// Trees lists the trees of the user's scope and above.
func (s *Service) Trees(ctx context.Context, u *auth.User) ([]Tree, error) {
	if u.OwnOrgOnly() {
		return []Tree{}, nil
	}
	return listTrees(ctx, s.DB.Read, u.ScopeCode)
}

// rounds

// CreateRound opens a round over a set of active organizations of the
// round's unit with a tree version (frozen from then on), assigns the
// scorers (one with a tie to an organization of the round is refused, by
// the project review's rule) and fills in the automatic leaves.
func (s *Service) CreateRound(ctx context.Context, u *auth.User, in RoundInput) (*Round, error) {
	t, err := s.Tree(ctx, u, in.TreeID)
	if errs.Is(err, errs.NotFound) {
		return nil, errs.Field("tree_id", "err.not_found")
	}
	if err != nil {
		return nil, err
	}
	if in.UnitCode == "" {
		in.UnitCode = roundUnit(u, t.UnitCode)
	}
	if !buildsTrees(u, in.UnitCode) || len(in.UnitCode) < len(t.UnitCode) || in.UnitCode[:len(t.UnitCode)] != t.UnitCode {
		return nil, errs.E(errs.Forbidden, "err.forbidden")
	}
	now := s.now()
	f := validateRound(&in, clock.Year(now))
	for _, oid := range in.OrgIDs {
		o, err := s.Orgs.Lookup(ctx, oid)
		if err != nil && !errs.Is(err, errs.NotFound) {
			return nil, err
		}
		if err != nil || !u.InScope(o.CommunityCode) || len(o.CommunityCode) < len(in.UnitCode) ||
			o.CommunityCode[:len(in.UnitCode)] != in.UnitCode || o.Status != registry.StatusActive {
			f.Add("org_ids", "eval.err.org", oid)
		}
	}
	hubs := map[int64]int64{}
	if s.Hubs != nil && len(in.OrgIDs) > 0 {
		if hubs, err = s.Hubs.HubsOf(ctx, in.OrgIDs); err != nil {
			return nil, err
		}
	}
	for _, uid := range in.Scorers {
		sc, err := s.Users.UserByID(ctx, nil, uid)
		if errs.Is(err, errs.NotFound) || (err == nil && sc.Disabled) {
			f.Add("scorers", "eval.err.scorer_unknown", uid)
			continue
		}
		if err != nil {
			return nil, err
		}
		for _, oid := range in.OrgIDs {
			if conflictedScorer(sc, oid, hubs[oid]) {
				f.Add("scorers", "eval.err.scorer_conflict", sc.Username, oid)
				break
			}
		}
	}
	if err := f.Err(); err != nil {
		return nil, err
	}
	auto, raw, err := s.fill(ctx, t.Nodes, in.OrgIDs, in.Year)
	if err != nil {
		return nil, err
	}
	r := &Round{TreeID: t.ID, UnitCode: in.UnitCode, Name: in.Name, Year: in.Year, OrgIDs: in.OrgIDs, Scorers: in.Scorers}
	err = s.DB.Tx(ctx, func(tx *sql.Tx) error {
		if err := insertRound(ctx, tx, now, r, u.ID); err != nil {
			return err
		}
		if err := freezeTree(ctx, tx, t.ID); err != nil {
			return err
		}
		for _, oid := range in.OrgIDs {
			if err := putScores(ctx, tx, now, r.ID, oid, 0, auto[oid], raw[oid]); err != nil {
				return err
			}
		}
		return record(ctx, tx, now, u, "evaluation.round_create", "eval_round", r.ID, r.UnitCode, in)
	})
	if err != nil {
		return nil, err
	}
	return r, nil
}

// fill reads every automatic leaf's evidence for the organizations.
func (s *Service) fill(ctx context.Context, nodes []Node, orgIDs []int64, year int) (map[int64]map[string]float64, map[int64]map[string]string, error) {
	auto := map[int64]map[string]float64{}
	raw := map[int64]map[string]string{}
	for _, oid := range orgIDs {
		auto[oid], raw[oid] = map[string]float64{}, map[string]string{}
	}
	for _, l := range Leaves(nodes) {
		if l.Evidence == "" {
			continue
		}
		e := s.evidenceOf(l.Evidence)
		if e == nil {
			return nil, nil, fmt.Errorf("evaluation: evidence %q not registered", l.Evidence)
		}
		vals, err := e.Values(ctx, l.Evidence, orgIDs, year)
		if err != nil {
			return nil, nil, err
		}
		for _, oid := range orgIDs {
			auto[oid][l.Key] = autoScore(l.Node, vals[oid])
			raw[oid][l.Key] = strconv.FormatFloat(vals[oid], 'f', -1, 64)
		}
	}
	return auto, raw, nil
}

// roundFor reads a round the user sees: officers of its unit and above,
// its scorers, and, once published, the leaders of its organizations.
func (s *Service) roundFor(ctx context.Context, u *auth.User, roundID int64) (*Round, error) {
	r, err := getRound(ctx, s.DB.Read, roundID)
	return errs.Seen(r, err, func(r *Round) bool { return seesRound(u, r) })
}

// Round reads a round.
func (s *Service) Round(ctx context.Context, u *auth.User, roundID int64) (*Round, error) {
	return s.roundFor(ctx, u, roundID)
}

// Rounds lists the rounds the user sees.
func (s *Service) Rounds(ctx context.Context, u *auth.User) ([]Round, error) {
	if u.OwnOrgOnly() {
		rs, err := listRounds(ctx, s.DB.Read, "", u.OrgID, 0)
		if err != nil {
			return nil, err
		}
		out := []Round{}
		for _, r := range rs {
			if r.PublishedOn != "" {
				out = append(out, r)
			}
		}
		return out, nil
	}
	return listRounds(ctx, s.DB.Read, u.ScopeCode, 0, u.ID)
}

// Score records a scorer's scores of an organization's manual leaves;
// refused after publication, for a leaf outside its scale, and for a
// scorer not assigned or tied to the organization.
func (s *Service) Score(ctx context.Context, u *auth.User, roundID int64, in ScoreInput) (*Result, error) {
	r, err := s.roundFor(ctx, u, roundID)
	if err != nil {
		return nil, err
	}
	if !scorerOf(u, r) {
		return nil, errs.E(errs.Forbidden, "eval.err.not_scorer")
	}
	if r.PublishedOn != "" {
		return nil, errs.E(errs.Conflict, "eval.err.published")
	}
	if !slices.Contains(r.OrgIDs, in.OrgID) {
		return nil, errs.Field("org_id", "eval.err.org", in.OrgID)
	}
	t, err := getTree(ctx, s.DB.Read, r.TreeID, "")
	if err != nil {
		return nil, err
	}
	if s.Hubs != nil {
		hubs, err := s.Hubs.HubsOf(ctx, []int64{in.OrgID})
		if err != nil {
			return nil, err
		}
		if conflictedScorer(u, in.OrgID, hubs[in.OrgID]) {
			return nil, errs.E(errs.Forbidden, "eval.err.conflicted")
		}
	}
	if err := validateScores(t.Nodes, in.Scores).Err(); err != nil {
		return nil, err
	}
	now := s.now()
	err = s.DB.Tx(ctx, func(tx *sql.Tx) error {
		if err := putScores(ctx, tx, now, r.ID, in.OrgID, u.ID, in.Scores, nil); err != nil {
			return err
		}
		return record(ctx, tx, now, u, "evaluation.score", "eval_round", r.ID, r.UnitCode, in)
	})
	if err != nil {
		return nil, err
	}
	cs, err := cells(ctx, s.DB.Read, r.ID, in.OrgID)
	if err != nil {
		return nil, err
	}
	names, err := s.Orgs.OrgNames(ctx, []int64{in.OrgID})
	if err != nil {
		return nil, err
	}
	res := results(t.Nodes, []int64{in.OrgID}, names, cs)[0]
	res.Rank = 0 // a rank is the round's, in its results
	return &res, nil
}

// Publish publishes a round's results to its organizations; no score
// changes after.
func (s *Service) Publish(ctx context.Context, u *auth.User, roundID int64) (*Round, error) {
	r, err := s.roundFor(ctx, u, roundID)
	if err != nil {
		return nil, err
	}
	if !buildsTrees(u, r.UnitCode) {
		return nil, errs.E(errs.Forbidden, "err.forbidden")
	}
	if r.PublishedOn != "" {
		return nil, errs.E(errs.Conflict, "eval.err.published")
	}
	now := s.now()
	r.PublishedOn = clock.Day(now)
	err = s.DB.Tx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `UPDATE eval_rounds SET published_on = $1 WHERE id = $2 AND published_on = ''`, r.PublishedOn, r.ID); err != nil {
			return err
		}
		return record(ctx, tx, now, u, "evaluation.publish", "eval_round", r.ID, r.UnitCode, map[string]any{"published_on": r.PublishedOn})
	})
	return r, err
}

// Results ranks a round's organizations; a leader sees their own row of a
// published round.
func (s *Service) Results(ctx context.Context, u *auth.User, roundID int64) ([]Result, error) {
	r, err := s.roundFor(ctx, u, roundID)
	if err != nil {
		return nil, err
	}
	t, err := getTree(ctx, s.DB.Read, r.TreeID, "")
	if err != nil {
		return nil, err
	}
	res, err := s.results(ctx, r, t)
	if err != nil {
		return nil, err
	}
	if u.OwnOrgOnly() {
		out := []Result{}
		for _, x := range res {
			if x.OrgID == u.OrgID {
				out = append(out, x)
			}
		}
		return out, nil
	}
	return res, nil
}

func (s *Service) results(ctx context.Context, r *Round, t *Tree) ([]Result, error) {
	cs, err := cells(ctx, s.DB.Read, r.ID, 0)
	if err != nil {
		return nil, err
	}
	names, err := s.Orgs.OrgNames(ctx, r.OrgIDs)
	if err != nil {
		return nil, err
	}
	return results(t.Nodes, r.OrgIDs, names, cs), nil
}
