package readiness

import (
	"context"
	"net/http"
	"strconv"
	"strings"

	"linli/internal/geo"
	"linli/internal/platform/auth"
	"linli/internal/platform/clock"
	"linli/internal/platform/db"
	"linli/internal/platform/web"
	"linli/internal/registry"
)

// Choice is an option of a form's select.
type Choice = db.Pair

type pageData struct {
	Coverage    []StreetCoverage
	Names       map[string]string // street and community names
	Without     []Place
	Drills      []Drill
	Patrols     []Patrol
	CanKeep     bool
	Communities []Choice
	// the organization pickers' texts as typed (a refused form keeps them)
	DrillOrgs []string
	PatrolOrg string
	Hazards   []string
	Kinds     []string
	Today     string
	Weekdays  []int
	// each form's field errors (only the form submitted has any)
	DrillErr, ContactErr, LiaisonErr, PatrolErr map[string]string
}

// page is the street's (or any officer's) view: coverage by street, the
// communities without a liaison, drills and patrol groups, and the forms to
// record them.
func (h *Handlers) page(w http.ResponseWriter, r *http.Request, u *auth.User) {
	h.render(w, r, u, http.StatusOK, "", nil)
}

func (h *Handlers) render(w http.ResponseWriter, r *http.Request, u *auth.User, status int, form string, msgs map[string]string) {
	ctx := r.Context()
	within := r.URL.Query().Get("within")
	d := pageData{Hazards: Hazards, Kinds: ContactKinds, Today: clock.Day(h.Svc.now()), Weekdays: []int{1, 2, 3, 4, 5, 6, 7},
		CanKeep: keeper(u)}
	switch form {
	case "drill-form":
		d.DrillErr = msgs
	case "contact-form":
		d.ContactErr = msgs
	case "liaison-form":
		d.LiaisonErr = msgs
	case "patrol-form":
		d.PatrolErr = msgs
	}
	cov, err := h.Svc.Coverage(ctx, u, within)
	d.Coverage = cov
	var l *Liaisons
	if err == nil {
		l, err = h.Svc.Liaisons(ctx, u, within)
	}
	if err == nil {
		d.Without = l.Without
		d.Drills, err = h.Svc.Drills(ctx, u, within)
		if len(d.Drills) > 50 {
			d.Drills = d.Drills[len(d.Drills)-50:]
		}
	}
	if err == nil {
		d.Patrols, err = h.Svc.Patrols(ctx, u, within)
	}
	if err == nil && d.CanKeep {
		d.Communities, err = h.communityChoices(ctx, u.ScopeCode)
		d.DrillOrgs = make([]string, drillOrgFields)
		if form == "drill-form" {
			copy(d.DrillOrgs, r.PostForm["org_ids"])
		}
		if form == "patrol-form" {
			d.PatrolOrg = r.PostFormValue("org_id")
		}
	}
	if err == nil {
		codes := make([]string, 0, len(cov)+len(d.Drills)+len(d.Patrols))
		for _, c := range cov {
			codes = append(codes, c.Street)
		}
		for _, x := range d.Drills {
			codes = append(codes, x.CommunityCode)
		}
		for _, x := range d.Patrols {
			codes = append(codes, x.CommunityCode)
		}
		d.Names, err = h.Svc.Geo.Names(ctx, codes)
	}
	if err != nil {
		h.S.PageError(w, r, err)
		return
	}
	h.S.Render(w, r, status, "readiness", web.View{Title: h.S.T(r, "readiness.title"), User: u,
		Data: d})
}

// choices reads a bounded list for a select; none when there are more
// than limit (the form then takes the code).
// maxCommunityChoices bounds the community select: a scope with more
// communities gets none, and the form asks for the code instead.
const maxCommunityChoices = 3000

// communityChoices offers the communities of a scope (geo's named read).
func (h *Handlers) communityChoices(ctx context.Context, scope string) ([]Choice, error) {
	ns, err := h.Svc.Geo.Under(ctx, scope, geo.Community, maxCommunityChoices+1)
	if err != nil || len(ns) > maxCommunityChoices {
		return nil, err
	}
	out := make([]Choice, len(ns))
	for i, n := range ns {
		out[i] = Choice{Value: n.Code, Label: n.Name}
	}
	return out, nil
}

func formInt(r *http.Request, name string) int {
	n, _ := strconv.Atoi(strings.TrimSpace(r.PostFormValue(name)))
	return n
}

// drillOrgFields is how many organization pickers the drill form offers.
const drillOrgFields = 3

// orgIDs resolves the organization pickers of a field (empty ones left
// out) through the registry's picker, in the user's scope.
func (h *Handlers) orgIDs(r *http.Request, u *auth.User, name string) ([]int64, error) {
	var out []int64
	for _, v := range r.PostForm[name] {
		if strings.TrimSpace(v) == "" {
			continue
		}
		id, err := registry.Resolve(r.Context(), h.Svc.Orgs, u, name, v, registry.PickFilter{Status: registry.StatusActive})
		if err != nil {
			return nil, err
		}
		out = append(out, id)
	}
	return out, nil
}

// done redirects after a saved form, or re-renders the page with the
// form's errors.
func (h *Handlers) done(w http.ResponseWriter, r *http.Request, u *auth.User, form, flash string, err error) {
	h.S.Saved(w, r, err, "/readiness?flash="+flash+"#"+form, func(status int, msgs map[string]string) {
		h.render(w, r, u, status, form, msgs)
	})
}

func (h *Handlers) drillSubmit(w http.ResponseWriter, r *http.Request, u *auth.User) {
	if !h.S.ParsedForm(w, r) {
		return
	}
	h.done(w, r, u, "drill-form", "readiness.saved", h.addDrill(r, u))
}

// addDrill records the drill of the form with the organizations its
// pickers name.
func (h *Handlers) addDrill(r *http.Request, u *auth.User) error {
	orgs, err := h.orgIDs(r, u, "org_ids")
	if err != nil {
		return err
	}
	_, err = h.Svc.AddDrill(r.Context(), u, DrillInput{CommunityCode: r.PostFormValue("community_code"),
		Scenario: r.PostFormValue("scenario"), HeldOn: r.PostFormValue("held_on"), OrgIDs: orgs,
		Participants: formInt(r, "participants"), Findings: r.PostFormValue("findings")})
	return err
}

func (h *Handlers) contactSubmit(w http.ResponseWriter, r *http.Request, u *auth.User) {
	if !h.S.ParsedForm(w, r) {
		return
	}
	in := ContactInput{CommunityCode: r.PostFormValue("community_code"), Hazard: r.PostFormValue("hazard"),
		Name: r.PostFormValue("name"), Phone: r.PostFormValue("phone"), Duty: r.PostFormValue("duty"), CheckedOn: r.PostFormValue("checked_on")}
	_, err := h.Svc.AddContact(r.Context(), u, in)
	h.done(w, r, u, "contact-form", "readiness.saved", err)
}

func (h *Handlers) liaisonSubmit(w http.ResponseWriter, r *http.Request, u *auth.User) {
	if !h.S.ParsedForm(w, r) {
		return
	}
	_, err := h.Svc.AddLiaison(r.Context(), u, LiaisonInput{CommunityCode: r.PostFormValue("community_code"),
		Holder: r.PostFormValue("holder"), Since: r.PostFormValue("since")})
	h.done(w, r, u, "liaison-form", "readiness.saved", err)
}

func (h *Handlers) patrolSubmit(w http.ResponseWriter, r *http.Request, u *auth.User) {
	if !h.S.ParsedForm(w, r) {
		return
	}
	in := PatrolInput{Area: r.PostFormValue("area"), Members: formInt(r, "members"), StartedOn: r.PostFormValue("started_on"),
		LateReason: r.PostFormValue("late_reason")}
	var err error
	in.OrgID, err = registry.Resolve(r.Context(), h.Svc.Orgs, u, "org_id", r.PostFormValue("org_id"), registry.PickFilter{Status: registry.StatusActive})
	if err != nil {
		h.done(w, r, u, "patrol-form", "", err)
		return
	}
	// the schedule's lines: weekdays ticked share one time and route
	for _, v := range r.PostForm["weekday"] {
		if n, err := strconv.Atoi(v); err == nil {
			in.Shifts = append(in.Shifts, Shift{Weekday: n, Starts: r.PostFormValue("starts"), Ends: r.PostFormValue("ends"),
				Route: r.PostFormValue("route")})
		}
	}
	_, err = h.Svc.AddPatrol(r.Context(), u, in)
	h.done(w, r, u, "patrol-form", "readiness.patrol_saved", err)
}
