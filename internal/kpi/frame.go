package kpi

import (
	"context"
	"fmt"
	"strings"
	"time"

	"linli/internal/geo"
	"linli/internal/platform/db"
	"linli/internal/platform/errs"
)

// A dashboard's frame is what it reads that no record changes: the unit
// and its path, every indicator (their rules, targets and deadlines), and
// the division lists its evaluations judge and rank (the unit's children,
// and the units each indicator that applies there judges). A dashboard
// evaluated after a change to a record reads them again for nothing: on
// the national city's evaluated dashboard they were about a third of its
// CPU (the city's communities listed, the indicators' rules decoded, issue
// 19). So each process keeps the frames (Service.frames), each valid while
// one version read from the database on every dashboard is unchanged
// (frameVersion): the divisions' change counter (geo_changes, migration
// 048) plus the dashboards' counter of changes that touch every unit
// (kpi_changes' row '', migration 008, advanced in the writer's
// transaction by every insert, update or delete of an indicator). Both
// only grow, so an equal sum means neither moved; another replica's edit
// moves them in the shared database, and the next dashboard anywhere
// reads the new frame. The frames are not the records' evaluations:
// NoCache, which makes every dashboard evaluate from the records, leaves
// them on (as the coverage reports keep their places' communities,
// coverage.Service.shapeAt).

// frameVersionSQL is the frames' version: the counters in one indexed read
// (kpi_then's too: the frame keeps the corrections' known-then answers, so
// what may change them makes a new frame), with kpi_then's floor and the
// sum of the late entries' counters of the districts under the unit
// (kpi_late, migration 059, arguments $3 and $4), under which the
// corrections' kept months are kept (then.go), and the sum of the other
// dated facts' counters under it and of ” (kpi_facts, migration 068),
// under which their months are kept. (Its constants are
// arguments: on SQLite a statement with arguments is prepared once per
// connection, one without is parsed again each time.)
func frameVersionSQL(code string) (string, []any) {
	lo, hi := db.PrefixRange(code[:min(len(code), 6)])
	return `SELECT (SELECT n FROM geo_changes WHERE id = $1) +
	(SELECT COALESCE(SUM(n), 0) FROM kpi_changes WHERE district = $2) + t.n, t.floor,
	CAST((SELECT COALESCE(SUM(n), 0) FROM kpi_late WHERE district >= $3 AND district < $4) AS BIGINT),
	CAST((SELECT COALESCE(SUM(n), 0) FROM kpi_facts WHERE district >= $3 AND district < $4)
		+ (SELECT COALESCE(SUM(n), 0) FROM kpi_facts WHERE district = $2) AS BIGINT)
	FROM kpi_then t WHERE t.id = $1`, []any{1, "", lo, hi}
}

// frame is a unit's frame. Shared by every request served it: never
// changed once made, but for the known-then answers it keeps (then, which
// has its own lock).
type frame struct {
	path  []geo.Node        // the unit's path, the unit last (as geo.Store.Path)
	inds  []*Indicator      // every indicator, in the list's order (as List reads them)
	units map[string][]unit // the division lists (evaluator.units' keys and values)
	then  *thenKept         // the corrections' answers as known on their deadlines at the unit (then.go)
}

// frameVer is what frameVersion reads.
type frameVer struct {
	n     int64     // the frames' version
	floor time.Time // kpi_then's floor (zero: none set)
	recs  int64     // the late entries' counters of the districts under the unit, summed (kpi_late)
	facts int64     // the other dated facts' counters of the districts under the unit and of '', summed (kpi_facts)
}

// frameVersion reads the frames' version, kpi_then's floor and the late
// entries' counters under a unit.
func (s *Service) frameVersion(ctx context.Context, code string) (frameVer, error) {
	var v frameVer
	var floor any
	text, args := frameVersionSQL(code)
	if err := s.queryRow(ctx, text, args...).Scan(&v.n, &floor, &v.recs, &v.facts); err != nil {
		return v, fmt.Errorf("kpi frame version: %w", err)
	}
	v.floor, _ = timeOf(floor)
	return v, nil
}

// frameAt is a unit's frame, kept while frameVersion is unchanged, or read
// (the path, the indicators and the division lists) when it moved, with
// what frameVersion read. A code that is no division answers not found, as
// unitFor does.
func (s *Service) frameAt(ctx context.Context, code string) (*frame, frameVer, error) {
	v, err := s.frameVersion(ctx, code)
	if err != nil {
		return nil, v, err
	}
	f, err := s.frames.Get(ctx, code, v.n, s.now(), func() (*frame, int, error) {
		return s.readFrame(ctx, code)
	})
	if err != nil {
		return nil, v, err
	}
	if len(f.path) == 0 || f.path[len(f.path)-1].Code != code {
		return nil, v, errs.Missing()
	}
	return f, v, nil
}

// readFrame reads a unit's frame, with its size in bytes for the cache.
func (s *Service) readFrame(ctx context.Context, code string) (*frame, int, error) {
	path, err := s.Geo.Path(ctx, code)
	if err != nil {
		return nil, 0, err
	}
	f := &frame{path: path, units: map[string][]unit{}, then: newThenKept()}
	size := 256
	for _, p := range path {
		size += len(p.Code) + len(p.Name) + len(p.ParentCode) + len(p.Kind) + 64
	}
	if len(path) == 0 || path[len(path)-1].Code != code {
		return f, size, nil // not a division: kept as such until the divisions change
	}
	if f.inds, err = s.listAll(ctx); err != nil {
		return nil, 0, err
	}
	for _, ind := range f.inds {
		size += 512 + len(ind.NameZH) + len(ind.NameEN) + len(ind.Clause)
	}
	// the lists of every active indicator that applies at the unit, for
	// any viewer (each request's own indicators read a subset)
	var applies []*Indicator
	for _, ind := range f.inds {
		if ind.Active && strings.HasPrefix(code, ind.ScopeCode) {
			applies = append(applies, ind)
		}
	}
	e := s.newEvaluator()
	if err := e.unitLists(ctx, dashboardLists(applies, path[len(path)-1])); err != nil {
		return nil, 0, err
	}
	f.units = e.units
	for k, us := range f.units {
		size += len(k) + 48
		for _, u := range us {
			size += len(u.code) + len(u.name) + 32
		}
	}
	return f, size, nil
}

// hold gives an evaluator the frame's division lists it has not read
// (the lists are shared, never changed: the evaluator only adds lists),
// and its known-then answers with what was read with its version.
func (f *frame) hold(e *evaluator, v frameVer) {
	e.then, e.floor, e.recs, e.facts, e.unit = f.then, v.floor, v.recs, v.facts, f.path[len(f.path)-1].Code
	for k, us := range f.units {
		if _, ok := e.units[k]; !ok {
			e.units[k] = us
		}
	}
}
