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

// schemas are generated from the requests' and answers' Go types
// (web.SchemaOf); the props add the enums, $refs and descriptions a type
// cannot tell.
func schemas() map[string]any {
	late := map[string]any{"type": "string", "description": "required when the date is more than 30 days before today (a late entry)"}
	today := map[string]any{"type": "string", "format": "date", "description": "default: today"}
	org := web.Ref("Org")
	return map[string]any{
		"HubList":        web.ItemList(web.SchemaOf(Summary{}, map[string]any{"org": org})),
		"HubDesignation": web.SchemaOf(designation{}, nil, "org_id"),
		"HubReason":      web.SchemaOf(reasonReq{}, nil, "reason"),
		"HubRelease":     web.SchemaOf(ReleaseInput{}, map[string]any{"released_on": today, "late_reason": late}, "reason"),
		"Hub": web.SchemaOf(Hub{}, map[string]any{"org": org, "members": web.Arr(web.Ref("Member")),
			"workers": web.Arr(web.Ref("Worker"))}),
		"Member": web.SchemaOf(Member{}, map[string]any{"status": web.Enum(MemberActive, MemberReleased)}),
		"MemberInput": web.SchemaOf(MemberInput{}, map[string]any{
			"consent_by": map[string]any{"type": "string", "description": "who gave the organization's consent (default: its registered leader)"},
			"consent_on": today, "joined_on": map[string]any{"type": "string", "format": "date", "description": "when custody took effect (default: today)"},
			"late_reason": late}, "org_id"),
		"Worker":      web.SchemaOf(Worker{}, map[string]any{"kind": web.Enum(WorkerKinds...)}),
		"WorkerInput": web.SchemaOf(WorkerInput{}, map[string]any{"kind": web.Enum(WorkerKinds...), "late_reason": late}, "name", "kind", "started_on"),
		"WorkerEnd":   web.SchemaOf(workerEnd{}, map[string]any{"late_reason": late}),
	}
}
