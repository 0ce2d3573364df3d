package bench

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"

	"linli/internal/platform/db"
)

// sink writes generated rows straight into the tables, bypassing the
// per-row services: multi-row prepared INSERTs in large transactions on
// SQLite, COPY on PostgreSQL.
type sink interface {
	// write appends rows to a table; rows must already satisfy every
	// constraint, and referenced rows must have been written before.
	write(ctx context.Context, table string, cols []string, rows [][]any) error
	// checkpoint ends the current unit of work (a transaction on SQLite).
	checkpoint(ctx context.Context) error
	close() error
}

func newSink(ctx context.Context, d *db.DB) (sink, error) {
	if d.Engine == db.Postgres {
		c, err := d.Write.Conn(ctx)
		if err != nil {
			return nil, err
		}
		return &pgSink{conn: c}, nil
	}
	return &sqliteSink{d: d, stmts: map[string]*sql.Stmt{}}, nil
}

// sqliteSink batches rows into multi-row INSERT statements on the single
// writer connection, one transaction per checkpoint.
type sqliteSink struct {
	d     *db.DB
	tx    *sql.Tx
	stmts map[string]*sql.Stmt
}

// sqliteMaxVars bounds the parameters of one statement. The driver asks
// SQLite for every parameter's name when it binds, and each lookup walks
// the statement's list of names, so binding costs the square of the
// parameters: 2,000 keeps that under 2% of a generation (11,500 cost 12%).
const sqliteMaxVars = 2000

// insertSQL is a multi-row INSERT with anonymous "?" parameters: the
// driver looks up each numbered "$n" parameter's name in a list, which
// makes binding quadratic in the number of parameters of a statement.
func insertSQL(table string, cols []string, rows int) string {
	var b strings.Builder
	fmt.Fprintf(&b, "INSERT INTO %s (%s) VALUES ", table, strings.Join(cols, ", "))
	one := "(" + strings.TrimSuffix(strings.Repeat("?,", len(cols)), ",") + ")"
	for r := 0; r < rows; r++ {
		if r > 0 {
			b.WriteByte(',')
		}
		b.WriteString(one)
	}
	return b.String()
}

func (s *sqliteSink) begin(ctx context.Context) error {
	if s.tx != nil {
		return nil
	}
	tx, err := s.d.Write.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	s.tx = tx
	return nil
}

func (s *sqliteSink) stmt(ctx context.Context, table string, cols []string, rows int) (*sql.Stmt, error) {
	key := fmt.Sprintf("%s/%d/%d", table, len(cols), rows)
	if st, ok := s.stmts[key]; ok {
		return st, nil
	}
	st, err := s.tx.PrepareContext(ctx, insertSQL(table, cols, rows))
	if err != nil {
		return nil, fmt.Errorf("prepare insert %s: %w", table, err)
	}
	s.stmts[key] = st
	return st, nil
}

func (s *sqliteSink) write(ctx context.Context, table string, cols []string, rows [][]any) error {
	if err := s.begin(ctx); err != nil {
		return err
	}
	per := max(1, min(500, sqliteMaxVars/len(cols)))
	args := make([]any, 0, per*len(cols))
	for len(rows) > 0 {
		n := min(per, len(rows))
		st, err := s.stmt(ctx, table, cols, n)
		if err != nil {
			return err
		}
		args = args[:0]
		for _, r := range rows[:n] {
			args = append(args, r...)
		}
		if _, err := st.ExecContext(ctx, args...); err != nil {
			return fmt.Errorf("insert %s: %w", table, err)
		}
		rows = rows[n:]
	}
	return nil
}

func (s *sqliteSink) checkpoint(ctx context.Context) error {
	if s.tx == nil {
		return nil
	}
	for k, st := range s.stmts {
		st.Close()
		delete(s.stmts, k)
	}
	err := s.tx.Commit()
	s.tx = nil
	return err
}

func (s *sqliteSink) close() error {
	if s.tx != nil {
		return s.tx.Rollback()
	}
	return nil
}

// pgSink copies rows with COPY FROM STDIN on one connection.
type pgSink struct{ conn *sql.Conn }

func (s *pgSink) write(ctx context.Context, table string, cols []string, rows [][]any) error {
	return s.conn.Raw(func(dc any) error {
		pc := dc.(*stdlib.Conn).Conn()
		_, err := pc.CopyFrom(ctx, pgx.Identifier{table}, cols, pgx.CopyFromRows(rows))
		if err != nil {
			return fmt.Errorf("copy %s: %w", table, err)
		}
		return nil
	})
}

func (s *pgSink) checkpoint(context.Context) error { return nil }

func (s *pgSink) close() error { return s.conn.Close() }

// fixSequences moves PostgreSQL's identity sequences past the ids written
// by hand, so the product's own inserts continue after them.
func fixSequences(ctx context.Context, d *db.DB, tables ...string) error {
	if d.Engine != db.Postgres {
		return nil
	}
	for _, t := range tables {
		if _, err := d.Write.ExecContext(ctx, `SELECT setval(pg_get_serial_sequence('`+t+`', 'id'),
			COALESCE((SELECT MAX(id) FROM `+t+`), 0) + 1, false)`); err != nil {
			return fmt.Errorf("sequence of %s: %w", t, err)
		}
	}
	return nil
}
