package coverage

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"time"

	"linli/internal/geo"
	"linli/internal/orgroll"
	"linli/internal/platform/auth"
	"linli/internal/platform/clock"
	"linli/internal/platform/db"
	"linli/internal/platform/errs"
	"linli/internal/platform/flight"
	"linli/internal/registry"
)

// Service answers coverage reports and counts. It only reads.
type Service struct {
	DB  *db.DB
	Geo *geo.Store
	Now func() time.Time

	reports flight.Cache[*finished] // finished reports (see cached)
	shapes  flight.Cache[*shape]    // places' communities (see shapeAt)
}

// day is the date a report answers for: the end of that day in China.
type day struct {
	Day     string
	Cut     time.Time // the next midnight in China
	Current bool      // today or later: the rollup answers
	Today   string    // the day in China it is asked on
}

func (s *Service) dayOf(asOf string) (day, error) {
	now := s.Now()
	today := clock.Day(now)
	if asOf == "" {
		asOf = today
	}
	d, err := clock.Parse(time.DateOnly, asOf)
	if err != nil || d.Year() < 2000 || d.Year() > 2100 {
		return day{}, errs.Field("as_of", "coverage.err.date")
	}
	return day{Day: asOf, Cut: d.AddDate(0, 0, 1).UTC(), Current: asOf >= today, Today: today}, nil
}

// Query is a report request.
type Query struct {
	Unit string // division code; "" is the user's scope
	By   string // target_group (default) | type | tier
	AsOf string // YYYY-MM-DD; "" is today
	Area string // "" | urban | rural
}

// Report is the coverage of a place in the user's scope on a date. A
// place outside the scope is not found. The Report is shared with other
// requests (see cached): callers read it and never change it.
func (s *Service) Report(ctx context.Context, u *auth.User, q Query) (*Report, error) {
	f, err := s.cached(ctx, u, q)
	if err != nil {
		return nil, err
	}
	return f.r, nil
}

// ReportJSON is the report encoded as the API answers it (web.JSON's
// encoding), encoded once per report made, not per request.
func (s *Service) ReportJSON(ctx context.Context, u *auth.User, q Query) ([]byte, error) {
	f, err := s.cached(ctx, u, q)
	if err != nil {
		return nil, err
	}
	return f.body, nil
}

// NoCache turns the reports' cache off (for measuring reports made on each
// request, what a request costs after a change) or back on.
func (s *Service) NoCache(off bool) { s.reports.SetOff(off) }

// finished is a report made and its JSON encoding.
type finished struct {
	r    *Report
	body []byte
}

// cached answers a report request from the cache of finished reports, or
// makes the report. A report is per place, not per user: the scope check
// runs on every request, before the cache is read. A report is kept, keyed
// by place, dimension, area, date and the day it is asked on (today's
// report is a new one after midnight, and a date turns past), while the
// records under the place are unchanged: its version is the dashboards'
// (orgroll.Changes, the change counters of the place's districts, moved in the
// writers' transactions by organizations and their target groups, types
// and tiers, which org_cover follows; by their dated history, which the
// dated rollup follows, including late and backdated entries and the
// districts an organization moved from; and by divisions), so a hit costs
// one indexed read.
func (s *Service) cached(ctx context.Context, u *auth.User, q Query) (*finished, error) {
	if q.Unit == "" {
		q.Unit = u.ScopeCode
	}
	f := errs.Fields{}
	if q.By == "" {
		q.By = ByGroup
	}
	f.OneOf("by", q.By, Dimensions, "err.choose_one")
	if q.Area != "" && !slices.Contains(Areas, q.Area) {
		f.Add("area", "err.choose_one")
	}
	if err := f.Err(); err != nil {
		return nil, err
	}
	if !u.InScope(q.Unit) {
		return nil, errs.Missing()
	}
	d, err := s.dayOf(q.AsOf)
	if err != nil {
		return nil, err
	}
	makeReport := func() (*finished, int, error) {
		node, err := s.Geo.Get(ctx, q.Unit)
		if err != nil {
			return nil, 0, err
		}
		r, err := s.report(ctx, node, q.By, q.Area, d, false)
		if err != nil {
			return nil, 0, err
		}
		var b bytes.Buffer
		enc := json.NewEncoder(&b)
		enc.SetEscapeHTML(false) // as web.JSON
		if err := enc.Encode(r); err != nil {
			return nil, 0, fmt.Errorf("coverage json: %w", err)
		}
		// counted as its JSON twice: the encoding and the report it encodes
		return &finished{r: r, body: b.Bytes()}, 2 * b.Len(), nil
	}
	if s.reports.Off() {
		fin, _, err := makeReport()
		return fin, err
	}
	ver, err := orgroll.Changes(ctx, s.DB, q.Unit)
	if err != nil {
		return nil, err
	}
	key := q.Unit + "|" + q.By + "|" + q.Area + "|" + d.Day + "|" + d.Today
	return s.reports.Get(ctx, key, ver, s.Now(), makeReport)
}

// report builds a place's report from a rollup, or from the records
// (fromRecords: a test comparing the two). Today reads org_cover, the
// current counts; a past date reads the dated rollup (internal/orgroll).
func (s *Service) report(ctx context.Context, node *geo.Node, by, area string, d day, fromRecords bool) (*Report, error) {
	r := &Report{Unit: node.Code, Name: node.Name, By: by, AsOf: d.Day, Area: area, FromRecords: fromRecords}
	lo, hi := db.PrefixRange(node.Code)
	n := rowLen(node.Code)
	var units []unitInfo
	var err error
	if n == len(node.Code) {
		units = []unitInfo{{code: node.Code, name: node.Name}}
	} else if units, err = readUnits(ctx, s.Geo, n, node.Code); err != nil {
		return nil, err
	}
	var tallies []tally
	var pl places
	switch {
	case fromRecords:
		c := newCounter(n)
		if err := registry.EachActiveAt(ctx, s.DB.Read, lo, hi, d.Cut, c.add); err != nil {
			return nil, err
		}
		comms, err := readCommunities(ctx, s.Geo, node.Code)
		if err != nil {
			return nil, err
		}
		tallies, pl = c.tallies(), placesOf(comms, c.comms, n)
	case !d.Current:
		if tallies, err = readDated(ctx, s.DB, orgroll.LevelFor(n), []string{"all", dim(by)}, lo, hi, n, d.Day); err != nil {
			return nil, err
		}
		sh, err := s.shapeAt(ctx, node.Code, n)
		if err != nil {
			return nil, err
		}
		if pl, err = readPlacesDated(ctx, s.DB, sh, node.Code, d.Day); err != nil {
			return nil, err
		}
	default:
		if tallies, err = readRollup(ctx, s.DB, orgroll.LevelFor(n), []string{"all", dim(by)}, lo, hi, n); err != nil {
			return nil, err
		}
		// only the aggregates and the communities with organizations
		// travel: a city's report reads a few rows per unit, and one per
		// community with any organization
		sh, err := s.shapeAt(ctx, node.Code, n)
		if err != nil {
			return nil, err
		}
		if pl, err = readPlaces(ctx, s.DB, sh, node.Code); err != nil {
			return nil, err
		}
	}
	build(r, units, tallies, pl)
	return r, nil
}

// shapeAt is a place's communities and what the report derives from them
// alone, kept while the divisions are unchanged (geo.Store.Version, moved
// by every change to a division): a report made after an organization
// changed reads only the counts, not every community of a city again.
func (s *Service) shapeAt(ctx context.Context, code string, n int) (*shape, error) {
	read := func() (*shape, int, error) {
		comms, err := readCommunities(ctx, s.Geo, code)
		if err != nil {
			return nil, 0, err
		}
		// a community's strings, its entry in the list and in the maps
		size := 256
		for _, c := range comms {
			size += len(c.code) + len(c.name) + len(c.street) + 3*16 + 48
		}
		return shapeOf(comms, n), size, nil
	}
	if s.shapes.Off() {
		sh, _, err := read()
		return sh, err
	}
	ver, err := s.Geo.Version(ctx)
	if err != nil {
		return nil, err
	}
	return s.shapes.Get(ctx, code+"|"+strconv.Itoa(n), ver, s.Now(), read)
}
