package census_test

import (
	"net/http"
	"strings"
	"testing"

	"linli/internal/app/apptest"
	"linli/internal/census"
	"linli/internal/platform/auth"
)

// For every role, the census pages offer opening a round, importing a file,
// submitting into a round and closing it exactly when the service (or the
// upload handler) accepts it: both read census's rules.
func TestCensusPagesOfferWhatIsAccepted(t *testing.T) {
	a := apptest.New(t)
	tianhe := a.User(auth.DistrictOfficer, "440106")
	open := func() int64 {
		var r census.Round
		a.As(tianhe).Do("POST", "/api/v1/census/rounds", map[string]string{"title": "摸底", "deadline": "2023-07-31"}).
			Expect(http.StatusCreated).Decode(&r)
		return r.ID
	}
	round := open()
	users := []*auth.User{a.User(auth.CityAdmin, "4401"), a.User(auth.DistrictOfficer, "440105"),
		a.User(auth.StreetOfficer, "440106008"), a.User(auth.StreetOfficer, "440105001"), a.User(auth.CommunityCommittee, "440106008007"),
		a.User(auth.Auditor, "4401"), tianhe}
	offered := func(c *apptest.Client, path, mark string) bool {
		r := c.Do("GET", path, nil)
		return r.Status == http.StatusOK && strings.Contains(r.String(), mark)
	}
	seen := map[string]bool{}
	for _, u := range users {
		c := a.As(u)
		check := func(what string, offered, accepted bool, status int) {
			t.Helper()
			if offered != accepted {
				t.Errorf("%s@%s, %s: the page offers it %v, the service answers %d", u.Role, u.ScopeCode, what, offered, status)
			}
			seen[what] = seen[what] || offered
		}
		// import: the upload is refused (403) before it is read, or read
		// (here: no file, 422)
		o := offered(c, "/census/import", `id="import-form"`)
		r := c.Do("POST", "/census/import", apptest.Upload{Fields: map[string]string{"x": "y"}})
		check("import", o, r.Status != http.StatusForbidden, r.Status)

		o = offered(c, "/census", `id="round-form"`)
		r = c.Do("POST", "/api/v1/census/rounds", map[string]string{"title": "另一轮", "deadline": "2023-08-31"})
		check("open", o, r.Status == http.StatusCreated, r.Status)

		path := "/census/rounds/" + itoa(round)
		o = offered(c, path, `id="submit-form"`)
		r = c.Do("POST", "/api/v1"+path+"/submissions",
			apptest.Upload{Field: "file", Filename: "天河南.csv", Data: []byte(apiCSV)})
		check("submit", o, r.Status == http.StatusOK, r.Status)

		o = offered(c, path, `action="/census/rounds/`+itoa(round)+`/close"`)
		r = c.Do("POST", "/api/v1"+path+"/close", nil)
		check("close", o, r.Status == http.StatusOK, r.Status)
		if r.Status == http.StatusOK {
			round = open()
		}
	}
	for _, what := range []string{"import", "open", "submit", "close"} {
		if !seen[what] {
			t.Errorf("%s is offered to nobody: the page's marker is stale", what)
		}
	}
}
