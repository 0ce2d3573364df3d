// Package governance is the organizations' own governance (C18–C19, first
// half): simple charters (简易章程) built from the model text and the
// registry record, checked for their mandatory clauses, adopted at a
// meeting and kept version by version; elections and the officers' terms;
// major decisions (重大事项); and the work reports each organization owes
// its community's 两委 on the cycle the committee sets.
package governance

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"sort"
	"strconv"
	"time"

	"linli/internal/activity"
	"linli/internal/ledger"
	"linli/internal/platform/audit"
	"linli/internal/platform/auth"
	"linli/internal/platform/clock"
	"linli/internal/platform/db"
	"linli/internal/platform/errs"
	"linli/internal/platform/i18n"
	"linli/internal/registry"
)

// Orgs is what the room needs from the registry.
type Orgs interface {
	Get(ctx context.Context, u *auth.User, id int64) (*registry.Org, error)
	Lookup(ctx context.Context, id int64) (*registry.Org, error)
	// the registry's named reads: organizations by id, and those of some
	// communities
	OrgLines(ctx context.Context, ids []int64) ([]registry.OrgLine, error)
	OrgsIn(ctx context.Context, communities []string) ([]registry.OrgLine, error)
}

// Geo names divisions.
type Geo interface {
	Names(ctx context.Context, codes []string) (map[string]string, error)
}

// Money reads an organization's money held in custody over a period.
type Money interface {
	Disclose(ctx context.Context, orgID int64, per ledger.Period) (*ledger.Disclosure, error)
}

// Service is the room's rules over its tables.
type Service struct {
	DB    *db.DB
	Orgs  Orgs
	Geo   Geo
	Money Money // nil: no money figures
	Now   func() time.Time
}

func (s *Service) now() time.Time { return clock.Now(s.Now) }
func (s *Service) today() string  { return Day(s.Now()) }

// org reads an organization the user sees.
func (s *Service) org(ctx context.Context, u *auth.User, id int64) (*registry.Org, error) {
	o, err := s.Orgs.Get(ctx, u, id)
	if errs.Is(err, errs.NotFound) {
		return nil, errs.Missing()
	}
	return o, err
}

// managed reads an organization the user may record governance for.
func (s *Service) managed(ctx context.Context, u *auth.User, id int64) (*registry.Org, error) {
	o, err := s.org(ctx, u, id)
	if err != nil {
		return nil, err
	}
	if !CanEdit(u) {
		return nil, errs.E(errs.Forbidden, "err.forbidden")
	}
	return o, nil
}

// Charter is the charter as the editor shows it: the working text (the
// newest version, or the model text before any is saved) and its check.
type Charter struct {
	OrgID          int64      `json:"org_id"`
	OrgName        string     `json:"org_name"`
	Version        int        `json:"version"`
	Status         string     `json:"status"`
	Chapters       []Chapter  `json:"chapters"`
	MeetingOn      string     `json:"meeting_on,omitempty"`
	Present        int        `json:"present,omitempty"`
	For            int        `json:"for,omitempty"`
	Against        int        `json:"against,omitempty"`
	Abstain        int        `json:"abstain,omitempty"`
	AdoptedVersion int        `json:"adopted_version"`
	Complete       bool       `json:"complete"`
	Missing        []string   `json:"missing"`
	Versions       []*Version `json:"versions"`
}

// Check is the answer of the mandatory-clause check.
type Check struct {
	Complete bool     `json:"complete"`
	Missing  []string `json:"missing"`
}

// record resolves what the model text reads from the registry.
func (s *Service) record(ctx context.Context, o *registry.Org) (Record, error) {
	names, err := s.Geo.Names(ctx, []string{o.CommunityCode, o.StreetCode, o.DistrictCode})
	if err != nil {
		return Record{}, err
	}
	r := Record{Name: o.Name, Community: names[o.CommunityCode], Street: names[o.StreetCode], District: names[o.DistrictCode],
		Address: o.Address}
	switch o.PartyOrg {
	case registry.PartyIndependent:
		r.PartyOrg = "本会党组织和" + r.Community + "党组织"
	case registry.PartyJoint:
		r.PartyOrg = "所在联合党组织和" + r.Community + "党组织"
	default:
		r.PartyOrg = r.Community + "党组织"
	}
	if o.PartyInstructor != "" {
		r.PartyOrg += "及党建指导员" + o.PartyInstructor
	}
	for _, t := range o.Types {
		r.Types = append(r.Types, registry.Messages["type."+t][i18n.ZH])
	}
	for _, g := range o.TargetGroups {
		r.Groups = append(r.Groups, registry.Messages["group."+g][i18n.ZH])
	}
	return r, nil
}

// Charter reads an organization's charter: version 0 is the working text,
// another number that version.
func (s *Service) Charter(ctx context.Context, u *auth.User, orgID int64, version int) (*Charter, error) {
	o, err := s.org(ctx, u, orgID)
	if err != nil {
		return nil, err
	}
	return s.charter(ctx, o, version)
}

func (s *Service) charter(ctx context.Context, o *registry.Org, version int) (*Charter, error) {
	vs, err := versions(ctx, s.DB.Read, o.ID)
	if err != nil {
		return nil, err
	}
	c := &Charter{OrgID: o.ID, OrgName: o.Name, Versions: []*Version{}}
	var shown *Version
	for _, v := range vs {
		if v.Status == CharterAdopted {
			c.AdoptedVersion = v.Version
		}
		if (version == 0 && shown == nil) || v.Version == version {
			shown = v
		}
		info := *v
		info.Chapters = nil
		c.Versions = append(c.Versions, &info)
	}
	switch {
	case shown != nil:
		c.Version, c.Status, c.Chapters = shown.Version, shown.Status, shown.Chapters
		c.MeetingOn, c.Present, c.For, c.Against, c.Abstain = shown.MeetingOn, shown.Present, shown.For, shown.Against, shown.Abstain
	case version != 0:
		return nil, errs.Missing()
	default:
		r, err := s.record(ctx, o)
		if err != nil {
			return nil, err
		}
		c.Status, c.Chapters = CharterModel, ModelCharter(r)
	}
	c.Missing = MissingClauses(c.Chapters)
	c.Complete = len(c.Missing) == 0
	return c, nil
}

// CheckCharter checks the working text's mandatory clauses.
func (s *Service) CheckCharter(ctx context.Context, u *auth.User, orgID int64) (*Check, error) {
	c, err := s.Charter(ctx, u, orgID, 0)
	if err != nil {
		return nil, err
	}
	return &Check{Complete: c.Complete, Missing: c.Missing}, nil
}

// SaveCharter writes the working text: the draft is changed, or, when the
// newest version is adopted, a new draft version (an amendment) begins.
func (s *Service) SaveCharter(ctx context.Context, u *auth.User, orgID int64, chs []Chapter) (*Charter, error) {
	o, err := s.managed(ctx, u, orgID)
	if err != nil {
		return nil, err
	}
	if err := CheckChapters(chs); err != nil {
		return nil, err
	}
	now := s.now()
	err = s.DB.Tx(ctx, func(tx *sql.Tx) error {
		v, err := latestVersion(ctx, tx, s.DB.Dialect, o.ID)
		if err != nil {
			return err
		}
		version := 1
		if v != nil && v.Status == CharterDraft {
			version = v.Version
			err = updateDraft(ctx, tx, now, v.ID, chs)
		} else {
			if v != nil {
				version = v.Version + 1
			}
			err = insertVersion(ctx, tx, now, o.ID, version, chs, u.ID)
		}
		if err != nil {
			return err
		}
		return audit.Record(ctx, tx, now, u.Actor(), audit.Entry{Action: "charter.save", ObjectType: "org",
			ObjectID: strconv.FormatInt(o.ID, 10), ScopeCode: o.CommunityCode,
			Detail: map[string]any{"version": version, "missing": MissingClauses(chs)}})
	})
	if err != nil {
		return nil, err
	}
	return s.charter(ctx, o, 0)
}

// MissingError is a refused adoption while mandatory clauses are missing.
type MissingError struct {
	Err     *errs.Error
	Missing []string
}

func (e *MissingError) Error() string { return e.Err.Error() }
func (e *MissingError) Unwrap() error { return e.Err }

// Adopt records the meeting that adopts the working draft; the charter in
// force before it is kept as superseded.
func (s *Service) Adopt(ctx context.Context, u *auth.User, orgID int64, vote Vote) (*Charter, error) {
	o, err := s.managed(ctx, u, orgID)
	if err != nil {
		return nil, err
	}
	now := s.now()
	var version int
	err = s.DB.Tx(ctx, func(tx *sql.Tx) error {
		v, err := latestVersion(ctx, tx, s.DB.Dialect, o.ID)
		if err != nil {
			return err
		}
		var chs []Chapter
		if v != nil {
			chs = v.Chapters
		} else {
			r, err := s.record(ctx, o)
			if err != nil {
				return err
			}
			chs = ModelCharter(r)
		}
		missing, err := CheckAdoption(vote, o.Members, s.today(), chs)
		if len(missing) > 0 {
			e, _ := errs.As(err)
			return &MissingError{Err: e, Missing: missing}
		}
		if err != nil {
			return err
		}
		if v == nil || v.Status != CharterDraft {
			return errs.E(errs.Conflict, "gov.err.no_draft")
		}
		version = v.Version
		if err := adoptVersion(ctx, tx, now, v, vote, u.ID); err != nil {
			return err
		}
		return audit.Record(ctx, tx, now, u.Actor(), audit.Entry{Action: "charter.adopt", ObjectType: "org",
			ObjectID: strconv.FormatInt(o.ID, 10), ScopeCode: o.CommunityCode,
			Detail: map[string]any{"version": version, "vote": vote}})
	})
	if err != nil {
		return nil, err
	}
	return s.charter(ctx, o, version)
}

// Board is an organization's elections and the officers in office.
type Board struct {
	OrgID      int64       `json:"org_id"`
	Officers   []Officer   `json:"officers"`
	TermEndsOn string      `json:"term_ends_on,omitempty"`
	Overdue    bool        `json:"overdue"`
	Elections  []*Election `json:"items"`
}

// Officer is a person in office.
type Officer struct {
	Name       string `json:"name"`
	Post       string `json:"post"`
	Since      string `json:"since"`
	TermEndsOn string `json:"term_ends_on"`
}

func (s *Service) board(ctx context.Context, orgID int64) (*Board, error) {
	es, err := elections(ctx, s.DB.Read, orgID)
	if err != nil {
		return nil, err
	}
	b := &Board{OrgID: orgID, Officers: []Officer{}, Elections: es}
	if len(es) > 0 {
		e := es[0]
		b.TermEndsOn, b.Overdue = e.TermEndsOn, e.TermEndsOn < s.today()
		for _, c := range e.Candidates {
			if c.Elected {
				b.Officers = append(b.Officers, Officer{Name: c.Name, Post: c.Post, Since: e.HeldOn, TermEndsOn: e.TermEndsOn})
			}
		}
		sort.SliceStable(b.Officers, func(i, j int) bool { return postRank(b.Officers[i].Post) < postRank(b.Officers[j].Post) })
	}
	return b, nil
}

func postRank(p string) int {
	for i, x := range Posts {
		if x == p {
			return i
		}
	}
	return len(Posts)
}

// Elections reads an organization's board.
func (s *Service) Elections(ctx context.Context, u *auth.User, orgID int64) (*Board, error) {
	if _, err := s.org(ctx, u, orgID); err != nil {
		return nil, err
	}
	return s.board(ctx, orgID)
}

// Elect records an election; its elected candidates take office.
func (s *Service) Elect(ctx context.Context, u *auth.User, orgID int64, in ElectionInput) (*Board, error) {
	o, err := s.managed(ctx, u, orgID)
	if err != nil {
		return nil, err
	}
	if err := CheckElection(in, o.Members, s.today()); err != nil {
		return nil, err
	}
	now := s.now()
	err = s.DB.Tx(ctx, func(tx *sql.Tx) error {
		id, err := insertElection(ctx, tx, now, o.ID, o.CommunityCode, in, u.ID)
		if err != nil {
			return err
		}
		return audit.Record(ctx, tx, now, u.Actor(), audit.Entry{Action: "election.record", ObjectType: "election",
			ObjectID: strconv.FormatInt(id, 10), ScopeCode: o.CommunityCode, Detail: in})
	})
	if err != nil {
		return nil, err
	}
	return s.board(ctx, o.ID)
}

// OverdueTerms lists the organizations in the user's scope whose officers'
// term ended without an election.
func (s *Service) OverdueTerms(ctx context.Context, u *auth.User) ([]OverdueTerm, error) {
	if u.OwnOrgOnly() {
		if u.OrgID == 0 {
			return []OverdueTerm{}, nil
		}
		return overdueTerms(ctx, s.DB.Read, s.Orgs, "", u.OrgID, s.today(), 1)
	}
	if u.ScopeCode == "" {
		return []OverdueTerm{}, nil
	}
	return overdueTerms(ctx, s.DB.Read, s.Orgs, u.ScopeCode, 0, s.today(), 500)
}

// Decisions lists an organization's major decisions.
func (s *Service) Decisions(ctx context.Context, u *auth.User, orgID int64) ([]Decision, error) {
	if _, err := s.org(ctx, u, orgID); err != nil {
		return nil, err
	}
	return decisions(ctx, s.DB.Read, orgID)
}

// Decide records a major decision taken at a meeting with a quorum.
func (s *Service) Decide(ctx context.Context, u *auth.User, orgID int64, in DecisionInput) (*Decision, error) {
	o, err := s.managed(ctx, u, orgID)
	if err != nil {
		return nil, err
	}
	passed, err := CheckDecision(&in, s.today())
	if err != nil {
		return nil, err
	}
	now := s.now()
	var id int64
	err = s.DB.Tx(ctx, func(tx *sql.Tx) error {
		id, err = insertDecision(ctx, tx, now, o.ID, in, passed, u.ID)
		if err != nil {
			return err
		}
		return audit.Record(ctx, tx, now, u.Actor(), audit.Entry{Action: "decision.record", ObjectType: "decision",
			ObjectID: strconv.FormatInt(id, 10), ScopeCode: o.CommunityCode, Detail: map[string]any{"input": in, "passed": passed}})
	})
	if err != nil {
		return nil, err
	}
	return &Decision{ID: id, OrgID: o.ID, Passed: passed, DecisionInput: in}, nil
}

// Cycles lists the reporting cycles in the user's scope.
func (s *Service) Cycles(ctx context.Context, u *auth.User) ([]Cycle, error) {
	if u.OwnOrgOnly() || u.ScopeCode == "" {
		if u.OrgID == 0 {
			return []Cycle{}, nil
		}
		o, err := s.org(ctx, u, u.OrgID)
		if err != nil {
			return []Cycle{}, nil
		}
		c, err := cycleOf(ctx, s.DB.Read, o.CommunityCode)
		if err != nil || c == nil {
			return []Cycle{}, err
		}
		return []Cycle{*c}, nil
	}
	return cycles(ctx, s.DB.Read, u.ScopeCode)
}

// SetCycle sets a community's reporting cycle: its committee, or an
// officer above it.
func (s *Service) SetCycle(ctx context.Context, u *auth.User, c Cycle) (*Cycle, error) {
	f := errs.Fields{}
	if len(c.CommunityCode) != 12 {
		f.Add("community_code", "err.scope_level")
	}
	f.OneOf("cycle", c.Cycle, Cycles, "err.unknown_value")
	if c.EffectiveOn == "" {
		c.EffectiveOn = s.today()
	}
	checkDay(f, "effective_on", c.EffectiveOn, s.today())
	if err := f.Err(); err != nil {
		return nil, err
	}
	if !overseesReports(u) {
		return nil, errs.E(errs.Forbidden, "err.forbidden")
	}
	if !u.InScope(c.CommunityCode) {
		return nil, errs.Field("community_code", "err.outside_scope")
	}
	now := s.now()
	err := s.DB.Tx(ctx, func(tx *sql.Tx) error {
		if err := upsertCycle(ctx, tx, now, c, u.ID); err != nil {
			if s.DB.Dialect.IsForeignKeyViolation(err) {
				return errs.Field("community_code", "err.unknown_division")
			}
			return err
		}
		return audit.Record(ctx, tx, now, u.Actor(), audit.Entry{Action: "report_cycle.set", ObjectType: "division",
			ObjectID: c.CommunityCode, ScopeCode: c.CommunityCode, Detail: c})
	})
	if err != nil {
		return nil, err
	}
	return &c, nil
}

// FiguresFor reads what linli's records say of an organization in a
// period: its activities and the money held for it in custody.
func (s *Service) FiguresFor(ctx context.Context, orgID int64, from, to string) (Figures, error) {
	hosted, err := activity.HostedBy(ctx, s.DB.Q(ctx), []int64{orgID}, from, to)
	if err != nil {
		return Figures{}, fmt.Errorf("governance: activity figures: %w", err)
	}
	h := hosted[orgID]
	f := Figures{Activities: int(h.Activities), Participants: int(h.Participants), Beneficiaries: int(h.Beneficiaries),
		VolunteerMinutes: int(h.VolunteerMinutes)}
	if s.Money == nil {
		return f, err
	}
	d, err := s.Money.Disclose(ctx, orgID, ledger.Period{From: from, To: to})
	if errs.Is(err, errs.NotFound) {
		return f, nil // no custody account
	}
	if err != nil {
		return f, err
	}
	f.IncomeFen, f.ExpenseFen = int64(d.Income), int64(d.Expense)
	return f, nil
}

// Submit files a work report for a period under the community's cycle, or
// resubmits one the committee returned; the figures are read anew.
func (s *Service) Submit(ctx context.Context, u *auth.User, in ReportInput) (*Report, error) {
	o, err := s.org(ctx, u, in.OrgID)
	if errs.Is(err, errs.NotFound) {
		return nil, errs.Field("org_id", "err.not_found")
	}
	if err != nil {
		return nil, err
	}
	if !CanEdit(u) {
		return nil, errs.E(errs.Forbidden, "err.forbidden")
	}
	c, err := cycleOf(ctx, s.DB.Read, o.CommunityCode)
	if err != nil {
		return nil, err
	}
	cyc := ""
	if c != nil {
		cyc = c.Cycle
	}
	today := s.today()
	p, err := CheckReport(in, cyc, today)
	if err != nil {
		return nil, err
	}
	fig, err := s.FiguresFor(ctx, o.ID, p.Start, p.End)
	if err != nil {
		return nil, err
	}
	now := s.now()
	var id int64
	err = s.DB.Tx(ctx, func(tx *sql.Tx) error {
		old, err := reportFor(ctx, tx, o.ID, p.Key, s.DB.Dialect.ForUpdate())
		if err != nil {
			return err
		}
		action := "work_report.submit"
		switch {
		case old == nil:
			id, err = insertReport(ctx, tx, now, orgPlace{o.ID, o.CommunityCode, o.StreetCode, o.DistrictCode}, p, fig, in.Body, today, u.ID)
		case old.Status == ReportReturned:
			id, action = old.ID, "work_report.resubmit"
			err = resubmitReport(ctx, tx, now, id, fig, in.Body, today, u.ID)
		default:
			return errs.FieldConflict("period", "gov.err.already_submitted")
		}
		if err != nil {
			return err
		}
		return audit.Record(ctx, tx, now, u.Actor(), audit.Entry{Action: action, ObjectType: "work_report",
			ObjectID: strconv.FormatInt(id, 10), ScopeCode: o.CommunityCode, Detail: map[string]any{"period": p.Key, "figures": fig}})
	})
	if err != nil {
		return nil, err
	}
	return getReport(ctx, s.DB.Read, id, "")
}

// Due is a report an organization owes and has not submitted.
type Due struct {
	OrgID   int64  `json:"org_id"`
	OrgName string `json:"org_name"`
	Period
	Overdue bool `json:"overdue"`
}

// ReportList is the work reports the user sees for a year, and those owed.
type ReportList struct {
	Year     int       `json:"year"`
	Items    []*Report `json:"items"`
	Missing  []Due     `json:"missing"`
	Late     int       `json:"late"`
	Overdue  int       `json:"overdue"`
	Awaiting int       `json:"awaiting"`
}

// Reports lists a year's work reports in the user's scope (a leader: their
// organization's) and the reports owed but not submitted.
func (s *Service) Reports(ctx context.Context, u *auth.User, year int, status string) (*ReportList, error) {
	today := s.today()
	if year == 0 {
		year, _ = strconv.Atoi(today[:4])
	}
	if year < 2000 || year > 2100 {
		return nil, errs.Field("year", "err.bad_number")
	}
	if status != "" && !slices.Contains([]string{ReportSubmitted, ReportReturned, ReportReceived}, status) {
		return nil, errs.Field("status", "err.unknown_value")
	}
	f := ReportFilter{Year: year, Status: status}
	var orgIDs []int64
	switch {
	case u.OwnOrgOnly():
		if u.OrgID == 0 {
			return &ReportList{Year: year, Items: []*Report{}, Missing: []Due{}}, nil
		}
		f.OrgID, orgIDs = u.OrgID, []int64{u.OrgID}
	case u.ScopeCode != "":
		f.Scope = u.ScopeCode
	default:
		return &ReportList{Year: year, Items: []*Report{}, Missing: []Due{}}, nil
	}
	items, err := listReports(ctx, s.DB.Read, f, 1000)
	if err != nil {
		return nil, err
	}
	l := &ReportList{Year: year, Items: items, Missing: []Due{}}
	for _, r := range items {
		r.CanReview = reviews(u, r)
		if r.Late {
			l.Late++
		}
		if r.Status == ReportSubmitted {
			l.Awaiting++
		}
	}
	l.Missing, err = s.missing(ctx, f.Scope, orgIDs, year, today)
	if err != nil {
		return nil, err
	}
	for _, d := range l.Missing {
		if d.Overdue {
			l.Overdue++
		}
	}
	return l, nil
}

// duePeriods are DuePeriods by cycle, each worked out once for the many
// organizations that share a cycle (the community is no part of the key).
type duePeriods map[Cycle][]Period

func (m duePeriods) of(c Cycle, year int, today string) []Period {
	k := Cycle{Cycle: c.Cycle, EffectiveOn: c.EffectiveOn}
	ps, ok := m[k]
	if !ok {
		ps = DuePeriods(k.Cycle, k.EffectiveOn, year, today)
		m[k] = ps
	}
	return ps
}

// missing lists the reports owed in a year and not submitted.
func (s *Service) missing(ctx context.Context, scope string, orgIDs []int64, year int, today string) ([]Due, error) {
	orgs, err := owingOrgs(ctx, s.DB.Read, s.Orgs, scope, orgIDs)
	if err != nil {
		return nil, err
	}
	sub, err := submitted(ctx, s.DB.Read, scope, orgIDs, year)
	if err != nil {
		return nil, err
	}
	out := []Due{}
	memo := duePeriods{}
	for _, o := range orgs {
		for _, p := range memo.of(o.Cycle, year, today) {
			if _, ok := sub[o.ID][p.Key]; ok {
				continue
			}
			out = append(out, Due{OrgID: o.ID, OrgName: o.Name, Period: p, Overdue: p.DueOn < today})
			if len(out) >= 1000 {
				return out, nil
			}
		}
	}
	return out, nil
}

// Owed lists the periods of this year an organization may submit a report
// for now: those owed and not submitted, and those returned (the report
// forms' choices).
func (s *Service) Owed(ctx context.Context, u *auth.User, orgID int64) ([]Period, error) {
	o, err := s.org(ctx, u, orgID)
	if err != nil {
		return nil, err
	}
	today := s.today()
	year, _ := strconv.Atoi(today[:4])
	due, err := s.missing(ctx, "", []int64{o.ID}, year, today)
	if err != nil {
		return nil, err
	}
	out := make([]Period, 0, len(due))
	for _, d := range due {
		out = append(out, d.Period)
	}
	back, err := listReports(ctx, s.DB.Read, ReportFilter{OrgID: o.ID, Year: year, Status: ReportReturned}, 1000)
	if err != nil {
		return nil, err
	}
	for _, r := range back {
		out = append(out, Period{Key: r.Period, DueOn: r.DueOn})
	}
	return out, nil
}

// Review receives a submitted report or returns it asking for more.
func (s *Service) Review(ctx context.Context, u *auth.User, id int64, decision, comment string) (*Report, error) {
	r, err := getReport(ctx, s.DB.Read, id, "")
	if err != nil {
		return nil, err
	}
	if !seesReport(u, r) {
		return nil, errs.Missing()
	}
	if !overseesReports(u) {
		return nil, errs.E(errs.Forbidden, "err.forbidden")
	}
	now := s.now()
	err = s.DB.Tx(ctx, func(tx *sql.Tx) error {
		cur, err := getReport(ctx, tx, id, s.DB.Dialect.ForUpdate())
		if err != nil {
			return err
		}
		if err := CheckReview(cur.Status, decision, comment); err != nil {
			return err
		}
		if ownSubmission(u, cur) {
			return &errs.Error{Code: errs.Invalid, Message: errs.M("gov.err.own_report"),
				Fields: map[string]errs.Msg{"decision": errs.M("gov.err.own_report")}}
		}
		status := ReportReceived
		if decision == "return" {
			status = ReportReturned
		}
		if err := reviewReport(ctx, tx, now, id, status, comment, u.ID); err != nil {
			return err
		}
		return audit.Record(ctx, tx, now, u.Actor(), audit.Entry{Action: "work_report." + decision, ObjectType: "work_report",
			ObjectID: strconv.FormatInt(id, 10), ScopeCode: cur.CommunityCode, Detail: map[string]any{"comment": comment}})
	})
	if err != nil {
		return nil, err
	}
	return getReport(ctx, s.DB.Read, id, "")
}

// WorkReportCounts is what the home task board shows: for officers the
// reports awaiting review and those overdue in scope this year; for a
// leader the reports owed (or returned) and those overdue.
func (s *Service) WorkReportCounts(ctx context.Context, u *auth.User) (count, overdue int, err error) {
	if !CanEdit(u) { // those who submit reports and those who review them
		return 0, 0, nil
	}
	l, err := s.Reports(ctx, u, 0, "")
	if err != nil {
		return 0, 0, err
	}
	if u.OwnOrgOnly() {
		for _, r := range l.Items {
			if r.Status == ReportReturned {
				count++
			}
		}
		return count + len(l.Missing), l.Overdue, nil
	}
	// the reports this officer may review (not those they submitted
	// themselves, which wait for another), and the overdue
	for _, r := range l.Items {
		if r.CanReview {
			count++
		}
	}
	return count + l.Overdue, l.Overdue, nil
}

// CharterAdopted tells, for each organization, whether a charter adopted
// on or before the day was in force (or has been since).
func (s *Service) CharterAdopted(ctx context.Context, orgIDs []int64, on string) (map[int64]bool, error) {
	out := make(map[int64]bool, len(orgIDs))
	for _, id := range orgIDs {
		out[id] = false
	}
	for len(orgIDs) > 0 {
		n := min(len(orgIDs), 500)
		part := orgIDs[:n]
		orgIDs = orgIDs[n:]
		in, args := db.InList(part, nil)
		day, args := db.Arg(args, on)
		rows, err := s.DB.Read.QueryContext(ctx, `SELECT DISTINCT org_id FROM charters WHERE org_id IN `+in+
			` AND status IN ('adopted', 'superseded') AND meeting_on <= `+day, args...)
		if err != nil {
			return nil, err
		}
		if err := db.Set(rows, out); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// ReportsOnTime tells, for each organization under a reporting cycle, the
// share of the reports of a year already due that were first submitted by
// their due day; organizations that owed none that year are absent.
func (s *Service) ReportsOnTime(ctx context.Context, orgIDs []int64, year int) (map[int64]float64, error) {
	out := map[int64]float64{}
	today := s.today()
	for len(orgIDs) > 0 {
		n := min(len(orgIDs), 500)
		part := orgIDs[:n]
		orgIDs = orgIDs[n:]
		orgs, err := owingOrgs(ctx, s.DB.Read, s.Orgs, "", part)
		if err != nil {
			return nil, err
		}
		sub, err := submitted(ctx, s.DB.Read, "", part, year)
		if err != nil {
			return nil, err
		}
		memo := duePeriods{}
		for _, o := range orgs {
			due, onTime := 0, 0
			for _, p := range memo.of(o.Cycle, year, today) {
				if p.DueOn >= today {
					continue
				}
				due++
				if on, ok := sub[o.ID][p.Key]; ok && on <= p.DueOn {
					onTime++
				}
			}
			if due > 0 {
				out[o.ID] = float64(onTime) / float64(due)
			}
		}
	}
	return out, nil
}

// PublicCharter is the charter in force, for the public portal (no
// sign-in); not found when none has been adopted.
func (s *Service) PublicCharter(ctx context.Context, orgID int64) (*Charter, error) {
	o, err := s.Orgs.Lookup(ctx, orgID)
	if err != nil {
		return nil, errs.Missing()
	}
	c, err := s.charter(ctx, o, 0)
	if err != nil {
		return nil, err
	}
	if c.AdoptedVersion == 0 {
		return nil, errs.Missing()
	}
	if c.Version != c.AdoptedVersion {
		if c, err = s.charter(ctx, o, c.AdoptedVersion); err != nil {
			return nil, err
		}
	}
	c.Versions = nil
	return c, nil
}

// Officers are the officers in office, for the public portal: names and
// posts only.
func (s *Service) Officers(ctx context.Context, orgID int64) ([]Officer, error) {
	b, err := s.board(ctx, orgID)
	if err != nil {
		return nil, err
	}
	return b.Officers, nil
}

// Printable is the charter to print: a stored version, else the one in
// force, else the working text.
func (s *Service) Printable(ctx context.Context, u *auth.User, orgID int64, version int) (*Charter, error) {
	o, err := s.org(ctx, u, orgID)
	if err != nil {
		return nil, err
	}
	c, err := s.charter(ctx, o, version)
	if err != nil || version != 0 || c.AdoptedVersion == 0 || c.Version == c.AdoptedVersion {
		return c, err
	}
	return s.charter(ctx, o, c.AdoptedVersion)
}
