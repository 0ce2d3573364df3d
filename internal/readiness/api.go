package readiness

import (
	"embed"
	"net/http"

	"linli/internal/platform/auth"
	"linli/internal/platform/i18n"
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
		Tag: "readiness", Query: []web.Param{{Name: "community", Description: "community code"}}, Response: "ContactList"}, h.S.API(h.apiContacts))
	rt.API(web.Doc{Method: "POST", Path: "/api/v1/emergency/contacts", Summary: "Add an emergency contact of a community for a hazard kind",
		Tag: "readiness", Body: "ContactInput", Response: "Contact", Status: 201}, h.S.API(h.apiAddContact))
	rt.API(web.Doc{Method: "GET", Path: "/api/v1/emergency/coverage", Summary: "Per street: communities with a current contact list and a drill in the last 12 months",
		Tag: "readiness", Query: within, Response: "CoverageList"}, h.S.API(h.apiCoverage))
	rt.API(web.Doc{Method: "GET", Path: "/api/v1/drills", Summary: "Drills in scope", Tag: "readiness", Query: within, Response: "DrillList"}, h.S.API(h.apiDrills))
	rt.API(web.Doc{Method: "POST", Path: "/api/v1/drills", Summary: "Record a drill", Tag: "readiness", Body: "DrillInput", Response: "Drill", Status: 201}, h.S.API(h.apiAddDrill))
	rt.API(web.Doc{Method: "GET", Path: "/api/v1/liaisons", Summary: "Liaison posts in scope with their contact logs, and the communities without one",
		Tag: "readiness", Query: within, Response: "LiaisonList"}, h.S.API(h.apiLiaisons))
	rt.API(web.Doc{Method: "POST", Path: "/api/v1/liaisons", Summary: "Record a liaison post of a community",
		Tag: "readiness", Body: "LiaisonInput", Response: "Liaison", Status: 201}, h.S.API(h.apiAddLiaison))
	rt.API(web.Doc{Method: "POST", Path: "/api/v1/liaisons/{id}/contacts", Summary: "Add an entry to a liaison's contact log",
		Tag: "readiness", Body: "ContactLogInput", Response: "Liaison", Status: 201}, h.S.API(h.apiLog))
	rt.Schemas(schemas())
}

func (h *Handlers) apiContacts(w http.ResponseWriter, r *http.Request, u *auth.User) {
	list, err := h.Svc.Contacts(r.Context(), u, r.URL.Query().Get("community"))
	h.S.Respond(w, r, http.StatusOK, map[string]any{"items": list}, err)
}

func (h *Handlers) apiAddContact(w http.ResponseWriter, r *http.Request, u *auth.User) {
	var in ContactInput
	err := web.DecodeJSON(w, r, &in)
	var c *Contact
	if err == nil {
		c, err = h.Svc.AddContact(r.Context(), u, in)
	}
	h.S.Respond(w, r, http.StatusCreated, c, err)
}

func (h *Handlers) apiCoverage(w http.ResponseWriter, r *http.Request, u *auth.User) {
	list, err := h.Svc.Coverage(r.Context(), u, r.URL.Query().Get("within"))
	h.S.Respond(w, r, http.StatusOK, map[string]any{"items": list}, err)
}

func (h *Handlers) apiDrills(w http.ResponseWriter, r *http.Request, u *auth.User) {
	list, err := h.Svc.Drills(r.Context(), u, r.URL.Query().Get("within"))
	h.S.Respond(w, r, http.StatusOK, map[string]any{"items": list}, err)
}

func (h *Handlers) apiAddDrill(w http.ResponseWriter, r *http.Request, u *auth.User) {
	var in DrillInput
	err := web.DecodeJSON(w, r, &in)
	var d *Drill
	if err == nil {
		d, err = h.Svc.AddDrill(r.Context(), u, in)
	}
	h.S.Respond(w, r, http.StatusCreated, d, err)
}

func (h *Handlers) apiLiaisons(w http.ResponseWriter, r *http.Request, u *auth.User) {
	l, err := h.Svc.Liaisons(r.Context(), u, r.URL.Query().Get("within"))
	h.S.Respond(w, r, http.StatusOK, l, err)
}

func (h *Handlers) apiAddLiaison(w http.ResponseWriter, r *http.Request, u *auth.User) {
	var in LiaisonInput
	err := web.DecodeJSON(w, r, &in)
	var l *Liaison
	if err == nil {
		l, err = h.Svc.AddLiaison(r.Context(), u, in)
	}
	h.S.Respond(w, r, http.StatusCreated, l, err)
}

func (h *Handlers) apiLog(w http.ResponseWriter, r *http.Request, u *auth.User) {
	id, err := web.PathID(r, "id")
	var in ContactLogInput
	if err == nil {
		err = web.DecodeJSON(w, r, &in)
	}
	var l *Liaison
	if err == nil {
		l, err = h.Svc.LogContact(r.Context(), u, id, in)
	}
	h.S.Respond(w, r, http.StatusCreated, l, err)
}

type pageData struct {
	Coverage []StreetCoverage
	Without  []Place
}

// page is the street's (or any officer's) view: coverage by street and the
// communities without a liaison.
func (h *Handlers) page(w http.ResponseWriter, r *http.Request, u *auth.User) {
	within := r.URL.Query().Get("within")
	cov, err := h.Svc.Coverage(r.Context(), u, within)
	var l *Liaisons
	if err == nil {
		l, err = h.Svc.Liaisons(r.Context(), u, within)
	}
	if err != nil {
		h.S.PageError(w, r, err)
		return
	}
	h.S.Render(w, r, http.StatusOK, "readiness", web.View{Title: h.S.Cat.T(i18n.FromRequest(r), "readiness.title"), User: u,
		Data: pageData{Coverage: cov, Without: l.Without}})
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
	return map[string]any{
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
