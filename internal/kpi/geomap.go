package kpi

import (
	"context"
	"fmt"
	"net/url"
	"slices"
	"strconv"

	"linli/internal/geo"
	"linli/internal/geomap"
	"linli/internal/platform/auth"
	"linli/internal/platform/db"
	"linli/internal/platform/errs"
)

// The map layers of the indicators (see internal/geomap): an indicator's
// value in each unit one level down, exactly as the dashboard ranks it, or
// the count of active records of a source in each of them.

// MapCounts are the counts a map can show, in menu order.
var MapCounts = []string{SourceOrgs, SourceHubs, SourceBases, MapActivities}

// MapActivities counts the activities held in the as-of date's year up to
// that date (not refused), by the community they were held in.
const MapActivities = "activities"

var countTitles = map[string][2]string{
	SourceOrgs:    {"社会组织数", "Organizations"},
	SourceHubs:    {"枢纽型社会组织数", "Hub organizations"},
	SourceBases:   {"孵化基地数", "Incubation bases"},
	MapActivities: {"本年活动数", "Activities this year"},
}

// CountTitle is the menu label of a count layer.
func CountTitle(src, lang string) string {
	t := countTitles[src]
	if lang == "en" {
		return t[1]
	}
	return t[0]
}

// MapIndicator is the layer "indicator": ?indicator=KEY&as_of=.
func (s *Service) MapIndicator(ctx context.Context, u *auth.User, code string, q url.Values) (*geomap.Data, error) {
	key := q.Get("indicator")
	t, err := s.resolve(ctx, u, key, code, q.Get("as_of"))
	if err != nil {
		return nil, err
	}
	ev, err := s.evaluation(ctx, s.newEvaluator(), t.ind, *t.node, t.w)
	if err != nil {
		return nil, err
	}
	r := ev.result()
	share := t.ind.IsShare()
	d := &geomap.Data{Unit: t.node.Code, Name: t.node.Name, AsOf: t.w.Day, Layer: "indicator", Key: t.ind.Key,
		Title: t.ind.Name(q.Get("lang")), Share: share}
	if t.ind.Target != 0 {
		d.Target = ptr(t.ind.Target)
	}
	for _, c := range r.Children {
		a := geomap.Area{Code: c.Unit, Name: c.Name, Value: c.Value, Status: c.Status, Counted: geo.Counted(c.Unit), Label: "—"}
		if c.Value != nil {
			a.Label = num(*c.Value, share)
		}
		d.Areas = append(d.Areas, a)
	}
	return d, nil
}

// MapCount is the layer "count": ?count=orgs|hubs|bases|activities&as_of=.
// Organizations, hubs and bases are counted as an indicator of kind count
// over their source (the same relation the dashboard reads).
func (s *Service) MapCount(ctx context.Context, u *auth.User, code string, q url.Values) (*geomap.Data, error) {
	src := q.Get("count")
	if !slices.Contains(MapCounts, src) {
		return nil, errs.Field("count", "err.choose_one")
	}
	w, err := s.parseAsOf(q.Get("as_of"))
	if err != nil {
		return nil, err
	}
	node, err := s.unitFor(ctx, u, code)
	if err != nil {
		return nil, err
	}
	n := geo.ChildLen(node.Code)
	d := &geomap.Data{Unit: node.Code, Name: node.Name, AsOf: w.Day, Layer: "count", Key: src,
		Title: CountTitle(src, q.Get("lang"))}
	if n == 0 {
		return d, nil
	}
	e := s.newEvaluator()
	kids, err := e.unitsAt(ctx, []span{spanOf(node.Code)}, n)
	if err != nil {
		return nil, err
	}
	counts := map[string]int{}
	if src == MapActivities {
		if counts, err = s.activityCounts(ctx, node.Code, n, w); err != nil {
			return nil, err
		}
	} else {
		ind := &Indicator{Key: "map:count:" + src, Level: levelOf(n), Rule: Rule{Kind: KindCount, Source: src}}
		ev, err := s.evaluation(ctx, e, ind, *node, w)
		if err != nil {
			return nil, err
		}
		for _, c := range ev.result().Children {
			if c.Value != nil {
				counts[c.Unit] = int(*c.Value)
			}
		}
	}
	for _, k := range kids {
		v := float64(counts[k.code])
		d.Areas = append(d.Areas, geomap.Area{Code: k.code, Name: k.name, Value: &v, Label: strconv.Itoa(counts[k.code]),
			Counted: geo.Counted(k.code)})
	}
	return d, nil
}

// levelOf is the level name of a code length.
func levelOf(n int) string {
	for k, v := range levelLen {
		if v == n {
			return k
		}
	}
	return LevelCommunity
}

// activityCounts counts the activities held from the first day of the
// date's year to the date, not refused, under a unit, by code cut to n.
func (s *Service) activityCounts(ctx context.Context, code string, n int, w when) (map[string]int, error) {
	out := map[string]int{}
	sp := spanOf(code)
	rows, err := s.query(ctx, `SELECT substr(community_code, 1, `+strconv.Itoa(n)+`), COUNT(*) FROM activities
		WHERE community_code >= $1 AND community_code < $2 AND starts_on >= $3 AND starts_on <= $4 AND status <> 'refused'
		GROUP BY 1`, sp.lo, sp.hi, w.Day[:4]+"-01-01", w.Day)
	if err != nil {
		return nil, fmt.Errorf("kpi map activities: %w", err)
	}
	return out, db.Pairs(rows, out)
}

// MapLayers lists the layers a page offers: the counts, then the
// indicators that apply at the unit, as query strings with their labels.
func (s *Service) MapLayers(ctx context.Context, u *auth.User, code, lang string) ([][2]string, error) {
	var out [][2]string
	for _, c := range MapCounts {
		out = append(out, [2]string{"count=" + c, CountTitle(c, lang)})
	}
	inds, err := s.List(ctx, u, code, false)
	if err != nil {
		return nil, err
	}
	for _, ind := range inds {
		out = append(out, [2]string{"indicator=" + url.QueryEscape(ind.Key), ind.Name(lang)})
	}
	return out, nil
}
