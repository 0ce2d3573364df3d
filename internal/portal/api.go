package portal

import (
	"context"
	"net/http"
	"strconv"

	"linli/internal/platform/auth"
	"linli/internal/platform/errs"
	"linli/internal/platform/i18n"
	"linli/internal/platform/web"
)

func (h *Handlers) apiRoutes(rt *web.Router) {
	pg := []web.Param{{Name: "page", Type: "integer"}, {Name: "per_page", Type: "integer", Description: "at most 50"}}
	rt.API(web.Doc{Method: "GET", Path: "/api/v1/public/places/{code}", Summary: "The public portal's data for a place (city, district, street or community): active organizations, activities, project calls, the plan's indicators (as the dashboard), the places below",
		Tag: "public", Public: true, Response: "PublicPlace", Query: append([]web.Param{{Name: "q", Description: "organization name (Chinese or pinyin)"},
			{Name: "type"}, {Name: "target_group"}, {Name: "month", Description: "YYYY-MM: the calendar's month"},
			{Name: "as_of", Description: "YYYY-MM-DD: the indicators' date (default today)"}}, pg...)}, publicAPI(web.Public(web.Parsed(h.S, placeQuery, h.apiPlace))))
	rt.API(web.Doc{Method: "GET", Path: "/api/v1/public/orgs", Summary: "Active organizations of a place by name (Chinese or pinyin), type and target group: public facts and what each publishes",
		Tag: "public", Public: true, Response: "PublicOrgList", Query: append([]web.Param{{Name: "within", Description: "division code (default: the city)"},
			{Name: "q"}, {Name: "type"}, {Name: "target_group"}}, pg...)}, publicAPI(web.Public(web.Parsed(h.S, orgQuery, h.apiOrgs))))
	rt.API(web.Doc{Method: "GET", Path: "/api/v1/public/orgs/{id}", Summary: "An active organization's public facts and what it publishes",
		Tag: "public", Public: true, Response: "PublicOrg"}, publicAPI(h.S.PublicID("id", h.apiOrg)))
	rt.API(web.Doc{Method: "GET", Path: "/api/v1/public/activities", Summary: "Public activities of a place in a period, soonest first (organizations that publish their activities)",
		Tag: "public", Public: true, Response: "PublicActivityList", Query: append([]web.Param{{Name: "within"},
			{Name: "from", Description: "YYYY-MM-DD (default today)"}, {Name: "to", Description: "YYYY-MM-DD, at most a year after from"}}, pg...)}, publicAPI(web.Public(web.Parsed(h.S, activityQuery, h.apiActivities))))
	rt.API(web.Doc{Method: "GET", Path: "/api/v1/orgs/{id}/publication", Summary: "An organization's publication settings (信息公开): its leader and community committee",
		Tag: "public", Response: "Publication"}, h.S.API(h.S.WithID("id", h.apiSettings)))
	rt.API(web.Doc{Method: "PUT", Path: "/api/v1/orgs/{id}/publication", Summary: "Change what an organization publishes on the portal; withdrawing removes it at once (version: the one read)",
		Tag: "public", Body: "Publication", Response: "Publication"}, h.S.API(web.WriteID(h.S, http.StatusOK, "id", h.Svc.PutSettings)))
	h.mapRoutes(rt)
	rt.Schemas(schemas())
}

// public marks a public answer: caches must check with linli before
// reusing it, so a withdrawn part is never served again.
// publicAPI is h with public's header set first, so that a refusal
// before h runs (a bad path id) carries it too.
func publicAPI(h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		public(w)
		h(w, r)
	}
}

func public(w http.ResponseWriter) {
	if w.Header().Get("Cache-Control") == "" {
		w.Header().Set("Cache-Control", "no-cache")
	}
}

func intParam(r *http.Request, name string, fe errs.Fields) int {
	s := r.URL.Query().Get(name)
	if s == "" {
		return 0
	}
	n, err := strconv.Atoi(s)
	if err != nil {
		fe.Add(name, "err.portal.page")
	}
	return n
}

func orgQuery(r *http.Request) (OrgQuery, error) {
	q := r.URL.Query()
	fe := errs.Fields{}
	oq := OrgQuery{Within: q.Get("within"), Q: q.Get("q"), Type: q.Get("type"), TargetGroup: q.Get("target_group"),
		Page: intParam(r, "page", fe), PerPage: intParam(r, "per_page", fe)}
	return oq, fe.Err()
}

// placeQuery reads a place's public page's query: its code, the
// organizations' filter, the calendar's month and the indicators' date.
func placeQuery(r *http.Request) (PlaceQuery, error) {
	oq, err := orgQuery(r)
	return PlaceQuery{Code: r.PathValue("code"), Orgs: oq, Month: r.URL.Query().Get("month"),
		AsOf: r.URL.Query().Get("as_of"), Lang: i18n.FromRequest(r)}, err
}

// apiPlace is a place's public page, read by anyone (no user).
func (h *Handlers) apiPlace(ctx context.Context, _ *auth.User, q PlaceQuery) (*Place, error) {
	return h.Svc.Place(ctx, q)
}

// apiOrgs is the public search of organizations, read by anyone (no user).
func (h *Handlers) apiOrgs(ctx context.Context, _ *auth.User, q OrgQuery) (*OrgPage, error) {
	return h.Svc.SearchOrgs(ctx, q)
}

func (h *Handlers) apiOrg(w http.ResponseWriter, r *http.Request, id int64) {
	o, err := h.Svc.Org(r.Context(), id)
	h.S.Respond(w, r, http.StatusOK, o, err)
}

// activityQuery reads the public activities' query: a place, a period
// and a page.
func activityQuery(r *http.Request) (ActivityQuery, error) {
	q := r.URL.Query()
	fe := errs.Fields{}
	aq := ActivityQuery{Within: q.Get("within"), From: q.Get("from"), To: q.Get("to"), Page: intParam(r, "page", fe), PerPage: intParam(r, "per_page", fe)}
	return aq, fe.Err()
}

// apiActivities are the public activities of a place, read by anyone (no
// user).
func (h *Handlers) apiActivities(ctx context.Context, _ *auth.User, q ActivityQuery) (*ActivityPage, error) {
	return h.Svc.Activities(ctx, q)
}

func (h *Handlers) apiSettings(w http.ResponseWriter, r *http.Request, u *auth.User, id int64) {
	s, _, err := h.Svc.Settings(r.Context(), u, id)
	h.S.Respond(w, r, http.StatusOK, s, err)
}

// schemas are generated from the requests' and answers' Go types
// (web.SchemaOf); the props add the $refs and the nullable value a type
// cannot tell.
func schemas() map[string]any {
	acts := web.Arr(web.Ref("PublicActivity"))
	return map[string]any{
		"PublicActivity":     web.SchemaOf(Activity{}, nil),
		"PublicActivityList": web.SchemaOf(ActivityPage{}, map[string]any{"items": acts}),
		"PublicOrg":          web.SchemaOf(PublicOrg{}, map[string]any{"activities": acts}),
		"PublicOrgList":      web.SchemaOf(OrgPage{}, map[string]any{"items": web.Arr(web.Ref("PublicOrg"))}),
		"PublicPlace": web.SchemaOf(Place{}, map[string]any{"orgs": web.Ref("PublicOrgList"), "upcoming_activities": acts,
			"recent_activities": acts, "indicators": web.Arr(web.SchemaOf(Indicator{},
				map[string]any{"value": map[string]any{"type": "number", "nullable": true}}))}),
		"Publication": web.SchemaOf(Settings{}, nil),
	}
}
