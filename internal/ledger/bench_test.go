package ledger_test

import (
	"bytes"
	"context"
	"database/sql"
	"fmt"
	"net/url"
	"os"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"

	"linli/internal/app"
	"linli/internal/bench"
	"linli/internal/ledger"
	"linli/internal/platform/auth"
	"linli/internal/platform/db"
	"linli/internal/platform/db/dbtest"
)

// Measured, never asserted:
//
//	go test -run '^$' -bench 'Post' -benchtime 2000x ./internal/ledger/
//	LINLI_BENCH_POSTINGS=1000000 go test -run '^$' -bench 'Verify' -benchtime 1x -timeout 1h ./internal/ledger/
//
// and the same with LINLI_TEST_POSTGRES set for PostgreSQL.

func incomeInput(i int) ledger.IncomeInput {
	return ledger.IncomeInput{Amount: ledger.Fen(100 + i%997), Source: ledger.Sources[i%len(ledger.Sources)],
		Voucher: "B-" + strconv.Itoa(i), ReceivedOn: "2023-06-15"}
}

// benchApp is the PostgreSQL application_name of a benchmark's
// connections, by which it finds its own server processes among those of
// other tests on the same server (every test's schema is in one database).
var benchApp = "linli-ledger-bench-" + strconv.Itoa(os.Getpid())

// benchURL names a benchmark's PostgreSQL connections benchApp.
func benchURL(dbURL string) string {
	if !strings.HasPrefix(dbURL, "postgres") {
		return dbURL
	}
	u, err := url.Parse(dbURL)
	if err != nil {
		return dbURL
	}
	q := u.Query()
	q.Set("application_name", benchApp)
	u.RawQuery = q.Encode()
	return u.String()
}

// cost is what a run of n operations took: wall time, this process's
// processor time, the database server's (PostgreSQL on this machine; 0 on
// SQLite, whose work is the process's own) and the round trips.
type cost struct {
	wall, cpu, server time.Duration
	trips             int64
	n                 int
}

// measure runs op n times and says what it cost.
func measure(f *fixture, server func() time.Duration, n int, op func(i int) error) (cost, error) {
	t0, cpu0, pg0, trips0 := time.Now(), bench.CPUTime(), server(), f.db.RoundTrips()
	for i := range n {
		if err := op(i); err != nil {
			return cost{}, err
		}
	}
	return cost{wall: time.Since(t0), cpu: bench.CPUTime() - cpu0, server: server() - pg0,
		trips: f.db.RoundTrips() - trips0, n: n}, nil
}

func (c cost) rate() float64 { return float64(c.n) / c.wall.Seconds() }

func (c cost) per(d time.Duration) float64 { return float64(d.Microseconds()) / float64(c.n) }

// BenchmarkPostSequential is one client recording income, one posting per
// request (balanced lines, chain, balances, audit row, one commit). In the
// same run, on the same database and connection settings, it measures the
// engine's durable commits (a 1-row INSERT per commit through the same
// writer, as the bench's anchor does) and reports the postings as a share of
// them, and the processor time of each: this process's (cpu-µs/op) and,
// on PostgreSQL, the server's (pg-cpu-µs/op).
func BenchmarkPostSequential(b *testing.B) {
	f := setup(b)
	server := func() time.Duration { return 0 }
	if f.db.Engine == db.Postgres {
		server = bench.BackendCPU(f.db, benchApp)
	}
	if _, err := f.db.Write.ExecContext(f.ctx, `CREATE TABLE bench_commit (id BIGINT PRIMARY KEY, v TEXT NOT NULL)`); err != nil {
		b.Fatal(err)
	}
	commits, err := measure(f, server, b.N, func(i int) error {
		_, err := f.db.Write.ExecContext(f.ctx, `INSERT INTO bench_commit (id, v) VALUES ($1, $2)`, i+1, "posting")
		return err
	})
	if err != nil {
		b.Fatal(err)
	}
	orgs := []int64{f.orgA.ID, f.orgB.ID}
	b.ResetTimer()
	posts, err := measure(f, server, b.N, func(i int) error {
		_, err := f.led.RecordIncome(f.ctx, f.staff1, orgs[i%2], incomeInput(i), nil)
		return err
	})
	if err != nil {
		b.Fatal(err)
	}
	b.StopTimer()
	b.ReportMetric(posts.rate(), "postings/s")
	b.ReportMetric(commits.rate(), "commits/s")
	b.ReportMetric(100*posts.rate()/commits.rate(), "%commits")
	b.ReportMetric(posts.per(posts.cpu), "cpu-µs/op")
	b.ReportMetric(commits.per(commits.cpu), "commit-cpu-µs/op")
	if f.db.Engine == db.Postgres {
		b.ReportMetric(posts.per(posts.server), "pg-cpu-µs/op")
		b.ReportMetric(commits.per(commits.server), "commit-pg-cpu-µs/op")
	}
	b.ReportMetric(float64(posts.trips)/float64(posts.n), "trips/op")
	if f.db.Engine == db.SQLite {
		// WAL frames: pages each commit writes to the log, counted over a
		// further run of each with automatic checkpoints off.
		n := min(b.N, 500)
		cf, err := walFrames(f, n, func(i int) error {
			_, err := f.db.Write.ExecContext(f.ctx, `INSERT INTO bench_commit (id, v) VALUES ($1, $2)`, b.N+i+1, "posting")
			return err
		})
		if err != nil {
			b.Fatal(err)
		}
		pf, err := walFrames(f, n, func(i int) error {
			_, err := f.led.RecordIncome(f.ctx, f.staff1, orgs[i%2], incomeInput(b.N+i), nil)
			return err
		})
		if err != nil {
			b.Fatal(err)
		}
		b.ReportMetric(pf, "wal-pages/op")
		b.ReportMetric(cf, "commit-wal-pages/op")
	}
	f.verify(b)
}

// walFrames runs op n times on SQLite with automatic checkpoints off and
// says how many pages each run wrote to the write-ahead log.
func walFrames(f *fixture, n int, op func(i int) error) (float64, error) {
	ctx, w := f.ctx, f.db.Write
	if _, err := w.ExecContext(ctx, `PRAGMA wal_checkpoint(TRUNCATE)`); err != nil {
		return 0, err
	}
	if _, err := w.ExecContext(ctx, `PRAGMA wal_autocheckpoint = 0`); err != nil {
		return 0, err
	}
	defer w.ExecContext(ctx, `PRAGMA wal_autocheckpoint = 1000`)
	for i := range n {
		if err := op(i); err != nil {
			return 0, err
		}
	}
	var busy, frames, done int
	if err := w.QueryRowContext(ctx, `PRAGMA wal_checkpoint(PASSIVE)`).Scan(&busy, &frames, &done); err != nil {
		return 0, err
	}
	return float64(frames) / float64(n), nil
}

// BenchmarkPostConcurrent16 is 16 clients at once: all recording income
// ("income"), or half recording income and half approving expenses, each
// approval a posting that must not overdraw ("mixed").
func BenchmarkPostConcurrent16(b *testing.B) {
	b.Run("income", func(b *testing.B) { benchConcurrent(b, false) })
	b.Run("mixed", func(b *testing.B) { benchConcurrent(b, true) })
}

func benchConcurrent(b *testing.B, mixed bool) {
	f := setup(b)
	const clients = 16
	orgs := []int64{f.orgA.ID, f.orgB.ID}
	leaders := []*auth.User{f.leaderA, f.leaderB}
	var expenses []int64
	if mixed { // money first, then the expenses the approvers work through
		for _, o := range orgs {
			f.income(b, f.staff1, o, ledger.Fen(1000*b.N+1000))
		}
		for i := 0; i < b.N/2+clients; i++ {
			expenses = append(expenses, f.expense(b, leaders[i%2], orgs[i%2], 1000, "bench").ID)
		}
	}
	var next, done int
	var mu sync.Mutex
	b.ResetTimer()
	var wg sync.WaitGroup
	for c := range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			staff := []*auth.User{f.staff1, f.staff2}[c%2]
			for {
				mu.Lock()
				if done >= b.N {
					mu.Unlock()
					return
				}
				i := done
				done++
				eid := int64(0)
				if mixed && i%2 == 1 {
					eid = expenses[next]
					next++
				}
				mu.Unlock()
				var err error
				if eid == 0 {
					_, err = f.led.RecordIncome(context.Background(), staff, orgs[i/2%2], incomeInput(i), nil)
				} else {
					_, err = f.led.ApproveExpense(context.Background(), staff, eid)
				}
				if err != nil {
					b.Error(err)
					return
				}
			}
		}()
	}
	wg.Wait()
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "postings/s")
	b.StopTimer()
	f.verify(b)
}

// benchPostings is how many postings the verify benchmarks load.
func benchPostings() int { return dbtest.Size("LINLI_BENCH_POSTINGS", 100_000) }

// BenchmarkVerify checks a ledger of LINLI_BENCH_POSTINGS postings (100,000
// by default), bulk-loaded with a valid chain outside the timer.
func BenchmarkVerify(b *testing.B) {
	f := setup(b)
	n := benchPostings()
	start := time.Now()
	loadPostings(b, f, n)
	b.Logf("%s: loaded %d postings (%d lines) in %s", f.db.Engine, n, 2*n, time.Since(start).Round(time.Millisecond))
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		rep, err := ledger.Verify(f.ctx, f.db)
		if err != nil || rep.Problem != nil || rep.Postings != int64(n) {
			b.Fatalf("verify: %+v %v", rep, err)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Milliseconds())/float64(b.N), "ms/verify")
	b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "postings/s")
	b.StopTimer()
	// The command does the same, and says so.
	var out, errOut bytes.Buffer
	t0 := time.Now()
	code := app.Run(context.Background(), app.Env{Args: []string{"ledger", "verify", "--db", f.url}, Stdout: &out, Stderr: &errOut,
		Getenv: func(string) string { return "" }})
	if code != 0 {
		b.Fatalf("linli ledger verify: %d %s", code, errOut.String())
	}
	b.Logf("linli ledger verify: %s (wall %s)", strings.TrimSpace(out.String()), time.Since(t0).Round(time.Millisecond))
}

// loadPostings appends n postings with a valid hash chain straight into the
// tables: income and expenses alternating over A and B, so no balance is
// ever below zero; then sets the balances and the chain head.
func loadPostings(tb testing.TB, f *fixture, n int) {
	loadPostingsAs(tb, f, n, f.db.Engine == db.SQLite)
}

// loadPostingsAs is loadPostings writing each line's place in its posting
// as its id (SQLite since migration 054) or leaving the id to the table.
func loadPostingsAs(tb testing.TB, f *fixture, n int, lineNo bool) {
	tb.Helper()
	ctx := f.ctx
	acct := map[string]int64{}
	rows, err := f.db.Read.QueryContext(ctx, `SELECT id, kind, org_id FROM ledger_accounts WHERE hub_org_id = $1`, f.hubOrg.ID)
	if err != nil {
		tb.Fatal(err)
	}
	for rows.Next() {
		var id, org int64
		var kind string
		rows.Scan(&id, &kind, &org)
		acct[fmt.Sprintf("%s/%d", kind, org)] = id
	}
	rows.Close()
	cash := acct[fmt.Sprintf("cash/%d", f.hubOrg.ID)]
	funds := []int64{acct[fmt.Sprintf("funds/%d", f.orgA.ID)], acct[fmt.Sprintf("funds/%d", f.orgB.ID)]}
	orgs := []int64{f.orgA.ID, f.orgB.ID}
	var seq int64
	var prev string
	if err := f.db.Read.QueryRowContext(ctx, `SELECT seq, last_hash FROM ledger_head WHERE id = 1`).Scan(&seq, &prev); err != nil {
		tb.Fatal(err)
	}
	base := time.Date(2022, 1, 1, 0, 0, 0, 0, time.UTC)
	sums := map[int64]int64{}
	gen := func(i int) *ledger.Posting {
		seq++
		k := (i / 2) % 2
		p := &ledger.Posting{ID: seq, HubID: f.hubOrg.ID, OrgID: orgs[k], OccurredOn: base.AddDate(0, 0, i/5000).Format(time.DateOnly),
			CreatedAt: base.Add(time.Duration(i) * time.Millisecond), CreatedBy: f.staff1.ID, Username: f.staff1.Username, PrevHash: prev}
		if i%2 == 0 {
			p.Kind, p.Source, p.Voucher, p.Memo = ledger.PostIncome, "government_purchase", "V"+strconv.Itoa(i), "bulk income"
			p.Lines = []ledger.Line{{AccountID: cash, Amount: 1000}, {AccountID: funds[k], Amount: -1000}}
		} else {
			p.Kind, p.Memo, p.Payee = ledger.PostExpense, "bulk expense", "payee"
			p.Lines = []ledger.Line{{AccountID: funds[k], Amount: 400}, {AccountID: cash, Amount: -400}}
		}
		for _, l := range p.Lines {
			sums[l.AccountID] += int64(l.Amount)
		}
		p.Hash = ledger.HashPosting(p)
		prev = p.Hash
		return p
	}
	if f.db.Engine == db.Postgres {
		copyPostings(tb, f, n, gen)
	} else {
		insertPostings(tb, f, n, lineNo, gen)
	}
	err = f.db.Tx(ctx, func(tx *sql.Tx) error {
		for id, s := range sums {
			if _, err := tx.ExecContext(ctx, `UPDATE ledger_accounts SET balance_fen = balance_fen + $1 WHERE id = $2`, s, id); err != nil {
				return err
			}
		}
		_, err := tx.ExecContext(ctx, `UPDATE ledger_head SET seq = $1, last_hash = $2 WHERE id = 1`, seq, prev)
		return err
	})
	if err != nil {
		tb.Fatal(err)
	}
}

func insertPostings(tb testing.TB, f *fixture, n int, lineNo bool, gen func(int) *ledger.Posting) {
	// SQLite binds "?" far faster than "$n" in long statements; the loader
	// is test code for one engine, so it uses them, prepared once.
	const batch = 100
	rowsSQL := func(head string, cols, rows int) string {
		one := "(" + strings.TrimSuffix(strings.Repeat("?,", cols), ",") + ")"
		return head + strings.TrimSuffix(strings.Repeat(one+",", rows), ",")
	}
	pHead := `INSERT INTO postings (id, hub_org_id, org_id, kind, source, voucher, memo, payee, occurred_on,
		created_at, created_by, username, prev_hash, hash) VALUES `
	lHead, lCols := `INSERT INTO posting_lines (posting_id, account_id, amount_fen) VALUES `, 3
	if lineNo {
		lHead, lCols = `INSERT INTO posting_lines (posting_id, account_id, amount_fen, id) VALUES `, 4
	}
	err := f.db.Tx(f.ctx, func(tx *sql.Tx) error {
		ps, err := tx.PrepareContext(f.ctx, rowsSQL(pHead, 14, batch))
		if err != nil {
			return err
		}
		ls, err := tx.PrepareContext(f.ctx, rowsSQL(lHead, lCols, 2*batch))
		if err != nil {
			return err
		}
		for from := 0; from < n; from += batch {
			to := min(n, from+batch)
			var pa, la []any
			for i := from; i < to; i++ {
				p := gen(i)
				pa = append(pa, p.ID, p.HubID, p.OrgID, p.Kind, p.Source, p.Voucher, p.Memo, p.Payee, p.OccurredOn, p.CreatedAt,
					p.CreatedBy, p.Username, p.PrevHash, p.Hash)
				for j, l := range p.Lines {
					la = append(la, p.ID, l.AccountID, int64(l.Amount))
					if lineNo {
						la = append(la, j+1)
					}
				}
			}
			if to-from == batch {
				if _, err := ps.ExecContext(f.ctx, pa...); err != nil {
					return err
				}
				if _, err := ls.ExecContext(f.ctx, la...); err != nil {
					return err
				}
				continue
			}
			if _, err := tx.ExecContext(f.ctx, rowsSQL(pHead, 14, to-from), pa...); err != nil {
				return err
			}
			if _, err := tx.ExecContext(f.ctx, rowsSQL(lHead, lCols, len(la)/lCols), la...); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		tb.Fatal(err)
	}
}

func copyPostings(tb testing.TB, f *fixture, n int, gen func(int) *ledger.Posting) {
	conn, err := f.db.Write.Conn(f.ctx)
	if err != nil {
		tb.Fatal(err)
	}
	defer conn.Close()
	err = conn.Raw(func(dc any) error {
		pc := dc.(*stdlib.Conn).Conn()
		tx, err := pc.Begin(f.ctx)
		if err != nil {
			return err
		}
		defer tx.Rollback(f.ctx)
		var lines [][]any
		i := 0
		postings := pgx.CopyFromFunc(func() ([]any, error) {
			if i == n {
				return nil, nil
			}
			p := gen(i)
			i++
			for _, l := range p.Lines {
				lines = append(lines, []any{p.ID, l.AccountID, int64(l.Amount)})
			}
			return []any{p.ID, p.HubID, p.OrgID, p.Kind, p.Source, p.Voucher, p.Memo, p.Payee, p.OccurredOn, p.CreatedAt,
				p.CreatedBy, p.Username, p.PrevHash, p.Hash}, nil
		})
		if _, err := tx.CopyFrom(f.ctx, pgx.Identifier{"postings"}, []string{"id", "hub_org_id", "org_id", "kind", "source",
			"voucher", "memo", "payee", "occurred_on", "created_at", "created_by", "username", "prev_hash", "hash"}, postings); err != nil {
			return err
		}
		if _, err := tx.CopyFrom(f.ctx, pgx.Identifier{"posting_lines"}, []string{"posting_id", "account_id", "amount_fen"},
			pgx.CopyFromRows(lines)); err != nil {
			return err
		}
		return tx.Commit(f.ctx)
	})
	if err != nil {
		tb.Fatal(err)
	}
}
