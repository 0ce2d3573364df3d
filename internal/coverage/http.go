package coverage

import (
	"embed"
	"net/http"
	"net/url"
	"strconv"

	"linli/internal/geo"
	"linli/internal/geomap"
	"linli/internal/platform/auth"
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

// Handlers serves the coverage report: page, spreadsheet and JSON.
type Handlers web.Room[*Service]

// Routes mounts the routes.
func (h *Handlers) Routes(rt *web.Router) {
	rt.Assets("/static/coverage/", static, "static")
	rt.HandleFunc("GET /coverage", h.S.Page(h.page))
	rt.HandleFunc("GET /coverage/export.xlsx", h.S.Page(h.export))
	h.apiRoutes(rt)
}

// maxEmptyShown is how many communities without organizations the page
// lists; the export lists all.
const maxEmptyShown = 300

// texts translates into one language (a struct field, so that vet does
// not take it for a printf wrapper: keys are not formats).
type texts struct {
	t func(key string, args ...any) string
}

func (h *Handlers) texts(lang string) texts {
	return texts{t: func(key string, args ...any) string { return h.S.Cat.T(lang, key, args...) }}
}

type option struct {
	Value, Label string
	Selected     bool
}

type cell struct {
	N     int
	Empty bool
}

type rowView struct {
	Row
	Link, OrgsLink, KindLabel string
	Cells                     []cell
}

type view struct {
	R          *Report
	Path       []geo.Node
	Columns    []option
	Rows       []rowView
	Totals     []int
	Covered    []string
	CoveredAny string
	Summary    string
	Empty      []Place
	More       int
	Streets    map[string]string
	Dims       []option
	AreaOpts   []option
	Export     string
	Self       string
	// the map of the units below (internal/geomap): the total first, the
	// columns to choose from, and where a click leads
	Map      *geomap.Data
	MapCols  []option
	MapQuery string
	Drill    string
}

func pct(v float64) string { return strconv.FormatFloat(v*100, 'f', 1, 64) + "%" }

// link is the page of a place with the same choices.
func link(path, unit string, rep *Report) string {
	v := url.Values{"unit": {unit}, "by": {rep.By}, "as_of": {rep.AsOf}}
	if rep.Area != "" {
		v.Set("area", rep.Area)
	}
	return path + "?" + v.Encode()
}

func (h *Handlers) view(r *http.Request, u *auth.User) (*view, error) {
	rep, err := h.Svc.Report(r.Context(), u, query(r))
	if err != nil {
		return nil, err
	}
	lang := i18n.FromRequest(r)
	t := h.texts(lang).t
	v := &view{R: rep, Self: link("/coverage", rep.Unit, rep), Export: link("/coverage/export.xlsx", rep.Unit, rep)}
	path, err := h.Svc.Geo.Path(r.Context(), rep.Unit)
	if err != nil {
		return nil, err
	}
	for _, n := range path {
		if u.InScope(n.Code) {
			v.Path = append(v.Path, n)
		}
	}
	for _, c := range rep.Columns {
		v.Columns = append(v.Columns, option{Value: c, Label: t(LabelKey(rep.By, c))})
		v.Totals = append(v.Totals, rep.Totals[c])
		v.Covered = append(v.Covered, pct(rep.Covered[c]))
	}
	v.CoveredAny = pct(rep.CoveredAny)
	for _, row := range rep.Rows {
		rv := rowView{Row: row, OrgsLink: "/orgs?within=" + url.QueryEscape(row.Unit) + "&status=active"}
		if row.Unit != rep.Unit && len(row.Unit) < 12 {
			rv.Link = link("/coverage", row.Unit, rep)
		}
		if row.Kind != "" {
			rv.KindLabel = t("coverage.area." + row.Kind)
		}
		for _, c := range rep.Columns {
			rv.Cells = append(rv.Cells, cell{N: row.Cells[c], Empty: row.Cells[c] == 0})
		}
		v.Rows = append(v.Rows, rv)
	}
	v.Summary = t("coverage.summary", rep.Total, len(rep.Empty), rep.Communities, v.CoveredAny)
	v.Empty = rep.Empty
	if len(v.Empty) > maxEmptyShown {
		v.More = len(v.Empty) - maxEmptyShown
		v.Empty = v.Empty[:maxEmptyShown]
	}
	codes := []string{}
	for _, p := range v.Empty {
		codes = append(codes, p.Street)
	}
	if v.Streets, err = h.Svc.Geo.Names(r.Context(), codes); err != nil {
		return nil, err
	}
	if geomap.For(rep.Unit) != nil {
		v.Map = MapOf(rep, ColumnAll, t("coverage.total")).Finish()
		mq := url.Values{"by": {rep.By}, "as_of": {rep.AsOf}}
		if rep.Area != "" {
			mq.Set("area", rep.Area)
		}
		base := mq.Encode() + "&coverage="
		v.MapQuery = base + ColumnAll
		v.MapCols = append(v.MapCols, option{Value: v.MapQuery, Label: t("coverage.total"), Selected: true})
		for _, c := range v.Columns {
			v.MapCols = append(v.MapCols, option{Value: base + url.QueryEscape(c.Value), Label: c.Label})
		}
		v.Drill = "/coverage?unit={code}&" + mq.Encode()
	}
	for _, d := range Dimensions {
		v.Dims = append(v.Dims, option{Value: d, Label: t("coverage.by." + d), Selected: d == rep.By})
	}
	for _, a := range append([]string{""}, Areas...) {
		k := a
		if k == "" {
			k = "all"
		}
		v.AreaOpts = append(v.AreaOpts, option{Value: a, Label: t("coverage.area." + k), Selected: a == rep.Area})
	}
	return v, nil
}

func (h *Handlers) page(w http.ResponseWriter, r *http.Request, u *auth.User) {
	v, err := h.view(r, u)
	if err != nil {
		h.S.PageError(w, r, err)
		return
	}
	title := h.S.T(r, "coverage.title")
	h.S.Render(w, r, http.StatusOK, "coverage", web.View{Title: v.R.Name + " · " + title, Data: v})
}

func (h *Handlers) export(w http.ResponseWriter, r *http.Request, u *auth.User) {
	rep, err := h.Svc.Report(r.Context(), u, query(r))
	if err != nil {
		h.S.PageError(w, r, err)
		return
	}
	b, err := h.xlsx(r.Context(), i18n.FromRequest(r), rep)
	if err != nil {
		h.S.PageError(w, r, err)
		return
	}
	sheet.Send(w, "coverage-"+rep.Unit+"-"+rep.By+"-"+rep.AsOf+".xlsx", b)
}
