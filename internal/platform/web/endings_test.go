package web_test

import (
	"context"
	"encoding/json"
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

// signedPost is a form's POST to path by a signed-in user.
func signedPost(path string) *http.Request {
	r := httptest.NewRequest("POST", path, nil)
	return r.WithContext(auth.WithUser(r.Context(), &auth.User{ID: 1}))
}

// TestFormEndings: a change made goes on with a 303 to the page next
// names (DoneAt and SavedAt ask for it only then: what it names was not
// made otherwise); a refusal shows the page again at its status (Done:
// any refusal, forbidden too; SavedAt: the fields' refusals; DoneLine:
// the same in one line); anything else is the error page at its status.
func TestFormEndings(t *testing.T) {
	s, _ := pageServer(t)
	r := signedPost("/things?lang=en")
	for _, c := range []struct {
		status int
		shown  [3]bool // DoneAt, SavedAt, DoneLine
		err    error
	}{
		{http.StatusSeeOther, [3]bool{}, nil},
		{http.StatusConflict, [3]bool{true, true, true}, errs.E(errs.Conflict, "err.conflict")},
		{http.StatusUnprocessableEntity, [3]bool{true, true, true},
			&errs.Error{Code: errs.Invalid, Message: errs.M("err.invalid_input"), Fields: map[string]errs.Msg{"name": errs.M("err.required")}}},
		{http.StatusForbidden, [3]bool{true, false, false}, errs.E(errs.Forbidden, "err.forbidden")},
		{http.StatusNotFound, [3]bool{}, errs.Missing()},
	} {
		var made *thing
		if c.err == nil {
			made = &thing{Name: "a"}
		}
		next := func() string { return "/things/" + made.Name } // a nil made panics: next is not asked for
		for i, end := range []func(rec *httptest.ResponseRecorder, again func(int)){
			func(rec *httptest.ResponseRecorder, again func(int)) {
				s.DoneAt(rec, r, c.err, next, func(status int, _ error) { again(status) })
			},
			func(rec *httptest.ResponseRecorder, again func(int)) {
				s.SavedAt(rec, r, c.err, next, func(status int, _ map[string]string) { again(status) })
			},
			func(rec *httptest.ResponseRecorder, again func(int)) {
				s.DoneLine(rec, r, c.err, "/things/a", func(status int, msg string) {
					if msg == "" {
						t.Errorf("DoneLine %v: no line", c.err)
					}
					again(status)
				})
			},
		} {
			rec := httptest.NewRecorder()
			shown := false
			end(rec, func(status int) { shown = true; rec.WriteHeader(status) })
			if rec.Code != c.status || shown != c.shown[i] {
				t.Errorf("ending %d, %v: %d, shown again %v; want %d, %v", i, c.err, rec.Code, shown, c.status, c.shown[i])
			}
			if c.err == nil && rec.Header().Get("Location") != "/things/a" {
				t.Errorf("ending %d: Location %q", i, rec.Header().Get("Location"))
			}
		}
	}
}

// TestWriteParsed: what the request names besides its body is parsed
// first (its refusal is the answer, the body never read), then the body
// (a bad one is refused, fn never runs), then fn; its answer with the
// status, or its error. PathValue and QueryValue hand the text as it is.
func TestWriteParsed(t *testing.T) {
	s := adapterServer()
	calls := 0
	fn := func(_ context.Context, _ *auth.User, key string, in thing) (thing, error) {
		calls++
		if key == "" {
			return thing{}, errs.Missing()
		}
		in.Note = key
		return in, nil
	}
	odd := func(r *http.Request) (string, error) {
		if r.URL.Query().Get("unit") == "odd" {
			return "", errs.E(errs.Forbidden, "err.forbidden")
		}
		return r.URL.Query().Get("unit"), nil
	}
	mux := http.NewServeMux()
	mux.HandleFunc("PUT /api/v1/streets/{street}", s.API(web.WriteParsed(s, http.StatusCreated, web.PathValue("street"), fn)))
	mux.HandleFunc("PUT /api/v1/rules", s.API(web.WriteParsed(s, http.StatusOK, web.QueryValue("unit"), fn)))
	mux.HandleFunc("PUT /api/v1/odd", s.API(web.WriteParsed(s, http.StatusOK, odd, fn)))
	for _, c := range []struct {
		path, body string
		status     int
		want       string
		called     int
	}{
		{"/api/v1/streets/440106001", `{"name":"a","count":1}`, http.StatusCreated, `{"name":"a","count":1,"note":"440106001"}`, 1},
		{"/api/v1/streets/440106001", `{"name":"a","colour":"red"}`, http.StatusUnprocessableEntity, `"colour"`, 0},
		{"/api/v1/rules?unit=4401", `{"name":"b"}`, http.StatusOK, `{"name":"b","count":0,"note":"4401"}`, 1},
		{"/api/v1/rules", `{"name":"b"}`, http.StatusNotFound, `"not_found"`, 1},
		{"/api/v1/odd?unit=odd", `not json`, http.StatusForbidden, `"forbidden"`, 0},
	} {
		calls = 0
		r := httptest.NewRequest("PUT", c.path, strings.NewReader(c.body))
		r = r.WithContext(auth.WithUser(r.Context(), &auth.User{ID: 1}))
		rec := httptest.NewRecorder()
		mux.ServeHTTP(rec, r)
		if rec.Code != c.status || !strings.Contains(rec.Body.String(), c.want) || calls != c.called {
			t.Errorf("%s %s: %d %s, called %d; want %d %s, %d", c.path, c.body, rec.Code, rec.Body, calls, c.status, c.want, c.called)
		}
	}
}

// TestPatchID: the id is read first (a bad one is not found), then the
// body: one that is no JSON, names a field In lacks or gives one another
// type is refused with the decoder's reason before fn runs; otherwise fn
// has the body as it came, its answer with 200.
func TestPatchID(t *testing.T) {
	s := adapterServer()
	var got []string
	fn := func(_ context.Context, _ *auth.User, id int64, patch json.RawMessage) (thing, error) {
		got = append(got, string(patch))
		return thing{Name: strconv.FormatInt(id, 10), Note: string(patch)}, nil
	}
	mux := http.NewServeMux()
	mux.HandleFunc("PATCH /api/v1/things/{id}", s.API(web.PatchID[thing](s, "id", fn)))
	for _, c := range []struct {
		path, body string
		status     int
		want       string
	}{
		{"/api/v1/things/3", `{"count":5}`, http.StatusOK, `"note":"{\"count\":5}"`},
		{"/api/v1/things/x", `{"count":5}`, http.StatusNotFound, `"not_found"`},
		{"/api/v1/things/3", `{"size":1}`, http.StatusUnprocessableEntity, `json: unknown field \"size\"`},
		{"/api/v1/things/3", `{"count":"five"}`, http.StatusUnprocessableEntity, `json: cannot unmarshal string`},
		{"/api/v1/things/3", `{"count":`, http.StatusUnprocessableEntity, `"invalid"`},
	} {
		got = nil
		r := httptest.NewRequest("PATCH", c.path, strings.NewReader(c.body))
		r = r.WithContext(auth.WithUser(r.Context(), &auth.User{ID: 1}))
		rec := httptest.NewRecorder()
		mux.ServeHTTP(rec, r)
		if rec.Code != c.status || !strings.Contains(rec.Body.String(), c.want) || (len(got) == 1) != (c.status == http.StatusOK) {
			t.Errorf("%s %s: %d %s, fn had %q; want %d %s", c.path, c.body, rec.Code, rec.Body, got, c.status, c.want)
		}
	}
}
