package hub

import (
	"embed"
	"fmt"
	"net/http"

	"linli/internal/platform/auth"
	"linli/internal/platform/clock"
	"linli/internal/platform/web"
	"linli/internal/registry"
)

//go:embed templates/*.html
var templates embed.FS

// Templates is this package's template folder.
var Templates = web.Templates{FS: templates, Dir: "templates"}

// Handlers serves the hubs' pages and API over the same service.
type Handlers web.Room[*Service]

// Routes mounts the routes.
func (h *Handlers) Routes(rt *web.Router) {
	rt.HandleFunc("GET /hubs", h.S.Page(h.listPage))
	rt.HandleFunc("POST /hubs", h.S.Page(h.designateSubmit))
	rt.HandleFunc("GET /hubs/{hub_id}", h.S.PageOn("hub_id", h.showPage))
	rt.HandleFunc("POST /hubs/{hub_id}/revoke", h.S.PageOn("hub_id", h.revokeSubmit))
	rt.HandleFunc("POST /hubs/{hub_id}/members", h.S.PageOn("hub_id", h.memberSubmit))
	rt.HandleFunc("POST /hubs/{hub_id}/members/{org_id}/release", h.S.PagePair("hub_id", "org_id", h.releaseSubmit))
	rt.HandleFunc("POST /hubs/{hub_id}/workers", h.S.PageOn("hub_id", h.workerSubmit))
	rt.HandleFunc("POST /hubs/{hub_id}/workers/{id}/end", h.S.PagePair("hub_id", "id", h.workerEndSubmit))
	h.apiRoutes(rt)
}

type listData struct {
	Hubs         []Summary
	CanDesignate bool
	// Picked is the organization picker's text after a refused submit.
	Picked string
}

func (h *Handlers) listPage(w http.ResponseWriter, r *http.Request, u *auth.User) {
	h.renderList(w, r, u, http.StatusOK, nil)
}

func (h *Handlers) renderList(w http.ResponseWriter, r *http.Request, u *auth.User, status int, fail error) {
	hubs, err := h.Svc.Hubs(r.Context(), u, r.URL.Query().Get("within"))
	if err != nil {
		h.S.PageError(w, r, err)
		return
	}
	d := listData{Hubs: hubs, CanDesignate: registry.DesignatesHubs(u)}
	if fail != nil {
		d.Picked = r.PostFormValue("org_id")
	}
	v := web.View{Title: h.S.T(r, "hub.list_title"), Data: d}
	h.S.WithErrors(r, &v, fail)
	h.S.Render(w, r, status, "hub_list", v)
}

func (h *Handlers) designateSubmit(w http.ResponseWriter, r *http.Request, u *auth.User) {
	o, err := h.designate(r, u)
	h.S.DoneAt(w, r, err, func() string { return fmt.Sprintf("/hubs/%d?flash=hub.designated", o.ID) },
		func(status int, fail error) { h.renderList(w, r, u, status, fail) })
}

// designate designates the organization the form's picker names.
func (h *Handlers) designate(r *http.Request, u *auth.User) (*registry.Org, error) {
	id, err := registry.Resolve(r.Context(), h.Svc.Reg, u, "org_id", r.PostFormValue("org_id"),
		registry.PickFilter{Status: registry.StatusActive, Hub: "0"})
	if err != nil {
		return nil, err
	}
	return h.Svc.Designate(r.Context(), u, id, r.PostFormValue("reason"))
}

type showData struct {
	Hub *Hub
	// Picked is the organization picker's text after a refused submit.
	Picked string
	Kinds  []string
	Today  string
}

func (h *Handlers) showPage(w http.ResponseWriter, r *http.Request, u *auth.User, id int64) {
	h.renderShow(w, r, u, id, http.StatusOK, nil)
}

func (h *Handlers) renderShow(w http.ResponseWriter, r *http.Request, u *auth.User, id int64, status int, fail error) {
	hb, err := h.Svc.Get(r.Context(), u, id)
	if err != nil {
		h.S.PageError(w, r, err)
		return
	}
	d := showData{Hub: hb, Kinds: WorkerKinds, Today: clock.Day(h.Svc.now())}
	if fail != nil {
		d.Picked = r.PostFormValue("org_id")
	}
	v := web.View{Title: hb.Org.Name, Data: d}
	h.S.WithErrors(r, &v, fail)
	h.S.Render(w, r, status, "hub_show", v)
}

func (h *Handlers) after(w http.ResponseWriter, r *http.Request, u *auth.User, id int64, err error, flash string) {
	h.S.Done(w, r, err, fmt.Sprintf("/hubs/%d?flash=%s", id, flash),
		func(status int, fail error) { h.renderShow(w, r, u, id, status, fail) })
}

func (h *Handlers) revokeSubmit(w http.ResponseWriter, r *http.Request, u *auth.User, id int64) {
	_, err := h.Svc.Revoke(r.Context(), u, id, r.PostFormValue("reason"))
	h.S.Done(w, r, err, "/hubs?flash=hub.revoked", func(status int, fail error) { h.renderShow(w, r, u, id, status, fail) })
}

func (h *Handlers) memberSubmit(w http.ResponseWriter, r *http.Request, u *auth.User, id int64) {
	f := registry.PickFilter{Status: registry.StatusActive, Hub: "0"}
	if hb, gerr := h.Svc.Get(r.Context(), u, id); gerr == nil {
		f.Within = hb.Org.StreetCode
	}
	h.after(w, r, u, id, h.takeIntoCustody(r, u, id, f), "hub.flash_added")
}

// takeIntoCustody takes the organization the form's picker names (within
// f) into the hub's custody.
func (h *Handlers) takeIntoCustody(r *http.Request, u *auth.User, id int64, f registry.PickFilter) error {
	org, err := registry.Resolve(r.Context(), h.Svc.Reg, u, "org_id", r.PostFormValue("org_id"), f)
	if err != nil {
		return err
	}
	_, err = h.Svc.TakeIntoCustody(r.Context(), u, id, MemberInput{OrgID: org, ConsentBy: r.PostFormValue("consent_by"),
		ConsentOn: r.PostFormValue("consent_on"), ConsentNote: r.PostFormValue("consent_note"),
		JoinedOn: r.PostFormValue("joined_on"), LateReason: r.PostFormValue("late_reason")})
	return err
}

func (h *Handlers) releaseSubmit(w http.ResponseWriter, r *http.Request, u *auth.User, id, org int64) {
	_, err := h.Svc.ReleaseOn(r.Context(), u, id, org, ReleaseInput{Reason: r.PostFormValue("reason"),
		ReleasedOn: r.PostFormValue("released_on"), LateReason: r.PostFormValue("late_reason")})
	h.after(w, r, u, id, err, "hub.flash_released")
}

func (h *Handlers) workerSubmit(w http.ResponseWriter, r *http.Request, u *auth.User, id int64) {
	_, err := h.Svc.AddWorker(r.Context(), u, id, WorkerInput{Name: r.PostFormValue("name"), Kind: r.PostFormValue("kind"),
		Qualified: r.PostFormValue("qualified") != "", StartedOn: r.PostFormValue("started_on"), LateReason: r.PostFormValue("late_reason")})
	h.after(w, r, u, id, err, "hub.worker_added")
}

func (h *Handlers) workerEndSubmit(w http.ResponseWriter, r *http.Request, u *auth.User, id, wid int64) {
	_, err := h.Svc.EndWorkerLate(r.Context(), u, id, wid, r.PostFormValue("ended_on"), r.PostFormValue("late_reason"))
	h.after(w, r, u, id, err, "hub.worker_ended")
}
