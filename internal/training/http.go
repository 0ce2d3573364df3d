package training

import (
	"embed"
	"encoding/base64"
	"html/template"
	"net/http"
	"strings"

	"linli/internal/platform/auth"
	"linli/internal/platform/errs"
	"linli/internal/platform/web"
)

//go:embed templates/*.html
var templates embed.FS

// Templates is this package's template folder.
var Templates = web.Templates{FS: templates, Dir: "templates"}

// Handlers serves the room's pages and API over the same service.
type Handlers web.Room[*Service]

// Routes mounts the routes.
func (h *Handlers) Routes(rt *web.Router) {
	rt.HandleFunc("GET /trainings", h.S.Page(h.listPage))
	rt.HandleFunc("POST /trainings", h.S.Page(h.createSubmit))
	rt.HandleFunc("GET /trainings/{id}", h.S.PageID(h.showPage))
	rt.HandleFunc("POST /trainings/{id}/enrol", h.S.PageID(h.enrolSubmit))
	rt.HandleFunc("POST /trainings/{id}/self-enrol", h.S.PageID(h.selfSubmit))
	rt.HandleFunc("POST /trainings/{id}/attendance", h.S.PageID(h.attendanceSubmit))
	rt.HandleFunc("POST /trainings/{id}/certificates", h.S.PageID(h.issueSubmit))
	rt.HandleFunc("GET /people", h.S.Page(h.peoplePage))
	rt.HandleFunc("POST /people", h.S.Page(h.personSubmit))
	rt.HandleFunc("GET /public/checkin", h.checkinPage)
	rt.HandleFunc("POST /public/checkin", h.checkinSubmit)
	h.apiRoutes(rt)
}

type listData struct {
	Items []Training
	Year  string
	Names map[string]string // unit names
	New   *listForm         // the create form, for organizers
}

func (h *Handlers) listPage(w http.ResponseWriter, r *http.Request, u *auth.User) {
	h.listRender(w, r, u, http.StatusOK, trainingForm{Capacity: "30"}, nil)
}

type showData struct {
	T         *Training
	UnitName  string
	Roster    []RosterRow
	Code      *CheckinCode
	QR        template.URL
	Organizer bool
	CanEnrol  bool
	CanSelf   bool // an organization's leader may enrol themself
	Self      bool // and is enrolled
}

func (h *Handlers) showPage(w http.ResponseWriter, r *http.Request, u *auth.User, id int64) {
	h.showRender(w, r, u, id, http.StatusOK, nil)
}

func (h *Handlers) showRender(w http.ResponseWriter, r *http.Request, u *auth.User, id int64, status int, msgs map[string]string) {
	ctx := r.Context()
	t, err := h.Svc.Get(ctx, u, id)
	var d showData
	if err == nil {
		d = showData{T: t, Organizer: canOrganize(u, t.UnitCode, t.HubOrgID)}
		d.Roster, err = h.Svc.Roster(ctx, u, id)
	}
	var names map[string]string
	if err == nil {
		names, err = h.Svc.Geo.Names(ctx, []string{t.UnitCode})
		d.UnitName = names[t.UnitCode]
	}
	if err == nil && d.Organizer {
		var c *CheckinCode
		c, err = h.Svc.Code(ctx, u, id, h.baseURL(r))
		if err == nil {
			d.Code = c
			// an image, not inline markup: the page's policy allows data: images only
			d.QR = template.URL("data:image/svg+xml;base64," + base64.StdEncoding.EncodeToString([]byte(c.QRSVG)))
		}
	}
	// the enrolment form's person picker searches the viewer's subtree
	d.CanEnrol = err == nil && enrolsInto(u, t, h.Svc.now())
	if err == nil && selfEnrols(u) {
		d.CanSelf = sessionOpen(t, h.Svc.now())
		d.Self, err = h.Svc.SelfEnrolled(ctx, u, id)
	}
	if err != nil {
		h.S.PageError(w, r, err)
		return
	}
	h.S.Render(w, r, status, "training_show", web.View{Title: t.Title, User: u, Data: d, Errors: msgs})
}

type checkinData struct {
	Code, Phone string
	Done        *CheckedIn
}

// checkinPage is the trainee's page, reached by the QR code on the
// trainer's screen: no sign-in, the code filled in.
func (h *Handlers) checkinPage(w http.ResponseWriter, r *http.Request) {
	h.S.Render(w, r, http.StatusOK, "training_checkin", web.View{Title: h.S.T(r, "training.checkin_title"),
		User: auth.UserFrom(r.Context()), Data: checkinData{Code: r.URL.Query().Get("code")}})
}

func (h *Handlers) checkinSubmit(w http.ResponseWriter, r *http.Request) {
	d := checkinData{Code: strings.ToUpper(strings.TrimSpace(r.PostFormValue("code"))), Phone: r.PostFormValue("phone")}
	done, err := h.Svc.Checkin(r.Context(), d.Code, d.Phone)
	d.Done = done
	v := web.View{Title: h.S.T(r, "training.checkin_title"), User: auth.UserFrom(r.Context()), Data: d}
	if err != nil {
		h.S.Refill(w, r, err, func(status int, fe map[string]string) {
			v.Errors = fe
			v.Message = h.S.T(r, "training.checkin_failed")
			if e, ok := errs.As(err); ok {
				for _, m := range e.Fields {
					v.Message = h.S.T(r, m.Key, m.Args...)
				}
			}
			h.S.Render(w, r, status, "training_checkin", v)
		})
		return
	}
	h.S.Render(w, r, http.StatusOK, "training_checkin", v)
}
