package kpi

import (
	"context"
	"slices"
	"strconv"
	"strings"
	"time"

	"linli/internal/geo"
	"linli/internal/platform/clock"
	"linli/internal/platform/db"
	"linli/internal/registry"
)

// The one truth: every number and every list behind it is read from the
// same relation, built here, of the records that match a rule's filter on a
// date within some division ranges. Its columns are
//
//	rid    the record's id
//	label  its name
//	ucode  the deepest division code it sits in (a community, a street…)
//	dcode  its district code, scode its street code ('' if none)
//	ryear  the year that places it in a period (text 'YYYY', or NULL)
//
// Counting groups this relation; listing pages through it.

// query builds SQL with numbered placeholders.
type query struct {
	args []any
}

func (q *query) arg(v any) (p string) {
	p, q.args = db.Arg(q.args, v)
	return p
}

func (q *query) in(vals []string) (list string) {
	list, q.args = db.InList(vals, q.args)
	return list
}

// span is the half-open code range [lo, hi) of a division's subtree, with
// the length of the division's code.
type span struct {
	lo, hi string
	n      int
}

func spanOf(code string) span {
	lo, hi := db.PrefixRange(code)
	return span{lo, hi, len(code)}
}

// when is the date an evaluation answers for: what was true at the end of
// that day in China. Current is set when the date is today or later, and the
// records' current columns answer; otherwise their dated history does.
type when struct {
	Day     string    // YYYY-MM-DD
	Cut     time.Time // the next midnight in China, in UTC
	Current bool
	// Known, when set (known_on), keeps only what had been entered by the
	// end of that day: KnownCut is its next midnight in China, in UTC.
	Known    string
	KnownCut time.Time
}

// key identifies the answer a when gives (for the caches).
func (w when) key() string {
	return w.Day + "|" + strconv.FormatBool(w.Current) + "|" + w.Known
}

// whenOf returns the evaluation date for a day, given the present time.
func whenOf(day time.Time, now time.Time) when {
	d := time.Date(day.Year(), day.Month(), day.Day(), 0, 0, 0, 0, clock.China)
	today := clock.Day(now)
	s := d.Format("2006-01-02")
	return when{Day: s, Cut: d.AddDate(0, 0, 1).UTC(), Current: s >= today}
}

// match is one request for matching records.
type match struct {
	Source    string
	Filter    Filter
	Extra     *Filter // narrower still: a record_share numerator
	Spans     []span  // OR of subtrees; never empty
	When      when
	YearField string
	UnitLen   int // unit_share: only records inside a counted unit of this code length
	// IDs, when set, keeps only these organizations (the few a rollup's
	// answer is corrected for: see rollEvaluate).
	IDs []int64
}

// counted is the condition on the relation (as m) that keeps the records
// inside the units a unit_share rule counts (see countedUnit).
func (m *match) counted() string {
	if m.UnitLen == 0 {
		return "1 = 1"
	}
	return geo.CountedCond("m.ucode", m.UnitLen)
}

// rangeCond restricts a code column to the spans.
func rangeCond(q *query, col func(n int) string, spans []span) string {
	var parts []string
	for _, s := range spans {
		c := col(s.n)
		parts = append(parts, c+" >= "+q.arg(s.lo)+" AND "+c+" < "+q.arg(s.hi))
	}
	return "((" + strings.Join(parts, ") OR (") + "))"
}

// relation returns the SQL of the matching records.
func (m *match) relation(q *query) string {
	switch m.Source {
	case SourceOrgs, SourceHubs, SourceGrades, SourceParty:
		return m.orgs(q)
	case SourceBases:
		return m.bases(q)
	case SourcePilots:
		return m.pilots(q)
	case SourcePoints:
		return m.points(q)
	case SourceProjects:
		return m.projects(q)
	case SourceTrainings:
		return m.trainings(q)
	case SourceDrills:
		return m.drills(q)
	case SourceActivities:
		return m.activities(q)
	case SourceSurveys:
		return m.surveyAnswers(q)
	}
	// sources without records: an empty relation of the right shape
	return `SELECT 0 AS rid, '' AS label, '' AS ucode, '' AS dcode, '' AS scode, '' AS ryear, 0 AS late WHERE 1 = 0`
}

func (m *match) orgs(q *query) string {
	col := func(n int) string {
		if n >= 12 {
			return "o.community_code"
		}
		return "o.street_code"
	}
	var cut, known string
	if !m.When.Current {
		cut = q.arg(m.When.Cut)
	}
	if m.When.Known != "" {
		// rows entered by then (entered_at NULL: rows from before effective
		// dates were kept apart, entered when they took effect)
		known = " AND COALESCE(h.entered_at, h.at) < " + q.arg(m.When.KnownCut)
	}
	// where the organization was: today its row; on a past date the
	// community its history says (a move is the field "community": the
	// last move in effect, else the community the first later move left,
	// else the row's), among those in the spans now or moved in or out
	comm := "o.community_code"
	conds := []string{rangeCond(q, col, m.Spans)}
	if !m.When.Current {
		comm = "COALESCE((SELECT h.value FROM org_history h WHERE h.org_id = o.id AND h.field = 'community' AND h.at < " + cut + known +
			" ORDER BY h.at DESC, h.id DESC LIMIT 1), (SELECT NULLIF(h.old_value, '') FROM org_history h WHERE h.org_id = o.id AND h.field = 'community'" +
			" AND NOT (h.at < " + cut + known + ") ORDER BY h.at, h.id LIMIT 1), o.community_code)"
		moved := rangeCond(q, func(int) string { return "v.value" }, m.Spans)
		left := rangeCond(q, func(int) string { return "v.old_value" }, m.Spans)
		conds = []string{"(" + conds[0] + " OR o.id IN (SELECT v.org_id FROM org_history v WHERE v.field = 'community' AND (" + moved + " OR " + left + ")))",
			rangeCond(q, func(n int) string { return comm }, m.Spans)}
	}
	if len(m.IDs) > 0 {
		ids := make([]string, len(m.IDs))
		for i, id := range m.IDs {
			ids[i] = strconv.FormatInt(id, 10)
		}
		conds = append([]string{"o.id IN (" + strings.Join(ids, ", ") + ")"}, conds...)
	}
	// a record is counted by where it is, and by its status
	read := map[string]bool{"status": true, "community": true}
	field := func(name string) string { // the value of a historized field on the date
		read[name] = true
		return "(SELECT h.value FROM org_history h WHERE h.org_id = o.id AND h.field = '" + name +
			"' AND h.at < " + cut + known + " ORDER BY h.at DESC, h.id DESC LIMIT 1)"
	}
	filters := []Filter{m.Filter}
	if m.Extra != nil {
		filters = append(filters, *m.Extra)
	}
	if m.Source == SourceHubs {
		t := true
		filters = append(filters, Filter{Hub: &t})
	}
	if m.Source == SourceGrades {
		filters = append(filters, Filter{Tiers: []string{"registered"}})
		conds = append(conds, m.graded(q))
	}
	status := []string{"active"}
	for _, f := range filters {
		if len(f.Status) > 0 {
			status = f.Status
		}
	}
	for _, f := range filters {
		conds = append(conds, m.orgConds(q, f, field, comm)...)
	}
	// status last: on past dates each condition is a lookup in the history,
	// and the flags, rarer, rule most organizations out first
	if m.When.Current {
		conds = append(conds, "o.status IN "+q.in(status))
	} else {
		conds = append(conds, field("status")+" IN "+q.in(status))
	}
	year := "CAST(o.demonstration_year AS TEXT)"
	if m.YearField == "founded_on" {
		year = "substr(o.founded_on, 1, 4)"
	} else if !m.When.Current {
		year = "NULLIF(" + field("demonstration_year") + ", '')"
	}
	// late: a fact the record is counted by (a field the rule reads, in
	// effect by the date) was entered late
	fields := make([]string, 0, len(read))
	for f := range read {
		fields = append(fields, f)
	}
	slices.Sort(fields)
	lateCut := cut
	if m.When.Current {
		lateCut = q.arg(m.When.Cut)
	}
	late := "CASE WHEN EXISTS (SELECT 1 FROM org_history h WHERE h.org_id = o.id AND h.field IN " + q.in(fields) +
		" AND h.late_reason <> '' AND h.at < " + lateCut + known + ") THEN 1 ELSE 0 END"
	if m.When.Current {
		return `SELECT o.id AS rid, o.name AS label, o.community_code AS ucode, o.district_code AS dcode,
		o.street_code AS scode, ` + year + ` AS ryear, ` + late + ` AS late FROM orgs o WHERE ` + strings.Join(conds, " AND ")
	}
	return `SELECT m.rid, m.label, m.ucode, substr(m.ucode, 1, 6) AS dcode, substr(m.ucode, 1, 9) AS scode, m.ryear, m.late FROM (
		SELECT o.id AS rid, o.name AS label, ` + comm + ` AS ucode, ` + year + ` AS ryear, ` + late + ` AS late FROM orgs o WHERE ` +
		strings.Join(conds, " AND ") + `) m`
}

// flagCond is a 0/1 flag's condition, now or from history (where a flag
// never set has no row, so NULL means 0).
func (m *match) flagCond(q *query, name string, v *bool, field func(string) string) []string {
	if v == nil {
		return nil
	}
	if m.When.Current {
		field(name) // read: a flag entered late (补录) marks the record late today too
		return []string{"o." + name + " = " + map[bool]string{true: "1", false: "0"}[*v]}
	}
	if !*v {
		return []string{"COALESCE(" + field(name) + ", '0') = '0'"}
	}
	// drive from the (sparse) history rows that ever set the flag
	return []string{field(name) + " = '1'"}
}

func (m *match) orgConds(q *query, f Filter, field func(string) string, comm string) []string {
	var conds []string
	if len(f.Tiers) > 0 {
		if m.When.Current {
			conds = append(conds, "o.tier IN "+q.in(f.Tiers))
		} else {
			conds = append(conds, field("tier")+" IN "+q.in(f.Tiers))
		}
	}
	if len(f.PartyOrg) > 0 {
		if m.When.Current {
			conds = append(conds, "o.party_org IN "+q.in(f.PartyOrg))
		} else {
			conds = append(conds, field("party_org")+" IN "+q.in(f.PartyOrg))
		}
	}
	if len(f.Types) > 0 {
		conds = append(conds, "(o.types_mask & "+q.arg(db.Mask(registry.Types, f.Types))+") <> 0")
	}
	conds = append(conds, m.flagCond(q, "hub", f.Hub, field)...)
	conds = append(conds, m.flagCond(q, "brand", f.Brand, field)...)
	conds = append(conds, m.flagCond(q, "volunteer_mark", f.VolunteerMark, field)...)
	if f.Demonstration != nil {
		switch {
		case m.When.Current && *f.Demonstration:
			conds = append(conds, "o.demonstration_year IS NOT NULL")
		case m.When.Current:
			conds = append(conds, "o.demonstration_year IS NULL")
		case *f.Demonstration:
			conds = append(conds, "COALESCE("+field("demonstration_year")+", '') <> ''")
		default:
			conds = append(conds, "COALESCE("+field("demonstration_year")+", '') = ''")
		}
	}
	if f.Rural != nil {
		c := "(substr(" + comm + ", 10, 3) >= '200' AND substr(" + comm + ", 10, 3) < '400')"
		if !*f.Rural {
			c = "NOT " + c
		}
		conds = append(conds, c)
	}
	if f.TrainedPersonnel != nil {
		conds = append(conds, m.trainedCond(q, *f.TrainedPersonnel))
	}
	if f.PartyCovered != nil && m.Source == SourceParty {
		c := m.partyCovered(q, field)
		if !*f.PartyCovered {
			c = "NOT " + c
		}
		conds = append(conds, c)
	}
	if f.ContactedDays > 0 && m.Source == SourceParty {
		conds = append(conds, m.contacted(q, f.ContactedDays))
	}
	if f.MinWorkers > 0 {
		d := q.arg(m.When.Day)
		qual := ""
		if f.QualifiedWorkers {
			qual = " AND w.qualified = 1"
		}
		if m.When.Known != "" {
			qual += " AND w.created_at < " + q.arg(m.When.KnownCut)
		}
		conds = append(conds, "(SELECT COUNT(*) FROM hub_workers w WHERE w.hub_org_id = o.id AND w.started_on <= "+d+
			" AND (w.ended_on = '' OR w.ended_on > "+d+")"+qual+") >= "+q.arg(f.MinWorkers))
	}
	return conds
}

// graded: a grade (internal/evaluation's org_grades) counts on the date:
// awarded by then, and its expiry day not reached.
func (m *match) graded(q *query) string {
	d := q.arg(m.When.Day)
	known := ""
	if m.When.Known != "" {
		known = " AND g.created_at < " + q.arg(m.When.KnownCut)
	}
	return "EXISTS (SELECT 1 FROM org_grades g WHERE g.org_id = o.id AND g.awarded_on <= " + d + " AND g.valid_until > " + d + known + ")"
}

// partyCovered: a party organization (the registry's party_org, from its
// history on past dates) or an instructor (the latest party form recorded
// by the date, internal/evaluation's party_forms).
func (m *match) partyCovered(q *query, field func(string) string) string {
	party := "o.party_org"
	if !m.When.Current {
		party = "COALESCE(" + field("party_org") + ", '')"
	}
	known := ""
	if m.When.Known != "" {
		known = " AND f.created_at < " + q.arg(m.When.KnownCut)
	}
	return "(" + party + " IN ('independent', 'joint') OR COALESCE((SELECT f.form FROM party_forms f WHERE f.org_id = o.id AND f.effective_on <= " +
		q.arg(m.When.Day) + known + " ORDER BY f.effective_on DESC, f.id DESC LIMIT 1), '') = 'instructor')"
}

// contacted: a contact with the community party organization in the days
// up to the date.
func (m *match) contacted(q *query, days int) string {
	from := m.When.Day
	if t, err := time.Parse(time.DateOnly, m.When.Day); err == nil {
		from = t.AddDate(0, 0, 1-days).Format(time.DateOnly)
	}
	known := ""
	if m.When.Known != "" {
		known = " AND c.created_at < " + q.arg(m.When.KnownCut)
	}
	return "EXISTS (SELECT 1 FROM party_contacts c WHERE c.org_id = o.id AND c.contact_on >= " + q.arg(from) +
		" AND c.contact_on <= " + q.arg(m.When.Day) + known + ")"
}

// openOn are the conditions of a record (table alias t) open on the day:
// opened by then and not yet closed. With a known date, only what was
// entered by then counts, and a closing entered later is not known yet.
func (m *match) openOn(q *query, t, opened, closed string) []string {
	d := q.arg(m.When.Day)
	conds := []string{t + "." + opened + " <= " + d, "(" + t + "." + closed + " = '' OR " + t + "." + closed + " > " + d + ")"}
	if m.When.Known != "" {
		k := q.arg(m.When.KnownCut)
		conds[0] += " AND " + t + ".created_at < " + k
		conds[1] = "(" + t + "." + closed + " = '' OR " + t + "." + closed + " > " + d + " OR " + t + ".updated_at >= " + k + ")"
	}
	return conds
}

func (m *match) bases(q *query) string {
	col := func(n int) string {
		switch {
		case n >= 12:
			return "b.division_code"
		case n >= 9:
			return "b.street_code"
		}
		return "b.district_code"
	}
	conds := append([]string{rangeCond(q, col, m.Spans)}, m.openOn(q, "b", "opened_on", "closed_on")...)
	for _, f := range m.filters() {
		if len(f.HostTypes) > 0 {
			conds = append(conds, "b.host_type IN "+q.in(f.HostTypes))
		}
		if len(f.BaseLevels) > 0 {
			conds = append(conds, "b.level IN "+q.in(f.BaseLevels))
		}
	}
	return `SELECT b.id AS rid, b.name AS label, CASE WHEN b.street_code <> '' THEN b.street_code ELSE b.district_code END AS ucode,
		b.district_code AS dcode, b.street_code AS scode, substr(b.opened_on, 1, 4) AS ryear,
		CASE WHEN b.late_reason <> '' THEN 1 ELSE 0 END AS late FROM bases b WHERE ` +
		strings.Join(conds, " AND ")
}

func (m *match) pilots(q *query) string {
	col := func(n int) string {
		if n >= 12 {
			return "p.community_code"
		}
		return "p.street_code"
	}
	conds := append([]string{rangeCond(q, col, m.Spans)}, m.openOn(q, "p", "designated_on", "revoked_on")...)
	for _, f := range m.filters() {
		if len(f.PilotKind) > 0 {
			conds = append(conds, "p.kind IN "+q.in(f.PilotKind))
		}
	}
	return `SELECT p.id AS rid, v.name AS label, p.community_code AS ucode, p.district_code AS dcode,
		p.street_code AS scode, substr(p.designated_on, 1, 4) AS ryear, CASE WHEN p.late_reason <> '' THEN 1 ELSE 0 END AS late
		FROM pilots p JOIN divisions v ON v.code = p.community_code WHERE ` + strings.Join(conds, " AND ")
}

// points are the demonstration points approved by the date. A cancelled
// point counts for no date: its cancellation corrects the record, and only
// a known_on before the cancellation still sees it.
func (m *match) points(q *query) string {
	col := func(n int) string {
		switch {
		case n >= 12:
			return "p.community_code"
		case n >= 9:
			return "p.street_code"
		}
		return "p.district_code"
	}
	conds := []string{rangeCond(q, col, m.Spans), "p.approved_on <= " + q.arg(m.When.Day)}
	if m.When.Known != "" {
		k := q.arg(m.When.KnownCut)
		conds = append(conds, "p.created_at < "+k, "(p.cancelled_at IS NULL OR p.cancelled_at >= "+k+")")
	} else {
		conds = append(conds, "p.status = 'active'")
	}
	for _, f := range m.filters() {
		if len(f.PointKind) > 0 {
			conds = append(conds, "p.kind IN "+q.in(f.PointKind))
		}
	}
	return `SELECT p.id AS rid, COALESCE(o.name, v.name, '') AS label,
		CASE WHEN p.community_code <> '' THEN p.community_code WHEN p.street_code <> '' THEN p.street_code ELSE p.district_code END AS ucode,
		p.district_code AS dcode, p.street_code AS scode, CAST(p.year AS TEXT) AS ryear,
		CASE WHEN p.late_reason <> '' THEN 1 ELSE 0 END AS late
		FROM demonstration_points p LEFT JOIN orgs o ON o.id = p.org_id LEFT JOIN divisions v ON v.code = p.community_code
		WHERE ` + strings.Join(conds, " AND ")
}

func (m *match) filters() []Filter {
	if m.Extra != nil {
		return []Filter{m.Filter, *m.Extra}
	}
	return []Filter{m.Filter}
}

// sourceTables are the tables a source reads; a source whose tables are
// missing has no data.
var sourceTables = map[string][]string{
	SourceOrgs:       {"orgs", "org_history", "training_attendance"},
	SourceHubs:       {"orgs", "org_history", "hub_workers"},
	SourceBases:      {"bases"},
	SourcePilots:     {"pilots"},
	SourceCoverage:   {"org_cover"},
	SourcePoints:     {"demonstration_points"},
	SourceProjects:   {"brand_designations"},
	SourceTrainings:  {"trainings"},
	SourceDrills:     {"drills"},
	SourceActivities: {"activities"},
	SourceGrades:     {"orgs", "org_history", "org_grades"},
	SourceParty:      {"orgs", "org_history", "party_forms", "party_contacts"},
	SourceSurveys:    {"survey_answers"},
}

// available reports whether a source's records are kept.
func (s *Service) available(ctx context.Context, src string) (bool, error) {
	tables, ok := sourceTables[src]
	if !ok || (src == SourceCoverage && s.Coverage == nil) {
		return false, nil
	}
	for _, t := range tables {
		if v, ok := s.tables.Load(t); ok {
			if !v.(bool) {
				return false, nil
			}
			continue
		}
		var one int
		err := s.DB.Read.QueryRowContext(ctx, `SELECT COUNT(*) FROM (SELECT 1 FROM `+t+` LIMIT 1) x`).Scan(&one)
		s.tables.Store(t, err == nil)
		if err != nil {
			return false, nil
		}
	}
	return true, nil
}

// trainings are the sessions run inside the spans (a city-run session lies
// in no district), placed in the year they start (China's calendar), held
// by the date; the rule's filter says which count (topics, forms: any of).
func (m *match) trainings(q *query) string {
	d := q.arg(m.When.Day)
	conds := []string{rangeCond(q, func(int) string { return "t.unit_code" }, m.Spans), "t.start_day <= " + d}
	if m.When.Known != "" {
		conds = append(conds, "t.created_at < "+q.arg(m.When.KnownCut))
	}
	for _, f := range m.filters() {
		for _, c := range []struct {
			col  string
			vals []string
		}{{"t.topics", f.TrainingTopics}, {"t.form", f.TrainingForms}} {
			if len(c.vals) == 0 {
				continue
			}
			var any []string
			for _, v := range c.vals {
				any = append(any, "(',' || "+c.col+" || ',') LIKE "+q.arg("%,"+v+",%"))
			}
			conds = append(conds, "("+strings.Join(any, " OR ")+")")
		}
	}
	return `SELECT t.id AS rid, t.title AS label, t.unit_code AS ucode, t.district_code AS dcode,
		CASE WHEN length(t.unit_code) >= 9 THEN substr(t.unit_code, 1, 9) ELSE '' END AS scode,
		substr(t.start_day, 1, 4) AS ryear, 0 AS late FROM trainings t WHERE ` + strings.Join(conds, " AND ")
}

// drills are the emergency drills of the communities inside the spans held
// in the 12 months up to the date.
func (m *match) drills(q *query) string {
	from := m.When.Day
	if t, err := time.Parse(time.DateOnly, m.When.Day); err == nil {
		from = t.AddDate(-1, 0, 0).Format(time.DateOnly)
	}
	conds := []string{rangeCond(q, func(int) string { return "d.community_code" }, m.Spans),
		"d.held_on <= " + q.arg(m.When.Day), "d.held_on >= " + q.arg(from)}
	if m.When.Known != "" {
		conds = append(conds, "d.created_at < "+q.arg(m.When.KnownCut))
	}
	return `SELECT d.id AS rid, d.scenario AS label, d.community_code AS ucode, d.district_code AS dcode,
		substr(d.community_code, 1, 9) AS scode, substr(d.held_on, 1, 4) AS ryear, 0 AS late FROM drills d WHERE ` + strings.Join(conds, " AND ")
}

// trainedCond keeps the organizations that have (or, if !want, have not) a
// key person who attended a session held in the 12 months up to the date.
func (m *match) trainedCond(q *query, want bool) string {
	from := m.When.Day
	if t, err := time.Parse(time.DateOnly, m.When.Day); err == nil {
		from = t.AddDate(-1, 0, 0).Format(time.DateOnly)
	}
	known := ""
	if m.When.Known != "" {
		known = " AND a.checked_in_at < " + q.arg(m.When.KnownCut)
	}
	c := "EXISTS (SELECT 1 FROM people p JOIN training_attendance a ON a.person_id = p.id JOIN trainings t ON t.id = a.training_id" +
		" WHERE p.org_id = o.id AND t.start_day <= " + q.arg(m.When.Day) + " AND t.start_day > " + q.arg(from) + known + ")"
	if !want {
		return "NOT " + c
	}
	return c
}

// activities are the activities held inside the spans by the date and not
// refused (a refused major activity did not take place; one awaiting its
// report counts, as on the campaign page), placed in the year they start
// in China; the rule's filter says which count (themes, kinds, service
// fields: any of each). known_on keeps those entered by then.
func (m *match) activities(q *query) string {
	col := func(n int) string {
		switch {
		case n >= 12:
			return "a.community_code"
		case n >= 9:
			return "a.street_code"
		}
		return "a.district_code"
	}
	conds := []string{rangeCond(q, col, m.Spans), "a.starts_on <= " + q.arg(m.When.Day), "a.status <> 'refused'"}
	if m.When.Known != "" {
		conds = append(conds, "a.created_at < "+q.arg(m.When.KnownCut))
	}
	for _, f := range m.filters() {
		if len(f.ActivityThemes) > 0 {
			conds = append(conds, "a.theme IN "+q.in(f.ActivityThemes))
		}
		if len(f.ActivityKinds) > 0 {
			conds = append(conds, "a.kind IN "+q.in(f.ActivityKinds))
		}
		if len(f.ActivityFields) > 0 {
			var any []string
			for _, v := range f.ActivityFields {
				any = append(any, "(',' || a.fields || ',') LIKE "+q.arg("%,"+v+",%"))
			}
			conds = append(conds, "("+strings.Join(any, " OR ")+")")
		}
	}
	return `SELECT a.id AS rid, a.title AS label, a.community_code AS ucode, a.district_code AS dcode,
		a.street_code AS scode, substr(a.starts_on, 1, 4) AS ryear, 0 AS late FROM activities a WHERE ` + strings.Join(conds, " AND ")
}

// surveyAnswers are residents' answers to recognition surveys (感知度和认可度)
// given in the communities inside the spans in the 12 months up to the
// date; the rule's filter keeps those showing every reading it names.
func (m *match) surveyAnswers(q *query) string {
	from := m.When.Day
	if t, err := time.Parse(time.DateOnly, m.When.Day); err == nil {
		from = t.AddDate(-1, 0, 0).Format(time.DateOnly)
	}
	conds := []string{rangeCond(q, func(int) string { return "a.community_code" }, m.Spans),
		"a.answered_on <= " + q.arg(m.When.Day), "a.answered_on > " + q.arg(from)}
	if m.When.Known != "" {
		conds = append(conds, "a.created_at < "+q.arg(m.When.KnownCut))
	}
	for _, f := range m.filters() {
		for _, r := range f.SurveyReadings {
			switch r {
			case "aware":
				conds = append(conds, "a.knows = 1")
			case "took_part":
				conds = append(conds, "a.took_part = 1")
			case "satisfied":
				conds = append(conds, "a.satisfaction >= 4")
			}
		}
	}
	return `SELECT a.id AS rid, a.answered_on AS label, a.community_code AS ucode, a.district_code AS dcode,
		a.street_code AS scode, substr(a.answered_on, 1, 4) AS ryear, 0 AS late FROM survey_answers a WHERE ` + strings.Join(conds, " AND ")
}
