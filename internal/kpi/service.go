package kpi

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"linli/internal/geo"
	"linli/internal/platform/auth"
	"linli/internal/platform/clock"
	"linli/internal/platform/db"
	"linli/internal/platform/errs"
)

// Today is the current date in China.
func (s *Service) Today() string { return clock.Day(s.now()) }

// parseAsOf reads an as-of date; empty is today.
func (s *Service) parseAsOf(asOf string) (when, error) {
	now := s.now()
	if asOf == "" {
		return whenOf(now.In(clock.China), now), nil
	}
	d, err := time.Parse(time.DateOnly, asOf)
	if err != nil || d.Year() < 2021 || d.Year() > 2100 {
		return when{}, errs.Field("as_of", "kpi.err.date")
	}
	return whenOf(d, now), nil
}

// parseWhen reads an as-of date and a known-on date (empty: what linli
// holds now). A known-on date may be neither in the future nor before the
// first record was entered.
func (s *Service) parseWhen(ctx context.Context, asOf, knownOn string) (when, error) {
	w, err := s.parseAsOf(asOf)
	if err != nil || knownOn == "" {
		return w, err
	}
	bad := func(msg string) error {
		return errs.Field("known_on", msg)
	}
	k, err := time.Parse(time.DateOnly, knownOn)
	if err != nil {
		return w, bad("kpi.err.date")
	}
	if knownOn > s.Today() {
		return w, bad("kpi.err.known_future")
	}
	first, err := s.firstEntry(ctx)
	if err != nil {
		return w, err
	}
	if first == "" || knownOn < first {
		return w, bad("kpi.err.known_before_data")
	}
	w.Known, w.Current = knownOn, false
	w.KnownCut = time.Date(k.Year(), k.Month(), k.Day()+1, 0, 0, 0, 0, clock.China).UTC()
	return w, nil
}

// firstEntry is the day (in China) the first record still held was
// entered: organizations' first status rows (entered_at, or at for rows
// from before entry times were kept), bases, pilots and demonstration
// points. Found once, then kept: entries are never moved earlier; the
// concurrent first requests wait for one read instead of each making it.
// The organizations' read is the least of COALESCE(entered_at, at) over
// their status rows, asked as two minimums that the indexes on (field,
// entered_at) and (field, at) answer from their first entries
// (firstStatusSQL): as one MIN of the COALESCE it walked every status row,
// 4.2 s on the national dataset (sqlite3 shell), before the first dashboard
// after each start could answer.
func (s *Service) firstEntry(ctx context.Context) (string, error) {
	if v, ok := s.tables.Load("|first"); ok {
		return v.(string), nil
	}
	s.firstMu.Lock()
	defer s.firstMu.Unlock()
	if v, ok := s.tables.Load("|first"); ok {
		return v.(string), nil
	}
	day := ""
	for _, q := range []string{
		firstStatusSQL,
		`SELECT MIN(created_at) FROM bases`, `SELECT MIN(created_at) FROM pilots`,
		`SELECT MIN(created_at) FROM demonstration_points`} {
		var v any
		if err := s.DB.Read.QueryRowContext(ctx, q).Scan(&v); err != nil {
			continue // a table not kept here
		}
		if t, ok := timeOf(v); ok {
			if d := clock.Day(t); day == "" || d < day {
				day = d
			}
		}
	}
	if day != "" {
		s.tables.Store("|first", day)
	}
	return day, nil
}

// firstStatusSQL is MIN(COALESCE(entered_at, at)) over the organizations'
// status rows: the least entry time of those that keep one, and the least
// effective time of those that do not.
const firstStatusSQL = `SELECT MIN(t) FROM (
	SELECT MIN(entered_at) AS t FROM org_history WHERE field = 'status' AND entered_at IS NOT NULL
	UNION ALL SELECT MIN(at) FROM org_history WHERE field = 'status' AND entered_at IS NULL) x`

// unitFor resolves the unit a user asks about: their own scope by default;
// anything outside their subtree is not found.
func (s *Service) unitFor(ctx context.Context, u *auth.User, code string) (*geo.Node, error) {
	if code == "" {
		code = u.ScopeCode
	}
	if !u.InScope(code) {
		return nil, errs.Missing()
	}
	return s.Geo.Get(ctx, code)
}

// target is one indicator at one unit on one date, resolved for a user.
type target struct {
	ind  *Indicator
	node *geo.Node
	w    when
}

func (s *Service) resolve(ctx context.Context, u *auth.User, key, unitCode, asOf string) (*target, error) {
	return s.resolveKnown(ctx, u, key, unitCode, asOf, "")
}

func (s *Service) resolveKnown(ctx context.Context, u *auth.User, key, unitCode, asOf, knownOn string) (*target, error) {
	w, err := s.parseWhen(ctx, asOf, knownOn)
	if err != nil {
		return nil, err
	}
	node, err := s.unitFor(ctx, u, unitCode)
	if err != nil {
		return nil, err
	}
	ind, err := s.Get(ctx, u, key)
	if err != nil {
		return nil, err
	}
	if !strings.HasPrefix(node.Code, ind.ScopeCode) {
		return nil, errs.Missing()
	}
	return &target{ind, node, w}, nil
}

// Evaluate answers an indicator at a unit on a date.
func (s *Service) Evaluate(ctx context.Context, u *auth.User, key, unitCode, asOf string) (*Result, error) {
	return s.EvaluateKnown(ctx, u, key, unitCode, asOf, "")
}

// EvaluateKnown answers an indicator at a unit on a date as linli answered
// it on the day knownOn (empty: now), from the records entered by then.
func (s *Service) EvaluateKnown(ctx context.Context, u *auth.User, key, unitCode, asOf, knownOn string) (*Result, error) {
	t, err := s.resolveKnown(ctx, u, key, unitCode, asOf, knownOn)
	if err != nil {
		return nil, err
	}
	e := s.newEvaluator()
	ev, err := s.evaluation(ctx, e, t.ind, *t.node, t.w)
	if err != nil {
		return nil, err
	}
	r := ev.result()
	if r.Correction, err = s.correction(ctx, e, t.ind, *t.node, t.w, r); err != nil {
		return nil, err
	}
	return r, nil
}

// evaluation evaluates through the cache: an evaluation is kept while the
// records under its unit are unchanged (see changes), for at most cacheTTL.
func (s *Service) evaluation(ctx context.Context, e *evaluator, ind *Indicator, node geo.Node, w when) (*evaluation, error) {
	if s.cache.isOff() {
		return e.evaluate(ctx, ind, node, w)
	}
	ver, ok := e.ver[node.Code]
	if !ok {
		v, err := s.changes(ctx, node.Code)
		if err != nil {
			return nil, err
		}
		ver, e.ver[node.Code] = v, v
	}
	k := ind.Key + "|" + strconv.Itoa(ind.Version) + "|" + node.Code + "|" + w.key()
	if _, hist := e.histReqs(ind, node, w); hist {
		k += "|hist" // (without the judged units the Units page lists)
	}
	if ev, ok := s.cache.get(k, ver, s.now()); ok {
		return ev, nil
	}
	ev, err := e.evaluate(ctx, ind, node, w)
	if err != nil {
		return nil, err
	}
	s.cache.put(k, ver, s.now(), ev)
	return ev, nil
}

// NoCache turns the evaluation cache off (for measuring cold evaluations).
func (s *Service) NoCache(off bool) {
	s.cache.setOff(off)
	s.dash.Clear()
}

const (
	cacheTTL  = 5 * time.Minute
	cacheSize = 4096
)

type cacheEntry struct {
	ver int64
	at  time.Time
	ev  *evaluation
}

type resultCache struct {
	mu  sync.Mutex
	m   map[string]cacheEntry
	off bool
}

func (c *resultCache) setOff(off bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.off, c.m = off, nil
}

func (c *resultCache) isOff() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.off
}

func (c *resultCache) get(k string, ver int64, now time.Time) (*evaluation, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.m[k]
	if !ok || c.off || e.ver != ver || now.Sub(e.at) > cacheTTL || now.Before(e.at) {
		return nil, false
	}
	return e.ev, true
}

func (c *resultCache) put(k string, ver int64, now time.Time, ev *evaluation) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.off {
		return
	}
	if c.m == nil || len(c.m) >= cacheSize {
		c.m = map[string]cacheEntry{}
	}
	c.m[k] = cacheEntry{ver, now, ev}
}

// UnitList is the units behind a number.
type UnitList struct {
	Result *Result   `json:"result"`
	Set    string    `json:"set"`
	Items  []UnitRow `json:"items"`
	Total  int       `json:"total"`
}

// Units lists the units behind an indicator at a unit: for a share of units
// the units counted (set=short: those without enough records), otherwise
// the judged units below it (set=short: those short of the target, with
// how many are missing).
func (s *Service) Units(ctx context.Context, u *auth.User, key, unitCode, asOf, set string) (*UnitList, error) {
	return s.UnitsKnown(ctx, u, key, unitCode, asOf, "", set)
}

// UnitsKnown lists the units behind an indicator as linli listed them on
// the day knownOn (empty: now), from the records entered by then.
func (s *Service) UnitsKnown(ctx context.Context, u *auth.User, key, unitCode, asOf, knownOn, set string) (*UnitList, error) {
	if set == "" {
		set = "all"
	}
	if set != "all" && set != "met" && set != "short" {
		return nil, errs.Field("set", "err.unknown_value", set)
	}
	t, err := s.resolveKnown(ctx, u, key, unitCode, asOf, knownOn)
	if err != nil {
		return nil, err
	}
	ev, err := s.evaluation(ctx, s.newEvaluator(), t.ind, *t.node, t.w)
	if err != nil {
		return nil, err
	}
	out := &UnitList{Result: ev.result(), Set: set, Items: []UnitRow{}}
	for _, r := range ev.units {
		if set == "all" || (set == "met") == r.Met {
			out.Items = append(out.Items, r)
		}
	}
	if set == "short" {
		slices.SortStableFunc(out.Items, func(a, b UnitRow) int {
			switch {
			case a.Shortfall > b.Shortfall:
				return -1
			case a.Shortfall < b.Shortfall:
				return 1
			}
			return 0
		})
	}
	out.Total = len(out.Items)
	return out, nil
}

// RecordPage is one page of the records behind a number.
type RecordPage struct {
	Result  *Result  `json:"result"`
	Set     string   `json:"set"`
	Year    int      `json:"year,omitempty"`
	Items   []Record `json:"items"`
	Total   int      `json:"total"`
	Page    int      `json:"page"`
	PerPage int      `json:"per_page"`
}

// Records lists the records behind an indicator's number at a unit: the
// records counted; for a record share, set=numerator (default), denominator
// or missing (in the denominator, not the numerator); for a count per year,
// the records of one year (default: the year the value is for).
func (s *Service) Records(ctx context.Context, u *auth.User, key, unitCode, asOf, set string, year, page, perPage int) (*RecordPage, error) {
	return s.RecordsKnown(ctx, u, key, unitCode, asOf, "", set, year, page, perPage)
}

// RecordsKnown lists the records behind an indicator's number as linli
// listed them on the day knownOn (empty: now): only records entered by its
// end.
func (s *Service) RecordsKnown(ctx context.Context, u *auth.User, key, unitCode, asOf, knownOn, set string, year, page, perPage int) (*RecordPage, error) {
	t, err := s.resolveKnown(ctx, u, key, unitCode, asOf, knownOn)
	if err != nil {
		return nil, err
	}
	ind := t.ind
	if set == "" {
		set = "records"
		if ind.Rule.Kind == KindRecordShare {
			set = "numerator"
		}
	}
	okSet := set == "records" || (ind.Rule.Kind == KindRecordShare && (set == "numerator" || set == "denominator" || set == "missing"))
	if !okSet {
		return nil, errs.Field("set", "err.unknown_value", set)
	}
	if perPage <= 0 {
		perPage = 50
	}
	perPage = min(perPage, 500)
	page = max(page, 1)
	ev, err := s.evaluation(ctx, s.newEvaluator(), ind, *t.node, t.w)
	if err != nil {
		return nil, err
	}
	out := &RecordPage{Result: ev.result(), Set: set, Items: []Record{}, Page: page, PerPage: perPage}
	if !ev.available || !ev.applicable {
		return out, nil
	}
	m := s.matchFor(ind, ev.spans, t.w)
	q := &query{}
	var rel, where string
	switch set {
	case "numerator":
		m.Extra = ind.Rule.NumeratorFilter
		rel = m.relation(q)
	case "missing":
		rel = m.relation(q)
		n := s.matchFor(ind, ev.spans, t.w)
		n.Extra = ind.Rule.NumeratorFilter
		where = " WHERE m.rid NOT IN (SELECT n.rid FROM (" + n.relation(q) + ") n)"
	default:
		rel = m.relation(q)
	}
	if ind.Rule.Kind == KindCountPerYear {
		if year == 0 {
			year = ev.cur
		}
		out.Year = year
		if !slices.Contains(ev.started, year) {
			return out, nil // a year not begun counts nothing
		}
		where = " WHERE m.ryear = " + q.arg(strconv.Itoa(year))
	}
	if where == "" {
		where = " WHERE " + m.counted()
	} else {
		where += " AND " + m.counted()
	}
	from := ` FROM (` + rel + `) m` + where
	if err := s.DB.Read.QueryRowContext(ctx, `SELECT COUNT(*)`+from, q.args...).Scan(&out.Total); err != nil {
		return nil, fmt.Errorf("kpi records count: %w", err)
	}
	args := append(q.args, perPage, (page-1)*perPage)
	rows, err := s.DB.Read.QueryContext(ctx, `SELECT m.rid, m.label, m.ucode, m.dcode, m.scode, COALESCE(m.ryear, ''), m.late`+from+
		` ORDER BY m.ucode, m.rid LIMIT $`+strconv.Itoa(len(args)-1)+` OFFSET $`+strconv.Itoa(len(args)), args...)
	if err != nil {
		return nil, fmt.Errorf("kpi records: %w", err)
	}
	defer rows.Close()
	kind, link := recordKind(ind.Rule.Source)
	for rows.Next() {
		r := Record{Kind: kind}
		var late int
		if err := rows.Scan(&r.ID, &r.Name, &r.Code, &r.DistrictCode, &r.StreetCode, &r.Year, &late); err != nil {
			return nil, err
		}
		r.Late = late == 1
		if link != "" {
			r.Link = link + strconv.FormatInt(r.ID, 10)
		}
		out.Items = append(out.Items, r)
	}
	return out, rows.Err()
}

func recordKind(src string) (kind, link string) {
	switch src {
	case SourceOrgs, SourceHubs, SourceGrades, SourceParty:
		return "org", "/orgs/"
	case SourceBases:
		return "base", "/bases/"
	case SourcePilots:
		return "pilot", ""
	case SourcePoints:
		return "point", "/demonstration-points/"
	case SourceTrainings:
		return "training", "/trainings/"
	case SourceDrills:
		return "drill", ""
	case SourceActivities:
		return "activity", "/activities/"
	case SourceSurveys:
		return "survey_answer", ""
	}
	return src, ""
}

// timeOf reads a time an aggregate returned: a time, or (SQLite, where
// MIN loses the column's type) its text.
func timeOf(v any) (time.Time, bool) {
	var t time.Time
	if v == nil || (db.Time{T: &t}).Scan(v) != nil {
		return time.Time{}, false
	}
	return t, true
}
