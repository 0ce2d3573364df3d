package web

import (
	"net/http"

	"linli/internal/platform/errs"
	"linli/internal/platform/i18n"
)

// ParsedForm reads a form's body; a body that is no form is an error page
// (invalid input) and false, and the handler stops.
func (s *Server) ParsedForm(w http.ResponseWriter, r *http.Request) bool {
	if err := r.ParseForm(); err != nil {
		s.PageError(w, r, errs.E(errs.Invalid, "err.invalid_input"))
		return false
	}
	return true
}

// Saved ends a form's POST handler, the one way every room answers a
// submitted form: the change made (err nil) goes on with a 303 to next
// (a flash in its address); anything else is Refill.
func (s *Server) Saved(w http.ResponseWriter, r *http.Request, err error, next string, refill func(status int, msgs map[string]string)) {
	s.SavedAt(w, r, err, func() string { return next }, refill)
}

// SavedAt is Saved for a form whose next page names what it made (a new
// object's page): next is asked for only once the change is made.
func (s *Server) SavedAt(w http.ResponseWriter, r *http.Request, err error, next func() string, refill func(status int, msgs map[string]string)) {
	if err == nil {
		http.Redirect(w, r, next(), http.StatusSeeOther)
		return
	}
	s.Refill(w, r, err, refill)
}

// Refill ends a form's POST that failed (err not nil), the one way a page
// answers a refused form: a refusal the user can fix (FieldErrors: an
// invalid or conflicting input) shows the form's page again through
// refill, with the messages by field ("_" for a refusal of no one field),
// at the status the JSON API answers the same error with (StatusOf: 422
// for invalid input, 409 for a conflict), so that a page and its API
// agree; anything else is the error page.
func (s *Server) Refill(w http.ResponseWriter, r *http.Request, err error, refill func(status int, msgs map[string]string)) {
	if msgs, ok := s.FieldErrors(r, err); ok {
		refill(StatusOf(errs.Code(err)), msgs)
		return
	}
	s.PageError(w, r, err)
}

// T translates a message key, with its arguments, into the request's
// language. (Through a message value: the keys are not format strings,
// which vet would otherwise take them for.)
func (s *Server) T(r *http.Request, key string, args ...any) string {
	return s.Cat.Msg(i18n.FromRequest(r), errs.M(key, args...))
}
