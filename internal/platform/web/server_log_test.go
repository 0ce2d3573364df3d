package web_test

import (
	"bytes"
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"linli/internal/platform/web"
)

// TestRequestLog: the access line and a handler's own lines carry the
// request's id, the one answered in X-Request-ID, and the access line its
// fields in their order.
func TestRequestLog(t *testing.T) {
	var buf bytes.Buffer
	s := web.NewServer(nil, nil, nil, slog.New(slog.NewJSONHandler(&buf, nil)), nil)
	mux := http.NewServeMux()
	mux.HandleFunc("GET /things/{id}", func(w http.ResponseWriter, r *http.Request) {
		web.LoggerFrom(r.Context()).Info("inner")
		w.WriteHeader(http.StatusTeapot)
	})
	rec := httptest.NewRecorder()
	s.Wrap(mux).ServeHTTP(rec, httptest.NewRequest("GET", "/things/7", nil))
	id := rec.Header().Get("X-Request-ID")
	lines := strings.Split(strings.TrimSpace(buf.String()), "\n")
	if rec.Code != http.StatusTeapot || id == "" || len(lines) != 2 {
		t.Fatalf("status %d, id %q, log %q", rec.Code, id, buf.String())
	}
	for _, l := range lines {
		var m map[string]any
		if err := json.Unmarshal([]byte(l), &m); err != nil || m["request_id"] != id {
			t.Fatalf("line %s: %v", l, err)
		}
	}
	access := lines[1]
	want := []string{`"msg":"request"`, `"request_id":`, `"method":"GET"`, `"path":"/things/7"`, `"route":"GET /things/{id}"`,
		`"status":418`, `"duration_ms":`, `"ip":"192.0.2.1"`}
	at := 0
	for _, w := range want {
		i := strings.Index(access[at:], w)
		if i < 0 {
			t.Fatalf("access line %s: %s missing or out of order", access, w)
		}
		at += i + len(w)
	}
}
