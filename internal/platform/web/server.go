package web

import (
	"bytes"
	"cmp"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"log/slog"
	"net"
	"net/http"
	"runtime/debug"
	"strconv"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"linli/internal/platform/auth"
	"linli/internal/platform/errs"
	"linli/internal/platform/i18n"
)

// SessionCookie names the session cookie.
const SessionCookie = "linli_session"

// Server is the shared web machinery handed to every capability's handlers.
type Server struct {
	Cat  *i18n.Catalog
	R    *Renderer
	Auth *auth.Service
	Log  *slog.Logger
	// Demo shows the fictional-data banner.
	Demo bool
	// SecureCookies forces the Secure flag (set when TLS ends at a proxy).
	SecureCookies bool
	// TrustProxy takes the client address from X-Forwarded-For, when the
	// connection comes from one of TrustedProxies (nil: loopback).
	TrustProxy     bool
	TrustedProxies []*net.IPNet
	// MetricsFrom may read /metrics (nil: loopback), and so may a request
	// carrying MetricsToken.
	MetricsFrom  []*net.IPNet
	MetricsToken string
	// RequestTimeout is every request's deadline (its context's), and
	// LongRequestTimeout that of exports and imports (see long); zero for
	// the defaults, DefaultRequestTimeout and DefaultLongRequestTimeout.
	RequestTimeout, LongRequestTimeout time.Duration
	// Limits are the request rate limits (zero: none).
	Limits RateLimits
	// ResidentMay reports the route patterns a resident may use; every other
	// route answers 404 to one, and "/" sends one to ResidentHome (nil: no
	// route is open to residents).
	ResidentMay  func(pattern string) bool
	ResidentHome string

	limits   limiter
	refused  *prometheus.CounterVec
	requests *prometheus.CounterVec
	duration *prometheus.HistogramVec
}

// NewServer builds the shared machinery and registers its metrics.
func NewServer(cat *i18n.Catalog, r *Renderer, a *auth.Service, log *slog.Logger, reg prometheus.Registerer) *Server {
	s := &Server{Cat: cat, R: r, Auth: a, Log: log}
	s.requests = prometheus.NewCounterVec(prometheus.CounterOpts{Name: "linli_http_requests_total",
		Help: "HTTP requests by route and status."}, []string{"method", "route", "status"})
	s.duration = prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: "linli_http_request_duration_seconds",
		Help: "HTTP request duration by route.", Buckets: prometheus.ExponentialBuckets(0.0005, 2.5, 12)}, []string{"route"})
	s.refused = prometheus.NewCounterVec(prometheus.CounterOpts{Name: "linli_http_rate_limited_total",
		Help: "Requests refused with 429 by a rate limit, by kind."}, []string{"kind"})
	if reg != nil {
		reg.MustRegister(s.requests, s.duration, s.refused)
	}
	return s
}

type statusWriter struct {
	http.ResponseWriter
	status int
}

func (w *statusWriter) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	return w.ResponseWriter.Write(b)
}

func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

func (w *statusWriter) Flush() {
	if f, ok := w.ResponseWriter.(http.Flusher); ok {
		f.Flush()
	}
}

// IsAPI tells JSON API requests from page requests.
func IsAPI(r *http.Request) bool { return strings.HasPrefix(r.URL.Path, "/api/") }

// Wrap applies the middleware chain around the router: recovery, request id
// and structured access log, metrics, security headers, cross-origin
// protection for every state-changing request, and the signed-in user.
func (s *Server) Wrap(mux *http.ServeMux) http.Handler {
	cop := http.NewCrossOriginProtection()
	cop.SetDenyHandler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		e := errs.E(errs.Forbidden, "err.cross_origin")
		if IsAPI(r) {
			s.JSONError(w, r, e)
			return
		}
		http.Error(w, s.Cat.T(i18n.FromRequest(r), "err.cross_origin"), http.StatusForbidden)
	}))
	var h http.Handler = mux
	h = s.readOnly(h)
	h = s.residentsOnly(mux, h)
	h = s.refuseNUL(h)
	h = s.rateLimit(h)
	h = s.authenticate(h)
	h = cop.Handler(h)
	h = securityHeaders(h)
	h = rememberLang(h)
	h = s.deadline(h)
	return s.observe(mux, h)
}

func (s *Server) observe(mux *http.ServeMux, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		id := r.Header.Get("X-Request-ID")
		if id == "" || len(id) > 64 {
			b := make([]byte, 8)
			rand.Read(b)
			id = hex.EncodeToString(b)
		}
		w.Header().Set("X-Request-ID", id)
		rl := &requestLog{base: s.Log, id: id}
		r = r.WithContext(context.WithValue(r.Context(), logKey{}, rl))
		sw := &statusWriter{ResponseWriter: w}
		defer func() {
			if p := recover(); p != nil {
				rl.logger().Error("panic", "panic", p, "stack", string(debug.Stack()))
				if sw.status == 0 {
					http.Error(sw, "internal error", http.StatusInternalServerError)
				}
			}
			_, route := mux.Handler(r)
			if route == "" {
				route = "unmatched"
			}
			el := time.Since(start)
			if sw.status == 0 {
				sw.status = http.StatusOK
			}
			s.requests.WithLabelValues(r.Method, route, strconv.Itoa(sw.status)).Inc()
			s.duration.WithLabelValues(route).Observe(el.Seconds())
			lvl := slog.LevelInfo
			if sw.status >= 500 {
				lvl = slog.LevelError
			}
			// the same line as the request's logger would write, without making it
			s.Log.LogAttrs(r.Context(), lvl, "request", slog.String("request_id", id), slog.String("method", r.Method),
				slog.String("path", r.URL.Path), slog.String("route", route), slog.Int("status", sw.status),
				slog.Float64("duration_ms", float64(el.Microseconds())/1000), slog.String("ip", s.ClientIP(r)))
		}()
		next.ServeHTTP(sw, r)
	})
}

// Request deadlines: a request's context ends after this long, so the
// statements it runs are cancelled and its connection returned.
const (
	DefaultRequestTimeout     = 30 * time.Second
	DefaultLongRequestTimeout = 10 * time.Minute
)

// long reports the requests that may take minutes: exports, statements and
// uploads of imports (an import's job itself runs on in the background).
func long(r *http.Request) bool {
	p := r.URL.Path
	return strings.Contains(p, "/export") || strings.Contains(p, "/import") || strings.Contains(p, "/statement") ||
		strings.HasSuffix(p, ".xlsx") || strings.HasSuffix(p, ".csv")
}

// deadline puts every request under a context deadline.
func (s *Server) deadline(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		d := cmp.Or(s.RequestTimeout, DefaultRequestTimeout)
		if long(r) {
			d = cmp.Or(s.LongRequestTimeout, DefaultLongRequestTimeout)
		}
		ctx, cancel := context.WithTimeout(r.Context(), d)
		defer cancel()
		next.ServeHTTP(w, r.WithContext(ctx))
	})
}

func securityHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("X-Frame-Options", "DENY")
		h.Set("Referrer-Policy", "same-origin")
		h.Set("Content-Security-Policy", "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; frame-ancestors 'none'; form-action 'self'")
		next.ServeHTTP(w, r)
	})
}

// authenticate puts the signed-in user, if any, into the context: from an
// "Authorization: Bearer" API token, or else from the session cookie.
func (s *Server) authenticate(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var u *auth.User
		if r.URL.Path == "/metrics" { // its bearer token is the metrics token (Metrics), not an account's
			next.ServeHTTP(w, r)
			return
		}
		if h := r.Header.Get("Authorization"); strings.HasPrefix(h, "Bearer ") {
			var err error
			u, err = s.Auth.TokenUser(r.Context(), strings.TrimSpace(strings.TrimPrefix(h, "Bearer ")))
			if err != nil {
				if IsAPI(r) {
					s.JSONError(w, r, err)
				} else {
					http.Error(w, "invalid token", http.StatusUnauthorized)
				}
				return
			}
		} else if c, err := r.Cookie(SessionCookie); err == nil && c.Value != "" {
			u, err = s.Auth.SessionUser(r.Context(), c.Value)
			if err != nil && !errs.Is(err, errs.Unauthenticated) {
				s.JSONError(w, r, err)
				return
			}
			// a role that requires the second factor enrols before anything else
			if u.MustEnrol() && !enrolPath(r.URL.Path) {
				w.Header().Set("Cache-Control", "no-store")
				if IsAPI(r) {
					s.JSONError(w, r, errs.E(errs.Forbidden, "err.totp_enrol_required"))
				} else {
					http.Redirect(w, r, EnrolPath, http.StatusSeeOther)
				}
				return
			}
		}
		if u != nil && !u.SeesBusinessData() && !accountsPath(r.URL.Path) {
			w.Header().Set("Cache-Control", "no-store")
			if r.URL.Path == "/" {
				http.Redirect(w, r, "/users", http.StatusSeeOther)
				return
			}
			if IsAPI(r) {
				s.JSONError(w, r, errs.E(errs.Forbidden, "err.forbidden"))
			} else {
				s.PageError(w, r.WithContext(auth.WithUser(r.Context(), u)), errs.E(errs.Forbidden, "err.forbidden"))
			}
			return
		}
		if u != nil {
			// nothing a signed-in user sees is kept by a browser or proxy
			w.Header().Set("Cache-Control", "no-store")
			u.IP = s.ClientIP(r)
			r = r.WithContext(auth.WithUser(r.Context(), u))
		}
		next.ServeHTTP(w, r)
	})
}

// SetSession sets the session cookie after sign-in.
func (s *Server) SetSession(w http.ResponseWriter, r *http.Request, token string) {
	http.SetCookie(w, &http.Cookie{Name: SessionCookie, Value: token, Path: "/", HttpOnly: true,
		SameSite: http.SameSiteLaxMode, Secure: s.SecureCookies || r.TLS != nil,
		MaxAge: int(s.Auth.AbsTimeout.Seconds())})
}

// ClearSession removes the session cookie.
func (s *Server) ClearSession(w http.ResponseWriter, r *http.Request) {
	http.SetCookie(w, &http.Cookie{Name: SessionCookie, Value: "", Path: "/", HttpOnly: true,
		SameSite: http.SameSiteLaxMode, Secure: s.SecureCookies || r.TLS != nil, MaxAge: -1})
}

// Handler is a handler for a signed-in user.
type Handler func(w http.ResponseWriter, r *http.Request, u *auth.User)

// Page requires a signed-in user for a page, redirecting to sign-in otherwise.
func (s *Server) Page(h Handler) http.HandlerFunc { return signedIn(s.PageError, h) }

// signedIn runs h for the signed-in user; without one, fail answers
// Unauthenticated (a page's or an API's way).
func signedIn(fail func(http.ResponseWriter, *http.Request, error), h Handler) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		u := auth.UserFrom(r.Context())
		if u == nil {
			fail(w, r, errs.E(errs.Unauthenticated, "err.sign_in"))
			return
		}
		h(w, r, u)
	}
}

// IDHandler is a handler for a signed-in user on the object named by a
// numeric path value.
type IDHandler func(w http.ResponseWriter, r *http.Request, u *auth.User, id int64)

// PageID is Page on the object named by the path value {id}, the name
// most routes give it (PageOn names another).
func (s *Server) PageID(h IDHandler) http.HandlerFunc {
	return s.PageOn("id", h)
}

// PageOn is Page on the object named by the numeric path value name
// ({hub_id}, {org_id}): a bad one is not found (the error page), before h
// runs.
func (s *Server) PageOn(name string, h IDHandler) http.HandlerFunc {
	return s.Page(s.WithID(name, h))
}

// WithID hands h the numeric path value name; a bad one is not found
// (Error: JSON under /api/, otherwise the error page), before h runs. A
// handler that serves a page and its API twin (a file, a spreadsheet) is
// mounted as Page(WithID(…)) and API(WithID(…)).
func (s *Server) WithID(name string, h IDHandler) Handler {
	return func(w http.ResponseWriter, r *http.Request, u *auth.User) {
		s.PublicID(name, func(w http.ResponseWriter, r *http.Request, id int64) { h(w, r, u, id) })(w, r)
	}
}

// PairHandler is a handler for a signed-in user on a part of an object,
// both named by numeric path values (a hub's member, a base's booking).
type PairHandler func(w http.ResponseWriter, r *http.Request, u *auth.User, outer, inner int64)

// PagePair is Page on the part inner of the object outer, both numeric
// path values: the first bad one is not found (the error page), before h
// runs.
func (s *Server) PagePair(outer, inner string, h PairHandler) http.HandlerFunc {
	return s.Page(s.WithPair(outer, inner, h))
}

// WithPair hands h the numeric path values outer and inner (PathPair);
// the first bad one is not found (Error: JSON under /api/, otherwise the
// error page), before h runs.
func (s *Server) WithPair(outer, inner string, h PairHandler) Handler {
	return func(w http.ResponseWriter, r *http.Request, u *auth.User) {
		s.PublicPair(outer, inner, func(w http.ResponseWriter, r *http.Request, o, i int64) { h(w, r, u, o, i) })(w, r)
	}
}

// PublicID hands h the numeric path value name, for a route open to
// anyone, signed in or not (a public page, the public API): a bad one is
// not found (Error: JSON under /api/, otherwise the error page), before h
// runs.
func (s *Server) PublicID(name string, h func(w http.ResponseWriter, r *http.Request, id int64)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		id, err := PathID(r, name)
		if err != nil {
			s.Error(w, r, err)
			return
		}
		h(w, r, id)
	}
}

// PublicPair is PublicID on the part inner of the object outer (a
// published photo): the first bad one is not found, before h runs.
func (s *Server) PublicPair(outer, inner string, h func(w http.ResponseWriter, r *http.Request, outer, inner int64)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		o, i, err := PathPair(r, outer, inner)
		if err != nil {
			s.Error(w, r, err)
			return
		}
		h(w, r, o, i)
	}
}

// Public runs h for anyone, signed in or not, with no user: an adapter
// (Parsed, ParsedID) mounted on a public route, its fn taking no user.
func Public(h Handler) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) { h(w, r, nil) }
}

// API requires a signed-in user for a JSON endpoint: 401, never a redirect.
func (s *Server) API(h Handler) http.HandlerFunc { return signedIn(s.JSONError, h) }

// PathID parses a numeric path value; a bad one is not found.
func PathID(r *http.Request, name string) (int64, error) {
	id, err := strconv.ParseInt(r.PathValue(name), 10, 64)
	if err != nil || id <= 0 {
		return 0, errs.Missing()
	}
	return id, nil
}

// PathIDs parses numeric path values in order; the first bad one is not
// found.
func PathIDs(r *http.Request, names ...string) ([]int64, error) {
	ids := make([]int64, len(names))
	for i, n := range names {
		id, err := PathID(r, n)
		if err != nil {
			return nil, err
		}
		ids[i] = id
	}
	return ids, nil
}

// PathPair parses two numeric path values, an object and one of its
// parts (a project's milestone, a hub's member); the first bad one is not
// found.
func PathPair(r *http.Request, outer, inner string) (int64, int64, error) {
	ids, err := PathIDs(r, outer, inner)
	if err != nil {
		return 0, 0, err
	}
	return ids[0], ids[1], nil
}

// Read answers a JSON call without a body (a read, or an action such as
// publishing) on the object named by a numeric path value (a bad one is
// not found): fn's answer with 200, or its error.
func Read[Out any](s *Server, name string, fn func(ctx context.Context, u *auth.User, id int64) (Out, error)) Handler {
	return ParsedID(s, name, noQuery, func(ctx context.Context, u *auth.User, id int64, _ struct{}) (Out, error) {
		return fn(ctx, u, id)
	})
}

// noQuery is the parse of a read that takes no query.
func noQuery(*http.Request) (struct{}, error) { return struct{}{}, nil }

// ReadItems is Read for a list, answered as {"items": [...]}.
func ReadItems[T any](s *Server, name string, fn func(ctx context.Context, u *auth.User, id int64) ([]T, error)) Handler {
	return Read(s, name, func(ctx context.Context, u *auth.User, id int64) (map[string]any, error) {
		l, err := fn(ctx, u, id)
		return map[string]any{"items": l}, err
	})
}

// Items answers a read of everything in the user's scope, a list answered
// as {"items": [...]}: fn's answer with 200, or its error.
func Items[T any](s *Server, fn func(ctx context.Context, u *auth.User) ([]T, error)) Handler {
	return func(w http.ResponseWriter, r *http.Request, u *auth.User) {
		l, err := fn(r.Context(), u)
		s.Respond(w, r, http.StatusOK, map[string]any{"items": l}, err)
	}
}

// Query answers a read by one query parameter (a place, a year, a status,
// a search; empty when absent): fn's answer with 200, or its error.
func Query[Out any](s *Server, param string, fn func(ctx context.Context, u *auth.User, v string) (Out, error)) Handler {
	return func(w http.ResponseWriter, r *http.Request, u *auth.User) {
		out, err := fn(r.Context(), u, r.URL.Query().Get(param))
		s.Respond(w, r, http.StatusOK, out, err)
	}
}

// QueryItems is Query for a list, answered as {"items": [...]}.
func QueryItems[T any](s *Server, param string, fn func(ctx context.Context, u *auth.User, v string) ([]T, error)) Handler {
	return Query(s, param, func(ctx context.Context, u *auth.User, v string) (map[string]any, error) {
		l, err := fn(ctx, u, v)
		return map[string]any{"items": l}, err
	})
}

// Parsed answers a read whose query is parsed first (a period, a year, a
// page): parse's refusal is the answer, before fn runs; otherwise fn's
// answer with 200, or its error.
func Parsed[Q, Out any](s *Server, parse func(*http.Request) (Q, error), fn func(ctx context.Context, u *auth.User, q Q) (Out, error)) Handler {
	return parsed(s, nil, parse, func(ctx context.Context, u *auth.User, _ []int64, q Q) (Out, error) {
		return fn(ctx, u, q)
	})
}

// ParsedID is Parsed on the object named by a numeric path value, read
// first (a bad one is not found, before the query is parsed).
func ParsedID[Q, Out any](s *Server, name string, parse func(*http.Request) (Q, error), fn func(ctx context.Context, u *auth.User, id int64, q Q) (Out, error)) Handler {
	return parsed(s, []string{name}, parse, func(ctx context.Context, u *auth.User, ids []int64, q Q) (Out, error) {
		return fn(ctx, u, ids[0], q)
	})
}

func parsed[Q, Out any](s *Server, names []string, parse func(*http.Request) (Q, error), fn func(ctx context.Context, u *auth.User, ids []int64, q Q) (Out, error)) Handler {
	return func(w http.ResponseWriter, r *http.Request, u *auth.User) {
		ids, err := PathIDs(r, names...)
		if err != nil {
			s.JSONError(w, r, err)
			return
		}
		q, err := parse(r)
		if err != nil {
			s.JSONError(w, r, err)
			return
		}
		out, err := fn(r.Context(), u, ids, q)
		s.Respond(w, r, http.StatusOK, out, err)
	}
}

// Write answers a JSON call that changes something, without an
// idempotency key: the body read into an In, then fn; its answer with
// status, or its error.
func Write[In, Out any](s *Server, status int, fn func(ctx context.Context, u *auth.User, in In) (Out, error)) Handler {
	return WriteParsed(s, status, noQuery, func(ctx context.Context, u *auth.User, _ struct{}, in In) (Out, error) {
		return fn(ctx, u, in)
	})
}

// Create is Write for a call that makes an object: 201, with the new
// object's address (location of it) in the Location header.
func Create[In, Out any](s *Server, location func(Out) string, fn func(ctx context.Context, u *auth.User, in In) (Out, error)) Handler {
	return func(w http.ResponseWriter, r *http.Request, u *auth.User) {
		var in In
		if err := DecodeJSON(w, r, &in); err != nil {
			s.JSONError(w, r, err)
			return
		}
		out, err := fn(r.Context(), u, in)
		Locate(w, location, out, err)
		s.Respond(w, r, http.StatusCreated, out, err)
	}
}

// Locate sets the Location header of what a call made, the address
// location gives of out, when it made it (err nil) and location is not
// nil.
func Locate[Out any](w http.ResponseWriter, location func(Out) string, out Out, err error) {
	if err == nil && location != nil {
		w.Header().Set("Location", location(out))
	}
}

// WriteID is Write on the object named by a numeric path value, read
// first (a bad one is not found, before the body is read).
func WriteID[In, Out any](s *Server, status int, name string, fn func(ctx context.Context, u *auth.User, id int64, in In) (Out, error)) Handler {
	return WriteParsed(s, status, pathID(name), fn)
}

// WriteParsed is Write on what the request names besides its body, parsed
// first (PathValue: a street's code, a certificate's serial; QueryValue: a
// unit): parse's refusal is the answer, before the body is read; then the
// body read into an In, then fn; its answer with status, or its error.
func WriteParsed[Q, In, Out any](s *Server, status int, parse func(*http.Request) (Q, error), fn func(ctx context.Context, u *auth.User, q Q, in In) (Out, error)) Handler {
	return func(w http.ResponseWriter, r *http.Request, u *auth.User) {
		q, err := parse(r)
		if err != nil {
			s.JSONError(w, r, err)
			return
		}
		var in In
		if err := DecodeJSON(w, r, &in); err != nil {
			s.JSONError(w, r, err)
			return
		}
		out, err := fn(r.Context(), u, q, in)
		s.Respond(w, r, status, out, err)
	}
}

// PatchID answers a PATCH of the object named by a numeric path value
// that the service lays over the object as stored itself (it reads the
// object under its own lock): the body is read as raw JSON and refused
// unless it names only In's fields, each of In's type (err.bad_json with
// the decoder's reason), before fn; then fn with the body as it came; its
// answer with 200, or its error.
func PatchID[In, Out any](s *Server, name string, fn func(ctx context.Context, u *auth.User, id int64, patch json.RawMessage) (Out, error)) Handler {
	return WriteID(s, http.StatusOK, name, func(ctx context.Context, u *auth.User, id int64, patch json.RawMessage) (Out, error) {
		if err := namesOnly[In](patch); err != nil {
			var zero Out
			return zero, err
		}
		return fn(ctx, u, id, patch)
	})
}

// namesOnly refuses a patch that names a field In lacks or gives one a
// value of another type, as a create refuses that body.
func namesOnly[In any](patch json.RawMessage) error {
	var probe In
	dec := json.NewDecoder(bytes.NewReader(patch))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&probe); err != nil {
		return errs.E(errs.Invalid, "err.bad_json", err.Error())
	}
	return nil
}

// pathID is the parse of the numeric path value name (PathID).
func pathID(name string) func(*http.Request) (int64, error) {
	return func(r *http.Request) (int64, error) { return PathID(r, name) }
}

// PathValue is the parse of the path value name as it is (a code, a
// serial), for WriteParsed and Parsed.
func PathValue(name string) func(*http.Request) (string, error) {
	return func(r *http.Request) (string, error) { return r.PathValue(name), nil }
}

// QueryValue is the parse of the query parameter name as it is (empty
// when absent), for WriteParsed and Parsed.
func QueryValue(name string) func(*http.Request) (string, error) {
	return func(r *http.Request) (string, error) { return r.URL.Query().Get(name), nil }
}

// rememberLang keeps a language chosen with ?lang= in a cookie.
func rememberLang(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if q := r.URL.Query().Get("lang"); q != "" {
			if l := i18n.FromRequest(r); l != "" {
				http.SetCookie(w, &http.Cookie{Name: i18n.CookieName, Value: l, Path: "/", MaxAge: 365 * 24 * 3600, SameSite: http.SameSiteLaxMode})
			}
		}
		next.ServeHTTP(w, r)
	})
}

// readOnlyWrites are the only changes a read-only account (the auditor) may
// make: signing in and out, and managing its own API tokens.
var readOnlyWrites = []string{"/login", "/logout", "/api/v1/session", "/tokens", "/api/v1/tokens"}

// readOnly refuses every other state-changing request of a read-only account
// before any handler runs, whatever the request carries. The services check
// the role too; this makes the rule hold for every route, present and future.
func (s *Server) readOnly(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		u := auth.UserFrom(r.Context())
		switch r.Method {
		case http.MethodGet, http.MethodHead, http.MethodOptions:
			next.ServeHTTP(w, r)
			return
		}
		if u == nil || !u.ReadOnly() {
			next.ServeHTTP(w, r)
			return
		}
		for _, p := range readOnlyWrites {
			if r.URL.Path == p || strings.HasPrefix(r.URL.Path, p+"/") {
				next.ServeHTTP(w, r)
				return
			}
		}
		if IsAPI(r) {
			s.JSONError(w, r, errs.E(errs.Forbidden, "err.read_only"))
			return
		}
		s.PageError(w, r, errs.E(errs.Forbidden, "err.read_only"))
	})
}

// residentsOnly answers 404 to a resident on every route not open to
// residents, before any handler runs: officers' views do not exist for them.
func (s *Server) residentsOnly(mux *http.ServeMux, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		u := auth.UserFrom(r.Context())
		if u == nil || u.Role != auth.Resident {
			next.ServeHTTP(w, r)
			return
		}
		_, pattern := mux.Handler(r)
		if pattern == "" || (s.ResidentMay != nil && s.ResidentMay(pattern)) {
			next.ServeHTTP(w, r)
			return
		}
		if r.URL.Path == "/" && r.Method == http.MethodGet && s.ResidentHome != "" {
			http.Redirect(w, r, s.ResidentHome, http.StatusSeeOther)
			return
		}
		if IsAPI(r) {
			s.JSONError(w, r, errs.Missing())
			return
		}
		s.PageError(w, r, errs.Missing())
	})
}

func i18nLang(r *http.Request) string { return i18n.FromRequest(r) }

// EnrolPath is the second-factor enrolment page.
const EnrolPath = "/account/2fa"

// enrolPath reports what a user who must enrol may still reach: the
// enrolment, signing out, who they are, and the public assets.
func enrolPath(p string) bool {
	return p == EnrolPath || strings.HasPrefix(p, EnrolPath+"/") || p == "/api/v1/me" ||
		strings.HasPrefix(p, "/api/v1/me/totp") || p == "/logout" || p == "/api/v1/session" || p == "/login" ||
		strings.HasPrefix(p, "/static/") || p == "/healthz" || p == "/favicon.ico"
}

// accountsPath reports what the security administrator reaches: accounts,
// its own tokens and second factor, the public assets; no business data.
func accountsPath(p string) bool {
	if enrolPath(p) {
		return true
	}
	for _, pre := range []string{"/users", "/api/v1/users", "/tokens", "/api/v1/tokens", "/api/v1/openapi.json"} {
		if p == pre || strings.HasPrefix(p, pre+"/") {
			return true
		}
	}
	return false
}
