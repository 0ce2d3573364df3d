package app_test

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"linli/internal/app/apptest"
	"linli/internal/platform/auth"
	"linli/internal/platform/pick"
)

// The place picker in the scope walk: an intruder searching for 五山街道 or
// its community finds nothing of it.
func init() {
	hides := func(t *testing.T, w *world, who string, r *apptest.Response) {
		if strings.Contains(r.String(), "五山街道") || strings.Contains(r.String(), "岳洲") {
			t.Errorf("%s picks 五山's places: %s", who, r.String())
		}
	}
	scopeTable = append(scopeTable,
		scopeCase{pattern: "GET /api/v1/places/pick", path: "/api/v1/places/pick?q=" + url.QueryEscape("五山"), want: 200, check: hides},
		scopeCase{pattern: "GET /api/v1/places/pick", path: "/api/v1/places/pick?level=community&q=" + url.QueryEscape("岳洲"), want: 200, check: hides},
		scopeCase{pattern: "GET /api/v1/places/pick", path: "/api/v1/places/pick?level=town", want: 422},
	)
}

// placeForm is one form that names a community: its path, its other
// fields, its community field, and how to read the code of the row it wrote
// last ("" when none).
type placeForm struct {
	name, path, field string
	role, scope       string
	fields            func(i int) url.Values
	last              func(a *apptest.App) string
	count             string
}

func lastCode(a *apptest.App, query string) string {
	var code string
	if err := a.DB.Read.QueryRow(query).Scan(&code); err != nil {
		return ""
	}
	return code
}

var placeForms = []placeForm{
	{name: "points", path: "/demonstration-points", field: "community_code", role: auth.DistrictOfficer, scope: tianhe,
		fields: func(i int) url.Values {
			return form("kind", "point", "district_code", tianhe, "year", strconv.Itoa(2021+i%3), "reason", "示范点理由")
		},
		last: func(a *apptest.App) string {
			return lastCode(a, `SELECT community_code FROM demonstration_points ORDER BY id DESC LIMIT 1`)
		},
		count: "demonstration_points"},
}

// TestPlacePickerForms: each form that names a community takes its name,
// "街道 · 社区", "name #code" or the code, with the same result; a name two
// communities share, or none in the user's scope, is a field error listing
// the candidates and writes nothing.
func TestPlacePickerForms(t *testing.T) {
	for _, f := range placeForms {
		t.Run(f.name, func(t *testing.T) {
			a := apptest.New(t)
			c := a.As(a.User(f.role, f.scope))
			var items struct{ Items []pick.Item }
			r := c.Do("GET", "/api/v1/places/pick?level=community&q="+url.QueryEscape("天雅"), nil)
			if r.Status != http.StatusOK {
				t.Fatalf("pick: %d %s", r.Status, r.Body)
			}
			r.Decode(&items)
			if len(items.Items) != 2 || items.Items[0].Value != "天雅社区居委会 #440106003016" || items.Items[0].Place != "车陂街道" {
				t.Errorf("picks %+v, want the two 天雅 with their streets", items.Items)
			}
			page := c.Do("GET", f.path, nil)
			if !strings.Contains(page.String(), `data-pick="/api/v1/places/pick?level=community"`) {
				t.Errorf("%s has no place picker", f.path)
			}
			for i, tc := range []struct{ text, want string }{
				{"440106001001", "440106001001"},
				{"岳洲社区居委会", "440106001001"},
				{"岳洲社区居委会 #440106001001", "440106001001"},
				{"440106003016", "440106003016"},
				{"车陂街道 · 天雅社区居委会", "440106003016"},
			} {
				v := f.fields(i)
				v.Set(f.field, tc.text)
				r := c.Do("POST", f.path, v)
				if r.Status != http.StatusSeeOther && r.Status != http.StatusFound {
					t.Fatalf("%q: %d %s", tc.text, r.Status, r.Body)
				}
				if got := f.last(a); got != tc.want {
					t.Errorf("%q wrote %q, want %q", tc.text, got, tc.want)
				}
			}
			before := a.Count(f.count)
			for i, tc := range []struct{ text, says string }{
				{"天雅社区居委会", "440106016003"},
				{"不存在的社区", "不存在的社区"},
				{"永兴村委会", "永兴村委会"}, // 白云区, outside 天河
			} {
				v := f.fields(10 + i)
				v.Set(f.field, tc.text)
				r := c.Do("POST", f.path, v)
				if r.Status != http.StatusUnprocessableEntity || !strings.Contains(r.String(), tc.says) || !strings.Contains(r.String(), `class="error"`) {
					t.Errorf("%q: %d, want 422 with a field error naming %s", tc.text, r.Status, tc.says)
				}
			}
			if got := a.Count(f.count); got != before {
				t.Errorf("a refused name wrote %d rows", got-before)
			}
		})
	}
}
