package readiness

import (
	"embed"
	"net/http"

	"linli/internal/platform/web"
)

//go:embed templates/*.html
var templates embed.FS

// Templates is this package's template folder.
var Templates = web.Templates{FS: templates, Dir: "templates"}

// Handlers serves the room's page and API over the same service.
type Handlers struct {
	S   *web.Server
	Svc *Service
}

// Routes mounts the routes.
func (h *Handlers) Routes(rt *web.Router) {
	rt.HandleFunc("GET /readiness", h.S.Page(h.page))
	within := []web.Param{{Name: "within", Description: "division code (default: the user's scope)"}}
	rt.API(web.Doc{Method: "GET", Path: "/api/v1/emergency/contacts", Summary: "Emergency contacts of a community (or a subtree); stale when checked over a year ago",
		Tag: "readiness", Query: []web.Param{{Name: "community", Description: "community code"}}, Response: "ContactList"}, h.S.API(web.QueryItems(h.S, "community", h.Svc.Contacts)))
	rt.API(web.Doc{Method: "POST", Path: "/api/v1/emergency/contacts", Summary: "Add an emergency contact of a community for a hazard kind",
		Tag: "readiness", Body: "ContactInput", Response: "Contact", Status: 201}, h.S.API(web.Write(h.S, http.StatusCreated, h.Svc.AddContact)))
	rt.API(web.Doc{Method: "GET", Path: "/api/v1/emergency/coverage", Summary: "Per street: communities with a current contact list and a drill in the last 12 months",
		Tag: "readiness", Query: within, Response: "CoverageList"}, h.S.API(web.QueryItems(h.S, "within", h.Svc.Coverage)))
	rt.API(web.Doc{Method: "GET", Path: "/api/v1/drills", Summary: "Drills in scope", Tag: "readiness", Query: within, Response: "DrillList"}, h.S.API(web.QueryItems(h.S, "within", h.Svc.Drills)))
	rt.API(web.Doc{Method: "POST", Path: "/api/v1/drills", Summary: "Record a drill", Tag: "readiness", Body: "DrillInput", Response: "Drill", Status: 201}, h.S.API(web.Write(h.S, http.StatusCreated, h.Svc.AddDrill)))
	rt.API(web.Doc{Method: "GET", Path: "/api/v1/liaisons", Summary: "Liaison posts in scope with their contact logs, and the communities without one",
		Tag: "readiness", Query: within, Response: "LiaisonList"}, h.S.API(web.Query(h.S, "within", h.Svc.Liaisons)))
	rt.API(web.Doc{Method: "POST", Path: "/api/v1/liaisons", Summary: "Record a liaison post of a community",
		Tag: "readiness", Body: "LiaisonInput", Response: "Liaison", Status: 201}, h.S.API(web.Write(h.S, http.StatusCreated, h.Svc.AddLiaison)))
	rt.API(web.Doc{Method: "POST", Path: "/api/v1/liaisons/{id}/contacts", Summary: "Add an entry to a liaison's contact log",
		Tag: "readiness", Body: "ContactLogInput", Response: "Liaison", Status: 201}, h.S.API(web.WriteID(h.S, http.StatusCreated, "id", h.Svc.LogContact)))
	rt.API(web.Doc{Method: "GET", Path: "/api/v1/patrol-groups", Summary: "Safety patrol groups (群防群治) in scope with their weekly schedules",
		Tag: "readiness", Query: within, Response: "PatrolList"}, h.S.API(web.QueryItems(h.S, "within", h.Svc.Patrols)))
	rt.API(web.Doc{Method: "POST", Path: "/api/v1/patrol-groups", Summary: "Record an active organization as a patrol group, with its area, members, schedule and effective date",
		Tag: "readiness", Body: "PatrolInput", Response: "Patrol", Status: 201}, h.S.API(web.Write(h.S, http.StatusCreated, h.Svc.AddPatrol)))
	rt.HandleFunc("POST /readiness/drills", h.S.Page(h.drillSubmit))
	rt.HandleFunc("POST /readiness/contacts", h.S.Page(h.contactSubmit))
	rt.HandleFunc("POST /readiness/liaisons", h.S.Page(h.liaisonSubmit))
	rt.HandleFunc("POST /readiness/patrols", h.S.Page(h.patrolSubmit))
	rt.Schemas(schemas())
}

func schemas() map[string]any {
	date := map[string]any{"type": "string", "format": "date"}
	ids := web.Arr(web.Int())
	contact := map[string]any{"community_code": web.Str(), "hazard": web.Enum(Hazards...), "name": web.Str(), "org_id": web.Int(),
		"phone": web.Str(), "duty": web.Str(), "checked_on": date}
	contactOut := map[string]any{"id": web.Int(), "stale": web.Bool()}
	for k, v := range contact {
		contactOut[k] = v
	}
	drill := map[string]any{"community_code": web.Str(), "scenario": web.Str(), "held_on": date, "org_ids": ids,
		"participants": web.Int(), "findings": web.Str()}
	drillOut := map[string]any{"id": web.Int()}
	for k, v := range drill {
		drillOut[k] = v
	}
	logIn := map[string]any{"on_date": date, "kind": web.Enum(ContactKinds...), "summary": web.Str()}
	place := web.Obj(map[string]any{"code": web.Str(), "name": web.Str()})
	shift := web.Obj(map[string]any{"weekday": web.Int(), "starts": web.Str(), "ends": web.Str(), "route": web.Str()}, "weekday", "starts", "ends")
	patrol := map[string]any{"org_id": web.Int(), "area": web.Str(), "members": web.Int(), "started_on": date,
		"late_reason": web.Str(), "shifts": web.Arr(shift)}
	patrolOut := map[string]any{"id": web.Int(), "org_name": web.Str(), "community_code": web.Str(), "ended_on": date}
	for k, v := range patrol {
		patrolOut[k] = v
	}
	return map[string]any{
		"PatrolInput":  web.Obj(patrol, "org_id", "area", "members", "shifts"),
		"Patrol":       web.Obj(patrolOut),
		"PatrolList":   web.Obj(map[string]any{"items": web.Arr(web.Ref("Patrol"))}),
		"ContactInput": web.Obj(contact, "community_code", "hazard", "name", "phone"),
		"Contact":      web.Obj(contactOut),
		"ContactList":  web.Obj(map[string]any{"items": web.Arr(web.Ref("Contact"))}),
		"DrillInput":   web.Obj(drill, "community_code", "scenario", "held_on", "participants"),
		"Drill":        web.Obj(drillOut),
		"DrillList":    web.Obj(map[string]any{"items": web.Arr(web.Ref("Drill"))}),
		"LiaisonInput": web.Obj(map[string]any{"community_code": web.Str(), "holder": web.Str(), "since": date, "org_ids": ids},
			"community_code", "holder", "since"),
		"ContactLogInput": web.Obj(logIn, "on_date", "kind", "summary"),
		"Liaison": web.Obj(map[string]any{"id": web.Int(), "community_code": web.Str(), "holder": web.Str(), "since": date,
			"org_ids": ids, "log": web.Arr(web.Obj(map[string]any{"id": web.Int(), "on_date": date, "kind": web.Enum(ContactKinds...),
				"summary": web.Str()}))}),
		"LiaisonList": web.Obj(map[string]any{"items": web.Arr(web.Ref("Liaison")), "without_liaison": web.Arr(place)}),
		"CoverageList": web.Obj(map[string]any{"items": web.Arr(web.Obj(map[string]any{"street_code": web.Str(),
			"communities": web.Int(), "current_list": web.Int(), "drilled": web.Int(), "covered": web.Int(),
			"share": map[string]any{"type": "number"}, "missing": web.Arr(place)}))}),
	}
}
