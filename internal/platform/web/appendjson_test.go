package web_test

import (
	"encoding/json"
	"maps"
	"math"
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

// TestAppendFloatMatchesEncoder holds AppendFloat equal to encoding/json's
// floats, byte for byte, across both formats and their edges, and refuses
// what encoding/json refuses.
func TestAppendFloatMatchesEncoder(t *testing.T) {
	fs := []float64{0, math.Copysign(0, -1), 1, -1, 0.5, 1.0 / 3, 2.0 / 3, 0.1 + 0.2, 12345.678, 1e-6, 9.99e-7, 1e-7, 1.5e-10, 1e-100,
		1e20, 1e21, 1.2345e21, 123456789012345678901, math.MaxFloat64, math.SmallestNonzeroFloat64, -1e-7, -1e21, 0.75, 28, 0.9999999999999999}
	for _, f := range fs {
		want, err := json.Marshal(f)
		if err != nil {
			t.Fatal(err)
		}
		got, ok := web.AppendFloat([]byte("x"), f)
		if !ok || string(got) != "x"+string(want) {
			t.Errorf("%v: got %q (%v), want %q", f, got, ok, want)
		}
	}
	for _, f := range []float64{math.NaN(), math.Inf(1), math.Inf(-1)} {
		if _, err := json.Marshal(f); err == nil {
			t.Fatalf("encoding/json took %v", f)
		}
		if got, ok := web.AppendFloat([]byte("x"), f); ok || string(got) != "x" {
			t.Errorf("%v: got %q, %v; want refused", f, got, ok)
		}
	}
}
