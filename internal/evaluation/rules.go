package evaluation

import (
	"math"
	"regexp"
	"slices"
	"sort"
	"strings"
	"time"

	"linli/internal/effective"
	"linli/internal/funding"
	"linli/internal/platform/auth"
	"linli/internal/platform/errs"
	"linli/internal/registry"
)

// Pure decisions: no context, no SQL, no I/O.

// addYears moves a day by whole years (29 February → 28 February).
func addYears(day string, n int) string {
	t, err := time.Parse(time.DateOnly, day)
	if err != nil {
		return ""
	}
	y := t.AddDate(n, 0, 0)
	if y.Day() != t.Day() {
		y = y.AddDate(0, 0, -y.Day())
	}
	return y.Format(time.DateOnly)
}

// daysBetween is the number of days from a to b.
func daysBetween(a, b string) int {
	ta, e1 := time.Parse(time.DateOnly, a)
	tb, e2 := time.Parse(time.DateOnly, b)
	if e1 != nil || e2 != nil {
		return 0
	}
	return int(tb.Sub(ta).Hours() / 24)
}

// lateAfterDays: a fact entered more than this many days after it took
// effect is a late entry and needs a reason (as in the registry).
const lateAfterDays = 30

// checkDay: a required date, not in the future.
func checkDay(s, field, day string, f errs.Fields) {
	if s == "" {
		f.Add(field, "err.required")
		return
	}
	effective.Day(f, field, s, day, "err.bad_date", "eval.err.future")
}

// gradeRank is a grade's place (1..5), 0 for none.
func gradeRank(g string) int { return slices.Index(Grades, g) + 1 }

// GradeAtLeast reports whether grade g meets the minimum min.
func GradeAtLeast(g, min string) bool {
	return min == "" || (gradeRank(g) > 0 && gradeRank(g) >= gradeRank(min))
}

// BandAtLeast reports whether band b meets the minimum min.
func BandAtLeast(b, min string) bool {
	return min == "" || (slices.Index(Bands, b) >= 0 && slices.Index(Bands, b) >= slices.Index(Bands, min))
}

// registered: the organization is 依法登记 and not gone or refused.
func registered(o *registry.Org) bool {
	return o.Tier == registry.TierRegistered && (o.Status == registry.StatusActive || o.Status == registry.StatusSuspended)
}

// awardsGrades: a district officer or the city records the grades of the
// organizations of its subtree (the grade page's form shows to them alone).
func awardsGrades(u *auth.User, community string) bool {
	return u.IsDistrictOrAbove() && u.InScope(community)
}

// planGrade checks a grade: for a registered organization, by a district
// officer or the city, awarded on a past day not before the founding,
// valid until a later day that is not already past (default: five years).
func planGrade(u *auth.User, o *registry.Org, in *GradeInput, day string) error {
	if !u.InScope(o.CommunityCode) || !sees(u, o.ID, o.CommunityCode) {
		return errs.Missing()
	}
	if !awardsGrades(u, o.CommunityCode) {
		return errs.E(errs.Forbidden, "err.forbidden")
	}
	in.Grade, in.Evaluator = strings.ToUpper(strings.TrimSpace(in.Grade)), strings.TrimSpace(in.Evaluator)
	in.LateReason = strings.TrimSpace(in.LateReason)
	f := errs.Fields{}
	if !registered(o) {
		f.Add("org_id", "eval.err.not_registered")
	}
	if gradeRank(in.Grade) == 0 {
		f.Add("grade", "err.choose_one")
	}
	f.Length("evaluator", in.Evaluator, 1, 100)
	f.Length("late_reason", in.LateReason, 0, 200)
	checkDay(in.AwardedOn, "awarded_on", day, f)
	if in.AwardedOn != "" && o.FoundedOn != "" && in.AwardedOn < o.FoundedOn {
		f.Add("awarded_on", "eval.err.before_founding")
	}
	if in.ValidUntil == "" && effective.Valid(in.AwardedOn) {
		in.ValidUntil = addYears(in.AwardedOn, 5)
	}
	switch {
	case !effective.Valid(in.ValidUntil):
		f.Add("valid_until", "err.bad_date")
	case in.ValidUntil <= day:
		f.Add("valid_until", "eval.err.validity_past")
	case in.ValidUntil <= in.AwardedOn:
		f.Add("valid_until", "eval.err.validity_order")
	}
	if effective.Valid(in.AwardedOn) && daysBetween(in.AwardedOn, day) > lateAfterDays && in.LateReason == "" {
		f.Add("late_reason", "eval.err.late_reason", lateAfterDays)
	}
	return f.Err()
}

// gradeOn is the grade that counts on a day: the latest awarded on or
// before it and not expired (the expiry day no longer counts).
func gradeOn(gs []Grade, day string) string {
	best := Grade{}
	for _, g := range gs {
		if g.AwardedOn <= day && day < g.ValidUntil && (g.AwardedOn > best.AwardedOn || (g.AwardedOn == best.AwardedOn && g.ID > best.ID)) {
			best = g
		}
	}
	return best.Grade
}

// leads: the account is the organization's own leader, or staff of a hub
// (funding's reviewer rule: the same conflict).
func conflictedScorer(scorer *auth.User, orgID, hubID int64) bool {
	return funding.Conflicted(funding.ReviewerFacts{UserID: scorer.ID, OrgID: scorer.OrgID}, orgID, hubID)
}

// party building

// recordsParty: who records party forms and contacts — the community
// committee (its community party organization), the street and the
// officers above, in their subtree.
func recordsParty(u *auth.User, community string) bool { return u.OfficerIn(community) }

// readsCoverage: a place's party coverage is for the officers and
// auditors; neither a leader nor a hub's staff reads it.
func readsCoverage(u *auth.User) bool { return u != nil && !u.ActsForOrg() }

// sees: officers and auditors in their subtree, a leader their own
// organization, hub staff their street.
func sees(u *auth.User, orgID int64, community string) bool {
	if u == nil {
		return false
	}
	if u.OwnOrgOnly() {
		return u.OrgID == orgID
	}
	return u.InScope(community)
}

func planForm(u *auth.User, o *registry.Org, in *FormInput, day string) error {
	if !sees(u, o.ID, o.CommunityCode) {
		return errs.Missing()
	}
	if !recordsParty(u, o.CommunityCode) {
		return errs.E(errs.Forbidden, "err.forbidden")
	}
	in.LinkName, in.LateReason = strings.TrimSpace(in.LinkName), strings.TrimSpace(in.LateReason)
	if in.EffectiveOn == "" {
		in.EffectiveOn = day
	}
	f := errs.Fields{}
	f.OneOf("form", in.Form, Forms, "err.choose_one")
	if in.Form != FormNone && in.Form != "" && in.LinkName == "" {
		f.Add("link_name", "err.required")
	}
	f.Length("link_name", in.LinkName, 0, 100)
	checkDay(in.EffectiveOn, "effective_on", day, f)
	if in.EffectiveOn != "" && o.FoundedOn != "" && in.EffectiveOn < o.FoundedOn {
		f.Add("effective_on", "eval.err.before_founding")
	}
	if effective.Valid(in.EffectiveOn) && daysBetween(in.EffectiveOn, day) > lateAfterDays && in.LateReason == "" {
		f.Add("late_reason", "eval.err.late_reason", lateAfterDays)
	}
	return f.Err()
}

// registryParty is what the registry's fields say for a form: the party
// organization (independent, joint or none) and the instructor's name.
func registryParty(in FormInput) (partyOrg, instructor string) {
	switch in.Form {
	case FormIndependent, FormJoint:
		return in.Form, ""
	case FormInstructor:
		return registry.PartyNone, in.LinkName
	}
	return registry.PartyNone, ""
}

// formOn is an organization's form on a day, from its two dated sources
// (each in date order): the registry's party organization (its history
// of party_org) when it is independent or joint, else an instructor when
// the latest form recorded here is one, else none.
func formOn(events []FormEvent, day string) FormEvent {
	var party, recorded FormEvent
	for _, e := range events {
		if e.EffectiveOn > day {
			continue
		}
		if e.Source == "registry" {
			party = e
		} else {
			recorded = e
		}
	}
	if party.Form == FormIndependent || party.Form == FormJoint {
		if recorded.Form == party.Form {
			party.LinkName = recorded.LinkName
		}
		return party
	}
	if recorded.Form == FormInstructor {
		return recorded
	}
	return FormEvent{Form: FormNone, EffectiveOn: max(party.EffectiveOn, recorded.EffectiveOn), Source: party.Source}
}

// covered: a party organization or an instructor.
func covered(form string) bool { return form != FormNone && form != "" }

func planContact(u *auth.User, o *registry.Org, in *ContactInput, day string) error {
	if !sees(u, o.ID, o.CommunityCode) {
		return errs.Missing()
	}
	if !recordsParty(u, o.CommunityCode) {
		return errs.E(errs.Forbidden, "err.forbidden")
	}
	in.Topic = strings.TrimSpace(in.Topic)
	f := errs.Fields{}
	f.OneOf("kind", in.Kind, ContactKinds, "err.choose_one")
	f.Length("topic", in.Topic, 1, 200)
	checkDay(in.On, "on", day, f)
	return f.Err()
}

// quarterStart is the first day of the quarter (92 days) ending on day.
func quarterStart(day string) string {
	t, err := time.Parse(time.DateOnly, day)
	if err != nil {
		return day
	}
	return t.AddDate(0, 0, -91).Format(time.DateOnly)
}

// appraisals

// appraises: the community committee, the street and the officers above.
func appraises(u *auth.User, community string) bool { return recordsParty(u, community) }

// planAppraisal checks a year's appraisal and computes its result: the
// members' mean total (each form 0..100), the residents' score from the
// ballots (satisfied 100, basically 60, dissatisfied 0), the result 70% the
// committee's and 30% the residents' (the committee's alone without
// ballots), and its band.
func planAppraisal(u *auth.User, o *registry.Org, in *AppraisalInput, day string) (*Appraisal, error) {
	if !sees(u, o.ID, o.CommunityCode) {
		return nil, errs.Missing()
	}
	if !appraises(u, o.CommunityCode) {
		return nil, errs.E(errs.Forbidden, "err.forbidden")
	}
	if in.AppraisedOn == "" {
		in.AppraisedOn = day
	}
	f := errs.Fields{}
	checkDay(in.AppraisedOn, "appraised_on", day, f)
	if in.Year < 2000 || (effective.Valid(in.AppraisedOn) && in.Year > atoiYear(in.AppraisedOn)) {
		f.Add("year", "eval.err.year")
	}
	if len(in.Forms) == 0 || len(in.Forms) > 50 {
		f.Add("forms", "eval.err.forms")
	}
	var total float64
	for i := range in.Forms {
		in.Forms[i].Member = strings.TrimSpace(in.Forms[i].Member)
		f.Length("forms", in.Forms[i].Member, 1, 50)
		sum := 0
		for k := range in.Forms[i].Scores {
			if !slices.ContainsFunc(AppraisalItems, func(it Item) bool { return it.Key == k }) {
				f.Add("forms", "eval.err.item_unknown", k)
			}
		}
		for _, it := range AppraisalItems {
			v, ok := in.Forms[i].Scores[it.Key]
			if !ok || v < 0 || v > it.Max {
				f.Add("forms", "eval.err.item_range", it.Key, it.Max)
			}
			sum += v
		}
		total += float64(sum)
	}
	for _, c := range []struct {
		n    int
		name string
	}{{in.Satisfied, "satisfied"}, {in.Basically, "basically"}, {in.Dissatisfied, "dissatisfied"}} {
		if c.n < 0 || c.n > 1_000_000 {
			f.Add(c.name, "err.bad_number")
		}
	}
	if err := f.Err(); err != nil {
		return nil, err
	}
	a := &Appraisal{AppraisalInput: *in, OrgName: o.Name}
	a.CommitteeScore = round2(total / float64(len(in.Forms)))
	a.Score = a.CommitteeScore
	if n := in.Satisfied + in.Basically + in.Dissatisfied; n > 0 {
		r := round2(float64(100*in.Satisfied+60*in.Basically) / float64(n))
		a.ResidentScore = &r
		a.Score = round2(0.7*a.CommitteeScore + 0.3*r)
	}
	a.Band = bandOf(a.Score)
	return a, nil
}

func atoiYear(day string) int {
	t, _ := time.Parse(time.DateOnly, day)
	return t.Year()
}

// bandOf: 优秀 ≥ 90, 良好 ≥ 75, 合格 ≥ 60, else 不合格.
func bandOf(score float64) string {
	switch {
	case score >= 90:
		return "excellent"
	case score >= 75:
		return "good"
	case score >= 60:
		return "pass"
	}
	return "fail"
}

func round2(x float64) float64 { return math.Round(x*100) / 100 }

// trees

var keyPattern = regexp.MustCompile(`^[a-z][a-z0-9_]{0,39}$`)

// treeBuilder: the roles that build trees and run rounds, a district
// officer and the city (where, buildsTrees).
func treeBuilder(u *auth.User) bool { return u.IsDistrictOrAbove() }

// buildsTrees: a district officer for their district, the city for any.
func buildsTrees(u *auth.User, unit string) bool {
	if !treeBuilder(u) || !u.InScope(unit) {
		return false
	}
	return len(unit) == 6 || (u.Role == auth.CityAdmin && len(unit) == 4)
}

// treeUnit is the unit a new tree is for: the one named, else a district
// officer's own district (the city names its unit).
func treeUnit(u *auth.User, unit string) string {
	if unit == "" && u.Role == auth.DistrictOfficer {
		return u.ScopeCode
	}
	return unit
}

// roundUnit is the unit a round of a tree runs in when none is named: the
// tree's, except that a district officer runs the city's tree in their own
// district.
func roundUnit(u *auth.User, treeUnit string) string {
	if len(treeUnit) < 6 && u.Role == auth.DistrictOfficer {
		return u.ScopeCode
	}
	return treeUnit
}

// seesUnit: a unit in the user's scope or above it (a city's tree is
// every district's to see); a leader sees no tree.
func seesUnit(u *auth.User, unit string) bool {
	if u == nil || u.OwnOrgOnly() {
		return false
	}
	return u.InScope(unit) || (len(unit) < len(u.ScopeCode) && len(unit) >= 4 && u.ScopeCode[:len(unit)] == unit)
}

// seesRound: its scorers; officers of its unit and above (a round's
// organizations lie in its unit: not the streets beside them); and, once
// published, the leaders of its organizations.
func seesRound(u *auth.User, r *Round) bool {
	switch {
	case u == nil:
		return false
	case slices.Contains(r.Scorers, u.ID):
		return true
	case u.OwnOrgOnly():
		return r.PublishedOn != "" && slices.Contains(r.OrgIDs, u.OrgID)
	}
	return u.InScope(r.UnitCode)
}

// scorerOf: the round's assigned scorers score it, unless read-only.
func scorerOf(u *auth.User, r *Round) bool {
	return u != nil && !u.ReadOnly() && slices.Contains(r.Scorers, u.ID)
}

// scoresNow: a scorer of the round while it is not yet published (the
// round page's score form shows to them alone).
func scoresNow(u *auth.User, r *Round) bool { return scorerOf(u, r) && r.PublishedOn == "" }

// validateTree checks a tree: up to four levels, unique keys, positive
// weights, leaves with a scale (0 < max ≤ 100) and a known evidence key.
func validateTree(in *TreeInput, known func(string) bool) errs.Fields {
	f := errs.Fields{}
	in.Name = strings.TrimSpace(in.Name)
	f.Length("name", in.Name, 1, 100)
	if len(in.Nodes) == 0 {
		f.Add("nodes", "err.required")
	}
	seen := map[string]bool{}
	leaves := 0
	var walk func(ns []Node, depth int, path string)
	walk = func(ns []Node, depth int, path string) {
		if depth > 4 {
			f.Add(path, "eval.err.tree_depth")
			return
		}
		for i := range ns {
			n := &ns[i]
			n.Name, n.Guide = strings.TrimSpace(n.Name), strings.TrimSpace(n.Guide)
			p := "nodes." + n.Key
			if !keyPattern.MatchString(n.Key) || seen[n.Key] {
				f.Add("nodes", "eval.err.node_key", n.Key)
				p = path
			}
			seen[n.Key] = true
			f.Length(p, n.Name, 1, 100)
			f.Length(p, n.Guide, 0, 1000)
			if !(n.Weight > 0 && n.Weight <= 1000) {
				f.Add(p, "eval.err.weight")
			}
			if len(n.Children) > 0 {
				if n.Evidence != "" || n.Max != 0 {
					f.Add(p, "eval.err.group_leaf")
				}
				walk(n.Children, depth+1, p)
				continue
			}
			leaves++
			if !(n.Max > 0 && n.Max <= 100) {
				f.Add(p, "eval.err.max")
			}
			if n.Evidence != "" && !known(n.Evidence) {
				f.Add(p, "eval.err.evidence", n.Evidence)
			}
			if n.Full < 0 {
				f.Add(p, "eval.err.full")
			}
			if n.Evidence != "" && n.Full == 0 {
				n.Full = 1
			}
		}
	}
	walk(in.Nodes, 1, "nodes")
	if leaves > 200 {
		f.Add("nodes", "eval.err.too_many_leaves", 200)
	}
	return f
}

// Leaves lists a tree's leaves, each with its share of the total.
func Leaves(nodes []Node) []Leaf {
	var out []Leaf
	walkShares(nodes, func(n Node, _ int, share float64) {
		if len(n.Children) == 0 {
			out = append(out, Leaf{Node: n, Share: share})
		}
	})
	return out
}

// walkShares visits a tree's nodes in order, parents before their
// children, each with its depth and its share of the total: the product of
// its and its ancestors' weights over their siblings'.
func walkShares(nodes []Node, visit func(n Node, depth int, share float64)) {
	var walk func(ns []Node, depth int, share float64)
	walk = func(ns []Node, depth int, share float64) {
		var sum float64
		for _, n := range ns {
			sum += n.Weight
		}
		for _, n := range ns {
			s := share * n.Weight / sum
			visit(n, depth, s)
			walk(n.Children, depth+1, s)
		}
	}
	walk(nodes, 0, 1)
}

// Leaf is a leaf with its share of the total score.
type Leaf struct {
	Node
	Share float64
}

// DefaultTree is the evaluation system of the seed: 党的建设, 规范化程度,
// 作用发挥 (weighted most: the main basis) and 居民评价. known tells which
// evidence keys are registered; a leaf whose evidence is not is scored
// by hand.
func DefaultTree(known func(string) bool) []Node {
	ev := func(key string) string {
		if known(key) {
			return key
		}
		return ""
	}
	full := func(key string, v float64) float64 {
		if known(key) {
			return v
		}
		return 0
	}
	return []Node{
		{Key: "party", Name: "党的建设", Weight: 20, Children: []Node{
			{Key: "party_form", Name: "党组织覆盖", Weight: 60, Max: 10, Evidence: ev("party_form"), Full: full("party_form", 1),
				Guide: "独立或联合党组织满分，党建指导员得一半，未覆盖不得分"},
			{Key: "party_contacts", Name: "与社区党组织联系", Weight: 40, Max: 10, Evidence: ev("party_contacts"), Full: full("party_contacts", 4),
				Guide: "年内联系4次及以上满分，按次数折算"},
		}},
		{Key: "standard", Name: "规范化程度", Weight: 25, Children: []Node{
			{Key: "charter", Name: "章程制定和执行", Weight: 40, Max: 10, Evidence: ev("charter_adopted"), Full: full("charter_adopted", 1),
				Guide: "有经成员大会通过的章程并按章程运作"},
			{Key: "reports", Name: "按时向两委报告工作", Weight: 30, Max: 10, Evidence: ev("reports_on_time"), Full: full("reports_on_time", 1),
				Guide: "按社区设定的周期按时报告"},
			{Key: "grade", Name: "等级评估", Weight: 30, Max: 10, Evidence: ev("grade"), Full: full("grade", 5),
				Guide: "依法登记组织按等级折算（5A满分）；未登记组织按日常管理情况评分"},
		}},
		{Key: "role", Name: "作用发挥", Weight: 40, Children: []Node{
			{Key: "activities", Name: "年内开展活动", Weight: 50, Max: 10, Evidence: ev("activities"), Full: full("activities", 12),
				Guide: "年内开展活动12次及以上满分，按次数折算"},
			{Key: "effect", Name: "服务成效和特色", Weight: 50, Max: 10,
				Guide: "服务对象覆盖、受益人数、品牌特色，由评分人评定"},
		}},
		{Key: "residents", Name: "居民评价", Weight: 15, Children: []Node{
			{Key: "appraisal", Name: "评估评议结果", Weight: 100, Max: 10, Evidence: ev("appraisal"), Full: full("appraisal", 100),
				Guide: "两委和居民评估评议得分折算"},
		}},
	}
}

// rounds

// validateRound checks a round's own fields.
func validateRound(in *RoundInput, thisYear int) errs.Fields {
	f := errs.Fields{}
	in.Name = strings.TrimSpace(in.Name)
	f.Length("name", in.Name, 1, 100)
	if in.Year < 2000 || in.Year > thisYear {
		f.Add("year", "eval.err.year")
	}
	if len(in.OrgIDs) == 0 || len(in.OrgIDs) > 5000 {
		f.Add("org_ids", "eval.err.orgs")
	}
	if len(in.Scorers) > 50 {
		f.Add("scorers", "eval.err.scorers")
	}
	slices.Sort(in.OrgIDs)
	in.OrgIDs = slices.Compact(in.OrgIDs)
	slices.Sort(in.Scorers)
	in.Scorers = slices.Compact(in.Scorers)
	return f
}

// validateScores checks one scorer's scores of one organization: manual
// leaves only, each within 0..max.
func validateScores(nodes []Node, scores map[string]float64) errs.Fields {
	f := errs.Fields{}
	leaves := map[string]Node{}
	for _, l := range Leaves(nodes) {
		leaves[l.Key] = l.Node
	}
	if len(scores) == 0 {
		f.Add("scores", "err.required")
	}
	for k, v := range scores {
		l, ok := leaves[k]
		switch {
		case !ok:
			f.Add("scores."+k, "eval.err.leaf_unknown")
		case l.Evidence != "":
			f.Add("scores."+k, "eval.err.leaf_automatic")
		case math.IsNaN(v) || v < 0 || v > l.Max:
			f.Add("scores."+k, "eval.err.score_range", l.Max)
		}
	}
	return f
}

// autoScore is an automatic leaf's score from its evidence value.
func autoScore(l Node, raw float64) float64 {
	if l.Full <= 0 || raw <= 0 {
		return 0
	}
	return round2(math.Min(raw/l.Full, 1) * l.Max)
}

// Cell is a stored score: a scorer's (0: automatic) score of a leaf.
type Cell struct {
	OrgID  int64
	Leaf   string
	Scorer int64
	Score  float64
}

// results computes a round's results: each leaf's score is the mean of its
// scorers' (or the automatic fill); the total is Σ share·score/max, on
// 100, to the hundredth; ranked by total, ties by organization id. A leaf
// nobody scored counts 0 and leaves the result incomplete.
func results(nodes []Node, orgs []int64, names map[int64]string, cells []Cell) []Result {
	type acc struct {
		sum float64
		n   int
	}
	sums := map[int64]map[string]*acc{}
	for _, c := range cells {
		m := sums[c.OrgID]
		if m == nil {
			m = map[string]*acc{}
			sums[c.OrgID] = m
		}
		a := m[c.Leaf]
		if a == nil {
			a = &acc{}
			m[c.Leaf] = a
		}
		a.sum += c.Score
		a.n++
	}
	leaves := Leaves(nodes)
	out := make([]Result, 0, len(orgs))
	for _, id := range orgs {
		r := Result{OrgID: id, OrgName: names[id], Leaves: map[string]float64{}, Complete: true}
		var total float64
		for _, l := range leaves {
			a := sums[id][l.Key]
			if a == nil || a.n == 0 {
				r.Complete = false
				continue
			}
			v := a.sum / float64(a.n)
			r.Leaves[l.Key] = round2(v)
			total += l.Share * v / l.Max
		}
		r.Score = round2(100 * total)
		out = append(out, r)
	}
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].Score != out[j].Score {
			return out[i].Score > out[j].Score
		}
		return out[i].OrgID < out[j].OrgID
	})
	for i := range out {
		out[i].Rank = i + 1
		if i > 0 && out[i].Score == out[i-1].Score {
			out[i].Rank = out[i-1].Rank
		}
	}
	return out
}
