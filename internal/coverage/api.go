package coverage

import (
	"net/http"

	"linli/internal/platform/auth"
	"linli/internal/platform/web"
)

// query reads a report request from the URL.
func query(r *http.Request) Query {
	q := r.URL.Query()
	return Query{Unit: q.Get("unit"), By: q.Get("by"), AsOf: q.Get("as_of"), Area: q.Get("area")}
}

var params = []web.Param{
	{Name: "unit", Description: "division code (default: your scope); the rows are the units one level down"},
	{Name: "by", Description: "target_group (default) | type | tier"},
	{Name: "as_of", Description: "YYYY-MM-DD, what was true at the end of that day in China by effective date (default: today)"},
	{Name: "area", Description: "urban (residents' committees) | rural (villagers' committees); default both"},
}

func (h *Handlers) apiRoutes(rt *web.Router) {
	rt.API(web.Doc{Method: "GET", Path: "/api/v1/coverage", Summary: "Coverage: active organizations per unit one level down, by target group, type or tier, with the shares covered and the communities without any",
		Tag: "coverage", Query: params, Response: "Coverage"}, h.S.API(h.apiReport))
	rt.Schemas(schemas())
}

func (h *Handlers) apiReport(w http.ResponseWriter, r *http.Request, u *auth.User) {
	body, err := h.Svc.ReportJSON(r.Context(), u, query(r))
	if err != nil {
		h.S.JSONError(w, r, err)
		return
	}
	web.JSONBytes(w, http.StatusOK, body) // encoded once per report made, not per request
}

// schemas are generated from the requests' and answers' Go types
// (web.SchemaOf); the props add the enums a type cannot tell.
func schemas() map[string]any {
	return map[string]any{
		"Coverage": web.SchemaOf(Report{}, map[string]any{"by": web.Enum(Dimensions...)}, "unit", "by", "columns", "rows", "covered"),
	}
}
