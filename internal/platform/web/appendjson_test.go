package web_test

import (
	"maps"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"testing"

	"linli/internal/platform/web"
)

type appended struct{}

func (appended) AppendJSON(b []byte) []byte { return append(b, `{"own":true}`...) }

// TestJSONWritesLength checks that a JSON answer carries its length (one
// write, not chunked), uses a value's own AppendJSON, encodes anything else
// as before (HTML not escaped), and sends no body where none is allowed.
func TestJSONWritesLength(t *testing.T) {
	type answer struct {
		name, want string
		status     int
		v          any
	}
	cases := []answer{
		{"encoded", "{\"a\":\"<b>&\"}\n", http.StatusOK, map[string]string{"a": "<b>&"}},
		{"appender", "{\"own\":true}\n", http.StatusCreated, appended{}},
		{"no content", "", http.StatusNoContent, nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			rec := httptest.NewRecorder()
			web.JSON(rec, c.status, c.v)
			if rec.Code != c.status || rec.Body.String() != c.want {
				t.Fatalf("got %d %q, want %d %q", rec.Code, rec.Body.String(), c.status, c.want)
			}
			if l := rec.Header().Get("Content-Length"); c.want != "" && l != strconv.Itoa(len(c.want)) || c.want == "" && l != "" {
				t.Fatalf("Content-Length %q for %q", l, c.want)
			}
			// the same answer kept encoded (a cached report, a replay)
			// goes out the same way
			pre := httptest.NewRecorder()
			web.JSONBytes(pre, c.status, []byte(c.want))
			if pre.Code != rec.Code || pre.Body.String() != rec.Body.String() || !maps.EqualFunc(pre.Header(), rec.Header(), slices.Equal) {
				t.Fatalf("JSONBytes: %d %v %q, JSON: %d %v %q", pre.Code, pre.Header(), pre.Body, rec.Code, rec.Header(), rec.Body)
			}
		})
	}
}
