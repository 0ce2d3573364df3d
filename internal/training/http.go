package training

import (
	"embed"
	"encoding/base64"
	"html/template"
	"net/http"
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

// Handlers serves the room's pages and API over the same service.
type Handlers struct {
	S   *web.Server
	Svc *Service
}

// Routes mounts the routes.
func (h *Handlers) Routes(rt *web.Router) {
	rt.HandleFunc("GET /trainings", h.S.Page(h.listPage))
	rt.HandleFunc("GET /trainings/{id}", h.S.Page(h.showPage))
	rt.HandleFunc("GET /public/checkin", h.checkinPage)
	rt.HandleFunc("POST /public/checkin", h.checkinSubmit)
	h.apiRoutes(rt)
}

func (h *Handlers) tr(r *http.Request, key string, args ...any) string {
	return h.S.Cat.T(i18n.FromRequest(r), key, args...)
}

type listData struct {
	Items []Training
	Year  string
}

func (h *Handlers) listPage(w http.ResponseWriter, r *http.Request, u *auth.User) {
	year := r.URL.Query().Get("year")
	list, err := h.Svc.List(r.Context(), u, year)
	if err != nil {
		h.S.PageError(w, r, err)
		return
	}
	h.S.Render(w, r, http.StatusOK, "training_list", web.View{Title: h.tr(r, "training.list_title"), User: u,
		Data: listData{Items: list, Year: year}})
}

type showData struct {
	T          *Training
	Attendance []Attendance
	Code       *CheckinCode
	QR         template.URL
}

func (h *Handlers) showPage(w http.ResponseWriter, r *http.Request, u *auth.User) {
	id, err := web.PathID(r, "id")
	var t *Training
	if err == nil {
		t, err = h.Svc.Get(r.Context(), u, id)
	}
	var att []Attendance
	if err == nil {
		att, err = h.Svc.Attendance(r.Context(), u, id)
	}
	if err != nil {
		h.S.PageError(w, r, err)
		return
	}
	d := showData{T: t, Attendance: att}
	if canOrganize(u, t.UnitCode, t.HubOrgID) {
		c, err := h.Svc.Code(r.Context(), u, id, h.baseURL(r))
		if err != nil {
			h.S.PageError(w, r, err)
			return
		}
		d.Code = c
		// an image, not inline markup: the page's policy allows data: images only
		d.QR = template.URL("data:image/svg+xml;base64," + base64.StdEncoding.EncodeToString([]byte(c.QRSVG)))
	}
	h.S.Render(w, r, http.StatusOK, "training_show", web.View{Title: t.Title, User: u, Data: d})
}

type checkinData struct {
	Code, Phone string
	Done        *CheckedIn
}

// checkinPage is the trainee's page, reached by the QR code on the
// trainer's screen: no sign-in, the code filled in.
func (h *Handlers) checkinPage(w http.ResponseWriter, r *http.Request) {
	h.S.Render(w, r, http.StatusOK, "training_checkin", web.View{Title: h.tr(r, "training.checkin_title"),
		User: auth.UserFrom(r.Context()), Data: checkinData{Code: r.URL.Query().Get("code")}})
}

func (h *Handlers) checkinSubmit(w http.ResponseWriter, r *http.Request) {
	d := checkinData{Code: strings.ToUpper(strings.TrimSpace(r.PostFormValue("code"))), Phone: r.PostFormValue("phone")}
	done, err := h.Svc.Checkin(r.Context(), d.Code, d.Phone)
	v := web.View{Title: h.tr(r, "training.checkin_title"), User: auth.UserFrom(r.Context())}
	status := http.StatusOK
	if err != nil {
		fe, ok := h.S.FieldErrors(r, err)
		if !ok {
			h.S.PageError(w, r, err)
			return
		}
		v.Errors, status = fe, http.StatusUnprocessableEntity
		v.Message = h.tr(r, "training.checkin_failed")
		if e, ok := errs.As(err); ok {
			for _, m := range e.Fields {
				v.Message = h.tr(r, m.Key, m.Args...)
			}
		}
	}
	d.Done = done
	v.Data = d
	h.S.Render(w, r, status, "training_checkin", v)
}
