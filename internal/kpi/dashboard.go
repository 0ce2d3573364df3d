package kpi

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"time"

	"linli/internal/geo"
	"linli/internal/platform/auth"
	"linli/internal/platform/errs"
	"linli/internal/platform/web"
)

// Dashboard is every indicator that applies at a unit, evaluated on a date,
// with the units one level down ranked.
type Dashboard struct {
	Unit geo.Node   `json:"unit"`
	Path []geo.Node `json:"path"`
	AsOf string     `json:"as_of"`
	// KnownOn, when set, is the day whose knowledge the dashboard gives:
	// what linli showed then, from the records entered by its end.
	KnownOn  string         `json:"known_on,omitempty"`
	Today    string         `json:"today"`
	Timeline Timeline       `json:"timeline"`
	Results  []*Result      `json:"indicators"`
	Children []geo.Node     `json:"children"`
	Ranking  []RankRow      `json:"ranking"`
	Summary  map[string]int `json:"summary"` // indicators by state

	inds []*Indicator // the indicators evaluated, in order (for the page)
}

// RankRow is one child unit's standing across the indicators.
type RankRow struct {
	Rank    int              `json:"rank"`
	Unit    string           `json:"unit"`
	Name    string           `json:"name"`
	Met     int              `json:"met"`
	OnTrack int              `json:"on_track"`
	Behind  int              `json:"behind"`
	Judged  int              `json:"judged"`
	Score   float64          `json:"score"` // share of judged indicators met
	Cells   map[string]Child `json:"cells"` // indicator key → the child's value
}

// Timeline places a date on the plan's three phases (C21).
type Timeline struct {
	Phases   []Phase `json:"phases"`
	Current  string  `json:"current"` // phase key; "before" or "after" outside the plan
	Month    int     `json:"month"`   // months since the plan began, 0…28
	Months   int     `json:"months"`
	Progress float64 `json:"progress"` // 0…1
}

// TimelineAt places a day on the plan.
func TimelineAt(day string) Timeline {
	t := Timeline{Phases: Phases, Months: 28, Current: "after"}
	start, end := Phases[0].From, Phases[len(Phases)-1].To
	t.Progress = progress(day, start, end)
	if day < start {
		t.Current = "before"
	}
	for _, p := range Phases {
		if day >= p.From && day <= p.To {
			t.Current = p.Key
		}
	}
	if d, err := time.Parse(time.DateOnly, day); err == nil {
		t.Month = min(28, max(0, (d.Year()-2021)*12+int(d.Month())-9+1))
		if day < start {
			t.Month = 0
		}
	}
	return t
}

// Dashboard evaluates every indicator that applies at a unit. The answer is
// shared with other requests (see dashboardCache): do not change it.
func (s *Service) Dashboard(ctx context.Context, u *auth.User, unitCode, asOf string) (*Dashboard, error) {
	return s.DashboardKnown(ctx, u, unitCode, asOf, "")
}

// DashboardKnown is the dashboard as linli showed it on the day knownOn
// (empty: now), from the records entered by its end.
func (s *Service) DashboardKnown(ctx context.Context, u *auth.User, unitCode, asOf, knownOn string) (*Dashboard, error) {
	e, err := s.dashboard(ctx, u, unitCode, asOf, knownOn)
	if err != nil {
		return nil, err
	}
	return e.d, nil
}

// DashboardJSON is the dashboard encoded as the API answers it.
func (s *Service) DashboardJSON(ctx context.Context, u *auth.User, unitCode, asOf, knownOn string) ([]byte, error) {
	e, err := s.dashboard(ctx, u, unitCode, asOf, knownOn)
	if err != nil {
		return nil, err
	}
	return e.body, nil
}

// dashboard answers from the dashboard cache when the records under the
// unit are unchanged since the answer was made, and makes it otherwise.
// The scope check is made on every request, before the cache is read.
func (s *Service) dashboard(ctx context.Context, u *auth.User, unitCode, asOf, knownOn string) (*dashEntry, error) {
	w, err := s.parseWhen(ctx, asOf, knownOn)
	if err != nil {
		return nil, err
	}
	if unitCode == "" {
		unitCode = u.ScopeCode
	}
	if !u.InScope(unitCode) {
		return nil, errs.Missing()
	}
	if s.cache.isOff() {
		return s.makeDashboard(ctx, s.newEvaluator(), u, unitCode, w)
	}
	ver, err := s.changes(ctx, unitCode)
	if err != nil {
		return nil, err
	}
	// what changes the answer besides the records: the unit, the date, the
	// day it is asked on (today, and whether the date is current), and the
	// viewer's scope (the indicators they see, the path shown to them)
	today := s.Today()
	k := unitCode + "|" + w.key() + "|" + today + "|" + u.ScopeCode
	return s.dash.Get(ctx, k, ver, s.now(), func() (*dashEntry, int, error) {
		e := s.newEvaluator()
		e.ver[unitCode] = ver // the evaluations are as new as this version or newer
		d, err := s.makeDashboard(ctx, e, u, unitCode, w)
		if err != nil {
			return nil, 0, err
		}
		// counted as its JSON twice: the encoding and the answer it encodes
		return d, 2 * len(d.body), nil
	})
}

// makeDashboard evaluates every indicator at a unit in the user's scope and
// encodes the answer.
func (s *Service) makeDashboard(ctx context.Context, e *evaluator, u *auth.User, unitCode string, w when) (*dashEntry, error) {
	if !u.InScope(unitCode) {
		return nil, errs.Missing()
	}
	// the unit, its path, the indicators and the division lists: kept
	// while no indicator and no division changed (frame.go)
	f, fv, err := s.frameAt(ctx, unitCode)
	if err != nil {
		return nil, err
	}
	node := &f.path[len(f.path)-1]
	inds := listed(f.inds, u, node.Code, false)
	f.hold(e, fv)
	var visible []geo.Node
	for _, p := range f.path {
		if u.InScope(p.Code) {
			visible = append(visible, p)
		}
	}
	d := &Dashboard{Unit: *node, Path: visible, AsOf: w.Day, KnownOn: w.Known, Today: s.Today(), Timeline: TimelineAt(w.Day),
		Results: []*Result{}, Children: []geo.Node{}, Ranking: []RankRow{}, Summary: map[string]int{}, inds: inds}
	if err := e.prefetchCorrections(ctx, inds, *node, w); err != nil {
		return nil, err
	}
	if err := e.prefetch(ctx, inds, *node, w); err != nil {
		return nil, err
	}
	for _, ind := range inds {
		ev, err := s.evaluation(ctx, e, ind, *node, w)
		if err != nil {
			return nil, err
		}
		r := ev.result()
		if r.Correction, err = s.correction(ctx, e, ind, *node, w, r); err != nil {
			return nil, err
		}
		d.Results = append(d.Results, r)
		d.Summary[r.Status]++
	}
	if n := geo.ChildLen(node.Code); n > 0 {
		kids, err := e.unitsAt(ctx, []span{spanOf(node.Code)}, n)
		if err != nil {
			return nil, err
		}
		for _, k := range kids {
			d.Children = append(d.Children, geo.Node{Code: k.code, Name: k.name, Level: geo.LevelOf(k.code), ParentCode: node.Code})
		}
		d.Ranking = rank(d.Children, d.Results)
	}
	body, err := d.encode(&s.jsonBufs)
	if err != nil {
		return nil, err
	}
	return &dashEntry{d: d, body: body}, nil
}

// maxPooledJSON bounds the scratch buffers kept for reuse (a national
// dashboard's answer is a few hundred KB at the most).
const maxPooledJSON = 1 << 20

// encode is the dashboard's JSON as json.Encoder with HTML not escaped
// writes it (as web.JSON), newline included: its own appender (json.go),
// written in a scratch buffer of the pool (kept grown: no regrowing on
// each dashboard) and copied out at its size, or encoding/json for what
// the appender does not write (a float that is not a number), which
// reports the error.
func (d *Dashboard) encode(bufs *sync.Pool) ([]byte, error) {
	bp, _ := bufs.Get().(*[]byte)
	if bp == nil {
		bp = new([]byte)
	}
	b, ok := d.appendJSON((*bp)[:0])
	if cap(b) <= maxPooledJSON {
		*bp = b
		defer bufs.Put(bp)
	}
	if ok {
		return append(append(make([]byte, 0, len(b)+1), b...), '\n'), nil
	}
	body, err := web.EncodeJSON(d) // (not an Appender: encoding/json)
	if err != nil {
		return nil, fmt.Errorf("kpi dashboard json: %w", err)
	}
	return body, nil
}

// dashEntry is a finished dashboard: the answer and its JSON encoding,
// kept by the dashboard cache (Service.dash, a flight.Cache: valid while
// the records under its unit are unchanged, the version read from
// kpi_changes, and for at most its TTL).
type dashEntry struct {
	d    *Dashboard
	body []byte
}

// sameUnits reports whether children name the nodes, in their order.
func sameUnits(cs []Child, kids []geo.Node) bool {
	if len(cs) != len(kids) {
		return false
	}
	for i, c := range cs {
		if c.Unit != kids[i].Code {
			return false
		}
	}
	return true
}

// rank orders child units by the share of judged indicators they meet, then
// by how many they meet, then by how few are behind.
func rank(kids []geo.Node, results []*Result) []RankRow {
	rows := make([]RankRow, 0, len(kids))
	// a result's children are the dashboard's in the same order (both the
	// unit's child list): looked up by position, by code otherwise
	cells := make([]map[string]Child, len(results))
	for i, r := range results {
		if sameUnits(r.Children, kids) {
			continue
		}
		cells[i] = map[string]Child{}
		for _, c := range r.Children {
			cells[i][c.Unit] = c
		}
	}
	for j, k := range kids {
		row := RankRow{Unit: k.Code, Name: k.Name, Cells: make(map[string]Child, len(results))}
		for i, r := range results {
			var c Child
			if cells[i] == nil {
				c = r.Children[j]
			} else if cc, ok := cells[i][k.Code]; ok {
				c = cc
			} else {
				continue
			}
			row.Cells[r.Key] = c
			switch c.Status {
			case StateMet:
				row.Met++
			case StateOnTrack:
				row.OnTrack++
			case StateBehind:
				row.Behind++
			default:
				continue
			}
			row.Judged++
		}
		if row.Judged > 0 {
			row.Score = float64(row.Met) / float64(row.Judged)
		}
		rows = append(rows, row)
	}
	slices.SortStableFunc(rows, func(a, b RankRow) int {
		switch {
		case a.Score != b.Score:
			if a.Score > b.Score {
				return -1
			}
			return 1
		case a.Met != b.Met:
			return b.Met - a.Met
		case a.Behind != b.Behind:
			return a.Behind - b.Behind
		}
		return 0
	})
	for i := range rows {
		rows[i].Rank = i + 1
		if i > 0 && rows[i].Score == rows[i-1].Score && rows[i].Met == rows[i-1].Met && rows[i].Behind == rows[i-1].Behind {
			rows[i].Rank = rows[i-1].Rank
		}
	}
	return rows
}
