package portal

import (
	"context"
	"net/http"
	"net/url"
	"slices"

	"linli/internal/geomap"
	"linli/internal/kpi"
	"linli/internal/platform/auth"
	"linli/internal/platform/errs"
	"linli/internal/platform/i18n"
	"linli/internal/platform/web"
)

// The public map (issue 17): the units below a place coloured by a public
// figure, without sign-in. Public figures are the counts of the registry's
// public facts (active organizations, hubs, incubation bases) and the
// indicators the portal shows for that place (kpi.Service.Public: the
// dashboard's own evaluation); any other layer is refused, so the endpoint
// exposes nothing the portal's pages do not.

// PublicCounts are the count layers the public map offers.
var PublicCounts = []string{kpi.SourceOrgs, kpi.SourceHubs, kpi.SourceBases}

// reader is who the portal reads the indicators as: the city's auditor,
// as kpi.Service.Public does.
func reader(code string) *auth.User {
	city := code
	if len(city) > 4 {
		city = city[:4]
	}
	return &auth.User{Username: "portal", Role: auth.Auditor, ScopeCode: city}
}

// Map answers the public map of a place: ?count=orgs|hubs|bases or
// ?indicator=KEY (one the portal shows for the place), with as_of=.
func (s *Service) Map(ctx context.Context, code string, q url.Values, lang string) (*geomap.Data, error) {
	if !validCode(code) {
		return nil, errs.Missing()
	}
	in := url.Values{"as_of": {q.Get("as_of")}, "lang": {lang}}
	var d *geomap.Data
	var err error
	switch {
	case q.Has("count"):
		if !slices.Contains(PublicCounts, q.Get("count")) {
			return nil, errs.Field("count", "err.choose_one")
		}
		in.Set("count", q.Get("count"))
		d, err = s.KPI.MapCount(ctx, reader(code), code, in)
	case q.Has("indicator"):
		key := q.Get("indicator")
		_, rows, perr := s.KPI.Public(ctx, code, q.Get("as_of"), s.Cat, cmpStr(lang, i18n.ZH))
		if perr != nil {
			return nil, perr
		}
		if !slices.ContainsFunc(rows, func(r kpi.PublicRow) bool { return r.Result.Key == key }) {
			return nil, errs.Missing()
		}
		in.Set("indicator", key)
		d, err = s.KPI.MapIndicator(ctx, reader(code), code, in)
	default:
		return nil, errs.Field("indicator", "err.required")
	}
	if err != nil {
		return nil, err
	}
	return d.Finish(), nil
}

// MapLayer is one choice of a place page's map: its query and its label.
type MapLayer struct {
	Query, Label string
}

// mapLayers lists a place's public map layers (none where linli has no
// boundaries for the units below it: the page keeps its lists).
func mapLayers(code string, inds []Indicator, lang string) []MapLayer {
	if geomap.For(code) == nil {
		return nil
	}
	out := []MapLayer{}
	for _, c := range PublicCounts {
		out = append(out, MapLayer{Query: "count=" + c, Label: kpi.CountTitle(c, lang)})
	}
	for _, ind := range inds {
		out = append(out, MapLayer{Query: "indicator=" + url.QueryEscape(ind.Key), Label: ind.Name})
	}
	return out
}

// locator is the place whose map shows where a district lies (its city),
// for a district whose streets have no boundaries; "" otherwise.
func locator(code string) string {
	if len(code) != 6 || geomap.For(code) != nil {
		return ""
	}
	if bd := geomap.For(code[:4]); bd != nil && bd.Areas[code] != "" {
		return code[:4]
	}
	return ""
}

// ranking orders the places below by their active organizations, most
// first (the table a map without boundaries degrades to).
func ranking(kids []ChildPlace) []ChildPlace {
	out := slices.Clone(kids)
	slices.SortStableFunc(out, func(a, b ChildPlace) int { return b.Orgs - a.Orgs })
	return out
}

func (h *Handlers) mapRoutes(rt *web.Router) {
	rt.API(web.Doc{Method: "GET", Path: "/api/v1/public/map/{code}", Summary: "The public map of a place: the units below it coloured by a public figure (active organizations, hubs or bases, or an indicator the portal shows for the place), boundaries where linli has them; cacheable for 5 minutes",
		Tag: "public", Public: true, Response: "Map", Query: []web.Param{
			{Name: "count", Description: "orgs | hubs | bases"},
			{Name: "indicator", Description: "an indicator key shown on the place's portal page"},
			{Name: "as_of", Description: "YYYY-MM-DD (default today)"}}}, h.apiMap)
}

func (h *Handlers) apiMap(w http.ResponseWriter, r *http.Request) {
	d, err := h.Svc.Map(r.Context(), r.PathValue("code"), r.URL.Query(), i18n.FromRequest(r))
	if err != nil {
		h.S.JSONError(w, r, err)
		return
	}
	if w.Header().Get("Cache-Control") == "" {
		// aggregates of public facts, for a visitor not signed in: shared
		// caches may keep them a while (a signed-in answer stays no-store)
		w.Header().Set("Cache-Control", "public, max-age=300")
		w.Header().Add("Vary", "Accept-Language, Cookie")
	}
	web.JSON(w, http.StatusOK, d)
}
