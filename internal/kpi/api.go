package kpi

import (
	"context"
	"net/http"
	"strconv"

	"linli/internal/platform/auth"
	"linli/internal/platform/errs"
	"linli/internal/platform/web"
	"linli/internal/registry"
)

func (h *Handlers) apiRoutes(rt *web.Router) {
	at := []web.Param{{Name: "unit", Description: "division code (default: your scope)"},
		{Name: "as_of", Description: "YYYY-MM-DD, what was true at the end of that day in China (default: today)"},
		{Name: "known_on", Description: "YYYY-MM-DD: what linli answered on that day, from the records entered by its end (default: now)"}}
	rt.API(web.Doc{Method: "GET", Path: "/api/v1/indicators", Summary: "Indicators you may see", Tag: "indicators",
		Query: []web.Param{{Name: "at", Description: "only those that apply at this division"},
			{Name: "all", Description: "1: include inactive ones"}}, Response: "IndicatorList"}, h.S.API(h.apiList))
	rt.API(web.Doc{Method: "POST", Path: "/api/v1/indicators", Summary: "Add an indicator (city administrators; district officers for their district)",
		Tag: "indicators", Body: "IndicatorInput", Response: "Indicator", Status: 201}, h.S.API(h.apiCreate))
	rt.API(web.Doc{Method: "GET", Path: "/api/v1/indicators/{key}", Summary: "An indicator evaluated at a unit on a date, with the units one level down",
		Tag: "indicators", Query: at, Response: "Evaluation"}, h.S.API(h.apiEvaluate))
	rt.API(web.Doc{Method: "GET", Path: "/api/v1/indicators/{key}/definition", Summary: "An indicator's definition",
		Tag: "indicators", Response: "Indicator"}, h.S.API(h.apiGet))
	rt.API(web.Doc{Method: "PATCH", Path: "/api/v1/indicators/{key}", Summary: "Change some fields of an indicator",
		Tag: "indicators", Body: "IndicatorInput", Response: "Indicator"}, h.S.API(h.apiPatch))
	rt.API(web.Doc{Method: "GET", Path: "/api/v1/indicators/{key}/units", Summary: "The units behind the number: counted units, or judged units with their shortfall",
		Tag: "indicators", Query: append(at[:3:3], web.Param{Name: "set", Description: "all | met | short"}), Response: "UnitList"}, h.S.API(h.apiUnits))
	rt.API(web.Doc{Method: "GET", Path: "/api/v1/indicators/{key}/records", Summary: "The records behind the number",
		Tag: "indicators", Query: append(at[:3:3], web.Param{Name: "set", Description: "records | numerator | denominator | missing"},
			web.Param{Name: "year", Type: "integer", Description: "count per year: the year (default: the as-of year)"},
			web.Param{Name: "page", Type: "integer"}, web.Param{Name: "per_page", Type: "integer", Description: "at most 500"}),
		Response: "RecordPage"}, h.S.API(h.apiRecords))
	rt.API(web.Doc{Method: "GET", Path: "/api/v1/dashboard/{code}", Summary: "Every indicator at a unit on a date, with the units below ranked",
		Tag: "indicators", Query: at[1:], Response: "Dashboard"}, h.S.API(h.apiDashboard))
	rt.API(web.Doc{Method: "GET", Path: "/api/v1/dashboard/{code}/export", Summary: "The dashboard as a spreadsheet",
		Tag: "indicators", Query: at[1:], Response: "Dashboard.xlsx"}, h.S.API(h.exportXLSX))
	rt.API(web.Doc{Method: "GET", Path: "/api/v1/pilots", Summary: "Rural pilot communities in scope", Tag: "pilots",
		Query: []web.Param{{Name: "within", Description: "division code"}}, Response: "PilotList"}, h.S.API(web.QueryItems(h.S, "within", h.Svc.Pilots)))
	rt.API(web.Doc{Method: "POST", Path: "/api/v1/pilots", Summary: "Designate a village as a rural pilot (district officers)", Tag: "pilots",
		Body: "PilotInput", Response: "Pilot", Status: 201}, h.S.API(h.apiDesignate))
	rt.API(web.Doc{Method: "POST", Path: "/api/v1/pilots/{id}/revoke", Summary: "End a pilot from a date", Tag: "pilots",
		Body: "PilotRevoke", Response: "Pilot"}, h.S.API(h.apiRevoke))
	rt.Schemas(schemas())
}

func (h *Handlers) apiList(w http.ResponseWriter, r *http.Request, u *auth.User) {
	q := r.URL.Query()
	items, err := h.Svc.List(r.Context(), u, q.Get("at"), q.Get("all") == "1")
	h.S.Respond(w, r, http.StatusOK, map[string]any{"items": items}, err)
}

func (h *Handlers) apiCreate(w http.ResponseWriter, r *http.Request, u *auth.User) {
	web.Create(h.S, func(ind *Indicator) string { return "/api/v1/indicators/" + ind.Key }, h.Svc.Create)(w, r, u)
}

func (h *Handlers) apiGet(w http.ResponseWriter, r *http.Request, u *auth.User) {
	ind, err := h.Svc.Get(r.Context(), u, r.PathValue("key"))
	h.S.Respond(w, r, http.StatusOK, ind, err)
}

// apiPatch applies the given fields over the stored ones, then saves the
// whole through the same validation as the form.
func (h *Handlers) apiPatch(w http.ResponseWriter, r *http.Request, u *auth.User) {
	ind, err := h.patch(w, r, u, r.PathValue("key"))
	h.S.Respond(w, r, http.StatusOK, ind, err)
}

// patch lays the body over the indicator key as stored and saves it.
func (h *Handlers) patch(w http.ResponseWriter, r *http.Request, u *auth.User, key string) (*Indicator, error) {
	if !CanManage(u) { // before reading the indicator: the answer is the same for any key
		return nil, errs.E(errs.Forbidden, "err.forbidden")
	}
	var cur *Indicator
	in, err := web.DecodePatch(w, r, func() (Input, error) {
		var err error
		if cur, err = h.Svc.Get(r.Context(), u, key); err != nil {
			return Input{}, err
		}
		return InputOf(cur), nil
	})
	if err != nil {
		return nil, err
	}
	return h.Svc.Update(r.Context(), u, cur.Key, in)
}

func (h *Handlers) apiEvaluate(w http.ResponseWriter, r *http.Request, u *auth.User) {
	q := r.URL.Query()
	res, err := h.Svc.EvaluateKnown(r.Context(), u, r.PathValue("key"), q.Get("unit"), q.Get("as_of"), q.Get("known_on"))
	h.S.Respond(w, r, http.StatusOK, res, err)
}

func (h *Handlers) apiUnits(w http.ResponseWriter, r *http.Request, u *auth.User) {
	q := r.URL.Query()
	l, err := h.Svc.UnitsKnown(r.Context(), u, r.PathValue("key"), q.Get("unit"), q.Get("as_of"), q.Get("known_on"), q.Get("set"))
	h.S.Respond(w, r, http.StatusOK, l, err)
}

func (h *Handlers) apiRecords(w http.ResponseWriter, r *http.Request, u *auth.User) {
	q := r.URL.Query()
	fe := errs.Fields{}
	ints := map[string]int{}
	for _, k := range []string{"year", "page", "per_page"} {
		if s := q.Get(k); s != "" {
			n, err := strconv.Atoi(s)
			if err != nil {
				fe.Add(k, "err.bad_number")
			}
			ints[k] = n
		}
	}
	if err := fe.Err(); err != nil {
		h.S.JSONError(w, r, err)
		return
	}
	p, err := h.Svc.RecordsKnown(r.Context(), u, r.PathValue("key"), q.Get("unit"), q.Get("as_of"), q.Get("known_on"), q.Get("set"),
		ints["year"], ints["page"], ints["per_page"])
	h.S.Respond(w, r, http.StatusOK, p, err)
}

func (h *Handlers) apiDashboard(w http.ResponseWriter, r *http.Request, u *auth.User) {
	q := r.URL.Query()
	body, err := h.Svc.DashboardJSON(r.Context(), u, r.PathValue("code"), q.Get("as_of"), q.Get("known_on"))
	if err != nil {
		h.S.JSONError(w, r, err)
		return
	}
	web.JSONBytes(w, http.StatusOK, body) // encoded once per change, not per request
}

func (h *Handlers) apiDesignate(w http.ResponseWriter, r *http.Request, u *auth.User) {
	web.Write(h.S, http.StatusCreated, h.Svc.Designate)(w, r, u)
}

type revokeReq struct {
	RevokedOn  string `json:"revoked_on"`
	Reason     string `json:"reason"`
	LateReason string `json:"late_reason"`
}

func (h *Handlers) apiRevoke(w http.ResponseWriter, r *http.Request, u *auth.User) {
	web.WriteID(h.S, http.StatusOK, "id", func(ctx context.Context, u *auth.User, id int64, req revokeReq) (*Pilot, error) {
		return h.Svc.RevokeLate(ctx, u, id, req.RevokedOn, req.Reason, req.LateReason)
	})(w, r, u)
}

// schemas are generated from the requests' and answers' Go types
// (web.SchemaOf); the props add the enums a type cannot tell.
func schemas() map[string]any {
	opt := func() map[string]any { return map[string]any{"type": "boolean", "nullable": true} } // absent or null: either way
	strs := func(vals ...string) map[string]any { return web.Arr(web.Enum(vals...)) }
	filter := web.SchemaOf(Filter{}, map[string]any{
		"status": strs(registry.Statuses...), "tiers": strs(registry.Tiers...), "types": strs(registry.Types...),
		"party_org": strs(registry.PartyOrgs...), "hub": opt(), "brand": opt(), "demonstration": opt(), "volunteer_mark": opt(),
		"rural": opt(), "trained_personnel": opt(), "host_types": strs(hostTypes...),
		"pilot_kind": strs(pilotKinds...), "base_levels": strs(baseLevels...), "point_kind": strs(pointKinds...)})
	rule := web.SchemaOf(Rule{}, map[string]any{"kind": web.Enum(Kinds...), "source": web.Enum(Sources...), "filter": web.Ref("Filter"),
		"numerator_filter": web.Ref("Filter"), "unit_level": web.Enum(LevelDistrict, LevelStreet, LevelCommunity),
		"year_field": web.Enum("demonstration_year", "founded_on", "opened_on", "designated_on", "year")}, "kind", "source")
	states := web.Enum(StateMet, StateOnTrack, StateBehind, StateNoData, StateNotApplicable, StateNotJudged)
	ind := map[string]any{"level": web.Enum(Levels...), "rule": web.Ref("IndicatorRule")}
	child := web.SchemaOf(Child{}, map[string]any{"status": states})
	eval := web.SchemaOf(Result{}, map[string]any{"kind": web.Enum(Kinds...), "source": web.Enum(Sources...), "status": states,
		"children": web.Arr(child)})
	pilot := map[string]any{"kind": web.Enum(pilotKinds...)}
	return map[string]any{
		"Filter":         filter,
		"IndicatorRule":  rule,
		"Indicator":      web.SchemaOf(Indicator{}, ind),
		"IndicatorInput": web.SchemaOf(Input{}, ind, "key", "name_zh", "level", "rule", "target", "deadline"),
		"IndicatorList":  web.ItemList(web.Ref("Indicator")),
		"Evaluation":     eval,
		"UnitList":       web.SchemaOf(UnitList{}, map[string]any{"result": web.Ref("Evaluation")}),
		"RecordPage": web.SchemaOf(RecordPage{}, map[string]any{"result": web.Ref("Evaluation"),
			"items": web.Arr(web.SchemaOf(Record{}, map[string]any{"kind": web.Enum("org", "base", "pilot", "point")}))}),
		"Dashboard": web.SchemaOf(Dashboard{}, map[string]any{"indicators": web.Arr(web.Ref("Evaluation")),
			"ranking": web.Arr(web.SchemaOf(RankRow{}, map[string]any{"cells": map[string]any{"type": "object", "additionalProperties": child}}))}),
		"Pilot":       web.SchemaOf(Pilot{}, pilot),
		"PilotList":   web.ItemList(web.Ref("Pilot")),
		"PilotInput":  web.SchemaOf(PilotInput{}, pilot, "community_code"),
		"PilotRevoke": web.SchemaOf(revokeReq{}, nil, "reason"),
	}
}
