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
		Tag: "hubs", Query: []web.Param{{Name: "within", Description: "division code"}}, Response: "HubList"}, h.S.API(web.QueryItems(h.S, "within", h.Svc.Hubs)))
	rt.API(web.Doc{Method: "POST", Path: "/api/v1/hubs", Summary: "Designate an active organization as a hub of its street (street officers and above); accepts Idempotency-Key",
		Tag: "hubs", Body: "HubDesignation", Response: "Org"}, h.S.API(idem.Handle(h.S, http.StatusOK, h.apiDesignate)))
	rt.API(web.Doc{Method: "GET", Path: "/api/v1/hubs/{hub_id}", Summary: "A hub with the organizations it serves and its social workers",
		Tag: "hubs", Response: "Hub"}, h.S.API(web.Read(h.S, "hub_id", h.Svc.Get)))
	rt.API(web.Doc{Method: "POST", Path: "/api/v1/hubs/{hub_id}/revoke", Summary: "End a hub's designation (it must serve no organization); accepts Idempotency-Key",
		Tag: "hubs", Body: "HubReason", Response: "Org"}, h.S.API(idem.HandleID(h.S, http.StatusOK, "hub_id", h.apiRevoke)))
	rt.API(web.Doc{Method: "POST", Path: "/api/v1/hubs/{hub_id}/members", Summary: "Take an organization of the hub's street into custody, recording its consent; accepts Idempotency-Key",
		Tag: "hubs", Body: "MemberInput", Response: "Member", Status: 201}, h.S.API(idem.HandleID(h.S, http.StatusCreated, "hub_id", h.Svc.TakeIntoCustody)))
	rt.API(web.Doc{Method: "POST", Path: "/api/v1/hubs/{hub_id}/members/{org_id}/release", Summary: "Release an organization from custody (its account must be empty); accepts Idempotency-Key",
		Tag: "hubs", Body: "HubRelease", Response: "Member"}, h.S.API(idem.HandleIDs(h.S, http.StatusOK, "hub_id", "org_id", h.Svc.ReleaseOn)))
	rt.API(web.Doc{Method: "POST", Path: "/api/v1/hubs/{hub_id}/workers", Summary: "Record a social worker of the hub; accepts Idempotency-Key",
		Tag: "hubs", Body: "WorkerInput", Response: "Worker", Status: 201}, h.S.API(idem.HandleID(h.S, http.StatusCreated, "hub_id", h.Svc.AddWorker)))
	rt.API(web.Doc{Method: "POST", Path: "/api/v1/hubs/{hub_id}/workers/{id}/end", Summary: "Record the day a social worker left; accepts Idempotency-Key",
		Tag: "hubs", Body: "WorkerEnd", Response: "Worker"}, h.S.API(idem.HandleIDs(h.S, http.StatusOK, "hub_id", "id", h.apiWorkerEnd)))
	rt.Schemas(schemas())
}

type designation struct {
	OrgID  int64  `json:"org_id"`
	Reason string `json:"reason"`
}

func (h *Handlers) apiDesignate(ctx context.Context, u *auth.User, in designation) (*registry.Org, error) {
	return h.Svc.Designate(ctx, u, in.OrgID, in.Reason)
}

type reasonReq struct {
	Reason string `json:"reason"`
}

func (h *Handlers) apiRevoke(ctx context.Context, u *auth.User, id int64, in reasonReq) (*registry.Org, error) {
	return h.Svc.Revoke(ctx, u, id, in.Reason)
}

type workerEnd struct {
	EndedOn    string `json:"ended_on"`
	LateReason string `json:"late_reason"`
}

func (h *Handlers) apiWorkerEnd(ctx context.Context, u *auth.User, id, wid int64, in workerEnd) (*Worker, error) {
	return h.Svc.EndWorkerLate(ctx, u, id, wid, in.EndedOn, in.LateReason)
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
