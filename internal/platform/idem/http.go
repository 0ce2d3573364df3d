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
	s.Respond(w, r, status, v, err)
}

// NoBody is the input of a call that reads no body: the call is keyed as
// Decode keys one without a body.
type NoBody struct{}

// Target is what Decode reads a call's body into: in, or nil (no body)
// for a *NoBody.
func Target(in any) any {
	if _, none := in.(*NoBody); none {
		return nil
	}
	return in
}

// Handle answers a JSON call that changes something and may carry an
// Idempotency-Key: the body read into an In (none for NoBody) with the key
// on the context, then fn, its answer written with status or the first
// answer replayed. It ends the read-decode-call-respond chain each handler
// wrote out.
func Handle[In, Out any](s *web.Server, status int, fn func(ctx context.Context, u *auth.User, in In) (Out, error)) web.Handler {
	return handle(s, status, nil, func(ctx context.Context, u *auth.User, _ []int64, in In) (Out, error) {
		return fn(ctx, u, in)
	})
}

// HandleID is Handle on the object named by a numeric path value, read
// first (a bad one is not found, before the body is read).
func HandleID[In, Out any](s *web.Server, status int, name string, fn func(ctx context.Context, u *auth.User, id int64, in In) (Out, error)) web.Handler {
	return handle(s, status, []string{name}, func(ctx context.Context, u *auth.User, ids []int64, in In) (Out, error) {
		return fn(ctx, u, ids[0], in)
	})
}

// HandleIDs is Handle on an object named by two numeric path values, such
// as a member of a hub.
func HandleIDs[In, Out any](s *web.Server, status int, name, name2 string, fn func(ctx context.Context, u *auth.User, id, id2 int64, in In) (Out, error)) web.Handler {
	return handle(s, status, []string{name, name2}, func(ctx context.Context, u *auth.User, ids []int64, in In) (Out, error) {
		return fn(ctx, u, ids[0], ids[1], in)
	})
}

// Create is Handle for a call that makes an object: 201, with the new
// object's address (location of it) in the Location header; a replay
// answers the first answer's body, as Handle's do.
func Create[In, Out any](s *web.Server, location func(Out) string, fn func(ctx context.Context, u *auth.User, in In) (Out, error)) web.Handler {
	return run(s, http.StatusCreated, location, nil, func(ctx context.Context, u *auth.User, _ []int64, in In) (Out, error) {
		return fn(ctx, u, in)
	})
}

func handle[In, Out any](s *web.Server, status int, names []string, fn func(ctx context.Context, u *auth.User, ids []int64, in In) (Out, error)) web.Handler {
	return run(s, status, nil, names, fn)
}

// run is the one body of Handle, HandleID, HandleIDs and Create: the
// path values names read (a bad one is not found), the body read into an In (none for NoBody) with its
// idempotency key on the context, then fn; its answer with status (and,
// when location is not nil, the Location header of what it made), the
// first answer replayed, or its error.
func run[In, Out any](s *web.Server, status int, location func(Out) string, names []string, fn func(ctx context.Context, u *auth.User, ids []int64, in In) (Out, error)) web.Handler {
	return func(w http.ResponseWriter, r *http.Request, u *auth.User) {
		ids, err := web.PathIDs(r, names...)
		if err != nil {
			s.JSONError(w, r, err)
			return
		}
		var in In
		ctx, err := Decode(w, r, u, status, Target(&in))
		if err != nil {
			s.JSONError(w, r, err)
			return
		}
		out, err := fn(ctx, u, ids, in)
		web.Locate(w, location, out, err)
		Respond(s, w, r, status, out, err)
	}
}
