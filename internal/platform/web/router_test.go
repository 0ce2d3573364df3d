package web

import (
	"net/http"
	"net/http/httptest"
	"slices"
	"testing"
	"testing/fstest"
)

func TestAssets(t *testing.T) {
	rt := NewRouter()
	rt.Assets("/static/room/", fstest.MapFS{"static/a.css": {Data: []byte("body{}")}}, "static")
	if !slices.Contains(rt.Patterns(), "GET /static/room/") {
		t.Fatalf("patterns %v", rt.Patterns())
	}
	w := httptest.NewRecorder()
	rt.Mux.ServeHTTP(w, httptest.NewRequest("GET", "/static/room/a.css", nil))
	if w.Code != http.StatusOK || w.Body.String() != "body{}" || w.Header().Get("Cache-Control") != "public, max-age=86400" {
		t.Fatalf("got %d %q %q", w.Code, w.Body.String(), w.Header().Get("Cache-Control"))
	}
	w = httptest.NewRecorder()
	rt.Mux.ServeHTTP(w, httptest.NewRequest("GET", "/static/room/b.css", nil))
	if w.Code != http.StatusNotFound {
		t.Fatalf("missing file: %d", w.Code)
	}
}
