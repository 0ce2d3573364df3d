package registry

import (
	"maps"
	"net/http"
	"strconv"

	"linli/internal/platform/auth"
	"linli/internal/platform/errs"
	"linli/internal/platform/web"
)

func (h *Handlers) apiRoutes(rt *web.Router) {
	listQuery := []web.Param{
		{Name: "within", Description: "division code: only organizations below it"},
		{Name: "q", Description: "any part of the name"},
		{Name: "tier", Description: "registered | street | community"},
		{Name: "type", Description: "one of the types"},
		{Name: "target_group", Description: "one of the target groups"},
		{Name: "status", Description: "pending | returned | active | suspended | deregistered"},
		{Name: "hub", Description: "1: hubs only"}, {Name: "brand", Description: "1: brand organizations only"},
		{Name: "demonstration", Description: "1: demonstration points only"},
		{Name: "volunteer_mark", Description: "1: volunteer-marked only"},
		{Name: "sort", Description: "newest | oldest | name | founded_on | members | code"},
		{Name: "page", Type: "integer"}, {Name: "per_page", Type: "integer", Description: "at most 200"},
	}
	rt.API(web.Doc{Method: "GET", Path: "/api/v1/orgs", Summary: "List organizations in scope", Tag: "orgs",
		Query: listQuery, Response: "OrgPage"}, h.S.API(h.apiList))
	rt.API(web.Doc{Method: "GET", Path: "/api/v1/orgs/pick", Summary: "Organizations to choose from: the picker's search (Chinese, pinyin, initials), in scope, best first, at most 20", Tag: "orgs",
		Query: []web.Param{{Name: "q", Description: "any part of the name, its pinyin or initials"},
			{Name: "within", Description: "division code: only organizations below it"},
			{Name: "status", Description: "pending | returned | active | suspended | deregistered"},
			{Name: "hub", Description: "1: hubs only; 0: no hubs"}, {Name: "live", Description: "1: leave deregistered out"}},
		Response: "OrgChoices"}, h.S.API(h.apiPick))
	rt.API(web.Doc{Method: "POST", Path: "/api/v1/orgs", Summary: "File an organization", Tag: "orgs",
		Body: "OrgInput", Response: "Org", Status: 201}, h.S.API(h.apiCreate))
	rt.API(web.Doc{Method: "GET", Path: "/api/v1/orgs/{id}", Summary: "One organization", Tag: "orgs",
		Response: "Org"}, h.S.API(web.Read(h.S, "id", h.Svc.Get)))
	rt.API(web.Doc{Method: "PATCH", Path: "/api/v1/orgs/{id}", Summary: "Change some fields of an organization", Tag: "orgs",
		Body: "OrgInput", Response: "Org"}, h.S.API(h.S.WithID("id", h.apiPatch)))
	rt.API(web.Doc{Method: "POST", Path: "/api/v1/orgs/{id}/transitions", Summary: "Move an organization through its lifecycle", Tag: "orgs",
		Body: "Transition", Response: "Org"}, h.S.API(web.WriteID(h.S, http.StatusOK, "id", h.Svc.Move)))
	rt.API(web.Doc{Method: "GET", Path: "/api/v1/orgs/{id}/history", Summary: "Dated history of status, tier and flags", Tag: "orgs",
		Response: "History"}, h.S.API(web.ReadItems(h.S, "id", h.Svc.History)))
	rt.API(web.Doc{Method: "GET", Path: "/api/v1/summary", Summary: "Counts of organizations in scope", Tag: "orgs",
		Query: []web.Param{{Name: "within", Description: "division code"}}, Response: "Summary"}, h.S.API(h.apiSummary))
	rt.Schemas(schemas())
}

func (h *Handlers) apiList(w http.ResponseWriter, r *http.Request, u *auth.User) {
	f, fe := filterFromQuery(r.URL.Query())
	if err := fe.Err(); err != nil {
		h.S.JSONError(w, r, err)
		return
	}
	l, err := h.Svc.list(r.Context(), u, f)
	h.S.Respond(w, r, http.StatusOK, l, err)
}

func (h *Handlers) apiCreate(w http.ResponseWriter, r *http.Request, u *auth.User) {
	web.Create(h.S, func(o *Org) string { return "/api/v1/orgs/" + strconv.FormatInt(o.ID, 10) }, h.Svc.Create)(w, r, u)
}

// apiPatch applies the given fields over the stored ones, then saves the
// whole through the same validation as the form.
func (h *Handlers) apiPatch(w http.ResponseWriter, r *http.Request, u *auth.User, id int64) {
	o, err := h.patch(w, r, u, id)
	h.S.Respond(w, r, http.StatusOK, o, err)
}

// patch lays the body over the organization id as stored and saves it.
func (h *Handlers) patch(w http.ResponseWriter, r *http.Request, u *auth.User, id int64) (*Org, error) {
	var cur *Org
	in, err := web.DecodePatch(w, r, func() (Input, error) {
		o, err := h.Svc.Get(r.Context(), u, id)
		if cur, err = auth.Permit(u, o, err, patches); err != nil {
			return Input{}, err
		}
		return InputOf(cur), nil
	})
	if err != nil {
		return nil, err
	}
	if in.Status == cur.Status {
		in.Status = ""
	}
	return h.Svc.Update(r.Context(), u, id, in)
}

// patches: who may send a patch: a manager who sees the whole record (a
// patch writes every field back, and a masked phone would go back masked).
func patches(u *auth.User, o *Org) bool { return manages(u, o) && !o.PhoneMasked }

func (h *Handlers) apiSummary(w http.ResponseWriter, r *http.Request, u *auth.User) {
	within := r.URL.Query().Get("within")
	if within != "" && !u.InScope(within) && !u.OwnOrgOnly() {
		h.S.JSONError(w, r, errs.Missing())
		return
	}
	s, err := h.Svc.Summarize(r.Context(), u, within)
	h.S.Respond(w, r, http.StatusOK, s, err)
}

// schemas are generated from the Go types the API answers with and reads
// (web.SchemaOf), so every field is documented; the props add what a type
// cannot tell: the enums and the nested references.
func schemas() map[string]any {
	date := map[string]any{"type": "string", "format": "date"}
	enums := map[string]any{
		"tier": web.Enum(Tiers...), "types": web.Arr(web.Enum(Types...)), "target_groups": web.Arr(web.Enum(TargetGroups...)),
		"party_org": web.Enum(PartyOrgs...), "founded_on": date,
	}
	org := maps.Clone(enums)
	org["status"] = web.Enum(Statuses...)
	in := maps.Clone(enums)
	in["status"], in["effective_on"] = web.Enum(StatusPending, StatusActive), date
	input := web.SchemaOf(Input{}, in)
	input["required"] = []string{"name", "tier", "types", "community_code", "leader_name", "leader_phone"}
	return map[string]any{
		"Org":      web.SchemaOf(Org{}, org),
		"OrgInput": input,
		"OrgChoices": web.Obj(map[string]any{"items": web.Arr(web.SchemaOf(Choice{},
			map[string]any{"status": web.Enum(Statuses...)}))}, "items"),
		"OrgPage": web.SchemaOf(Page{}, map[string]any{"items": web.Arr(web.Ref("Org")),
			"more": map[string]any{"type": "boolean", "description": "a search counted its matches up to 200 and found more"}}),
		"Transition": web.Obj(map[string]any{"action": web.Enum(Actions...), "reason": web.Str(),
			"effective_on": date, "late_reason": web.Str()}, "action"),
		"History": web.ItemList(web.Obj(map[string]any{"id": web.Int(), "field": web.Str(),
			"old_value": web.Str(), "value": web.Str(), "reason": web.Str(), "at": web.Str(), "entered_at": web.Str(),
			"late_reason": web.Str(), "late": web.Bool(), "user_id": web.Int(), "username": web.Str()})),
		"Summary": web.Obj(map[string]any{"total": web.Int(), "by_status": map[string]any{"type": "object"},
			"by_tier": map[string]any{"type": "object"}, "hubs": web.Int(), "brands": web.Int()}),
	}
}
