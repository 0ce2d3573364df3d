package web

import (
	"net/http"

	"linli/internal/platform/errs"
	"linli/internal/platform/i18n"
)

// Refused reports whether a form's error is one the page it came from shows
// (invalid, conflicting or forbidden input); anything else is an error page.
func Refused(err error) bool {
	switch errs.Code(err) {
	case errs.Invalid, errs.Conflict, errs.Forbidden:
		return true
	}
	return false
}

// WithErrors puts a refusal's messages on a page: the messages by field
// (FieldErrors), and as the page's message the error's message, or one of
// its field messages when it has them. A nil fail leaves v as it is.
func (s *Server) WithErrors(r *http.Request, v *View, fail error) {
	if fail == nil {
		return
	}
	fields, _ := s.FieldErrors(r, fail)
	v.Errors = fields
	lang := i18n.FromRequest(r)
	if e, ok := errs.As(fail); ok {
		v.Message = s.Cat.Msg(lang, e.Message)
		for _, m := range e.Fields {
			v.Message = s.Cat.Msg(lang, m)
		}
	}
}

// Done ends a form's POST on a page that shows its own refusals: the change
// made (err nil) goes on with a 303 to next; otherwise Refuse. (Saved is
// the same end for a form that shows field messages only, Refill.)
func (s *Server) Done(w http.ResponseWriter, r *http.Request, err error, next string, again func(status int, fail error)) {
	s.DoneAt(w, r, err, func() string { return next }, again)
}

// DoneAt is Done for a change whose next page names what it made (a new
// object's page): next is asked for only once the change is made.
func (s *Server) DoneAt(w http.ResponseWriter, r *http.Request, err error, next func() string, again func(status int, fail error)) {
	if err == nil {
		http.Redirect(w, r, next(), http.StatusSeeOther)
		return
	}
	s.Refuse(w, r, err, again)
}

// Refuse answers a form's error (not nil): a refusal (Refused) shows the
// page again through again, with the refusal's status; anything else is an
// error page.
func (s *Server) Refuse(w http.ResponseWriter, r *http.Request, err error, again func(status int, fail error)) {
	if Refused(err) {
		again(StatusOf(errs.Code(err)), err)
		return
	}
	s.PageError(w, r, err)
}
