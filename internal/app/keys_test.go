package app_test

import (
	"context"
	"os"
	"strconv"
	"strings"
	"testing"

	"linli/internal/app"
	"linli/internal/app/apptest"
	"linli/internal/platform/auth"
	"linli/internal/platform/db"
	"linli/internal/platform/pii"
)

// TestKeyRotation (issue 18): personal fields and second-factor secrets
// sealed under key A are sealed again under a new key B by "linli keys
// rotate" — stopped half-way and resumed, with both keys reading
// throughout — the keyed hashes follow the new key, the database holds no
// phone in clear, and after "linli keys retire" key B alone opens
// everything while key A is refused.
func TestKeyRotation(t *testing.T) {
	ctx := context.Background()
	a := apptest.New(t)
	keyFile := app.DefaultKeyFile(a.DBURL)
	keyA := pii.FromKey(apptest.TestKey[:])
	officer := a.User(auth.StreetOfficer, wushan)
	c := a.As(officer)
	want := map[string]string{} // table.column#id → plain value
	p := piiNumbers{leader: "13922223333", volunteer: "13744445555", person: "13566667777", idNumber: "11010519491231002X",
		contact: "13688889999", served: "13600001234"}
	leaderPhone, personPhone := p.leader, p.person
	org := writePII(t, a, officer, c, "轮换", p)
	auditor := a.User(auth.Auditor, tianhe) // enrolled: a sealed second-factor secret

	// every sealed value in the database, opened under key A
	for _, col := range pii.Sealing() {
		rows, err := a.DB.Read.Query(`SELECT id, ` + col.Col + ` FROM ` + col.Table + ` WHERE ` + col.Col + ` <> ''`)
		if err != nil {
			t.Fatal(err)
		}
		if err := db.EachPair(rows, func(id int64, v string) {
			p, err := keyA.Open(v)
			if err != nil || !strings.HasPrefix(v, keyA.Tag()) {
				t.Fatalf("%s.%s %d: %q under key A: %v", col.Table, col.Col, id, v, err)
			}
			want[col.Table+"."+col.Col+"#"+strconv.FormatInt(id, 10)] = p
		}); err != nil {
			t.Fatal(err)
		}
	}
	for _, p := range p.all() {
		found := false
		for _, v := range want {
			found = found || v == p
		}
		if !found {
			t.Fatalf("%s is not among the sealed values", p)
		}
	}

	// a rotation stopped after its first batch: key B in front of the file,
	// one organization sealed under it, the rest still under A
	rawB, _ := pii.NewKey()
	keyB := pii.FromKey(rawB)
	if err := pii.ReplaceKeyFile(keyFile, [][]byte{rawB, apptest.TestKey[:]}); err != nil {
		t.Fatal(err)
	}
	both, _ := pii.NewKeys(rawB, apptest.TestKey[:])
	if n, _, err := pii.RotateBatch(ctx, a.DB, both, pii.Columns[0], 0, 1); err != nil || n != 1 {
		t.Fatalf("first batch: %d %v", n, err)
	}
	if r := run("", "keys", "status", "--db", a.DBURL); r.code != 0 || strings.Contains(r.stdout, "\n0 values left") {
		t.Fatalf("status half-way: %d %s %s", r.code, r.stdout, r.stderr)
	}
	// the server, started with key A only, reads the value under B (it
	// reads the key file again) and the ones still under A
	var got struct {
		LeaderPhone string `json:"leader_phone"`
	}
	c.Do("GET", "/api/v1/orgs/"+strconv.FormatInt(org.ID, 10), nil).Decode(&got)
	if got.LeaderPhone != leaderPhone {
		t.Errorf("half-way, the leader's phone reads %q", got.LeaderPhone)
	}
	if o := a.Org(org.ID); o.LeaderPhone != leaderPhone {
		t.Errorf("half-way, the store reads %q", o.LeaderPhone)
	}

	// resumed: the file's front key stays the sealing key (no third key)
	r := run("", "keys", "rotate", "--batch", "2", "--db", a.DBURL)
	if r.code != 0 || !strings.Contains(r.stdout, "under key "+keyB.ID()) {
		t.Fatalf("keys rotate: %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	if r := run("", "keys", "status", "--db", a.DBURL); r.code != 0 || !strings.Contains(r.stdout, "\n0 values left") {
		t.Fatalf("status after: %d %s %s", r.code, r.stdout, r.stderr)
	}
	// everything readable through the product, sign-in with the second
	// factor included, and the keyed hash finds the person
	c.Do("GET", "/api/v1/orgs/"+strconv.FormatInt(org.ID, 10), nil).Decode(&got)
	if got.LeaderPhone != leaderPhone {
		t.Errorf("after rotation, the leader's phone reads %q", got.LeaderPhone)
	}
	if r := a.As(auditor).Do("GET", "/api/v1/me", nil); r.Status != 200 {
		t.Errorf("the auditor's sign-in with the second factor after rotation: %d %s", r.Status, r.Body)
	}
	match, args := pii.HashIn("phone_hash", personPhone, nil)
	var n int
	a.DB.Read.QueryRow(`SELECT COUNT(*) FROM people WHERE `+match, args...).Scan(&n)
	if n != 1 {
		t.Errorf("lookup by the keyed hash finds %d people", n)
	}
	checkNoClear(t, a, p.all())

	// retire: the file holds B alone; A is set aside for older backups
	if r := run("", "keys", "retire", "--db", a.DBURL); r.code != 0 {
		t.Fatalf("keys retire: %d %s %s", r.code, r.stdout, r.stderr)
	}
	t.Cleanup(func() { os.Remove(keyFile + ".retired-" + keyA.ID()) })
	raw, err := pii.ReadKeyFile(keyFile)
	if err != nil || len(raw) != 1 || pii.FromKey(raw[0]).ID() != keyB.ID() {
		t.Fatalf("key file after retire: %d keys, %v", len(raw), err)
	}
	if old, err := pii.ReadKeyFile(keyFile + ".retired-" + keyA.ID()); err != nil || len(old) != 1 || pii.FromKey(old[0]).ID() != keyA.ID() {
		t.Fatalf("the retired key A: %v", err)
	}
	onlyB := &pii.Keys{Boxes: []*pii.Box{keyB}}
	onlyA := &pii.Keys{Boxes: []*pii.Box{keyA}}
	if err := pii.CheckKey(ctx, a.DB, onlyB); err != nil {
		t.Errorf("key B alone: %v", err)
	}
	if err := pii.CheckKey(ctx, a.DB, onlyA); err == nil {
		t.Error("key A alone is still accepted after the rotation")
	}
	seen := 0
	for _, col := range pii.Sealing() {
		rows, err := a.DB.Read.Query(`SELECT id, ` + col.Col + `, ` + hashOrEmpty(col) + ` FROM ` + col.Table + ` WHERE ` + col.Col + ` <> ''`)
		if err != nil {
			t.Fatal(err)
		}
		for rows.Next() {
			var id int64
			var v, h string
			rows.Scan(&id, &v, &h)
			k := col.Table + "." + col.Col + "#" + strconv.FormatInt(id, 10)
			p, err := keyB.Open(v)
			if err != nil || p != want[k] {
				t.Errorf("%s: key B opens %q (%v), want %q", k, p, err, want[k])
			}
			if _, err := keyA.Open(v); err == nil {
				t.Errorf("%s still opens with key A", k)
			}
			if col.HashCol != "" && h != keyB.Hash(p) {
				t.Errorf("%s: hash not recomputed under key B", k)
			}
			seen++
		}
		rows.Close()
	}
	if seen != len(want) {
		t.Errorf("%d sealed values after rotation, %d before", seen, len(want))
	}
	if r := run("", "keys", "retire", "--db", a.DBURL); r.code != 0 || !strings.Contains(r.stdout, "nothing to retire") {
		t.Errorf("a second retire: %d %s %s", r.code, r.stdout, r.stderr)
	}
}

func hashOrEmpty(c pii.Column) string {
	if c.HashCol == "" {
		return "''"
	}
	return c.HashCol
}
