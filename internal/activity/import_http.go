package activity

import (
	"bytes"
	"errors"
	"io"
	"net/http"

	"linli/internal/platform/auth"
	"linli/internal/platform/errs"
	"linli/internal/platform/i18n"
	"linli/internal/platform/sheet"
	"linli/internal/platform/web"
)

// readImport reads the multipart `file` of an import, at most MaxImportBytes.
func (h *Handlers) readImport(w http.ResponseWriter, r *http.Request) ([]byte, bool, error) {
	tooLarge := (&sheet.LimitError{Limit: sheet.TooLarge, Max: MaxImportBytes >> 20}).Err()
	r.Body = http.MaxBytesReader(w, r.Body, MaxImportBytes+1<<20)
	if err := r.ParseMultipartForm(1 << 20); err != nil {
		return nil, false, tooLarge
	}
	dry := r.FormValue("dry_run") == "1" || r.URL.Query().Get("dry_run") == "1"
	file, _, err := r.FormFile("file")
	if errors.Is(err, http.ErrMissingFile) || err != nil {
		return nil, dry, errs.Field("file", "err.required")
	}
	defer file.Close()
	var b bytes.Buffer
	if n, err := io.Copy(&b, io.LimitReader(file, MaxImportBytes+1)); err != nil || n > MaxImportBytes {
		return nil, dry, tooLarge
	}
	return b.Bytes(), dry, nil
}

// runImport imports the uploaded sheet, or checks every row of it and
// writes nothing (dry_run=1).
func (h *Handlers) runImport(w http.ResponseWriter, r *http.Request, u *auth.User) (*ImportReport, error) {
	data, dry, err := h.readImport(w, r)
	if err != nil {
		return nil, err
	}
	return h.Svc.Import(r.Context(), u, data, h.S.Cat, dry)
}

func (h *Handlers) template(w http.ResponseWriter, r *http.Request, u *auth.User) ([]byte, error) {
	orgs, err := h.recordable(r.Context(), u)
	if err != nil {
		return nil, err
	}
	var names []string
	for _, o := range orgs {
		names = append(names, o.Name)
	}
	return Template(h.S.Cat, i18n.FromRequest(r), names)
}

func (h *Handlers) templateXLSX(w http.ResponseWriter, r *http.Request, u *auth.User) {
	b, err := h.template(w, r, u)
	if err != nil {
		h.S.Error(w, r, err)
		return
	}
	sheet.Send(w, h.S.T(r, "imp.title")+".xlsx", b)
}

func (h *Handlers) apiImport(w http.ResponseWriter, r *http.Request, u *auth.User) {
	rep, err := h.runImport(w, r, u)
	if err != nil {
		h.S.JSONError(w, r, err)
		return
	}
	rep.Translate(h.S.Cat, i18n.FromRequest(r))
	status := http.StatusOK
	if rep.ErrorCount > 0 {
		status = http.StatusUnprocessableEntity
	}
	web.JSON(w, status, rep)
}

type importData struct {
	Report  *ImportReport
	More    int
	CanDo   bool
	Summary string
}

func (h *Handlers) importPage(w http.ResponseWriter, r *http.Request, u *auth.User) {
	h.S.Render(w, r, http.StatusOK, "activity_import", web.View{Title: h.S.T(r, "imp.title"), Data: importData{CanDo: recordsAny(u)}})
}

func (h *Handlers) importSubmit(w http.ResponseWriter, r *http.Request, u *auth.User) {
	lang := i18n.FromRequest(r)
	rep, err := h.runImport(w, r, u)
	d := importData{CanDo: recordsAny(u), Report: rep}
	status := http.StatusOK
	msg := ""
	if err != nil {
		e, ok := errs.As(err)
		if !ok || e.Code != errs.Invalid {
			h.S.PageError(w, r, err)
			return
		}
		status, msg = http.StatusUnprocessableEntity, h.S.Cat.Msg(lang, e.Message)
		for _, m := range e.Fields {
			msg = h.S.Cat.Msg(lang, m)
		}
	} else {
		rep.Translate(h.S.Cat, lang)
		switch {
		case rep.ErrorCount > 0:
			status, msg = http.StatusUnprocessableEntity, msgT(h.S.Cat, lang, "imp.rejected", rep.ErrorCount)
			d.More = rep.ErrorCount - len(rep.Errors)
		case rep.DryRun:
			d.Summary = msgT(h.S.Cat, lang, "imp.checked", rep.Rows)
		default:
			d.Summary = msgT(h.S.Cat, lang, "imp.done", rep.Created, rep.Hours)
		}
	}
	h.S.Render(w, r, status, "activity_import", web.View{Title: h.S.T(r, "imp.title"), Message: msg, Data: d})
}
