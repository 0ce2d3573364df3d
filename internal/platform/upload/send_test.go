package upload_test

import (
	"net/http/httptest"
	"testing"

	"linli/internal/platform/upload"
)

// TestSend: a stored upload goes back inline under its own name (escaped),
// sandboxed, privately cached, with its length.
func TestSend(t *testing.T) {
	rec := httptest.NewRecorder()
	upload.Send(rec, "application/pdf", "收据 1.pdf", []byte("%PDF-1.4"))
	want := map[string]string{
		"Content-Type":            "application/pdf",
		"Content-Length":          "8",
		"Content-Disposition":     "inline; filename*=UTF-8''%E6%94%B6%E6%8D%AE%201.pdf",
		"Content-Security-Policy": "sandbox; default-src 'none'; img-src 'self'; object-src 'self'",
		"Cache-Control":           "private, max-age=3600",
	}
	for k, v := range want {
		if got := rec.Header().Get(k); got != v {
			t.Errorf("%s: %q, want %q", k, got, v)
		}
	}
	if rec.Body.String() != "%PDF-1.4" {
		t.Errorf("body %q", rec.Body)
	}
}
