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
type Handlers web.Room[*Service]

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

// schemas are generated from the requests' and answers' Go types
// (web.SchemaOf); the props add the enums and dates a type cannot tell.
func schemas() map[string]any {
	date := map[string]any{"type": "string", "format": "date"}
	hazard := map[string]any{"hazard": web.Enum(Hazards...)}
	logEntry := map[string]any{"on_date": date, "kind": web.Enum(ContactKinds...)}
	liaison := map[string]any{"since": date}
	shifts := map[string]any{"shifts": web.Arr(web.SchemaOf(Shift{}, nil, "weekday", "starts", "ends"))}
	return map[string]any{
		"PatrolInput":     web.SchemaOf(PatrolInput{}, shifts, "org_id", "area", "members", "shifts"),
		"Patrol":          web.SchemaOf(Patrol{}, shifts),
		"PatrolList":      web.ItemList(web.Ref("Patrol")),
		"ContactInput":    web.SchemaOf(ContactInput{}, hazard, "community_code", "hazard", "name", "phone"),
		"Contact":         web.SchemaOf(Contact{}, hazard),
		"ContactList":     web.ItemList(web.Ref("Contact")),
		"DrillInput":      web.SchemaOf(DrillInput{}, nil, "community_code", "scenario", "held_on", "participants"),
		"Drill":           web.SchemaOf(Drill{}, nil),
		"DrillList":       web.ItemList(web.Ref("Drill")),
		"LiaisonInput":    web.SchemaOf(LiaisonInput{}, liaison, "community_code", "holder", "since"),
		"ContactLogInput": web.SchemaOf(ContactLogInput{}, logEntry, "on_date", "kind", "summary"),
		"Liaison": web.SchemaOf(Liaison{}, map[string]any{"since": date,
			"log": web.Arr(web.SchemaOf(ContactLog{}, logEntry))}),
		"LiaisonList":  web.SchemaOf(Liaisons{}, map[string]any{"items": web.Arr(web.Ref("Liaison"))}),
		"CoverageList": web.ItemList(web.SchemaOf(StreetCoverage{}, nil)),
	}
}
