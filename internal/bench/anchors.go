package bench

import (
	"context"
	"database/sql"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"

	"linli/internal/platform/db"
)

// The anchors: what the engine and net/http do bare on this machine, in
// the same run, so linli's figures are read against them.

const rawTable = "bench_raw"

// rawInsert is the engine's bulk-insert rate: a bare prepared single-row
// INSERT loop in one transaction on SQLite, COPY on PostgreSQL, into a
// scratch table shaped like a census row.
func rawInsert(ctx context.Context, d *db.DB, n int) (*Stat, error) {
	if _, err := d.Write.ExecContext(ctx, `DROP TABLE IF EXISTS `+rawTable); err != nil {
		return nil, err
	}
	if _, err := d.Write.ExecContext(ctx, `CREATE TABLE `+rawTable+` (id BIGINT PRIMARY KEY, name TEXT NOT NULL,
		tier TEXT NOT NULL, community_code TEXT NOT NULL, leader_name TEXT NOT NULL, leader_phone TEXT NOT NULL,
		founded_on TEXT NOT NULL, members INTEGER NOT NULL)`); err != nil {
		return nil, fmt.Errorf("raw insert: create: %w", err)
	}
	defer d.Write.ExecContext(context.WithoutCancel(ctx), `DROP TABLE IF EXISTS `+rawTable)
	row := func(i int) []any {
		return []any{int64(i + 1), "社区社会组织" + strconv.Itoa(i), "community", "440106001001", "张三", "13800000000", "2020-01-01", int64(i % 100)}
	}
	start, cpu0 := time.Now(), TotalCPU()
	var err error
	if d.Engine == db.Postgres {
		err = copyRaw(ctx, d, n, row)
	} else {
		err = d.Tx(ctx, func(tx *sql.Tx) error {
			st, err := tx.PrepareContext(ctx, `INSERT INTO `+rawTable+` VALUES (?, ?, ?, ?, ?, ?, ?, ?)`)
			if err != nil {
				return err
			}
			defer st.Close()
			for i := 0; i < n; i++ {
				if _, err := st.ExecContext(ctx, row(i)...); err != nil {
					return err
				}
			}
			return nil
		})
	}
	if err != nil {
		return nil, fmt.Errorf("raw insert: %w", err)
	}
	el := time.Since(start)
	how := "prepared INSERT loop, one transaction"
	if d.Engine == db.Postgres {
		how = "COPY"
	}
	return &Stat{Name: "raw bulk insert (" + how + ")", Key: "anchor_insert", Group: "anchor", Available: true,
		N: n, Rate: float64(n) / el.Seconds(), Unit: "rows/s", CPUMS: ms(TotalCPU()-cpu0) / float64(n)}, nil
}

func copyRaw(ctx context.Context, d *db.DB, n int, row func(int) []any) error {
	c, err := d.Write.Conn(ctx)
	if err != nil {
		return err
	}
	defer c.Close()
	return c.Raw(func(dc any) error {
		pc := dc.(*stdlib.Conn).Conn()
		i := 0
		_, err := pc.CopyFrom(ctx, pgx.Identifier{rawTable}, []string{"id", "name", "tier", "community_code",
			"leader_name", "leader_phone", "founded_on", "members"}, pgx.CopyFromFunc(func() ([]any, error) {
			if i == n {
				return nil, nil
			}
			i++
			return row(i - 1), nil
		}))
		return err
	})
}

// durableCommits is the engine's rate of small durable transactions: one
// single-row INSERT committed at a time. On SQLite the connection uses
// synchronous=FULL, so every commit is on disk, as linli's own writer
// connection does (db.Open; the setting is reported beside the postings).
func durableCommits(ctx context.Context, d *db.DB, dsn string, n int, limit time.Duration) (*Stat, error) {
	conn := d.Write
	if d.Engine == db.SQLite {
		path := strings.TrimPrefix(strings.TrimPrefix(dsn, "sqlite:"), "//")
		q := url.Values{}
		q.Add("_pragma", "busy_timeout(10000)")
		q.Add("_pragma", "journal_mode(WAL)")
		q.Add("_pragma", "synchronous(FULL)")
		full, err := sql.Open("sqlite", "file:"+path+"?"+q.Encode())
		if err != nil {
			return nil, err
		}
		defer full.Close()
		full.SetMaxOpenConns(1)
		conn = full
	}
	if _, err := conn.ExecContext(ctx, `DROP TABLE IF EXISTS bench_commit`); err != nil {
		return nil, err
	}
	if _, err := conn.ExecContext(ctx, `CREATE TABLE bench_commit (id BIGINT PRIMARY KEY, v TEXT NOT NULL)`); err != nil {
		return nil, err
	}
	defer conn.ExecContext(context.WithoutCancel(ctx), `DROP TABLE IF EXISTS bench_commit`)
	start, cpu0 := time.Now(), TotalCPU()
	deadline := start.Add(limit)
	done := 0
	for ; done < n && time.Now().Before(deadline); done++ {
		if _, err := conn.ExecContext(ctx, `INSERT INTO bench_commit (id, v) VALUES ($1, $2)`, done+1, "posting"); err != nil {
			return nil, fmt.Errorf("durable commits: %w", err)
		}
	}
	el := time.Since(start)
	name := "durable commits (1-row INSERT per commit"
	if d.Engine == db.SQLite {
		name += ", WAL + synchronous=FULL)"
	} else {
		name += ")"
	}
	return &Stat{Name: name, Key: "anchor_commit", Group: "anchor", Available: true, N: done,
		Rate: float64(done) / el.Seconds(), Unit: "commits/s", CPUMS: ms(TotalCPU()-cpu0) / float64(max(done, 1))}, nil
}

// trivialHandler is the anchor of every request rate: a net/http handler
// that writes "ok", under the same load generator.
func trivialHandler(ctx context.Context, l Load) (*Stat, error) {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	base, err := Serve(ctx, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Write([]byte("ok"))
	}))
	if err != nil {
		return nil, err
	}
	l.Client = NewClient(l.Conns)
	defer l.Client.CloseIdleConnections()
	s := l.Run(ctx, func(int) (*http.Request, error) { return http.NewRequest("GET", base+"/", nil) }, nil)
	st := fromSample("trivial net/http handler", "anchor_http", "anchor", s)
	return st, nil
}
