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

func schemas() map[string]any {
	counts := map[string]any{"type": "object", "additionalProperties": web.Int()}
	shares := map[string]any{"type": "object", "additionalProperties": map[string]any{"type": "number"}}
	row := web.Obj(map[string]any{"unit": web.Str(), "name": web.Str(), "cells": counts, "total": web.Int(),
		"kind": web.Str(), "not_counted": web.Bool()})
	place := web.Obj(map[string]any{"unit": web.Str(), "name": web.Str(), "street": web.Str(), "kind": web.Str()})
	return map[string]any{
		"Coverage": web.Obj(map[string]any{"unit": web.Str(), "name": web.Str(), "by": web.Enum(Dimensions...),
			"as_of": web.Str(), "area": web.Str(), "columns": web.Arr(web.Str()), "rows": web.Arr(row), "covered": shares,
			"totals": counts, "total": web.Int(), "covered_any": map[string]any{"type": "number"}, "counted": web.Int(),
			"empty_communities": web.Arr(place), "communities": web.Int(), "from_records": web.Bool()},
			"unit", "by", "columns", "rows", "covered"),
	}
}
