package kpi

import (
	"embed"
	"net/http"
	"net/url"
	"strconv"

	"linli/internal/geomap"

	"linli/internal/geo"
	"linli/internal/platform/auth"
	"linli/internal/platform/clock"
	"linli/internal/platform/i18n"
	"linli/internal/platform/sheet"
	"linli/internal/platform/web"
)

//go:embed templates/*.html
var templates embed.FS

//go:embed static
var static embed.FS

// Templates is this package's template folder.
var Templates = web.Templates{FS: templates, Dir: "templates"}

// Handlers serves the dashboards, the indicators and the pilots: pages and
// the JSON API over the same service.
type Handlers struct {
	S   *web.Server
	Svc *Service
}

// Routes mounts the routes.
func (h *Handlers) Routes(rt *web.Router) {
	rt.Assets("/static/kpi/", static, "static")
	rt.HandleFunc("GET /dashboard", h.S.Page(h.dashboardHome))
	rt.HandleFunc("GET /dashboard/{code}", h.S.Page(h.dashboardPage))
	rt.HandleFunc("GET /dashboard/{code}/report", h.S.Page(h.reportPage))
	rt.HandleFunc("GET /dashboard/{code}/export.xlsx", h.S.Page(h.exportXLSX))
	rt.HandleFunc("GET /indicators", h.S.Page(h.indicatorsPage))
	rt.HandleFunc("POST /indicators", h.S.Page(h.indicatorCreate))
	rt.HandleFunc("GET /indicators/{key}", h.S.Page(h.indicatorPage))
	rt.HandleFunc("GET /indicators/{key}/edit", h.S.Page(h.indicatorEditPage))
	rt.HandleFunc("POST /indicators/{key}", h.S.Page(h.indicatorUpdate))
	rt.HandleFunc("GET /pilots", h.S.Page(h.pilotsPage))
	rt.HandleFunc("POST /pilots", h.S.Page(h.pilotCreate))
	rt.HandleFunc("POST /pilots/{id}/revoke", h.S.PageID(h.pilotRevoke))
	h.apiRoutes(rt)
}

func (h *Handlers) texts(r *http.Request) texts { return newTexts(h.S.Cat, i18n.FromRequest(r)) }

func (h *Handlers) dashboardHome(w http.ResponseWriter, r *http.Request, u *auth.User) {
	http.Redirect(w, r, "/dashboard/"+u.ScopeCode, http.StatusSeeOther)
}

type dashboardView struct {
	D         *Dashboard
	Rows      []Row
	Ranking   []rankView
	Keys      []Row
	Chart     chartData
	Phase     string
	Position  string
	Query     string
	CanManage bool
	Summary   string
	// MapLayers are the map's choices (query, label) where the units below
	// have boundaries (internal/geomap); none: the ranking table only.
	MapLayers [][2]string
	// Locator: a district whose streets have no boundaries is shown on its
	// city's map (the city's code, "" for none); Drill, where a click on
	// another district goes ("" when the viewer's scope is the district).
	Locator, LocatorDrill string
}

type rankView struct {
	RankRow
	Cells []Cell
}

func (h *Handlers) dashboardView(r *http.Request, u *auth.User) (*dashboardView, error) {
	q := r.URL.Query()
	d, err := h.Svc.DashboardKnown(r.Context(), u, r.PathValue("code"), q.Get("as_of"), q.Get("known_on"))
	if err != nil {
		return nil, err
	}
	x := h.texts(r)
	byKey := map[string]*Indicator{}
	for _, ind := range d.inds { // the indicators the dashboard evaluated, as the user sees them
		byKey[ind.Key] = ind
	}
	v := &dashboardView{D: d, Chart: chartData{Lang: x.lang}, CanManage: CanManage(u),
		Query: "?as_of=" + url.QueryEscape(d.AsOf)}
	if d.KnownOn != "" {
		v.Query += "&known_on=" + url.QueryEscape(d.KnownOn)
	}
	for _, res := range d.Results {
		ind := byKey[res.Key]
		row := x.row(ind, res)
		v.Rows = append(v.Rows, row)
		if row.Chart {
			v.Chart.Charts = append(v.Chart.Charts, x.chart(ind, res))
		}
	}
	for _, rr := range d.Ranking {
		rv := rankView{RankRow: rr}
		for _, res := range d.Results {
			if c, ok := rr.Cells[res.Key]; ok {
				rv.Cells = append(rv.Cells, x.cell(res, c))
			} else {
				rv.Cells = append(rv.Cells, Cell{Value: "—"})
			}
		}
		v.Ranking = append(v.Ranking, rv)
	}
	if geomap.For(d.Unit.Code) != nil {
		if v.MapLayers, err = h.Svc.MapLayers(r.Context(), u, d.Unit.Code, x.lang); err != nil {
			return nil, err
		}
	} else if c := d.Unit.Code; len(c) == 6 && geomap.For(c[:4]) != nil && geomap.For(c[:4]).Areas[c] != "" {
		v.Locator = c[:4]
		if u.InScope(v.Locator) {
			v.LocatorDrill = "/dashboard/{code}" + v.Query
		}
	}
	v.Phase = x.t("kpi.phase." + d.Timeline.Current)
	v.Position = x.t("kpi.timeline.position", v.Phase, d.Timeline.Month, d.Timeline.Months)
	v.Summary = x.t("kpi.summary", d.Summary[StateMet], d.Summary[StateOnTrack], d.Summary[StateBehind], d.Summary[StateNoData])
	return v, nil
}

func (h *Handlers) dashboardPage(w http.ResponseWriter, r *http.Request, u *auth.User) {
	v, err := h.dashboardView(r, u)
	if err != nil {
		h.S.PageError(w, r, err)
		return
	}
	h.S.Render(w, r, http.StatusOK, "kpi_dashboard", web.View{Title: v.D.Unit.Name + " · " + h.texts(r).t("kpi.dashboard.title"), Data: v})
}

// gap is an indicator behind target in the report, with the units that
// make it so: the units one level down that are behind (for shares), or the
// judged units short of the target and by how many.
type gap struct {
	Row   Row
	Units []gapUnit
	More  int
}

type gapUnit struct{ Unit, Name, Value, Shortfall string }

func (h *Handlers) reportPage(w http.ResponseWriter, r *http.Request, u *auth.User) {
	v, err := h.dashboardView(r, u)
	if err != nil {
		h.S.PageError(w, r, err)
		return
	}
	x := h.texts(r)
	var gaps []gap
	for i, res := range v.D.Results {
		if res.Status != StateBehind {
			continue
		}
		g := gap{Row: v.Rows[i]}
		if (res.Kind == KindUnitShare || res.Kind == KindRecordShare) && len(res.Children) > 0 {
			for _, c := range res.Children {
				if c.Status == StateBehind {
					g.Units = append(g.Units, gapUnit{c.Unit, c.Name, x.value(res, c.Value), x.shortfall(res, c.Shortfall)})
				}
			}
		} else {
			l, err := h.Svc.UnitsKnown(r.Context(), u, res.Key, res.Unit, res.AsOf, res.KnownOn, "short")
			if err != nil {
				h.S.PageError(w, r, err)
				return
			}
			for _, it := range l.Items {
				g.Units = append(g.Units, gapUnit{it.Unit, it.Name, num(it.Value, false), num(it.Shortfall, false)})
			}
		}
		if len(g.Units) > 30 {
			g.More, g.Units = len(g.Units)-30, g.Units[:30]
		}
		gaps = append(gaps, g)
	}
	h.S.Render(w, r, http.StatusOK, "kpi_report", web.View{Title: x.t("kpi.report.title", v.D.Unit.Name),
		Data: map[string]any{"V": v, "Gaps": gaps, "Produced": clock.Minutes(h.Svc.now())}})
}

func (h *Handlers) exportXLSX(w http.ResponseWriter, r *http.Request, u *auth.User) {
	v, err := h.dashboardView(r, u)
	if err != nil {
		h.S.Error(w, r, err)
		return
	}
	b, err := h.xlsx(h.texts(r), v)
	if err != nil {
		h.S.Error(w, r, err)
		return
	}
	sheet.Send(w, "dashboard-"+v.D.Unit.Code+"-"+v.D.AsOf+".xlsx", b)
}

// indicatorView is the page of one indicator at one unit.
type indicatorView struct {
	Ind      *Indicator
	Res      *Result
	Row      Row
	Children []childView
	Units    *UnitList
	UnitSet  string
	Records  *RecordPage
	Set      string
	Sets     []string
	Names    map[string]string
	Query    string
	CanEdit  bool
	API      string
	Path     []geo.Node
	Reading  string
}

type childView struct {
	Child
	Cell Cell
}

func (h *Handlers) indicatorPage(w http.ResponseWriter, r *http.Request, u *auth.User) {
	q := r.URL.Query()
	key, unit, asOf := r.PathValue("key"), q.Get("unit"), q.Get("as_of")
	res, err := h.Svc.EvaluateKnown(r.Context(), u, key, unit, asOf, q.Get("known_on"))
	if err != nil {
		h.S.PageError(w, r, err)
		return
	}
	ind, err := h.Svc.Get(r.Context(), u, key)
	if err != nil {
		h.S.PageError(w, r, err)
		return
	}
	x := h.texts(r)
	v := &indicatorView{Ind: ind, Res: res, Row: x.row(ind, res), UnitSet: q.Get("units"), Set: q.Get("set"),
		CanEdit: setsFor(u, ind.ScopeCode),
		Query:   "?unit=" + res.Unit + "&as_of=" + res.AsOf}
	v.Reading = x.reading(ind)
	v.API = "/api/v1/indicators/" + key + v.Query
	if res.KnownOn != "" {
		v.API += "&known_on=" + res.KnownOn
	}
	for _, c := range res.Children {
		v.Children = append(v.Children, childView{c, x.cell(res, c)})
	}
	if v.UnitSet == "" {
		v.UnitSet = "short"
	}
	if v.Units, err = h.Svc.UnitsKnown(r.Context(), u, key, res.Unit, res.AsOf, res.KnownOn, v.UnitSet); err != nil {
		h.S.PageError(w, r, err)
		return
	}
	v.Sets = []string{"records"}
	if ind.Rule.Kind == KindRecordShare {
		v.Sets = []string{"numerator", "missing", "denominator"}
	}
	year, _ := strconv.Atoi(q.Get("year"))
	page, _ := strconv.Atoi(q.Get("page"))
	if v.Records, err = h.Svc.RecordsKnown(r.Context(), u, key, res.Unit, res.AsOf, res.KnownOn, v.Set, year, page, 50); err != nil {
		h.S.PageError(w, r, err)
		return
	}
	v.Set = v.Records.Set
	var codes []string
	for _, rec := range v.Records.Items {
		codes = append(codes, rec.Code)
	}
	if v.Names, err = h.Svc.Geo.Names(r.Context(), codes); err != nil {
		h.S.PageError(w, r, err)
		return
	}
	path, err := h.Svc.Geo.Path(r.Context(), res.Unit)
	if err != nil {
		h.S.PageError(w, r, err)
		return
	}
	for _, p := range path {
		if u.InScope(p.Code) && len(p.Code) >= len(ind.ScopeCode) {
			v.Path = append(v.Path, p)
		}
	}
	h.S.Render(w, r, http.StatusOK, "kpi_indicator", web.View{Title: ind.Name(x.lang) + " · " + res.UnitName, Data: v})
}
