package web_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"

	"linli/internal/platform/auth"
	"linli/internal/platform/errs"
	"linli/internal/platform/web"
)

// TestParsed: the path value is read first (a bad one is not found, the
// query never parsed), then the query (a bad one is its refusal, fn never
// runs), then fn; its answer with 200, or its error. Public hands no user.
func TestParsed(t *testing.T) {
	s := adapterServer()
	parses, calls := 0, 0
	year := func(r *http.Request) (int, error) {
		parses++
		y, err := strconv.Atoi(r.URL.Query().Get("year"))
		if err != nil {
			return 0, &errs.Error{Code: errs.Invalid, Message: errs.M("err.invalid_input"), Fields: map[string]errs.Msg{"year": errs.M("err.bad_number")}}
		}
		return y, nil
	}
	var users []*auth.User
	fn := func(_ context.Context, u *auth.User, id int64, y int) (thing, error) {
		calls++
		users = append(users, u)
		if y < 2000 {
			return thing{}, errs.E(errs.Forbidden, "err.forbidden")
		}
		return thing{Name: strconv.FormatInt(id, 10), Count: y}, nil
	}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /api/v1/orgs/{id}/sums", s.API(web.ParsedID(s, "id", year, fn)))
	mux.HandleFunc("GET /api/v1/public/orgs/{id}/sums", web.Public(web.ParsedID(s, "id", year, fn)))
	mux.HandleFunc("GET /api/v1/sums", s.API(web.Parsed(s, year, func(ctx context.Context, u *auth.User, y int) (thing, error) {
		return fn(ctx, u, 9, y)
	})))
	signed := &auth.User{ID: 7}
	for _, c := range []struct {
		path           string
		signed         bool
		status         int
		body           string
		parses, called int
	}{
		{"/api/v1/orgs/3/sums?year=2023", true, http.StatusOK, `{"name":"3","count":2023,"note":""}`, 1, 1},
		{"/api/v1/orgs/x/sums?year=2023", true, http.StatusNotFound, `"not_found"`, 0, 0},
		{"/api/v1/orgs/3/sums?year=soon", true, http.StatusUnprocessableEntity, `"year"`, 1, 0},
		{"/api/v1/orgs/3/sums?year=1999", true, http.StatusForbidden, `"forbidden"`, 1, 1},
		{"/api/v1/sums?year=2024", true, http.StatusOK, `{"name":"9","count":2024,"note":""}`, 1, 1},
		{"/api/v1/public/orgs/4/sums?year=2023", false, http.StatusOK, `{"name":"4","count":2023,"note":""}`, 1, 1},
	} {
		parses, calls, users = 0, 0, nil
		r := httptest.NewRequest("GET", c.path, nil)
		if c.signed {
			r = r.WithContext(auth.WithUser(r.Context(), signed))
		}
		rec := httptest.NewRecorder()
		mux.ServeHTTP(rec, r)
		if rec.Code != c.status || !strings.Contains(rec.Body.String(), c.body) || parses != c.parses || calls != c.called {
			t.Errorf("%s: %d %s, parsed %d, called %d; want %d %s, %d, %d", c.path, rec.Code, rec.Body, parses, calls, c.status, c.body, c.parses, c.called)
		}
		if calls == 1 && (users[0] == nil) == c.signed {
			t.Errorf("%s: fn's user %v", c.path, users[0])
		}
	}
}

// TestDoneAt: a change made goes on with a 303 to the page next names,
// asked for only then; a refusal shows the page again at its status
// without asking for next (what it names was not made); anything else is
// the error page. SavedAt is the same for a form that refills its fields.
func TestDoneAt(t *testing.T) {
	s, _ := pageServer(t)
	r := httptest.NewRequest("POST", "/things", nil)
	r = r.WithContext(auth.WithUser(r.Context(), &auth.User{ID: 1}))
	for _, c := range []struct {
		err    error
		status int
		again  bool
	}{
		{nil, http.StatusSeeOther, false},
		{errs.E(errs.Conflict, "err.conflict"), http.StatusConflict, true},
		{&errs.Error{Code: errs.Invalid, Message: errs.M("err.invalid_input"), Fields: map[string]errs.Msg{"name": errs.M("err.required")}}, http.StatusUnprocessableEntity, true},
		{errs.E(errs.NotFound, "err.not_found"), http.StatusNotFound, false},
	} {
		var made *thing
		if c.err == nil {
			made = &thing{Name: "a"}
		}
		next := func() string { return "/things/" + made.Name } // a nil made panics: next is not asked for
		for _, end := range []struct {
			name string
			run  func(rec *httptest.ResponseRecorder, again func(int))
		}{
			{"DoneAt", func(rec *httptest.ResponseRecorder, again func(int)) {
				s.DoneAt(rec, r, c.err, next, func(status int, _ error) { again(status) })
			}},
			{"SavedAt", func(rec *httptest.ResponseRecorder, again func(int)) {
				s.SavedAt(rec, r, c.err, next, func(status int, _ map[string]string) { again(status) })
			}},
		} {
			rec := httptest.NewRecorder()
			shown := false
			end.run(rec, func(status int) { shown = true; rec.WriteHeader(status) })
			if rec.Code != c.status || shown != c.again {
				t.Errorf("%s %v: %d, shown again %v; want %d, %v", end.name, c.err, rec.Code, shown, c.status, c.again)
			}
			if c.err == nil && rec.Header().Get("Location") != "/things/a" {
				t.Errorf("%s: Location %q", end.name, rec.Header().Get("Location"))
			}
		}
	}
}

// TestDoneLine: a change made goes on with a 303; a refusal the user can
// fix shows the page again with its messages in one line at its status;
// anything else is the error page.
func TestDoneLine(t *testing.T) {
	s, _ := pageServer(t)
	r := httptest.NewRequest("POST", "/inbox?lang=en", nil)
	r = r.WithContext(auth.WithUser(r.Context(), &auth.User{ID: 1}))
	for _, c := range []struct {
		err    error
		status int
		line   bool
	}{
		{nil, http.StatusSeeOther, false},
		{&errs.Error{Code: errs.Invalid, Message: errs.M("err.invalid_input"), Fields: map[string]errs.Msg{"reason": errs.M("err.required")}}, http.StatusUnprocessableEntity, true},
		{errs.E(errs.Conflict, "err.conflict"), http.StatusConflict, true},
		{errs.E(errs.Forbidden, "err.forbidden"), http.StatusForbidden, false},
	} {
		rec := httptest.NewRecorder()
		var msg string
		s.DoneLine(rec, r, c.err, "/inbox?flash=done", func(status int, m string) { msg = m; rec.WriteHeader(status) })
		if rec.Code != c.status || (msg != "") != c.line {
			t.Errorf("%v: %d %q; want %d, a line %v", c.err, rec.Code, msg, c.status, c.line)
		}
		if c.err == nil && rec.Header().Get("Location") != "/inbox?flash=done" {
			t.Errorf("Location %q", rec.Header().Get("Location"))
		}
	}
}
