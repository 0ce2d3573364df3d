package audit_test

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"linli/internal/platform/audit"
	"linli/internal/platform/db"
	"linli/internal/platform/db/dbtest"
)

var t0 = time.Date(2021, 9, 1, 9, 0, 0, 0, time.UTC)

// write appends n rows, one a minute, alternating two scopes and users.
func write(t *testing.T, d *db.DB, n int) {
	t.Helper()
	ctx := context.Background()
	for i := range n {
		scope, user := "440106008007", audit.Actor{UserID: 1, Username: "street", IP: "10.0.0.1"}
		if i%2 == 1 {
			scope, user = "440105001101", audit.Actor{UserID: 2, Username: "haizhu"}
		}
		err := d.Tx(ctx, func(tx *sql.Tx) error {
			return audit.Record(ctx, tx, t0.Add(time.Duration(i)*time.Minute), user, audit.Entry{
				Action: "org.update", ObjectType: "org", ObjectID: strconv.Itoa(i + 1), ScopeCode: scope,
				Detail: map[string]any{"name": []string{"旧名", fmt.Sprintf("新名%d", i)}}})
		})
		if err != nil {
			t.Fatal(err)
		}
	}
}

func verify(t *testing.T, d *db.DB) (int64, *audit.Problem) {
	t.Helper()
	n, p, err := audit.Verify(context.Background(), d.Read)
	if err != nil {
		t.Fatal(err)
	}
	return n, p
}

// unprotect lifts the append-only triggers, as an intruder with database
// access would.
func unprotect(t *testing.T, d *db.DB) {
	t.Helper()
	stmts := []string{`DROP TRIGGER audit_log_no_update`, `DROP TRIGGER audit_log_no_delete`}
	if d.Engine == db.Postgres {
		stmts = []string{`ALTER TABLE audit_log DISABLE TRIGGER USER`}
	}
	for _, s := range stmts {
		if _, err := d.Write.Exec(s); err != nil {
			t.Fatal(err)
		}
	}
}

func TestVerifyIntactChain(t *testing.T) {
	d := dbtest.Open(t)
	t.Run("empty", func(t *testing.T) {
		if n, p := verify(t, d); n != 0 || p != nil {
			t.Fatalf("empty log: %d rows, %v", n, p)
		}
	})
	write(t, d, 6)
	t.Run("six rows", func(t *testing.T) {
		if n, p := verify(t, d); n != 6 || p != nil {
			t.Fatalf("%d rows, %v", n, p)
		}
	})
}

func TestAppendOnly(t *testing.T) {
	d := dbtest.Open(t)
	write(t, d, 2)
	for _, s := range []string{
		`UPDATE audit_log SET detail = '{}' WHERE seq = 1`,
		`DELETE FROM audit_log WHERE seq = 1`,
	} {
		t.Run(strings.Fields(s)[0], func(t *testing.T) {
			if _, err := d.Write.Exec(s); err == nil || !strings.Contains(err.Error(), "append-only") {
				t.Fatalf("want append-only refusal, got %v", err)
			}
		})
	}
}

func TestVerifyDetectsTampering(t *testing.T) {
	cases := []struct {
		name    string
		sql     string
		wantSeq int64
		reason  string
	}{
		{"changed detail", `UPDATE audit_log SET detail = '{"name":["旧名","改过"]}' WHERE seq = 3`, 3, "altered"},
		{"changed user", `UPDATE audit_log SET username = 'nobody' WHERE seq = 2`, 2, "altered"},
		{"changed and rehashed", `UPDATE audit_log SET action = 'org.view', hash = 'abc' WHERE seq = 4`, 4, "altered"},
		{"middle row deleted", `DELETE FROM audit_log WHERE seq = 3`, 3, "missing"},
		{"last row deleted", `DELETE FROM audit_log WHERE seq = 5`, 5, "removed from the end"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			d := dbtest.Open(t)
			write(t, d, 5)
			unprotect(t, d)
			if _, err := d.Write.Exec(c.sql); err != nil {
				t.Fatal(err)
			}
			_, p := verify(t, d)
			if p == nil || p.Seq != c.wantSeq || !strings.Contains(p.Reason, c.reason) {
				t.Fatalf("want problem at %d (%s), got %v", c.wantSeq, c.reason, p)
			}
		})
	}
	t.Run("rehashed row breaks the next link", func(t *testing.T) {
		d := dbtest.Open(t)
		write(t, d, 5)
		unprotect(t, d)
		// An intruder who changes row 2 and recomputes its hash still breaks
		// the link from row 3.
		rows, err := audit.List(context.Background(), d.Read, audit.Filter{ObjectID: "2"})
		if err != nil || len(rows) != 1 {
			t.Fatal(rows, err)
		}
		r := rows[0]
		r.Detail = []byte(`{"name":["旧名","伪造"]}`)
		if _, err := d.Write.Exec(`UPDATE audit_log SET detail = $1, hash = $2 WHERE seq = 2`,
			string(r.Detail), rehash(r, prevHash(t, d, 2))); err != nil {
			t.Fatal(err)
		}
		_, p := verify(t, d)
		if p == nil || p.Seq != 3 || !strings.Contains(p.Reason, "link") {
			t.Fatalf("want a broken link at 3, got %v", p)
		}
	})
}

func prevHash(t *testing.T, d *db.DB, seq int64) string {
	t.Helper()
	var h string
	if err := d.Read.QueryRow(`SELECT prev_hash FROM audit_log WHERE seq = $1`, seq).Scan(&h); err != nil {
		t.Fatal(err)
	}
	return h
}

// rehash is the chain's hash, as an intruder who read the code would compute it.
func rehash(r audit.Row, prev string) string {
	h := sha256.New()
	for _, s := range []string{prev, strconv.FormatInt(r.Seq, 10), r.At.UTC().Format(time.RFC3339Nano),
		strconv.FormatInt(r.UserID, 10), r.Username, r.IP, r.Action, r.ObjectType, r.ObjectID, r.ScopeCode,
		string(r.Detail)} {
		fmt.Fprintf(h, "%d:%s\n", len(s), s)
	}
	return hex.EncodeToString(h.Sum(nil))
}

func TestConcurrentAppendsMakeOneChain(t *testing.T) {
	d := dbtest.Open(t)
	ctx := context.Background()
	var wg sync.WaitGroup
	errc := make(chan error, 40)
	for g := range 8 {
		wg.Go(func() {
			for i := range 5 {
				errc <- d.Tx(ctx, func(tx *sql.Tx) error {
					return audit.Record(ctx, tx, time.Now(), audit.Actor{Username: "w" + strconv.Itoa(g)},
						audit.Entry{Action: "test", ObjectType: "x", ObjectID: strconv.Itoa(i)})
				})
			}
		})
	}
	wg.Wait()
	close(errc)
	for err := range errc {
		if err != nil {
			t.Fatal(err)
		}
	}
	if n, p := verify(t, d); n != 40 || p != nil {
		t.Fatalf("%d rows, %v", n, p)
	}
}

func TestList(t *testing.T) {
	d := dbtest.Open(t)
	write(t, d, 10)
	ctx := context.Background()
	cases := []struct {
		name string
		f    audit.Filter
		want string // seqs, newest first
	}{
		{"all, newest first", audit.Filter{}, "10,9,8,7,6,5,4,3,2,1"},
		{"limit", audit.Filter{Limit: 3}, "10,9,8"},
		{"before", audit.Filter{BeforeSeq: 4}, "3,2,1"},
		{"scope", audit.Filter{Scope: "440106"}, "9,7,5,3,1"},
		{"scope is a prefix, not a substring", audit.Filter{Scope: "4401060"}, "9,7,5,3,1"},
		{"other district", audit.Filter{Scope: "440107"}, ""},
		{"user", audit.Filter{UserID: 2}, "10,8,6,4,2"},
		{"username", audit.Filter{Username: "street", Limit: 2}, "9,7"},
		{"object", audit.Filter{ObjectType: "org", ObjectID: "4"}, "4"},
		{"time range", audit.Filter{From: t0.Add(2 * time.Minute), To: t0.Add(5 * time.Minute)}, "5,4,3"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			rows, err := audit.List(ctx, d.Read, c.f)
			if err != nil {
				t.Fatal(err)
			}
			var seqs []string
			for _, r := range rows {
				seqs = append(seqs, strconv.FormatInt(r.Seq, 10))
			}
			if got := strings.Join(seqs, ","); got != c.want {
				t.Fatalf("got %s, want %s", got, c.want)
			}
		})
	}
	t.Run("rows read back as written", func(t *testing.T) {
		rows, err := audit.List(ctx, d.Read, audit.Filter{ObjectID: "1"})
		if err != nil || len(rows) != 1 {
			t.Fatalf("%v %v", rows, err)
		}
		r := rows[0]
		if !r.At.Equal(t0) || r.Username != "street" || r.IP != "10.0.0.1" || r.UserID != 1 ||
			string(r.Detail) != `{"name":["旧名","新名0"]}` || r.ScopeCode != "440106008007" {
			t.Fatalf("%+v", r)
		}
	})
}
