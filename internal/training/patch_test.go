package training_test

import (
	"net/http"
	"strings"
	"testing"
)

// TestPatch: PATCH /api/v1/trainings/{id} changes the fields it names and
// keeps the others; a body naming a field a session lacks, or giving one
// a value of another type, is refused (422 bad_json, with the decoder's
// reason) and changes nothing; a bad id is not found, before the body.
// The handler answered the refusal with "…not valid JSON: %s" before
// web.PatchID: the message's argument was missing.
func TestPatch(t *testing.T) {
	f := newFixture(t)
	c := f.a.As(f.officer)
	path := "/api/v1/trainings/" + itoa(f.tr.ID)
	r := c.Do("PATCH", path, map[string]any{"trainer": "王老师"})
	if r.Status != http.StatusOK || !strings.Contains(r.String(), `"trainer":"王老师"`) || !strings.Contains(r.String(), `"place":"区社工服务中心"`) {
		t.Fatalf("patch: %d %s", r.Status, r)
	}
	for body, reason := range map[string]string{
		`{"trainer":"赵老师","colour":"red"}`:    `unknown field \"colour\"`,
		`{"trainer":"赵老师","capacity":"many"}`: `cannot unmarshal string`,
	} {
		r := c.Do("PATCH", path, body, "Accept-Language", "en")
		if s := r.String(); r.Status != http.StatusUnprocessableEntity || !strings.Contains(s, `"code":"invalid"`) ||
			!strings.Contains(s, "The request body is not valid JSON: json: "+reason) || strings.Contains(s, "%s") {
			t.Errorf("%s: %d %s", body, r.Status, s)
		}
	}
	if r := c.Do("GET", path, nil); !strings.Contains(r.String(), `"trainer":"王老师"`) {
		t.Errorf("a refused patch changed the session: %s", r)
	}
	if r := c.Do("PATCH", "/api/v1/trainings/x", map[string]any{"trainer": "赵老师"}); r.Status != http.StatusNotFound {
		t.Errorf("bad id: %d", r.Status)
	}
}
