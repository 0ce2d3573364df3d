package web_test

import (
	"context"
	"encoding/json"
	"html"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"

	"linli/internal/platform/auth"
	"linli/internal/platform/errs"
	"linli/internal/platform/i18n"
	"linli/internal/platform/web"
)

type thing struct {
	Name  string `json:"name"`
	Count int    `json:"count"`
	Note  string `json:"note"`
}

func adapterServer() *web.Server {
	return web.NewServer(i18n.New(), nil, nil, slog.New(slog.DiscardHandler), nil)
}

// TestCreate: the body reaches the service, the answer is 201 with the
// Location the caller names; a refusal is the service's error, with no
// Location; a body with an unknown field never reaches the service.
func TestCreate(t *testing.T) {
	s := adapterServer()
	calls := 0
	h := web.Create(s, func(x *thing) string { return "/api/v1/things/" + x.Name },
		func(_ context.Context, _ *auth.User, in thing) (*thing, error) {
			calls++
			if in.Name == "taken" {
				return nil, errs.E(errs.Conflict, "err.conflict")
			}
			in.Count++
			return &in, nil
		})
	do := func(body string) *httptest.ResponseRecorder {
		rec := httptest.NewRecorder()
		h(rec, httptest.NewRequest("POST", "/api/v1/things", strings.NewReader(body)), &auth.User{})
		return rec
	}
	rec := do(`{"name":"a","count":1}`)
	var got thing
	if err := json.Unmarshal(rec.Body.Bytes(), &got); err != nil || rec.Code != http.StatusCreated ||
		rec.Header().Get("Location") != "/api/v1/things/a" || got != (thing{Name: "a", Count: 2}) {
		t.Fatalf("created: %d %q %s (%v)", rec.Code, rec.Header().Get("Location"), rec.Body, err)
	}
	if rec := do(`{"name":"taken"}`); rec.Code != http.StatusConflict || rec.Header().Get("Location") != "" {
		t.Fatalf("refused: %d %q", rec.Code, rec.Header().Get("Location"))
	}
	if rec := do(`{"name":"b","colour":"red"}`); rec.Code != http.StatusBadRequest && rec.Code != http.StatusUnprocessableEntity {
		t.Fatalf("unknown field: %d %s", rec.Code, rec.Body)
	}
	if calls != 2 {
		t.Fatalf("service called %d times, want 2", calls)
	}
}

// TestDecodePatch: the fields a patch names replace the stored ones, the
// others are kept; a patch of the wrong shape is refused before the stored
// input is read, and the stored input's refusal is passed on.
func TestDecodePatch(t *testing.T) {
	stored := thing{Name: "a", Count: 3, Note: "kept"}
	reads := 0
	current := func() (thing, error) { reads++; return stored, nil }
	patch := func(body string, cur func() (thing, error)) (thing, error) {
		r := httptest.NewRequest("PATCH", "/api/v1/things/a", strings.NewReader(body))
		return web.DecodePatch(httptest.NewRecorder(), r, cur)
	}
	got, err := patch(`{"count":5}`, current)
	if err != nil || got != (thing{Name: "a", Count: 5, Note: "kept"}) || reads != 1 {
		t.Fatalf("patched: %+v, %v, %d reads", got, err, reads)
	}
	if _, err := patch(`{"count":"five"}`, current); !errs.Is(err, errs.Invalid) || reads != 1 {
		t.Fatalf("wrong type: %v, %d reads", err, reads)
	}
	if _, err := patch(`{"size":1}`, current); !errs.Is(err, errs.Invalid) || reads != 1 {
		t.Fatalf("unknown field: %v, %d reads", err, reads)
	}
	gone := func() (thing, error) { return thing{}, errs.Missing() }
	if _, err := patch(`{"count":5}`, gone); !errs.Is(err, errs.NotFound) {
		t.Fatalf("missing: %v", err)
	}
}

var errNotFound = errs.Missing()

// TestPathPair: both ids in order; either one bad is not found.
func TestPathPair(t *testing.T) {
	mux := http.NewServeMux()
	type answer struct {
		a, b int64
		err  error
	}
	var got answer
	mux.HandleFunc("GET /p/{id}/m/{m}", func(w http.ResponseWriter, r *http.Request) {
		a, b, err := web.PathPair(r, "id", "m")
		got = answer{a, b, err}
	})
	for path, want := range map[string]answer{"/p/7/m/9": {7, 9, nil}, "/p/x/m/9": {0, 0, errNotFound}, "/p/7/m/0": {0, 0, errNotFound}} {
		got = answer{-1, -1, nil}
		mux.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("GET", path, nil))
		if got.a != want.a || got.b != want.b || errs.Code(got.err) != errs.Code(want.err) {
			t.Fatalf("%s: %+v, want %+v", path, got, want)
		}
	}
}

// TestPageID: a signed-in user's page gets the numeric path value as its
// id; no one signed in is sent to sign in, and the page never runs.
func TestPageID(t *testing.T) {
	s := adapterServer()
	var got []int64
	mux := http.NewServeMux()
	mux.HandleFunc("GET /things/{id}", s.PageID(func(w http.ResponseWriter, r *http.Request, u *auth.User, id int64) {
		got = append(got, id)
	}))
	do := func(u *auth.User) *httptest.ResponseRecorder {
		r := httptest.NewRequest("GET", "/things/42", nil)
		if u != nil {
			r = r.WithContext(auth.WithUser(r.Context(), u))
		}
		rec := httptest.NewRecorder()
		mux.ServeHTTP(rec, r)
		return rec
	}
	if rec := do(nil); rec.Code != http.StatusSeeOther || !strings.HasPrefix(rec.Header().Get("Location"), "/login") || len(got) != 0 {
		t.Fatalf("signed out: %d %q, page ran %d times", rec.Code, rec.Header().Get("Location"), len(got))
	}
	do(&auth.User{ID: 1})
	if len(got) != 1 || got[0] != 42 {
		t.Fatalf("signed in: page got %v, want [42]", got)
	}
}

// TestPageOn: the page gets the numeric path value it names; a bad one is
// the not-found page and the page never runs.
func TestPageOn(t *testing.T) {
	cat := i18n.New()
	rd, err := web.NewRenderer(cat)
	if err != nil {
		t.Fatal(err)
	}
	s := web.NewServer(cat, rd, nil, slog.New(slog.DiscardHandler), nil)
	var got []int64
	mux := http.NewServeMux()
	mux.HandleFunc("GET /hubs/{hub_id}", s.PageOn("hub_id", func(w http.ResponseWriter, r *http.Request, u *auth.User, id int64) {
		got = append(got, id)
	}))
	mux.HandleFunc("GET /api/v1/hubs/{hub_id}", s.API(s.WithID("hub_id", func(w http.ResponseWriter, r *http.Request, u *auth.User, id int64) {
		got = append(got, id)
	})))
	for path, want := range map[string]int{"/hubs/7": http.StatusOK, "/hubs/x": http.StatusNotFound, "/hubs/0": http.StatusNotFound,
		"/api/v1/hubs/8": http.StatusOK, "/api/v1/hubs/-1": http.StatusNotFound} {
		r := httptest.NewRequest("GET", path, nil)
		rec := httptest.NewRecorder()
		mux.ServeHTTP(rec, r.WithContext(auth.WithUser(r.Context(), &auth.User{ID: 1})))
		if rec.Code != want {
			t.Errorf("%s: %d, want %d", path, rec.Code, want)
		}
		// a bad id is answered in the route's own kind: JSON under /api/
		if api := strings.HasPrefix(path, "/api/"); want != http.StatusOK && api != strings.HasPrefix(rec.Header().Get("Content-Type"), "application/json") {
			t.Errorf("%s: content type %q", path, rec.Header().Get("Content-Type"))
		}
	}
	slices.Sort(got)
	if !slices.Equal(got, []int64{7, 8}) {
		t.Fatalf("handlers got %v, want [7 8]", got)
	}
}

// TestQueryReads: Query hands the named query parameter (empty when
// absent) to the service and answers its value; QueryItems and Items wrap
// a list as {"items": [...]}; a refusal is the service's error.
func TestQueryReads(t *testing.T) {
	s := adapterServer()
	list := func(_ context.Context, _ *auth.User, v string) ([]thing, error) {
		if v == "4402" {
			return nil, errs.E(errs.Forbidden, "err.forbidden")
		}
		return []thing{{Name: v}}, nil
	}
	all := func(ctx context.Context, u *auth.User) ([]thing, error) { return list(ctx, u, "all") }
	cases := []struct {
		h          web.Handler
		url, want  string
		wantStatus int
	}{
		{web.Query(s, "within", list), "/x?within=4401", `[{"name":"4401","count":0,"note":""}]`, http.StatusOK},
		{web.QueryItems(s, "within", list), "/x?within=4401", `{"items":[{"name":"4401","count":0,"note":""}]}`, http.StatusOK},
		{web.QueryItems(s, "within", list), "/x", `{"items":[{"name":"","count":0,"note":""}]}`, http.StatusOK},
		{web.Items(s, all), "/x?within=4402", `{"items":[{"name":"all","count":0,"note":""}]}`, http.StatusOK},
		{web.QueryItems(s, "within", list), "/x?within=4402", "", http.StatusForbidden},
	}
	for _, c := range cases {
		rec := httptest.NewRecorder()
		c.h(rec, httptest.NewRequest("GET", c.url, nil), &auth.User{})
		if rec.Code != c.wantStatus || (c.want != "" && strings.TrimSpace(rec.Body.String()) != c.want) {
			t.Errorf("%s: %d %s, want %d %s", c.url, rec.Code, rec.Body, c.wantStatus, c.want)
		}
	}
}

// pageServer is a server that renders pages in the common messages'
// languages, and its catalogue.
func pageServer(t *testing.T) (*web.Server, *i18n.Catalog) {
	t.Helper()
	cat := i18n.New(i18n.Common)
	rd, err := web.NewRenderer(cat)
	if err != nil {
		t.Fatal(err)
	}
	return web.NewServer(cat, rd, nil, slog.New(slog.DiscardHandler), nil), cat
}

// TestFieldMessage: a refusal's field messages make one line, in the
// request's language, sorted whatever the map's order, joined by the
// language's separator; an error that refuses no input is not one.
func TestFieldMessage(t *testing.T) {
	s, cat := pageServer(t)
	refusal := &errs.Error{Code: errs.Invalid, Message: errs.M("err.invalid_input"), Fields: map[string]errs.Msg{
		"reason": errs.M("err.required"), "decision": errs.M("err.choose_one"), "on": errs.M("err.date_future")}}
	for lang, sep := range map[string]string{i18n.ZH: "；", i18n.EN: "; "} {
		r := httptest.NewRequest("POST", "/x?lang="+lang, nil)
		want := []string{cat.T(lang, "err.required"), cat.T(lang, "err.choose_one"), cat.T(lang, "err.date_future")}
		slices.Sort(want)
		for range 5 { // the fields' map order varies from call to call
			got, ok := s.FieldMessage(r, refusal)
			if !ok || got != strings.Join(want, sep) {
				t.Fatalf("%s: %q, %v; want %q", lang, got, ok, strings.Join(want, sep))
			}
		}
		if want[0] == "err.required" || cat.T(i18n.ZH, "err.required") == cat.T(i18n.EN, "err.required") {
			t.Fatalf("the messages are not translated: %q", want)
		}
		if _, ok := s.FieldMessage(r, errs.E(errs.Forbidden, "err.forbidden")); ok {
			t.Fatalf("%s: a refusal of access read as a refusal of input", lang)
		}
	}
}

// TestRefusalPage: a refusal of input is the error page with its status
// and its messages in one line (FieldMessage); any other error is the
// error page of its own status.
func TestRefusalPage(t *testing.T) {
	s, _ := pageServer(t)
	refusal := &errs.Error{Code: errs.Invalid, Message: errs.M("err.invalid_input"), Fields: map[string]errs.Msg{
		"reason": errs.M("err.required"), "decision": errs.M("err.choose_one")}}
	r := signedPost("/x?lang=en")
	rec := httptest.NewRecorder()
	s.RefusalPage(rec, r, refusal, "err.invalid_input")
	line, _ := s.FieldMessage(r, refusal)
	if body := rec.Body.String(); rec.Code != http.StatusUnprocessableEntity || !strings.Contains(body, html.EscapeString(line)) ||
		strings.Contains(body, "reason") {
		t.Errorf("a refusal: %d, want 422 with %q: %.400s", rec.Code, line, body)
	}
	rec = httptest.NewRecorder()
	s.RefusalPage(rec, r, errs.Missing(), "err.invalid_input")
	if rec.Code != http.StatusNotFound {
		t.Errorf("not found: %d, want 404", rec.Code)
	}
}

// TestRefill: a refused form is shown again with its messages by field at
// the status the JSON API answers the same error with: 422 for an invalid
// input, 409 for a conflict ("_" for one that names no field); any other
// error is the error page of its own status, and the form is not shown.
func TestRefill(t *testing.T) {
	s, _ := pageServer(t)
	r := signedPost("/x?lang=en")
	for _, c := range []struct {
		err    error
		status int
		field  string
	}{
		{&errs.Error{Code: errs.Invalid, Message: errs.M("err.invalid_input"), Fields: map[string]errs.Msg{"reason": errs.M("err.required")}}, http.StatusUnprocessableEntity, "reason"},
		{&errs.Error{Code: errs.Conflict, Message: errs.M("err.conflict"), Fields: map[string]errs.Msg{"year": errs.M("err.conflict")}}, http.StatusConflict, "year"},
		{errs.E(errs.Conflict, "err.edited_meanwhile"), http.StatusConflict, "_"},
		{errs.E(errs.Forbidden, "err.forbidden"), http.StatusForbidden, ""},
		{errs.Missing(), http.StatusNotFound, ""},
	} {
		var shown map[string]string
		rec := httptest.NewRecorder()
		s.Refill(rec, r, c.err, func(status int, msgs map[string]string) {
			shown = msgs
			rec.WriteHeader(status)
		})
		if rec.Code != c.status || rec.Code != web.StatusOf(errs.Code(c.err)) {
			t.Errorf("%v: %d, want %d", c.err, rec.Code, c.status)
		}
		if (c.field == "") != (shown == nil) || (c.field != "" && shown[c.field] == "") {
			t.Errorf("%v: the form shown with %v, want a message on %q", c.err, shown, c.field)
		}
	}
}

// TestPublicAndPairs: a route open to anyone gets its numeric path values
// without a signed-in user; a route of two ids gets both; the first bad one
// is not found, in the route's own kind (JSON under /api/), and the
// handler never runs.
func TestPublicAndPairs(t *testing.T) {
	s, _ := pageServer(t)
	var got [][2]int64
	mux := http.NewServeMux()
	one := func(w http.ResponseWriter, r *http.Request, id int64) { got = append(got, [2]int64{id, 0}) }
	mux.HandleFunc("GET /p/orgs/{id}", s.PublicID("id", one))
	mux.HandleFunc("GET /api/v1/public/orgs/{id}", s.PublicID("id", one))
	mux.HandleFunc("GET /p/orgs/{id}/photos/{pid}", s.PublicPair("id", "pid", func(w http.ResponseWriter, r *http.Request, id, pid int64) {
		got = append(got, [2]int64{id, pid})
	}))
	mux.HandleFunc("POST /hubs/{hub_id}/members/{org_id}/release", s.PagePair("hub_id", "org_id", func(w http.ResponseWriter, r *http.Request, u *auth.User, id, org int64) {
		got = append(got, [2]int64{id, org})
	}))
	mux.HandleFunc("GET /api/v1/things/{id}/files/{f}", s.API(s.WithPair("id", "f", func(w http.ResponseWriter, r *http.Request, u *auth.User, id, f int64) {
		got = append(got, [2]int64{id, f})
	})))
	for _, c := range []struct {
		method, path string
		signed       bool
		want         int
	}{
		{"GET", "/p/orgs/3", false, http.StatusOK},
		{"GET", "/p/orgs/x", false, http.StatusNotFound},
		{"GET", "/api/v1/public/orgs/4", false, http.StatusOK},
		{"GET", "/api/v1/public/orgs/0", false, http.StatusNotFound},
		{"GET", "/p/orgs/5/photos/6", false, http.StatusOK},
		{"GET", "/p/orgs/5/photos/x", false, http.StatusNotFound},
		{"GET", "/p/orgs/x/photos/6", false, http.StatusNotFound},
		{"POST", "/hubs/7/members/8/release", true, http.StatusOK},
		{"POST", "/hubs/7/members/-8/release", true, http.StatusNotFound},
		{"POST", "/hubs/7/members/8/release", false, http.StatusSeeOther},
		{"GET", "/api/v1/things/9/files/10", true, http.StatusOK},
		{"GET", "/api/v1/things/9/files/y", true, http.StatusNotFound},
	} {
		r := httptest.NewRequest(c.method, c.path, nil)
		if c.signed {
			r = r.WithContext(auth.WithUser(r.Context(), &auth.User{ID: 1}))
		}
		rec := httptest.NewRecorder()
		mux.ServeHTTP(rec, r)
		if rec.Code != c.want {
			t.Errorf("%s %s: %d, want %d", c.method, c.path, rec.Code, c.want)
		}
		if api := strings.HasPrefix(c.path, "/api/"); c.want == http.StatusNotFound && api != strings.HasPrefix(rec.Header().Get("Content-Type"), "application/json") {
			t.Errorf("%s: content type %q", c.path, rec.Header().Get("Content-Type"))
		}
	}
	if want := [][2]int64{{3, 0}, {4, 0}, {5, 6}, {7, 8}, {9, 10}}; !slices.Equal(got, want) {
		t.Fatalf("handlers got %v, want %v", got, want)
	}
}
