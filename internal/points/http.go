package points

import (
	"embed"
	"net/http"
	"strconv"
	"strings"

	"linli/internal/geo"
	"linli/internal/platform/auth"
	"linli/internal/platform/web"
	"linli/internal/registry"
)

//go:embed templates/*.html
var templates embed.FS

// Templates is this package's template folder.
var Templates = web.Templates{FS: templates, Dir: "templates"}

// Handlers serves the points' page and API.
type Handlers web.Room[*Service]

// Routes mounts the routes.
func (h *Handlers) Routes(rt *web.Router) {
	rt.HandleFunc("GET /demonstration-points", h.S.Page(h.page))
	rt.HandleFunc("POST /demonstration-points", h.S.Page(h.create))
	rt.HandleFunc("POST /demonstration-points/{id}/cancel", h.S.PageID(h.cancel))
	h.apiRoutes(rt)
}

type view struct {
	Items      []*Point
	Form       Input
	Org        string // the organization picker's text
	Community  string // the place picker's text
	Districts  []geo.Node
	CanApprove bool
	Today      string
}

func (h *Handlers) render(w http.ResponseWriter, r *http.Request, u *auth.User, status int, form Input, msgs map[string]string) {
	items, err := h.Svc.List(r.Context(), u, r.URL.Query().Get("within"), 0)
	var districts []geo.Node
	if err == nil && CanApprove(u) {
		districts, err = h.districts(r, u)
	}
	if err != nil {
		h.S.PageError(w, r, err)
		return
	}
	if form.DistrictCode == "" && len(u.ScopeCode) == 6 {
		form.DistrictCode = u.ScopeCode
	}
	v := &view{Items: items, Form: form, Org: r.PostFormValue("org_id"), Community: r.PostFormValue("community_code"), Districts: districts, CanApprove: CanApprove(u), Today: h.Svc.Today()}
	h.S.Render(w, r, status, "points", web.View{Title: h.S.T(r, "points.title"), Data: v, Errors: msgs})
}

// districts are the districts an approver chooses from: their own, or
// the city's.
func (h *Handlers) districts(r *http.Request, u *auth.User) ([]geo.Node, error) {
	if len(u.ScopeCode) >= 6 {
		n, err := h.Svc.Geo.Get(r.Context(), u.ScopeCode[:6])
		if err != nil {
			return nil, err
		}
		return []geo.Node{*n}, nil
	}
	return h.Svc.Geo.Children(r.Context(), u.ScopeCode)
}

func (h *Handlers) page(w http.ResponseWriter, r *http.Request, u *auth.User) {
	h.render(w, r, u, http.StatusOK, Input{ApprovedOn: h.Svc.Today()}, nil)
}

func (h *Handlers) create(w http.ResponseWriter, r *http.Request, u *auth.User) {
	if !h.S.ParsedForm(w, r) {
		return
	}
	f := r.PostForm
	in := Input{Kind: f.Get("kind"), DistrictCode: f.Get("district_code"), CommunityCode: f.Get("community_code"),
		Reason: f.Get("reason"), ApprovedOn: f.Get("approved_on"), LateReason: f.Get("late_reason")}
	in.Year, _ = strconv.Atoi(strings.TrimSpace(f.Get("year")))
	h.S.Saved(w, r, h.createPoint(r, u, &in), "/demonstration-points?flash=points.created", func(status int, msgs map[string]string) {
		h.render(w, r, u, status, in, msgs)
	})
}

// createPoint records the point of the form in, at the place and the
// organization its pickers name (both kept in in for the form again).
func (h *Handlers) createPoint(r *http.Request, u *auth.User, in *Input) error {
	// the community by name, "街道 · 社区", "name #code" or its code
	var err error
	if in.CommunityCode, err = geo.ResolvePlace(r.Context(), h.Svc.Geo, u, "community_code", r.PostFormValue("community_code"), geo.Community); err != nil {
		return err
	}
	if s := strings.TrimSpace(r.PostFormValue("org_id")); s != "" { // or a community
		if in.OrgID, err = registry.Resolve(r.Context(), h.Svc.Orgs, u, "org_id", s, registry.PickFilter{Status: registry.StatusActive}); err != nil {
			return err
		}
	}
	_, err = h.Svc.Create(r.Context(), u, *in)
	return err
}

func (h *Handlers) cancel(w http.ResponseWriter, r *http.Request, u *auth.User, id int64) {
	if !h.S.ParsedForm(w, r) {
		return
	}
	_, err := h.Svc.Cancel(r.Context(), u, id, r.PostForm.Get("reason"))
	h.S.Saved(w, r, err, "/demonstration-points?flash=points.cancelled", func(status int, msgs map[string]string) {
		h.render(w, r, u, status, Input{ApprovedOn: h.Svc.Today()}, msgs)
	})
}
