// Package geomap draws the units one level below a place coloured by a
// value (an indicator, a count, a coverage share), where their boundaries
// are known, and says so where they are not so that the page keeps its
// ranking table. It owns the vendored boundaries (static/boundaries, see
// NOTICE.md there), the script that draws them (static/geomap.js, Apache
// ECharts as vendored by internal/kpi) and the JSON endpoint
// GET /api/v1/map/{code}. The values come from layers the rooms register
// (kpi: indicator and count; coverage: coverage), so a page of any room,
// the public portal's included, embeds a map with one element:
//
//	<div class="geomap" data-src="/api/v1/map/4401?indicator=KEY&amp;as_of=…" data-drill="/dashboard/{code}"></div>
//	<script src="/static/kpi/echarts.min.js" defer></script>
//	<script src="/static/geomap/geomap.js" defer></script>
//
// or with the answer inline in a <script type="application/json"> block
// named by data-json (no request). Nothing is fetched from outside.
package geomap

import (
	"context"
	"embed"
	"net/http"
	"net/url"
	"regexp"
	"slices"

	"linli/internal/platform/auth"
	"linli/internal/platform/errs"
	"linli/internal/platform/i18n"
	"linli/internal/platform/web"
)

//go:embed static
var static embed.FS

// Boundary is the boundaries of the units below one place: the ECharts
// map the script registers, and the feature name of each unit's code.
type Boundary struct {
	Parent string            // the place whose children are drawn
	Map    string            // the name registerMap gives the map
	Src    string            // the script's URL
	Areas  map[string]string // linli division code → feature name
}

// files are the vendored boundary scripts: the parent code and the file.
var files = []struct{ parent, file string }{
	{"4401", "boundaries/guangzhou.js"},
}

// aliases maps a feature's adcode to linli's division code where the two
// differ (a district renamed or recoded after the boundaries were drawn).
var aliases = map[string]string{}

var (
	boundaries = map[string]*Boundary{}
	reMap      = regexp.MustCompile(`registerMap\("([^"]+)"`)
	reFeature  = regexp.MustCompile(`id:"(\d{6,12})",properties:\{name:"([^"]+)"`)
)

func init() {
	for _, f := range files {
		b, err := static.ReadFile("static/" + f.file)
		if err != nil {
			panic("geomap: " + err.Error())
		}
		s := string(b)
		m := reMap.FindStringSubmatch(s)
		if m == nil {
			panic("geomap: no registerMap in " + f.file)
		}
		bd := &Boundary{Parent: f.parent, Map: m[1], Src: "/static/geomap/" + f.file, Areas: map[string]string{}}
		for _, ft := range reFeature.FindAllStringSubmatch(s, -1) {
			bd.Areas[CodeOf(ft[1])] = ft[2]
		}
		boundaries[f.parent] = bd
	}
}

// CodeOf is linli's division code of a feature's adcode: the national
// code cut to its level (a district's 6 digits), unless aliased.
func CodeOf(adcode string) string {
	if c, ok := aliases[adcode]; ok {
		return c
	}
	return adcode
}

// For returns the boundaries of the units below a place, nil if linli has
// none (the page then shows its table only).
func For(code string) *Boundary { return boundaries[code] }

// Parents lists the places whose children have boundaries.
func Parents() []string {
	var out []string
	for k := range boundaries {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

// Area is one unit below the place with its value.
type Area struct {
	Code     string   `json:"code"`
	Name     string   `json:"name"`
	Feature  string   `json:"feature,omitempty"` // the boundary's name; "" if none
	Value    *float64 `json:"value"`             // nil: no value (not judged, no data)
	Label    string   `json:"label"`             // the value as the dashboard writes it
	Status   string   `json:"status,omitempty"`  // met | on_track | behind | … (indicators)
	Counted  bool     `json:"counted"`
	Boundary bool     `json:"boundary"`
}

// MapRef says which boundaries to draw.
type MapRef struct {
	Name string `json:"name"`
	Src  string `json:"src"`
}

// Data is a map's answer: the place, what is shown, the units with their
// values, and the boundaries (nil: none, show the table).
type Data struct {
	Unit    string   `json:"unit"`
	Name    string   `json:"name"`
	AsOf    string   `json:"as_of"`
	Layer   string   `json:"layer"` // indicator | count | coverage
	Key     string   `json:"key"`   // the indicator key, count source or coverage column
	Title   string   `json:"title"`
	Share   bool     `json:"share"` // values are shares 0…1
	Target  *float64 `json:"target,omitempty"`
	Map     *MapRef  `json:"map"`
	Areas   []Area   `json:"areas"`
	Missing []string `json:"missing"` // units without a boundary
	Min     float64  `json:"min"`
	Max     float64  `json:"max"`
}

// Finish fills what follows from the areas: the boundary of each, the
// map to draw (when at least one unit has a boundary), the unit codes
// without one, and the value range.
func (d *Data) Finish() *Data {
	bd := For(d.Unit)
	d.Missing = []string{}
	if d.Areas == nil {
		d.Areas = []Area{}
	}
	first := true
	for i := range d.Areas {
		a := &d.Areas[i]
		if bd != nil {
			a.Feature = bd.Areas[a.Code]
		}
		a.Boundary = a.Feature != ""
		if !a.Boundary {
			d.Missing = append(d.Missing, a.Code)
		}
		if a.Value != nil {
			if first || *a.Value < d.Min {
				d.Min = *a.Value
			}
			if first || *a.Value > d.Max {
				d.Max = *a.Value
			}
			first = false
		}
	}
	if bd != nil && len(d.Missing) < len(d.Areas) {
		d.Map = &MapRef{Name: bd.Map, Src: bd.Src}
	}
	if d.Share {
		d.Min, d.Max = 0, 1
	}
	return d
}

// Layer answers a map of the units below a place for a user, reading its
// choice from the query (e.g. indicator=KEY, as_of=).
type Layer func(ctx context.Context, u *auth.User, code string, q url.Values) (*Data, error)

// Handlers serves the boundaries, the script and the map endpoint.
type Handlers struct {
	S *web.Server
	// Layers by the query parameter that chooses them: "indicator",
	// "count", "coverage". The first present in a request answers.
	Layers map[string]Layer
	Order  []string
}

// Routes mounts the routes.
func (h *Handlers) Routes(rt *web.Router) {
	rt.Assets("/static/geomap/", static, "static")
	rt.API(web.Doc{Method: "GET", Path: "/api/v1/map/{code}", Summary: "The units one level below a place coloured by an indicator, a count or a coverage column, with their boundaries where linli has them (map null: none, show the table)",
		Tag: "maps", Query: []web.Param{
			{Name: "indicator", Description: "an indicator key: each unit's value as the dashboard shows it"},
			{Name: "count", Description: "orgs | hubs | bases | activities: active records in each unit (activities: held in the as-of year up to the date)"},
			{Name: "coverage", Description: "a coverage column (a target group, type or tier key; all: any organization), with by= as the coverage report"},
			{Name: "by", Description: "coverage: target_group (default) | type | tier"},
			{Name: "area", Description: "coverage: urban | rural"},
			{Name: "as_of", Description: "YYYY-MM-DD (default: today)"},
		}, Response: "Map"}, h.S.API(h.api))
	area := web.SchemaOf(Area{}, nil, "code", "name", "value", "boundary")
	rt.Schemas(map[string]any{"Map": web.SchemaOf(Data{}, map[string]any{"layer": web.Enum("indicator", "count", "coverage"),
		"areas": web.Arr(area)}, "unit", "layer", "key", "map", "areas")})
}

func (h *Handlers) api(w http.ResponseWriter, r *http.Request, u *auth.User) {
	q := r.URL.Query()
	q.Set("lang", i18n.FromRequest(r))
	for _, k := range h.Order {
		if q.Has(k) {
			d, err := h.Layers[k](r.Context(), u, r.PathValue("code"), q)
			if err != nil {
				h.S.JSONError(w, r, err)
				return
			}
			d.Finish()
			web.JSON(w, http.StatusOK, d)
			return
		}
	}
	h.S.JSONError(w, r, errs.Field("indicator", "err.required"))
}
