package points

import (
	"embed"
	"net/http"
	"strconv"
	"strings"

	"linli/internal/platform/auth"
	"linli/internal/platform/errs"
	"linli/internal/platform/i18n"
	"linli/internal/platform/web"
)

//go:embed templates/*.html
var templates embed.FS

// Templates is this package's template folder.
var Templates = web.Templates{FS: templates, Dir: "templates"}

// Handlers serves the points' page and API.
type Handlers struct {
	S   *web.Server
	Svc *Service
}

// Routes mounts the routes.
func (h *Handlers) Routes(rt *web.Router) {
	rt.HandleFunc("GET /demonstration-points", h.S.Page(h.page))
	rt.HandleFunc("POST /demonstration-points", h.S.Page(h.create))
	rt.HandleFunc("POST /demonstration-points/{id}/cancel", h.S.Page(h.cancel))
	h.apiRoutes(rt)
}

type view struct {
	Items      []*Point
	Form       Input
	CanApprove bool
	Today      string
}

func (h *Handlers) render(w http.ResponseWriter, r *http.Request, u *auth.User, status int, form Input, msgs map[string]string) {
	items, err := h.Svc.List(r.Context(), u, r.URL.Query().Get("within"), 0)
	if err != nil {
		h.S.PageError(w, r, err)
		return
	}
	if form.DistrictCode == "" && len(u.ScopeCode) == 6 {
		form.DistrictCode = u.ScopeCode
	}
	v := &view{Items: items, Form: form, CanApprove: CanApprove(u), Today: h.Svc.Today()}
	h.S.Render(w, r, status, "points", web.View{Title: h.S.Cat.T(i18n.FromRequest(r), "points.title"), Data: v, Errors: msgs})
}

func (h *Handlers) page(w http.ResponseWriter, r *http.Request, u *auth.User) {
	h.render(w, r, u, http.StatusOK, Input{ApprovedOn: h.Svc.Today()}, nil)
}

func (h *Handlers) create(w http.ResponseWriter, r *http.Request, u *auth.User) {
	if err := r.ParseForm(); err != nil {
		h.S.PageError(w, r, errs.E(errs.Invalid, "err.invalid_input"))
		return
	}
	f := r.PostForm
	in := Input{Kind: f.Get("kind"), DistrictCode: f.Get("district_code"), CommunityCode: f.Get("community_code"),
		Reason: f.Get("reason"), ApprovedOn: f.Get("approved_on"), LateReason: f.Get("late_reason")}
	in.Year, _ = strconv.Atoi(strings.TrimSpace(f.Get("year")))
	if s := strings.TrimSpace(f.Get("org_id")); s != "" {
		in.OrgID, _ = strconv.ParseInt(s, 10, 64)
		if in.OrgID == 0 {
			in.OrgID = -1 // not a number: reported as not found
		}
	}
	if _, err := h.Svc.Create(r.Context(), u, in); err != nil {
		msgs, ok := h.S.FieldErrors(r, err)
		if !ok {
			h.S.PageError(w, r, err)
			return
		}
		h.render(w, r, u, http.StatusUnprocessableEntity, in, msgs)
		return
	}
	http.Redirect(w, r, "/demonstration-points?flash=points.created", http.StatusSeeOther)
}

func (h *Handlers) cancel(w http.ResponseWriter, r *http.Request, u *auth.User) {
	id, err := web.PathID(r, "id")
	if err == nil {
		err = r.ParseForm()
	}
	if err == nil {
		_, err = h.Svc.Cancel(r.Context(), u, id, r.PostForm.Get("reason"))
	}
	if err != nil {
		if msgs, ok := h.S.FieldErrors(r, err); ok {
			h.render(w, r, u, http.StatusUnprocessableEntity, Input{ApprovedOn: h.Svc.Today()}, msgs)
			return
		}
		h.S.PageError(w, r, err)
		return
	}
	http.Redirect(w, r, "/demonstration-points?flash=points.cancelled", http.StatusSeeOther)
}
