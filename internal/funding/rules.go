package funding

import (
	"cmp"
	"math"
	"regexp"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"linli/internal/platform/auth"
	"linli/internal/platform/errs"
	"linli/internal/platform/upload"
	"linli/internal/registry"
)

// Every decision of the funding room, pure: no context, no SQL, no I/O.

// MaxFen bounds one amount: 100 million yuan (the ledger's bound).
const MaxFen int64 = 100_000_000_00

func validDate(s string) bool {
	t, err := time.Parse(time.DateOnly, s)
	return err == nil && t.Format(time.DateOnly) == s
}

// Call states, from its timetable and today.
const (
	StateUpcoming = "upcoming"
	StateOpen     = "open"
	StateClosed   = "closed"
)

// callState tells whether a call takes applications today.
func callState(c *CallInput, day string) string {
	switch {
	case day < c.OpensOn:
		return StateUpcoming
	case day > c.ClosesOn:
		return StateClosed
	}
	return StateOpen
}

// canOpenCall: a district officer (or the city) opens a call within its
// scope; a street opens only a micro-venture (微创投) within its own.
func canOpenCall(u *auth.User, unitCode, channel string) bool {
	if u == nil || u.ReadOnly() || !u.InScope(unitCode) {
		return false
	}
	switch u.Role {
	case auth.CityAdmin, auth.DistrictOfficer:
		return true
	case auth.StreetOfficer:
		return channel == ChannelMicro
	}
	return false
}

// canOpenSome: who opens calls at all (canOpenCall decides where and
// which): the street and the officers above it.
func canOpenSome(u *auth.User) bool { return u.IsStreetOrAbove() }

// canManageCall: who opened it may change it, assign reviewers, award, pay
// and accept: the same rule on the call as it stands.
func canManageCall(u *auth.User, c *CallInput) bool { return canOpenCall(u, c.UnitCode, c.Channel) }

// canSeeCall: a call is seen inside its unit (by those whose scope lies in
// it, who may apply) and from above (officers whose scope holds it).
func canSeeCall(u *auth.User, c *CallInput) bool {
	return u != nil && u.ScopeCode != "" && u.Overlaps(c.UnitCode)
}

var keyPattern = regexp.MustCompile(`^[a-z][a-z0-9_]{0,31}$`)

func checkFen(n int64, field string, f errs.Fields) {
	switch {
	case n <= 0:
		f.Add(field, "err.amount_positive")
	case n > MaxFen:
		f.Add(field, "err.fund.amount_too_large")
	}
}

func checkDate(s, field string, required bool, f errs.Fields) {
	switch {
	case s == "" && required:
		f.Add(field, "err.required")
	case s != "" && !validDate(s):
		f.Add(field, "err.date_format")
	case s != "" && s < "2000-01-01":
		f.Add(field, "err.date_too_early")
	}
}

// normalizeCall trims a call and fills its defaults.
func normalizeCall(in *CallInput) {
	in.Title, in.Channel, in.UnitCode = strings.TrimSpace(in.Title), strings.TrimSpace(in.Channel), strings.TrimSpace(in.UnitCode)
	in.OpensOn, in.ClosesOn = strings.TrimSpace(in.OpensOn), strings.TrimSpace(in.ClosesOn)
	in.ReviewOn, in.AwardOn = strings.TrimSpace(in.ReviewOn), strings.TrimSpace(in.AwardOn)
	if in.Fields == nil {
		in.Fields = []string{}
	}
	if in.NeedIDs == nil {
		in.NeedIDs = []int64{}
	}
	if len(in.Eligibility.Statuses) == 0 {
		in.Eligibility.Statuses = []string{registry.StatusActive}
	}
	if in.Eligibility.Tiers == nil {
		in.Eligibility.Tiers = []string{}
	}
	if in.Bonus == nil {
		in.Bonus = []Bonus{}
	}
	if in.TieBreaks == nil {
		in.TieBreaks = []string{}
	}
	for i := range in.Criteria {
		in.Criteria[i].Key, in.Criteria[i].Name = strings.TrimSpace(in.Criteria[i].Key), strings.TrimSpace(in.Criteria[i].Name)
	}
}

// validateCall checks a call; unitExists tells whether its unit is a
// division; awarded is what is already awarded (an edited budget may not
// go below it); scored tells whether scores exist (then the form is fixed).
func validateCall(in *CallInput, unitExists bool, awarded int64, scored bool, old *CallInput) errs.Fields {
	normalizeCall(in)
	f := errs.Fields{}
	f.Length("title", in.Title, 1, 200)
	f.OneOf("channel", in.Channel, Channels, "err.choose_one")
	if !unitExists {
		f.Add("unit_code", "err.fund.unit_unknown")
	}
	checkFen(in.BudgetFen, "budget_fen", f)
	if in.BudgetFen < awarded {
		f.Add("budget_fen", "err.fund.budget_below_awards")
	}
	for _, x := range in.Fields {
		f.OneOf("fields", x, Fields, "err.choose_one")
	}
	for _, t := range in.Eligibility.Tiers {
		f.OneOf("eligibility", t, registry.Tiers, "err.choose_one")
	}
	for _, s := range in.Eligibility.Statuses {
		f.OneOf("eligibility", s, registry.Statuses, "err.choose_one")
	}
	if g := in.Eligibility.MinGrade; g != "" && !slices.Contains([]string{"1A", "2A", "3A", "4A", "5A"}, g) {
		f.Add("eligibility", "err.choose_one")
	}
	if b := in.Eligibility.MinAppraisalBand; b != "" && !slices.Contains(appraisalBands, b) {
		f.Add("eligibility", "err.choose_one")
	}
	checkDate(in.OpensOn, "opens_on", true, f)
	checkDate(in.ClosesOn, "closes_on", true, f)
	checkDate(in.ReviewOn, "review_on", false, f)
	checkDate(in.AwardOn, "award_on", false, f)
	if in.OpensOn != "" && in.ClosesOn != "" && in.ClosesOn < in.OpensOn {
		f.Add("closes_on", "err.fund.dates_order")
	}
	if in.ReviewOn != "" && in.ReviewOn < in.ClosesOn {
		f.Add("review_on", "err.fund.dates_order")
	}
	if in.AwardOn != "" && in.AwardOn < max(in.ReviewOn, in.ClosesOn) {
		f.Add("award_on", "err.fund.dates_order")
	}
	if len(in.Criteria) == 0 || len(in.Criteria) > 20 {
		f.Add("criteria", "err.fund.criteria_count")
	}
	seen := map[string]bool{}
	for _, c := range in.Criteria {
		switch {
		case !keyPattern.MatchString(c.Key) || seen[c.Key]:
			f.Add("criteria", "err.fund.criterion_key")
		case c.Name == "" || utf8.RuneCountInString(c.Name) > 100:
			f.Add("criteria", "err.fund.criterion_name")
		case c.Weight <= 0 || c.Weight > 100 || c.Max <= 0 || c.Max > 1000:
			f.Add("criteria", "err.fund.criterion_scale")
		}
		seen[c.Key] = true
	}
	for _, b := range in.Bonus {
		if (b.Rule != RuleParty && b.Rule != RuleWellRun) || b.Points < 0 || b.Points > 20 {
			f.Add("bonus", "err.fund.bonus_rule")
		}
	}
	for _, t := range in.TieBreaks {
		if t != RuleParty && t != RuleWellRun && t != RuleRequestLow {
			f.Add("tie_breaks", "err.choose_one")
		}
	}
	if old != nil && scored && !slices.Equal(old.Criteria, in.Criteria) {
		f.Add("criteria", "err.fund.criteria_fixed")
	}
	if old != nil && old.UnitCode != in.UnitCode {
		f.Add("unit_code", "err.fund.unit_fixed")
	}
	return f
}

// OrgFacts are what eligibility, bonuses and tie-breaks read of an
// applicant organization.
type OrgFacts struct {
	Tier       string
	Status     string
	PartyOrg   string
	HubID      int64 // the hub holding its money, 0 if none
	HasPairing bool
	Grade      string // the grade valid on the application date, "" if none
	Band       string // the latest appraisal band, "" if none
}

// appraisalBands are internal/evaluation's bands, lowest first.
var appraisalBands = []string{"fail", "pass", "good", "excellent"}

// gradeMeets: grades 1A–5A order as text.
func gradeMeets(g, min string) bool { return min == "" || (g != "" && g >= min) }

func bandMeets(b, min string) bool {
	return min == "" || (slices.Contains(appraisalBands, b) && slices.Index(appraisalBands, b) >= slices.Index(appraisalBands, min))
}

func (o OrgFacts) soundParty() bool {
	return o.PartyOrg == registry.PartyIndependent || o.PartyOrg == registry.PartyJoint
}

// wellManaged is the placeholder of 管理规范 until assessments exist: active,
// and registered or with its money held by a hub.
func (o OrgFacts) wellManaged() bool {
	return o.Status == registry.StatusActive && (o.Tier == registry.TierRegistered || o.HubID != 0)
}

// ineligible lists why an organization may not apply to a call (message
// keys with arguments), or nothing.
func ineligible(e Eligibility, o OrgFacts) []errs.Msg {
	var out []errs.Msg
	if len(e.Tiers) > 0 && !slices.Contains(e.Tiers, o.Tier) {
		out = append(out, errs.M("fund.reason.tier"))
	}
	if len(e.Statuses) > 0 && !slices.Contains(e.Statuses, o.Status) {
		out = append(out, errs.M("fund.reason.status"))
	}
	if e.PartyOrgRequired && !o.soundParty() {
		out = append(out, errs.M("fund.reason.party_org"))
	}
	if e.CustodyRequired && o.Tier != registry.TierRegistered && o.HubID == 0 {
		out = append(out, errs.M("fund.reason.custody"))
	}
	if e.PairingRequired && !o.HasPairing {
		out = append(out, errs.M("fund.reason.pairing"))
	}
	if !gradeMeets(o.Grade, e.MinGrade) {
		out = append(out, errs.M("fund.reason.grade", e.MinGrade))
	}
	if !bandMeets(o.Band, e.MinAppraisalBand) {
		out = append(out, errs.M("fund.reason.appraisal"))
	}
	return out
}

// inPlace: an organization applies only to a call whose unit holds it.
func inPlace(c *CallInput, community string) bool { return strings.HasPrefix(community, c.UnitCode) }

// canApply: those who speak for the organization (its leader; a hub's
// staff for the hub itself, whoever keeps the hub's money), or the hub
// holding its money, on its behalf.
func canApply(u *auth.User, orgID, hubID int64) bool {
	return u != nil && !u.ReadOnly() && speaksFor(u, orgID, hubID)
}

// speaksFor: u is the organization's own (its leader, or the staff of the
// hub it is) or the staff of the hub holding its money.
func speaksFor(u *auth.User, orgID, hubID int64) bool {
	return speaksForOrg(u) && u.OrgID != 0 && (u.OrgID == orgID || u.Role == auth.HubStaff && hubID != 0 && u.OrgID == hubID)
}

// speaksForOrg: who acts for one organization, their own: its leader and
// a hub's staff (who also act for the organizations whose money the hub
// holds, appliesForHeld). They apply, report and suballocate for it and
// read its pairings only.
func speaksForOrg(u *auth.User) bool {
	return u.ActsForOrg()
}

// appliesForHeld: a hub's staff apply on behalf of the organizations whose
// money the hub holds (canApply decides for each).
func appliesForHeld(u *auth.User) bool {
	return u != nil && !u.ReadOnly() && u.Role == auth.HubStaff && u.OrgID != 0
}

// applicationsIn: which of a call's applications the viewer reads as a
// list. Its managers and reviewers read all of them (scope ""), officers
// and auditors those in their scope; anyone else (ok false) only those
// canSeeApplication lets them see, one by one.
func applicationsIn(u *auth.User, manages, reviewer bool) (scope string, ok bool) {
	switch {
	case manages || reviewer:
		return "", true
	case u.IsOfficer() || u.Role == auth.Auditor:
		return u.ScopeCode, true
	}
	return "", false
}

// canScore: a reviewer assigned to the call scores as themselves; the
// call's managers enter any reviewer's scores. Whether the reviewer named
// is assigned, and the application open to scores, are checked after.
func canScore(u *auth.User, c *CallInput, reviewerID int64, assigned bool) bool {
	return !u.ReadOnly() && (reviewerID == u.ID && assigned || canManageCall(u, c))
}

// scoreRefusal: why an application takes no scores now (nil: it does):
// it must be submitted, its call closed to applications, and not yet
// awarded.
func scoreRefusal(a *Application, c *Call) error {
	switch {
	case a.Status != AppSubmitted:
		return errs.E(errs.Conflict, "err.fund.not_submitted")
	case c.State != StateClosed:
		return errs.E(errs.Conflict, "err.fund.review_not_open")
	case a.ProjectID != 0:
		return errs.E(errs.Conflict, "err.fund.already_awarded")
	}
	return nil
}

// canSuballocate: the lead organization's own people, or the call's managers.
func canSuballocate(u *auth.User, c *CallInput, leadOrg int64) bool {
	if u == nil || u.ReadOnly() {
		return false
	}
	return speaksForOrg(u) && u.OrgID == leadOrg || canManageCall(u, c)
}

// canSeeApplication: the applicant (and its hub), the officers whose scope
// holds the organization, and the call's reviewers.
func canSeeApplication(u *auth.User, community string, orgID, hubID int64, reviewer bool) bool {
	if u == nil {
		return false
	}
	if speaksForOrg(u) {
		return speaksFor(u, orgID, hubID) || reviewer
	}
	return u.InScope(community) || reviewer
}

// normalizeApplication trims an application.
func normalizeApplication(in *ApplicationInput) {
	in.Title, in.Need, in.TargetGroups = strings.TrimSpace(in.Title), strings.TrimSpace(in.Need), strings.TrimSpace(in.TargetGroups)
	in.Activities, in.Partners = strings.TrimSpace(in.Activities), strings.TrimSpace(in.Partners)
	for i := range in.Budget {
		in.Budget[i].Item = strings.TrimSpace(in.Budget[i].Item)
	}
	if in.Budget == nil {
		in.Budget = []BudgetLine{}
	}
}

// validateApplication checks what an application says; its budget lines
// must add up to the request.
func validateApplication(in *ApplicationInput) errs.Fields {
	normalizeApplication(in)
	f := errs.Fields{}
	if in.OrgID <= 0 {
		f.Add("org_id", "err.required")
	}
	f.Length("title", in.Title, 1, 200)
	f.Length("need", in.Need, 0, 2000)
	f.Length("target_groups", in.TargetGroups, 0, 200)
	f.Length("activities", in.Activities, 0, 4000)
	f.Length("partners", in.Partners, 0, 500)
	if in.Beneficiaries < 0 || in.Beneficiaries > 10_000_000 {
		f.Add("beneficiaries", "err.bad_number")
	}
	checkFen(in.RequestFen, "request_fen", f)
	if len(in.Budget) == 0 || len(in.Budget) > 50 {
		f.Add("budget", "err.fund.budget_lines")
		return f
	}
	var sum int64
	seen := map[string]bool{}
	for _, l := range in.Budget {
		if l.Item == "" || utf8.RuneCountInString(l.Item) > 100 || seen[l.Item] {
			f.Add("budget", "err.fund.budget_item")
		}
		if l.AmountFen <= 0 || l.AmountFen > MaxFen {
			f.Add("budget", "err.amount_positive")
		}
		seen[l.Item] = true
		sum += l.AmountFen
	}
	if sum != in.RequestFen {
		f.Add("budget", "err.fund.budget_sum", sum, in.RequestFen)
	}
	return f
}

// ReviewerFacts are what a conflict of interest reads of a reviewer.
type ReviewerFacts struct {
	UserID   int64
	OrgID    int64 // the organization the account belongs to (leader or hub staff)
	Declared bool  // a conflict declared for this application
}

// conflicted: a reviewer may not score an application of their own
// organization, of an organization whose money their hub holds, or one
// they declared a conflict for.
func conflicted(r ReviewerFacts, appOrgID, appHubID int64) bool {
	switch {
	case r.Declared:
		return true
	case r.OrgID != 0 && r.OrgID == appOrgID:
		return true
	case r.OrgID != 0 && appHubID != 0 && r.OrgID == appHubID:
		return true
	}
	return false
}

// Conflicted is the conflict rule for other rooms' scorers (the
// evaluation system's rounds): conflicted, with no declared conflict.
func Conflicted(r ReviewerFacts, orgID, hubID int64) bool { return conflicted(r, orgID, hubID) }

// validateScores checks one reviewer's scores against the form: every
// criterion once, within 0..max.
func validateScores(criteria []Criterion, scores map[string]int) errs.Fields {
	f := errs.Fields{}
	for k := range scores {
		if !slices.ContainsFunc(criteria, func(c Criterion) bool { return c.Key == k }) {
			f.Add("scores."+k, "err.fund.criterion_unknown")
		}
	}
	for _, c := range criteria {
		v, ok := scores[c.Key]
		switch {
		case !ok:
			f.Add("scores."+c.Key, "err.required")
		case v < 0 || v > c.Max:
			f.Add("scores."+c.Key, "err.fund.score_range", c.Max)
		}
	}
	return f
}

// ScoreSum is what the reviewers gave one application on one criterion:
// the sum of their scores and how many scored it (every reviewer scores
// every criterion at once).
type ScoreSum struct {
	ApplicationID int64
	Criterion     string
	Total         int64
	Reviewers     int
}

// Entry is an application as the ranking reads it.
type Entry struct {
	ApplicationID int64
	OrgID         int64
	OrgName       string
	Title         string
	RequestFen    int64
	Facts         OrgFacts
}

// rank computes a call's ranking: each reviewer's weighted score of an
// application (Σ weight·score/max over Σ weight, on 100), their mean over
// the reviewers who scored it, plus the call's bonus points, to the
// hundredth; ties go by the call's tie-breaks, then the earlier
// application. Applications nobody scored are not ranked.
func rank(c *CallInput, entries []Entry, sums []ScoreSum) []Ranked {
	weight := map[string]float64{}
	var total float64
	for _, k := range c.Criteria {
		weight[k.Key] = float64(k.Weight) / float64(k.Max)
		total += float64(k.Weight)
	}
	type acc struct {
		sum       float64 // Σ over reviewers and criteria of weight·score/max
		reviewers int
	}
	per := make(map[int64]*acc, len(entries))
	for _, s := range sums {
		w, ok := weight[s.Criterion]
		if !ok {
			continue
		}
		a := per[s.ApplicationID]
		if a == nil {
			a = &acc{}
			per[s.ApplicationID] = a
		}
		a.sum += w * float64(s.Total)
		a.reviewers = max(a.reviewers, s.Reviewers)
	}
	out := make([]Ranked, 0, len(entries))
	facts := make(map[int64]OrgFacts, len(entries))
	for _, e := range entries {
		a := per[e.ApplicationID]
		if a == nil || a.reviewers == 0 || total == 0 {
			continue
		}
		mean := a.sum / total * 100 / float64(a.reviewers)
		var bonus float64
		for _, b := range c.Bonus {
			if meets(b.Rule, e.Facts) {
				bonus += b.Points
			}
		}
		facts[e.ApplicationID] = e.Facts
		out = append(out, Ranked{ApplicationID: e.ApplicationID, OrgID: e.OrgID, OrgName: e.OrgName, Title: e.Title,
			RequestFen: e.RequestFen, Score: round2(mean + bonus), Bonus: bonus, Reviewers: a.reviewers})
	}
	slices.SortFunc(out, func(a, b Ranked) int {
		if d := cmp.Compare(b.Score, a.Score); d != 0 {
			return d
		}
		for _, t := range c.TieBreaks {
			if t == RuleRequestLow {
				if d := cmp.Compare(a.RequestFen, b.RequestFen); d != 0 {
					return d
				}
				continue
			}
			ma, mb := meets(t, facts[a.ApplicationID]), meets(t, facts[b.ApplicationID])
			if ma != mb {
				if ma {
					return -1
				}
				return 1
			}
		}
		return cmp.Compare(a.ApplicationID, b.ApplicationID)
	})
	for i := range out {
		out[i].Rank = i + 1
	}
	return out
}

func meets(rule string, o OrgFacts) bool {
	switch rule {
	case RuleParty:
		return o.soundParty()
	case RuleWellRun:
		return o.wellManaged()
	}
	return false
}

func round2(x float64) float64 { return math.Round(x*100) / 100 }

// AwardPlan is one award as decided, with its place in the ranking.
type AwardPlan struct {
	AwardInput
	Rank      int
	Score     float64
	Departure bool
}

// planAwards checks a set of awards against the call: applications
// submitted to it and not yet awarded, each at most its request, the total
// within the budget (with what is already awarded), and a reason for every
// award that departs from the ranking (an unranked application, or one
// ranked below an application left without an award).
func planAwards(budget, awarded int64, apps map[int64]*Application, already map[int64]bool, ranking []Ranked,
	in []AwardInput) ([]AwardPlan, errs.Fields) {
	f := errs.Fields{}
	if len(in) == 0 {
		f.Add("awards", "err.required")
		return nil, f
	}
	pos := map[int64]Ranked{}
	for _, r := range ranking {
		pos[r.ApplicationID] = r
	}
	chosen := map[int64]bool{}
	sum := awarded
	for _, a := range in {
		app := apps[a.ApplicationID]
		switch {
		case app == nil || app.Status != AppSubmitted:
			f.Add("awards", "err.fund.award_application", a.ApplicationID)
		case already[a.ApplicationID] || chosen[a.ApplicationID]:
			f.Add("awards", "err.fund.award_twice", a.ApplicationID)
		case a.AmountFen <= 0 || a.AmountFen > app.RequestFen:
			f.Add("awards", "err.fund.award_amount", a.ApplicationID)
		}
		chosen[a.ApplicationID] = true
		sum += a.AmountFen
	}
	if sum > budget {
		f.Add("awards", "err.fund.over_budget", sum-budget)
	}
	if len(f) > 0 {
		return nil, f
	}
	// the best rank left without an award
	worstGap := math.MaxInt
	for _, r := range ranking {
		if !chosen[r.ApplicationID] && !already[r.ApplicationID] {
			worstGap = r.Rank
			break
		}
	}
	out := make([]AwardPlan, 0, len(in))
	for _, a := range in {
		a.Reason = strings.TrimSpace(a.Reason)
		r, ranked := pos[a.ApplicationID]
		p := AwardPlan{AwardInput: a, Rank: r.Rank, Score: r.Score, Departure: !ranked || r.Rank > worstGap}
		if p.Departure && a.Reason == "" {
			f.Add("awards", "err.fund.departure_reason", a.ApplicationID)
		}
		f.Length("awards", a.Reason, 0, 500)
		out = append(out, p)
	}
	return out, f
}

// validateTranche checks a payment of an award: within what is left of it.
func validateTranche(in *TrancheInput, award, paid int64, day string) errs.Fields {
	in.PaidOn = strings.TrimSpace(in.PaidOn)
	f := errs.Fields{}
	checkFen(in.AmountFen, "amount_fen", f)
	checkDate(in.PaidOn, "paid_on", true, f)
	if in.PaidOn > day {
		f.Add("paid_on", "err.date_future")
	}
	if in.AmountFen > 0 && paid+in.AmountFen > award {
		f.Add("amount_fen", "err.fund.beyond_award", award-paid)
	}
	return f
}

// incomeSource is the ledger's source of a channel's money.
func incomeSource(channel string) string {
	if channel == ChannelGovernment {
		return "government_purchase"
	}
	return "venture_philanthropy"
}

// canReport: the organization's leader, or its hub, reports on its project.
func canReport(u *auth.User, orgID, hubID int64) bool { return canApply(u, orgID, hubID) }

// validateMilestone checks a milestone added to a project.
func validateMilestone(in *MilestoneInput) errs.Fields {
	in.Kind, in.Title, in.DueOn = strings.TrimSpace(in.Kind), strings.TrimSpace(in.Title), strings.TrimSpace(in.DueOn)
	if in.Kind == "" {
		in.Kind = MilestonePlain
	}
	f := errs.Fields{}
	f.OneOf("kind", in.Kind, []string{MilestonePlain, MilestoneMidterm, MilestoneClosing}, "err.choose_one")
	f.Length("title", in.Title, 1, 200)
	checkDate(in.DueOn, "due_on", true, f)
	return f
}

// validateReport checks a milestone's report.
func validateReport(in *ReportInput, m *Milestone, day string) errs.Fields {
	in.Report, in.ReportedOn = strings.TrimSpace(in.Report), strings.TrimSpace(in.ReportedOn)
	if in.ReportedOn == "" {
		in.ReportedOn = day
	}
	f := errs.Fields{}
	f.Length("report", in.Report, 1, 8000)
	checkDate(in.ReportedOn, "reported_on", true, f)
	if in.ReportedOn > day {
		f.Add("reported_on", "err.date_future")
	}
	if m.AcceptedOn != "" {
		f.Add("report", "err.fund.milestone_accepted")
	}
	return f
}

// defaultMilestones are a project's mid-term and closing reports, due six
// and twelve months after the award.
func defaultMilestones(awardedOn string) []MilestoneInput {
	t, _ := time.Parse(time.DateOnly, awardedOn)
	return []MilestoneInput{
		{Kind: MilestoneMidterm, Title: "中期报告", DueOn: t.AddDate(0, 6, 0).Format(time.DateOnly)},
		{Kind: MilestoneClosing, Title: "结项报告", DueOn: t.AddDate(1, 0, 0).Format(time.DateOnly)},
	}
}

// overdue: due before today and not reported.
func overdue(m *Milestone, day string) bool { return m.ReportedOn == "" && m.DueOn < day }

// canBrand: the district (or the city) designates brand projects and brand
// organizations in its scope.
func canBrand(u *auth.User, community string) bool {
	return u.IsDistrictOrAbove() && u.InScope(community)
}

// validateDesignation checks a brand designation.
func validateDesignation(in *DesignationInput, day string) errs.Fields {
	in.Reason, in.EffectiveOn = strings.TrimSpace(in.Reason), strings.TrimSpace(in.EffectiveOn)
	if in.EffectiveOn == "" {
		in.EffectiveOn = day
	}
	f := errs.Fields{}
	f.Length("reason", in.Reason, 1, 1000)
	checkDate(in.EffectiveOn, "effective_on", true, f)
	return f
}

// canRecordNeed: community committees and the officers above them record
// residents' needs in their scope, each with its community.
func canRecordNeed(u *auth.User, community string) bool {
	if statesOwnNeed(u) {
		return community == u.ScopeCode
	}
	return recordsNeeds(u) && u.InScope(community)
}

// statesOwnNeed: a resident states a need of their own community (whatever
// community the request names).
func statesOwnNeed(u *auth.User) bool { return u != nil && u.Role == auth.Resident }

// recordsNeeds: the officers record needs of communities in their scope;
// one outside it is a mistake in the field, not a refusal.
func recordsNeeds(u *auth.User) bool { return u.IsOfficer() }

// validateNeed checks a need.
func validateNeed(in *Need, communityExists bool, day string) errs.Fields {
	in.Title, in.Field, in.Detail, in.RecordedOn = strings.TrimSpace(in.Title), strings.TrimSpace(in.Field),
		strings.TrimSpace(in.Detail), strings.TrimSpace(in.RecordedOn)
	if in.RecordedOn == "" {
		in.RecordedOn = day
	}
	f := errs.Fields{}
	if len(in.CommunityCode) != 12 || !communityExists {
		f.Add("community_code", "err.fund.community")
	}
	f.Length("title", in.Title, 1, 200)
	if in.Field != "" && !slices.Contains(Fields, in.Field) {
		f.Add("field", "err.choose_one")
	}
	f.Length("detail", in.Detail, 0, 2000)
	checkDate(in.RecordedOn, "recorded_on", true, f)
	return f
}

// canPair: the officers whose scope holds the organization record its
// pairing.
func canPair(u *auth.User, community string) bool {
	return u.OfficerIn(community)
}

// validatePairing checks a pairing: the partner a registered organization.
func validatePairing(in *Pairing, partnerTier string) errs.Fields {
	in.Purpose, in.StartedOn, in.EndedOn = strings.TrimSpace(in.Purpose), strings.TrimSpace(in.StartedOn), strings.TrimSpace(in.EndedOn)
	f := errs.Fields{}
	if in.OrgID == in.PartnerOrgID {
		f.Add("partner_org_id", "err.fund.pair_self")
	}
	if partnerTier != registry.TierRegistered {
		f.Add("partner_org_id", "err.fund.partner_registered")
	}
	f.Length("purpose", in.Purpose, 1, 500)
	checkDate(in.StartedOn, "started_on", true, f)
	checkDate(in.EndedOn, "ended_on", false, f)
	if in.EndedOn != "" && in.EndedOn < in.StartedOn {
		f.Add("ended_on", "err.fund.dates_order")
	}
	return f
}

// MaxAttachment bounds a report's attachment (10 MB).
const MaxAttachment int64 = 10 << 20

// AttachmentTypes are what a report's attachment may be, told by content.
var AttachmentTypes = []string{"image/png", "image/jpeg", "image/gif", "image/webp", "application/pdf"}

// checkLinked: a report links only activities its organization recorded
// (own holds those of ids that are), each once, at most 50.
func checkLinked(ids []int64, own map[int64]bool, f errs.Fields) {
	seen := map[int64]bool{}
	if len(ids) > 50 {
		f.Add("activity_ids", "err.fund.too_many_activities", 50)
	}
	for _, id := range ids {
		if !own[id] || seen[id] {
			f.Add("activity_ids", "err.fund.activity_unknown", id)
			return
		}
		seen[id] = true
	}
}

// checkAttachment checks a report's attachment by its content (no file is
// fine); it returns the content type.
func checkAttachment(file *upload.File, f errs.Fields) string {
	if file == nil {
		return ""
	}
	ct, p := upload.Check(file.Data, MaxAttachment, AttachmentTypes)
	if p != upload.OK {
		m := upload.Msg(p, file.Data, MaxAttachment, AttachmentTypes)
		f.Add("file", m.Key, m.Args...)
	}
	return ct
}
