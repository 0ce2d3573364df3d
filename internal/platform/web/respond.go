// Package web is what every capability's handlers use: rendering from
// embedded templates, JSON, the one mapping from error codes to statuses,
// forms, and the middleware chain.
package web

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"reflect"
	"strconv"
	"strings"
	"time"

	"linli/internal/platform/errs"
	"linli/internal/platform/i18n"
)

// StatusOf maps an application error code to an HTTP status: the one place
// where that happens.
func StatusOf(code string) int {
	switch code {
	case errs.Invalid:
		return http.StatusUnprocessableEntity
	case errs.NotFound:
		return http.StatusNotFound
	case errs.Forbidden:
		return http.StatusForbidden
	case errs.Conflict:
		return http.StatusConflict
	case errs.Unauthenticated:
		return http.StatusUnauthorized
	case errs.TooMany:
		return http.StatusTooManyRequests
	case errs.Unavailable:
		return http.StatusServiceUnavailable
	}
	return http.StatusInternalServerError
}

// JSON writes v with a status: encoded first (by its own AppendJSON when it
// is an Appender), then sent with its length in one write, not chunked
// (JSONBytes).
func JSON(w http.ResponseWriter, status int, v any) {
	bp := jsonBufs.Get().(*[]byte)
	b, err := encodeJSON((*bp)[:0], v)
	if err != nil {
		// nothing written when v cannot be encoded (as json.Encoder)
		w.Header().Set("Content-Type", "application/json; charset=utf-8")
		w.WriteHeader(status)
	} else {
		JSONBytes(w, status, b)
	}
	if cap(b) <= maxPooledJSON {
		*bp = b
		jsonBufs.Put(bp)
	}
}

// JSONBytes sends b, JSON already encoded (an answer kept encoded until
// its data change, a stored answer replayed), as JSON sends what it
// encodes: its type and length, then b in one write; nothing when the
// status has no body (net/http would refuse it).
func JSONBytes(w http.ResponseWriter, status int, b []byte) {
	h := w.Header()
	h.Set("Content-Type", "application/json; charset=utf-8")
	send := bodyAllowed(status)
	if send {
		h.Set("Content-Length", strconv.Itoa(len(b)))
	}
	w.WriteHeader(status)
	if send {
		w.Write(b)
	}
}

// APIError is the body of every JSON error.
type APIError struct {
	Error APIErrorBody `json:"error"`
}

// APIErrorBody carries the code, a message and per-field messages.
type APIErrorBody struct {
	Code    string            `json:"code"`
	Message string            `json:"message"`
	Fields  map[string]string `json:"fields,omitempty"`
}

// JSONError writes err as a JSON error in the request's language.
func (s *Server) JSONError(w http.ResponseWriter, r *http.Request, err error) {
	lang := i18n.FromRequest(r)
	e := asError(r, err)
	RetryAfter(w, e)
	body := APIErrorBody{Code: e.Code, Message: s.Cat.Msg(lang, e.Message)}
	if len(e.Fields) > 0 {
		body.Fields = map[string]string{}
		for f, m := range e.Fields {
			body.Fields[f] = s.Cat.Msg(lang, m)
		}
	}
	JSON(w, StatusOf(e.Code), APIError{body})
}

// MaxJSONBody bounds a JSON request body.
const MaxJSONBody = 1 << 20

// DecodeJSON reads a JSON body into v, refusing unknown fields, and turns
// every problem into a field-level invalid error.
func DecodeJSON(w http.ResponseWriter, r *http.Request, v any) error {
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, MaxJSONBody))
	dec.DisallowUnknownFields()
	err := dec.Decode(v)
	if err == nil {
		if dec.More() {
			return errs.E(errs.Invalid, "err.bad_json", "trailing data")
		}
		if f := nulField(reflect.ValueOf(v), "body"); f != "" {
			return errs.Field(f, "err.nul")
		}
		return nil
	}
	var te *json.UnmarshalTypeError
	switch {
	case errors.As(err, &te) && te.Field != "":
		return errs.Field(te.Field, "err.bad_type", te.Value)
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		f := strings.Trim(strings.TrimPrefix(err.Error(), "json: unknown field "), `"`)
		return errs.Field(f, "err.unknown_field")
	case errors.Is(err, io.EOF):
		return errs.E(errs.Invalid, "err.bad_json", "empty body")
	}
	return errs.E(errs.Invalid, "err.bad_json", err.Error())
}

// DecodePatch reads a JSON body that changes some fields of an object:
// the body is checked as a whole In first (unknown fields, types, as
// DecodeJSON), then laid over what current gives (the object's input as
// stored, after the caller's own checks), so what it does not name is kept.
func DecodePatch[In any](w http.ResponseWriter, r *http.Request, current func() (In, error)) (In, error) {
	var in In
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, MaxJSONBody))
	if err != nil {
		return in, errs.E(errs.Invalid, "err.bad_json", err.Error())
	}
	var probe In
	r.Body = io.NopCloser(bytes.NewReader(body))
	if err := DecodeJSON(w, r, &probe); err != nil {
		return in, err
	}
	if in, err = current(); err != nil {
		return in, err
	}
	if err := json.Unmarshal(body, &in); err != nil {
		return in, errs.E(errs.Invalid, "err.bad_json", err.Error())
	}
	return in, nil
}

// Logger helpers

type logKey struct{}

// requestLog is what a request's logger is made of, made only when asked
// for (most requests write just their access line, which needs no logger
// of its own): one allocation a request instead of a logger's.
type requestLog struct {
	base *slog.Logger
	id   string
}

func (l *requestLog) logger() *slog.Logger { return l.base.With("request_id", l.id) }

// LoggerFrom returns the request's logger (with its request id).
func LoggerFrom(ctx interface{ Value(any) any }) *slog.Logger {
	if l, ok := ctx.Value(logKey{}).(*requestLog); ok {
		return l.logger()
	}
	return slog.Default()
}

// asError is err as an application error: a request past its deadline is
// unavailable (503), anything else unknown is internal and logged.
func asError(r *http.Request, err error) *errs.Error {
	if e, ok := errs.As(err); ok {
		return e
	}
	if errors.Is(err, context.DeadlineExceeded) || errors.Is(r.Context().Err(), context.DeadlineExceeded) {
		LoggerFrom(r.Context()).Warn("request past its deadline", "err", err)
		return errs.E(errs.Unavailable, "err.timeout")
	}
	LoggerFrom(r.Context()).Error("request failed", "err", err)
	return errs.E(errs.Internal, "err.internal")
}

// RetryAfter sets the Retry-After header of a refusal that says when to
// try again (a rate limit or a sign-in throttle).
func RetryAfter(w http.ResponseWriter, err error) {
	if e, ok := errs.As(err); ok && e.RetryAfter > 0 {
		w.Header().Set("Retry-After", strconv.Itoa(int((e.RetryAfter+time.Second-1)/time.Second)))
	}
}

// Respond ends a JSON handler: err as a JSON error, otherwise v with status.
// Handlers that take idempotency keys use idem.Respond, which replays first.
func (s *Server) Respond(w http.ResponseWriter, r *http.Request, status int, v any, err error) {
	if err != nil {
		s.JSONError(w, r, err)
		return
	}
	JSON(w, status, v)
}
