package idem

import (
	"context"
	"net/http"

	"linli/internal/platform/auth"
	"linli/internal/platform/web"
)

// Keyed returns the request's context carrying its idempotency key, if the
// request has one, for a payload already read.
func Keyed(r *http.Request, u *auth.User, status int, payload ...any) (context.Context, error) {
	k, err := FromRequest(r, u.ID, status, payload...)
	if err != nil || k == nil {
		return r.Context(), err
	}
	return With(r.Context(), k), nil
}

// Decode reads the JSON body into v (when v is not nil) and returns the
// request's context with its idempotency key.
func Decode(w http.ResponseWriter, r *http.Request, u *auth.User, status int, v any) (context.Context, error) {
	if v != nil {
		if err := web.DecodeJSON(w, r, v); err != nil {
			return nil, err
		}
	}
	return Keyed(r, u, status, v)
}

// Respond writes a result, a replayed first result, or an error.
func Respond(s *web.Server, w http.ResponseWriter, r *http.Request, status int, v any, err error) {
	if rp, ok := AsReplay(err); ok {
		Write(w, rp)
		return
	}
	if err != nil {
		s.JSONError(w, r, err)
		return
	}
	web.JSON(w, status, v)
}
