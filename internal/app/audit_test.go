package app_test

import (
	"strconv"
	"strings"
	"testing"

	"linli/internal/app/apptest"
	"linli/internal/platform/auth"
)

// TestAuditTrail: changes through HTTP are audited; the auditor reads the
// log and can change nothing; `linli audit verify` detects tampering.
func TestAuditTrail(t *testing.T) {
	a := apptest.New(t)
	officer := a.User(auth.StreetOfficer, wushan)
	c := a.As(officer)
	r := c.Do("POST", "/api/v1/orgs", apptest.OrgInput("五山粤剧社", wushanComm))
	if r.Status != 201 {
		t.Fatalf("create: %d %s", r.Status, r.Body)
	}
	var o struct{ ID int64 }
	r.Decode(&o)
	id := strconv.FormatInt(o.ID, 10)
	if r := c.Do("PATCH", "/api/v1/orgs/"+id, map[string]any{"members": 40}); r.Status != 200 {
		t.Fatalf("patch: %d %s", r.Status, r.Body)
	}
	if r := c.Do("POST", "/api/v1/orgs/"+id+"/transitions", map[string]string{"action": "approve"}); r.Status != 200 {
		t.Fatalf("approve: %d %s", r.Status, r.Body)
	}
	foreign := a.CreateOrg(a.User(auth.StreetOfficer, haizhu+"001"), apptest.OrgInput("海珠粤剧社", haizhuComm))

	auditor := a.User(auth.Auditor, tianhe)
	ac := a.As(auditor)
	lr := ac.Do("GET", "/api/v1/audit?object_type=org&object_id="+id, nil)
	var rows struct {
		Items []struct{ Action, Username string }
	}
	lr.Decode(&rows)
	var actions []string
	for _, row := range rows.Items {
		actions = append(actions, row.Action)
		if row.Username != officer.Username {
			t.Errorf("row by %q, want %q", row.Username, officer.Username)
		}
	}
	if got := strings.Join(actions, ","); got != "org.transition,org.update,org.create" {
		t.Errorf("audit rows for the org: %q", got)
	}

	t.Run("auditor changes nothing", func(t *testing.T) {
		a, ac := a.With(t), ac.With(t)
		ids := map[string]string{"/orgs/": id, "/users/": strconv.FormatInt(officer.ID, 10)}
		tried := 0
		for _, p := range a.Router.Patterns() {
			method, path, _ := strings.Cut(p, " ")
			if method == "GET" || auditorMayPost[p] {
				continue
			}
			concrete := path
			for prefix, v := range ids {
				if strings.Contains(path, prefix) {
					concrete = pathParamRE.ReplaceAllString(path, v)
				}
			}
			concrete = pathParamRE.ReplaceAllString(concrete, "1")
			var body any = auditorBodies[p]
			if body == nil && strings.HasPrefix(path, "/api/") {
				body = "{}"
			} else if body == nil {
				body = form()
			}
			orgs, users, audits, v := a.Count("orgs"), a.Count("users"), a.Count("audit_log"), a.Org(o.ID).Version
			r := ac.Do(method, concrete, body)
			tried++
			if r.Status != 403 {
				t.Errorf("auditor %s %s: %d, want 403: %.200s", method, concrete, r.Status, r.Body)
			}
			if a.Count("orgs") != orgs || a.Count("users") != users || a.Count("audit_log") != audits || a.Org(o.ID).Version != v {
				t.Errorf("auditor %s %s changed something", method, concrete)
			}
		}
		if tried < len(auditorBodies) {
			t.Errorf("only %d writes tried, want at least %d", tried, len(auditorBodies))
		}
		// outside the auditor's scope a write is refused the same way as
		// inside it, so the answer reveals nothing about the object; reading
		// it answers not found.
		r := ac.Do("PATCH", "/api/v1/orgs/"+strconv.FormatInt(foreign.ID, 10), map[string]any{"members": 1})
		if r.Status != 403 || r.Error().Code != "forbidden" {
			t.Errorf("auditor PATCH outside scope: %d, want 403", r.Status)
		}
		if r := ac.Do("GET", "/api/v1/orgs/"+strconv.FormatInt(foreign.ID, 10), nil); r.Status != 404 {
			t.Errorf("auditor GET outside scope: %d, want 404", r.Status)
		}
	})

	t.Run("verify", func(t *testing.T) {
		a := a.With(t)
		if res := run("", "audit", "verify", "--db", a.DBURL); res.code != 0 || !strings.Contains(res.stdout, "intact") {
			t.Fatalf("verify on an intact log: %d %s %s", res.code, res.stdout, res.stderr)
		}
		disable := `DROP TRIGGER audit_log_no_update`
		if a.DB.Engine == "postgres" {
			disable = `ALTER TABLE audit_log DISABLE TRIGGER USER`
		}
		if _, err := a.DB.Write.Exec(disable); err != nil {
			t.Fatal(err)
		}
		if _, err := a.DB.Write.Exec(`UPDATE audit_log SET username = 'mallory' WHERE seq = 3`); err != nil {
			t.Fatal(err)
		}
		res := run("", "audit", "verify", "--db", a.DBURL)
		if res.code == 0 || !strings.Contains(res.stderr, "audit row 3") {
			t.Errorf("verify after tampering with row 3: exit %d, stderr %q", res.code, res.stderr)
		}
	})
}

// auditorMayPost are the writes an auditor makes to their own account: sign
// in and out, and API tokens for reading the log from scripts.
var auditorMayPost = map[string]bool{
	"POST /login": true, "POST /logout": true, "POST /api/v1/session": true, "DELETE /api/v1/session": true,
	"POST /tokens": true, "POST /tokens/{id}/revoke": true, "POST /api/v1/tokens": true, "DELETE /api/v1/tokens/{id}": true,
	// the second factor: the sign-in's second step and the auditor's own enrolment
	"POST /login/totp": true, "POST /account/2fa": true, "POST /api/v1/me/totp": true, "POST /api/v1/me/totp/confirm": true,
}

// auditorBodies are bodies that would succeed for an officer, so that a 403
// proves the auditor is refused for who they are, not for what they sent.
// Other routes get "{}" (JSON) or an empty form; a capability adds its
// bodies from an init func in its own test file.
var auditorBodies = map[string]any{
	"POST /api/v1/orgs":                  apptest.OrgInput("审计员的组织", wushanComm),
	"POST /orgs":                         orgForm("审计员的组织"),
	"PATCH /api/v1/orgs/{id}":            map[string]any{"members": 99},
	"POST /orgs/{id}":                    orgForm("审计员改的名"),
	"POST /api/v1/orgs/{id}/transitions": map[string]string{"action": "suspend", "reason": "审计"},
	"POST /orgs/{id}/transitions":        form("action", "suspend", "reason", "审计"),
	"POST /api/v1/users": auth.NewUser{Username: "auditor-made", Role: auth.StreetOfficer, ScopeCode: wushan,
		Password: "long-enough-1"},
	"POST /users":               form("username", "auditor-made", "role", "street_officer", "scope_code", wushan, "password", "long-enough-1"),
	"PATCH /api/v1/users/{id}":  map[string]any{"disabled": true},
	"POST /users/{id}/disabled": form("disabled", "1"),
	"POST /users/{id}/password": form("password", "taken-over-1"),
}
