package app_test

import (
	"bytes"
	"context"
	"os"
	"strconv"
	"strings"
	"testing"

	"linli/internal/app/apptest"
	"linli/internal/platform/auth"
	"linli/internal/platform/db"
	"linli/internal/platform/pii"
	"linli/internal/registry"
)

// TestPersonalDataEncryptedAtRest (issue 18, failure 9): phones and ID
// numbers written through every room that keeps them are not in the
// database in clear — not in the SQLite file nor its WAL, not in any
// PostgreSQL table's text — while their managers still read them whole,
// others masked, and exact lookups go through the keyed hash. Rows left in
// clear (written before migration 026) are sealed at start.
func TestPersonalDataEncryptedAtRest(t *testing.T) {
	a := apptest.New(t)
	officer := a.User(auth.StreetOfficer, wushan)
	c := a.As(officer)
	p := piiNumbers{leader: "13912345678", volunteer: "13787654321", person: "13566778899", idNumber: "11010519491231002X",
		contact: "13655443322", served: "13611220033"}
	leaderPhone, personPhone := p.leader, p.person
	org := writePII(t, a, officer, c, "明文", p)
	// the manager reads the phone whole; the audit log and history hold none
	var got struct {
		LeaderPhone string `json:"leader_phone"`
	}
	c.Do("GET", "/api/v1/orgs/"+strconv.FormatInt(org.ID, 10), nil).Decode(&got)
	if got.LeaderPhone != leaderPhone {
		t.Errorf("the managing officer reads %q, want %q", got.LeaderPhone, leaderPhone)
	}
	// a viewer who does not manage it sees it masked, as before
	aud := a.As(a.User(auth.Auditor, tianhe))
	aud.Do("GET", "/api/v1/orgs/"+strconv.FormatInt(org.ID, 10), nil).Decode(&got)
	if got.LeaderPhone == leaderPhone || !strings.Contains(got.LeaderPhone, "*") {
		t.Errorf("the auditor reads %q, want it masked", got.LeaderPhone)
	}
	// exact lookups: the keyed hash is beside each sealed value
	var hash string
	a.DB.Read.QueryRow(`SELECT phone_hash FROM people WHERE phone_hash <> ''`).Scan(&hash)
	if hash != pii.Hash(personPhone) {
		t.Errorf("people.phone_hash = %q, want the keyed hash of the phone", hash)
	}
	secrets := p.all()
	checkNoClear(t, a, secrets)

	// a row left in clear (before migration 026) is sealed at start
	const old = "13700001111"
	if _, err := a.DB.Write.Exec(`UPDATE orgs SET leader_phone = $1, leader_phone_hash = '' WHERE id = $2`, old, org.ID); err != nil {
		t.Fatal(err)
	}
	n, err := pii.EncryptExisting(context.Background(), a.DB, pii.CurrentKeys())
	if err != nil || n != 1 {
		t.Fatalf("encrypt existing: %d %v", n, err)
	}
	var stored, sh string
	a.DB.Read.QueryRow(`SELECT leader_phone, leader_phone_hash FROM orgs WHERE id = $1`, org.ID).Scan(&stored, &sh)
	if !pii.Sealed(stored) || sh != pii.Hash(old) || a.Org(org.ID).LeaderPhone != old {
		t.Errorf("after sealing: stored %q hash %q, reads %q", stored, sh, a.Org(org.ID).LeaderPhone)
	}
	checkNoClear(t, a, append(secrets, old))

	// a wrong key is refused at start instead of reading garbage
	if err := pii.CheckKey(context.Background(), a.DB, &pii.Keys{Boxes: []*pii.Box{pii.FromKey(make([]byte, pii.KeySize))}}); err == nil {
		t.Error("a wrong data key was accepted")
	}
}

// checkNoClear looks for each value in the raw database: the SQLite file
// and its WAL byte for byte, or every PostgreSQL table of the test's schema
// as text.
func checkNoClear(t *testing.T, a *apptest.App, values []string) {
	t.Helper()
	if a.DB.Engine == db.SQLite {
		path := strings.TrimPrefix(strings.TrimPrefix(a.DBURL, "sqlite:"), "//")
		for _, f := range []string{path, path + "-wal"} {
			data, err := os.ReadFile(f)
			if err != nil {
				if f == path || !os.IsNotExist(err) {
					t.Fatal(err)
				}
				continue
			}
			for _, v := range values {
				if bytes.Contains(data, []byte(v)) {
					t.Errorf("%s holds %s in clear", f, v)
				}
			}
		}
		return
	}
	rows, err := a.DB.Read.Query(`SELECT table_name FROM information_schema.tables
		WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'`)
	if err != nil {
		t.Fatal(err)
	}
	var tables []string
	for rows.Next() {
		var n string
		rows.Scan(&n)
		tables = append(tables, n)
	}
	rows.Close()
	if len(tables) < 20 {
		t.Fatalf("only %d tables in the schema", len(tables))
	}
	for _, tb := range tables {
		var dump string
		if err := a.DB.Read.QueryRow(`SELECT COALESCE(string_agg(t::text, E'\n'), '') FROM "` + tb + `" t`).Scan(&dump); err != nil {
			t.Fatalf("dump %s: %v", tb, err)
		}
		for _, v := range values {
			if strings.Contains(dump, v) {
				t.Errorf("table %s holds %s in clear", tb, v)
			}
		}
	}
}

// piiNumbers are the personal numbers writePII files through every room
// that keeps them.
type piiNumbers struct{ leader, volunteer, person, idNumber, contact, served string }

func (p piiNumbers) all() []string {
	return []string{p.leader, p.volunteer, p.person, p.idNumber, p.contact, p.served}
}

// writePII files, as officer (signed in as c), an organization led by
// p.leader, and through the API a volunteer, a key person, an emergency
// contact and a beneficiary carrying the other numbers of p, all named
// after tag.
func writePII(t *testing.T, a *apptest.App, officer *auth.User, c *apptest.Client, tag string, p piiNumbers) *registry.Org {
	t.Helper()
	in := apptest.OrgInput(tag+"检测舞蹈队", wushanComm)
	in.LeaderPhone = p.leader
	org := a.CreateOrg(officer, in)
	for _, w := range []struct {
		path string
		body any
	}{
		{"/api/v1/volunteers", map[string]any{"name": "志愿者" + tag, "phone": p.volunteer, "community_code": wushanComm, "org_ids": []int64{org.ID}}},
		{"/api/v1/people", map[string]any{"name": "骨干" + tag, "phone": p.person, "id_number": p.idNumber, "role": "队长", "community_code": wushanComm}},
		{"/api/v1/emergency/contacts", map[string]any{"community_code": wushanComm, "hazard": "natural", "name": "联络人" + tag,
			"phone": p.contact, "duty": "转移", "checked_on": "2023-06-01"}},
		{"/api/v1/beneficiaries", map[string]any{"name": "服务对象" + tag, "phone": p.served, "community_code": wushanComm}},
	} {
		if r := c.Do("POST", w.path, w.body); r.Status != 201 {
			t.Fatalf("POST %s: %d %s", w.path, r.Status, r.Body)
		}
	}
	return org
}
