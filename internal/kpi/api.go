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
	if !CanManage(u) { // before reading the indicator: the answer is the same for any key
		h.S.JSONError(w, r, errs.E(errs.Forbidden, "err.forbidden"))
		return
	}
	var cur, ind *Indicator
	in, err := web.DecodePatch(w, r, func() (in Input, err error) {
		if cur, err = h.Svc.Get(r.Context(), u, r.PathValue("key")); err == nil {
			in = InputOf(cur)
		}
		return in, err
	})
	if err == nil {
		ind, err = h.Svc.Update(r.Context(), u, cur.Key, in)
	}
	h.S.Respond(w, r, http.StatusOK, ind, err)
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

func schemas() map[string]any {
	opt := func() map[string]any { return map[string]any{"type": "boolean", "nullable": true} }
	strs := func(vals ...string) map[string]any { return web.Arr(web.Enum(vals...)) }
	filter := web.Obj(map[string]any{
		"status": strs(registry.Statuses...), "tiers": strs(registry.Tiers...), "types": strs(registry.Types...),
		"party_org": strs(registry.PartyOrgs...), "hub": opt(), "brand": opt(), "demonstration": opt(), "volunteer_mark": opt(),
		"rural": opt(), "min_workers": web.Int(), "qualified_workers": web.Bool(), "trained_personnel": opt(), "host_types": strs(hostTypes...),
		"pilot_kind": strs(pilotKinds...), "target_groups": web.Arr(web.Str()),
		"base_levels": strs(baseLevels...), "point_kind": strs(pointKinds...)})
	rule := web.Obj(map[string]any{"kind": web.Enum(Kinds...), "source": web.Enum(Sources...), "filter": web.Ref("Filter"),
		"numerator_filter": web.Ref("Filter"), "unit_level": web.Enum(LevelDistrict, LevelStreet, LevelCommunity),
		"min_count": web.Int(), "years": web.Arr(web.Int()), "year_field": web.Enum("demonstration_year", "founded_on", "opened_on", "designated_on", "year"),
		"units": web.Arr(web.Str())}, "kind", "source")
	num := map[string]any{"type": "number"}
	nnum := map[string]any{"type": "number", "nullable": true}
	nint := map[string]any{"type": "integer", "nullable": true}
	nbool := map[string]any{"type": "boolean", "nullable": true}
	states := web.Enum(StateMet, StateOnTrack, StateBehind, StateNoData, StateNotApplicable, StateNotJudged)
	indProps := map[string]any{"key": web.Str(), "name_zh": web.Str(), "name_en": web.Str(), "level": web.Enum(Levels...),
		"scope_code": web.Str(), "rule": web.Ref("IndicatorRule"), "target": num, "start_on": web.Str(), "deadline": web.Str(),
		"clause": web.Str(), "active": web.Bool(), "position": web.Int()}
	full := map[string]any{"id": web.Int(), "builtin": web.Bool(), "created_at": web.Str(), "updated_at": web.Str(), "version": web.Int()}
	for k, v := range indProps {
		full[k] = v
	}
	in := map[string]any{"version": web.Int()}
	for k, v := range indProps {
		in[k] = v
	}
	child := web.Obj(map[string]any{"unit": web.Str(), "name": web.Str(), "value": nnum, "met": nbool, "status": states,
		"numerator": web.Int(), "denominator": web.Int(), "units_met": web.Int(), "units_total": web.Int(), "shortfall": num})
	period := web.Obj(map[string]any{"year": web.Int(), "value": web.Int(), "met": web.Bool(), "ended": web.Bool()})
	eval := web.Obj(map[string]any{"key": web.Str(), "name": web.Str(), "name_en": web.Str(), "kind": web.Enum(Kinds...),
		"source": web.Enum(Sources...), "level": web.Str(), "unit": web.Str(), "unit_name": web.Str(), "as_of": web.Str(),
		"status": states, "value": nnum, "target": num, "met": nbool, "numerator": nint, "denominator": nint,
		"deadline": web.Str(), "clause": web.Str(), "units_met": web.Int(), "units_total": web.Int(), "shortfall": num,
		"expected": num, "period": web.Int(), "periods": web.Arr(period), "children": web.Arr(child),
		"known_on": web.Str(), "late_entries": web.Int(), "behind": web.Arr(web.Obj(map[string]any{"unit": web.Str(), "name": web.Str()})),
		"corrected": web.Obj(map[string]any{"deadline": web.Str(), "was": nnum, "now": nnum, "month": web.Str()})})
	unitRow := web.Obj(map[string]any{"unit": web.Str(), "name": web.Str(), "value": num, "count": web.Int(), "target": num,
		"met": web.Bool(), "shortfall": num, "periods": web.Arr(period)})
	record := web.Obj(map[string]any{"kind": web.Enum("org", "base", "pilot", "point"), "id": web.Int(), "name": web.Str(),
		"code": web.Str(), "district_code": web.Str(), "street_code": web.Str(), "year": web.Str(), "link": web.Str(), "late": web.Bool()})
	node := web.Obj(map[string]any{"code": web.Str(), "name": web.Str(), "level": web.Int()})
	pilot := web.Obj(map[string]any{"id": web.Int(), "community_code": web.Str(), "community_name": web.Str(),
		"street_code": web.Str(), "district_code": web.Str(), "kind": web.Enum(pilotKinds...), "designated_on": web.Str(),
		"revoked_on": web.Str(), "note": web.Str(), "revoke_reason": web.Str(), "late_reason": web.Str(), "created_at": web.Str()})
	return map[string]any{
		"Filter":         filter,
		"IndicatorRule":  rule,
		"Indicator":      web.Obj(full),
		"IndicatorInput": web.Obj(in, "key", "name_zh", "level", "rule", "target", "deadline"),
		"IndicatorList":  web.Obj(map[string]any{"items": web.Arr(web.Ref("Indicator"))}),
		"Evaluation":     eval,
		"UnitList": web.Obj(map[string]any{"result": web.Ref("Evaluation"), "set": web.Str(), "items": web.Arr(unitRow),
			"total": web.Int()}),
		"RecordPage": web.Obj(map[string]any{"result": web.Ref("Evaluation"), "set": web.Str(), "year": web.Int(),
			"items": web.Arr(record), "total": web.Int(), "page": web.Int(), "per_page": web.Int()}),
		"Dashboard": web.Obj(map[string]any{"unit": node, "path": web.Arr(node), "as_of": web.Str(), "known_on": web.Str(), "today": web.Str(),
			"timeline": web.Obj(map[string]any{"current": web.Str(), "month": web.Int(), "months": web.Int(), "progress": num,
				"phases": web.Arr(web.Obj(map[string]any{"key": web.Str(), "from": web.Str(), "to": web.Str(), "months": web.Int()}))}),
			"indicators": web.Arr(web.Ref("Evaluation")), "children": web.Arr(node),
			"ranking": web.Arr(web.Obj(map[string]any{"rank": web.Int(), "unit": web.Str(), "name": web.Str(), "met": web.Int(),
				"on_track": web.Int(), "behind": web.Int(), "judged": web.Int(), "score": num,
				"cells": map[string]any{"type": "object", "additionalProperties": child}})),
			"summary": map[string]any{"type": "object", "additionalProperties": web.Int()}}),
		"Pilot":       pilot,
		"PilotList":   web.Obj(map[string]any{"items": web.Arr(web.Ref("Pilot"))}),
		"PilotInput":  web.Obj(map[string]any{"community_code": web.Str(), "kind": web.Enum(pilotKinds...), "designated_on": web.Str(), "note": web.Str(), "late_reason": web.Str()}, "community_code"),
		"PilotRevoke": web.Obj(map[string]any{"revoked_on": web.Str(), "reason": web.Str(), "late_reason": web.Str()}, "reason"),
	}
}
