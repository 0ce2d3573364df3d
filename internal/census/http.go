package census

import (
	"embed"
	"net/http"
	"strconv"

	"linli/internal/platform/auth"
	"linli/internal/platform/errs"
	"linli/internal/platform/i18n"
	"linli/internal/platform/sheet"
	"linli/internal/platform/web"
	"linli/internal/registry"
)

//go:embed templates/*.html
var templates embed.FS

// Templates is this package's template folder.
var Templates = web.Templates{FS: templates, Dir: "templates"}

// Handlers serves the census pages and API over the same service.
type Handlers struct {
	S   *web.Server
	Svc *Service
	// Jobs runs the imports started from the pages (NewJobs if unset).
	Jobs *Jobs
}

// Routes mounts the routes.
func (h *Handlers) Routes(rt *web.Router) {
	if h.Jobs == nil {
		h.Jobs = NewJobs(h.Svc, nil)
	}
	rt.HandleFunc("GET /census", h.S.Page(h.roundsPage))
	rt.HandleFunc("POST /census/rounds", h.S.Page(h.openSubmit))
	rt.HandleFunc("GET /census/rounds/{id}", h.S.PageID(h.roundPage))
	rt.HandleFunc("POST /census/rounds/{id}/submit", h.S.PageID(h.submitUpload))
	rt.HandleFunc("POST /census/rounds/{id}/close", h.S.PageID(h.closeSubmit))
	rt.HandleFunc("GET /census/import", h.S.Page(h.importPage))
	rt.HandleFunc("POST /census/import", h.S.Page(h.importUpload))
	rt.HandleFunc("GET /census/jobs/{job}", h.S.Page(h.jobPage))
	rt.HandleFunc("GET /census/jobs/{job}/errors.xlsx", h.S.Page(h.jobErrors))
	h.apiRoutes(rt)
}

type importData struct {
	Round     *Round
	CanImport bool
}

func (h *Handlers) importPage(w http.ResponseWriter, r *http.Request, u *auth.User) {
	h.S.Render(w, r, http.StatusOK, "census_import", web.View{Title: h.S.Cat.T(i18n.FromRequest(r), "census.import_title"),
		Data: importData{CanImport: registry.Imports(u)}})
}

func (h *Handlers) importUpload(w http.ResponseWriter, r *http.Request, u *auth.User) {
	if !registry.Imports(u) {
		h.S.PageError(w, r, errs.E(errs.Forbidden, "err.import_not_officer"))
		return
	}
	up, err := receive(w, r)
	if err != nil {
		h.renderImportError(w, r, err)
		return
	}
	id, err := h.Jobs.Start(r.Context(), u, up, 0)
	if err != nil {
		h.S.PageError(w, r, err)
		return
	}
	http.Redirect(w, r, "/census/jobs/"+id, http.StatusSeeOther)
}

func (h *Handlers) renderImportError(w http.ResponseWriter, r *http.Request, err error) {
	e, ok := errs.As(err)
	if !ok || e.Code != errs.Invalid {
		h.S.PageError(w, r, err)
		return
	}
	lang := i18n.FromRequest(r)
	h.S.Render(w, r, http.StatusUnprocessableEntity, "census_import", web.View{Title: h.S.Cat.T(lang, "census.import_title"),
		Message: h.S.Cat.Msg(lang, e.Message), Data: importData{CanImport: true}})
}

// maxShown bounds the errors listed on the page; the marked file has the
// first MaxReportErrors.
const maxShown = 500

type jobData struct {
	Job      *Job
	Done     bool
	Rows     int64
	Report   *Report
	Shown    []RowError
	More     int
	Err      string
	RoundID  int64
	Rejected bool
}

func (h *Handlers) jobPage(w http.ResponseWriter, r *http.Request, u *auth.User) {
	j, err := h.Jobs.Get(r.Context(), u, r.PathValue("job"))
	if err != nil {
		h.S.PageError(w, r, err)
		return
	}
	lang := i18n.FromRequest(r)
	d := jobData{Job: j, Done: j.Done(), Rows: j.Rows, Report: j.Report, RoundID: j.RoundID}
	switch {
	case !d.Done:
		w.Header().Set("Refresh", "1")
	case j.Err != nil:
		d.Err = h.S.Cat.Msg(lang, *j.Err)
	case j.Report != nil:
		rep := j.Report
		rep.Translate(h.S.Cat, lang)
		d.Rejected = len(rep.Errors) > 0
		d.Shown = rep.Errors[:min(len(rep.Errors), maxShown)]
		d.More = rep.ErrorCount - len(d.Shown)
	}
	h.S.Render(w, r, http.StatusOK, "census_job", web.View{Title: h.S.Cat.T(lang, "census.import_title"), Data: d})
}

func (h *Handlers) jobErrors(w http.ResponseWriter, r *http.Request, u *auth.User) {
	j, err := h.Jobs.Get(r.Context(), u, r.PathValue("job"))
	if err == nil && (j.Status != JobDone || j.Report == nil || len(j.Report.Errors) == 0) {
		err = errs.Missing()
	}
	if err != nil {
		h.S.PageError(w, r, err)
		return
	}
	sheet.Download(w, "错误标注-"+j.FileName+".xlsx")
	if err := h.Jobs.Annotated(r.Context(), j, i18n.FromRequest(r), w); err != nil {
		web.LoggerFrom(r.Context()).Error("annotated file", "err", err)
	}
}

type roundsData struct {
	Rounds  []Round
	CanOpen bool
	Form    RoundInput
}

func (h *Handlers) roundsPage(w http.ResponseWriter, r *http.Request, u *auth.User) {
	h.renderRounds(w, r, u, http.StatusOK, RoundInput{}, nil)
}

func (h *Handlers) renderRounds(w http.ResponseWriter, r *http.Request, u *auth.User, status int, in RoundInput, errors map[string]string) {
	rounds, err := h.Svc.Rounds(r.Context(), u)
	if err != nil {
		h.S.PageError(w, r, err)
		return
	}
	h.S.Render(w, r, status, "census_rounds", web.View{Title: h.S.Cat.T(i18n.FromRequest(r), "census.rounds"), Errors: errors,
		Data: roundsData{Rounds: rounds, CanOpen: canOpenRound(u), Form: in}})
}

func (h *Handlers) openSubmit(w http.ResponseWriter, r *http.Request, u *auth.User) {
	in := RoundInput{Title: r.PostFormValue("title"), Deadline: r.PostFormValue("deadline")}
	rd, err := h.Svc.OpenRound(r.Context(), u, in)
	if err != nil {
		h.S.Refill(w, r, err, func(status int, fields map[string]string) { h.renderRounds(w, r, u, status, in, fields) })
		return
	}
	http.Redirect(w, r, "/census/rounds/"+strconv.FormatInt(rd.ID, 10)+"?flash=census.opened", http.StatusSeeOther)
}

type roundData struct {
	View      *RoundView
	CanSubmit bool
	CanClose  bool
	Tiers     []string
	Types     []string
	Statuses  []string
	Groups    []string
}

func (h *Handlers) roundPage(w http.ResponseWriter, r *http.Request, u *auth.User, id int64) {
	v, err := h.Svc.RoundView(r.Context(), u, id)
	if err != nil {
		h.S.PageError(w, r, err)
		return
	}
	h.S.Render(w, r, http.StatusOK, "census_round", web.View{Title: v.Round.Title, Data: roundData{View: v,
		CanSubmit: CanSubmit(u, &v.Round), CanClose: CanClose(u, &v.Round), Tiers: registry.Tiers, Types: registry.Types,
		Statuses: registry.Statuses, Groups: registry.TargetGroups}})
}

func (h *Handlers) submitUpload(w http.ResponseWriter, r *http.Request, u *auth.User, id int64) {
	v, err := h.Svc.RoundView(r.Context(), u, id)
	if err != nil {
		h.S.PageError(w, r, err)
		return
	}
	if !CanSubmit(u, &v.Round) {
		h.S.PageError(w, r, errs.E(errs.Forbidden, "census.err.not_your_round"))
		return
	}
	up, err := receive(w, r)
	if err != nil {
		h.S.PageError(w, r, err)
		return
	}
	job, err := h.Jobs.Start(r.Context(), u, up, id)
	if err != nil {
		h.S.PageError(w, r, err)
		return
	}
	http.Redirect(w, r, "/census/jobs/"+job, http.StatusSeeOther)
}

func (h *Handlers) closeSubmit(w http.ResponseWriter, r *http.Request, u *auth.User, id int64) {
	if _, err := h.Svc.CloseRound(r.Context(), u, id); err != nil {
		h.S.PageError(w, r, err)
		return
	}
	http.Redirect(w, r, "/census/rounds/"+strconv.FormatInt(id, 10)+"?flash=census.closed_flash", http.StatusSeeOther)
}
