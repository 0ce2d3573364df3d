package hub

import (
	"context"
	"net/http"

	"linli/internal/platform/auth"
	"linli/internal/platform/idem"
	"linli/internal/platform/web"
	"linli/internal/registry"
)

func (h *Handlers) apiRoutes(rt *web.Router) {
	rt.API(web.Doc{Method: "GET", Path: "/api/v1/hubs", Summary: "Hub organizations in scope, with how many organizations each serves",
		Tag: "hubs", Query: []web.Param{{Name: "within", Description: "division code"}}, Response: "HubList"}, h.S.API(h.apiList))
	rt.API(web.Doc{Method: "POST", Path: "/api/v1/hubs", Summary: "Designate an active organization as a hub of its street (street officers and above); accepts Idempotency-Key",
		Tag: "hubs", Body: "HubDesignation", Response: "Org"}, h.S.API(h.apiDesignate))
	rt.API(web.Doc{Method: "GET", Path: "/api/v1/hubs/{hub_id}", Summary: "A hub with the organizations it serves and its social workers",
		Tag: "hubs", Response: "Hub"}, h.S.API(h.apiGet))
	rt.API(web.Doc{Method: "POST", Path: "/api/v1/hubs/{hub_id}/revoke", Summary: "End a hub's designation (it must serve no organization); accepts Idempotency-Key",
		Tag: "hubs", Body: "HubReason", Response: "Org"}, h.S.API(h.apiRevoke))
	rt.API(web.Doc{Method: "POST", Path: "/api/v1/hubs/{hub_id}/members", Summary: "Take an organization of the hub's street into custody, recording its consent; accepts Idempotency-Key",
		Tag: "hubs", Body: "MemberInput", Response: "Member", Status: 201}, h.S.API(h.apiMember))
	rt.API(web.Doc{Method: "POST", Path: "/api/v1/hubs/{hub_id}/members/{org_id}/release", Summary: "Release an organization from custody (its account must be empty); accepts Idempotency-Key",
		Tag: "hubs", Body: "HubRelease", Response: "Member"}, h.S.API(h.apiRelease))
	rt.API(web.Doc{Method: "POST", Path: "/api/v1/hubs/{hub_id}/workers", Summary: "Record a social worker of the hub; accepts Idempotency-Key",
		Tag: "hubs", Body: "WorkerInput", Response: "Worker", Status: 201}, h.S.API(h.apiWorker))
	rt.API(web.Doc{Method: "POST", Path: "/api/v1/hubs/{hub_id}/workers/{id}/end", Summary: "Record the day a social worker left; accepts Idempotency-Key",
		Tag: "hubs", Body: "WorkerEnd", Response: "Worker"}, h.S.API(h.apiWorkerEnd))
	rt.Schemas(schemas())
}

func (h *Handlers) respond(w http.ResponseWriter, r *http.Request, status int, v any, err error) {
	idem.Respond(h.S, w, r, status, v, err)
}

// decode reads the JSON body and the request's idempotency key.
func decode(w http.ResponseWriter, r *http.Request, u *auth.User, status int, v any) (context.Context, error) {
	return idem.Decode(w, r, u, status, v)
}

func (h *Handlers) apiList(w http.ResponseWriter, r *http.Request, u *auth.User) {
	list, err := h.Svc.Hubs(r.Context(), u, r.URL.Query().Get("within"))
	h.respond(w, r, http.StatusOK, map[string]any{"items": list}, err)
}

type designation struct {
	OrgID  int64  `json:"org_id"`
	Reason string `json:"reason"`
}

func (h *Handlers) apiDesignate(w http.ResponseWriter, r *http.Request, u *auth.User) {
	var in designation
	ctx, err := decode(w, r, u, http.StatusOK, &in)
	var o *registry.Org
	if err == nil {
		o, err = h.Svc.Designate(ctx, u, in.OrgID, in.Reason)
	}
	h.respond(w, r, http.StatusOK, o, err)
}

func (h *Handlers) apiGet(w http.ResponseWriter, r *http.Request, u *auth.User) {
	id, err := web.PathID(r, "hub_id")
	var hb *Hub
	if err == nil {
		hb, err = h.Svc.Get(r.Context(), u, id)
	}
	h.respond(w, r, http.StatusOK, hb, err)
}

type reasonReq struct {
	Reason string `json:"reason"`
}

func (h *Handlers) apiRevoke(w http.ResponseWriter, r *http.Request, u *auth.User) {
	id, err := web.PathID(r, "hub_id")
	var in reasonReq
	var ctx context.Context
	if err == nil {
		ctx, err = decode(w, r, u, http.StatusOK, &in)
	}
	var o *registry.Org
	if err == nil {
		o, err = h.Svc.Revoke(ctx, u, id, in.Reason)
	}
	h.respond(w, r, http.StatusOK, o, err)
}

func (h *Handlers) apiMember(w http.ResponseWriter, r *http.Request, u *auth.User) {
	id, err := web.PathID(r, "hub_id")
	var in MemberInput
	var ctx context.Context
	if err == nil {
		ctx, err = decode(w, r, u, http.StatusCreated, &in)
	}
	var m *Member
	if err == nil {
		m, err = h.Svc.TakeIntoCustody(ctx, u, id, in)
	}
	h.respond(w, r, http.StatusCreated, m, err)
}

func (h *Handlers) apiRelease(w http.ResponseWriter, r *http.Request, u *auth.User) {
	id, err := web.PathID(r, "hub_id")
	var org int64
	if err == nil {
		org, err = web.PathID(r, "org_id")
	}
	var in ReleaseInput
	var ctx context.Context
	if err == nil {
		ctx, err = decode(w, r, u, http.StatusOK, &in)
	}
	var m *Member
	if err == nil {
		m, err = h.Svc.ReleaseOn(ctx, u, id, org, in)
	}
	h.respond(w, r, http.StatusOK, m, err)
}

func (h *Handlers) apiWorker(w http.ResponseWriter, r *http.Request, u *auth.User) {
	id, err := web.PathID(r, "hub_id")
	var in WorkerInput
	var ctx context.Context
	if err == nil {
		ctx, err = decode(w, r, u, http.StatusCreated, &in)
	}
	var wk *Worker
	if err == nil {
		wk, err = h.Svc.AddWorker(ctx, u, id, in)
	}
	h.respond(w, r, http.StatusCreated, wk, err)
}

type workerEnd struct {
	EndedOn    string `json:"ended_on"`
	LateReason string `json:"late_reason"`
}

func (h *Handlers) apiWorkerEnd(w http.ResponseWriter, r *http.Request, u *auth.User) {
	id, err := web.PathID(r, "hub_id")
	var wid int64
	if err == nil {
		wid, err = web.PathID(r, "id")
	}
	var in workerEnd
	var ctx context.Context
	if err == nil {
		ctx, err = decode(w, r, u, http.StatusOK, &in)
	}
	var wk *Worker
	if err == nil {
		wk, err = h.Svc.EndWorkerLate(ctx, u, id, wid, in.EndedOn, in.LateReason)
	}
	h.respond(w, r, http.StatusOK, wk, err)
}

func schemas() map[string]any {
	date := map[string]any{"type": "string", "format": "date"}
	member := web.Obj(map[string]any{"id": web.Int(), "hub_org_id": web.Int(), "org_id": web.Int(), "org_name": web.Str(),
		"community_code": web.Str(), "status": web.Enum(MemberActive, MemberReleased), "consent_by": web.Str(),
		"consent_on": date, "consent_note": web.Str(), "joined_on": date, "released_on": date, "release_reason": web.Str(),
		"balance_fen": web.Int(), "late_reason": web.Str()})
	worker := web.Obj(map[string]any{"id": web.Int(), "hub_org_id": web.Int(), "name": web.Str(), "kind": web.Enum(WorkerKinds...),
		"qualified": web.Bool(), "started_on": date, "ended_on": date, "late_reason": web.Str()})
	return map[string]any{
		"HubList": web.Obj(map[string]any{"items": web.Arr(web.Obj(map[string]any{"org": web.Ref("Org"),
			"serving": web.Int(), "social_workers": web.Int()}))}),
		"HubDesignation": web.Obj(map[string]any{"org_id": web.Int(), "reason": web.Str()}, "org_id"),
		"HubReason":      web.Obj(map[string]any{"reason": web.Str()}, "reason"),
		"HubRelease": web.Obj(map[string]any{"reason": web.Str(), "released_on": map[string]any{"type": "string", "format": "date", "description": "default: today"},
			"late_reason": map[string]any{"type": "string", "description": "required when the date is more than 30 days before today (a late entry)"}}, "reason"),
		"Hub": web.Obj(map[string]any{"org": web.Ref("Org"), "members": web.Arr(web.Ref("Member")),
			"workers": web.Arr(web.Ref("Worker")), "serving": web.Int(), "social_workers": web.Int()}),
		"Member": member,
		"MemberInput": web.Obj(map[string]any{"org_id": web.Int(),
			"consent_by":   map[string]any{"type": "string", "description": "who gave the organization's consent (default: its registered leader)"},
			"consent_on":   map[string]any{"type": "string", "format": "date", "description": "default: today"},
			"consent_note": web.Str(), "joined_on": map[string]any{"type": "string", "format": "date", "description": "when custody took effect (default: today)"},
			"late_reason": map[string]any{"type": "string", "description": "required when the date is more than 30 days before today (a late entry)"}}, "org_id"),
		"Worker": worker,
		"WorkerInput": web.Obj(map[string]any{"name": web.Str(), "kind": web.Enum(WorkerKinds...), "qualified": web.Bool(), "started_on": date,
			"late_reason": map[string]any{"type": "string", "description": "required when the date is more than 30 days before today (a late entry)"}}, "name", "kind", "started_on"),
		"WorkerEnd": web.Obj(map[string]any{"ended_on": date, "late_reason": map[string]any{"type": "string", "description": "required when the date is more than 30 days before today (a late entry)"}}),
	}
}
