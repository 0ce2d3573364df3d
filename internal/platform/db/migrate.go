package db

import (
	"context"
	"database/sql"
	"fmt"
	"io/fs"
	"sort"
	"strconv"
	"strings"

	"linli/migrations"
)

// migrationLockKey is the PostgreSQL advisory lock that lets replicas start together.
const migrationLockKey = 7_020_210_193

// Migration is one numbered schema version.
type Migration struct {
	Version int
	Name    string
	SQL     string
}

// Migrations lists the engine's migrations in order, each rendered for the
// engine from its one file (see package migrations for the markers).
func Migrations(engine string) ([]Migration, error) {
	if engine != SQLite && engine != Postgres {
		return nil, fmt.Errorf("migrations: unknown engine %q", engine)
	}
	entries, err := fs.ReadDir(migrations.FS, ".")
	if err != nil {
		return nil, fmt.Errorf("migrations: read: %w", err)
	}
	var ms []Migration
	for _, e := range entries {
		name := e.Name()
		if !strings.HasSuffix(name, ".sql") {
			continue
		}
		num, _, ok := strings.Cut(name, "_")
		v, err := strconv.Atoi(num)
		if !ok || err != nil {
			return nil, fmt.Errorf("migrations: bad file name %s", name)
		}
		b, err := fs.ReadFile(migrations.FS, name)
		if err != nil {
			return nil, fmt.Errorf("migrations: %w", err)
		}
		text, err := RenderMigration(string(b), engine)
		if err != nil {
			return nil, fmt.Errorf("migrations: %s: %w", name, err)
		}
		ms = append(ms, Migration{Version: v, Name: name, SQL: text})
	}
	sort.Slice(ms, func(i, j int) bool { return ms[i].Version < ms[j].Version })
	return ms, nil
}

// RenderMigration keeps a migration file's lines for both engines and those
// the engine's markers enclose, and drops the marker lines.
func RenderMigration(text, engine string) (string, error) {
	lines := strings.Split(text, "\n")
	out := make([]string, 0, len(lines))
	mode := "both"
	for i, l := range lines {
		if m, ok := strings.CutPrefix(l, "-- @"); ok {
			switch m {
			case "both", SQLite, Postgres:
				mode = m
				continue
			default:
				return "", fmt.Errorf("line %d: unknown marker %q (want -- @both, -- @sqlite or -- @postgres)", i+1, l)
			}
		}
		if mode == "both" || mode == engine {
			out = append(out, l)
		}
	}
	return strings.Join(out, "\n"), nil
}

// Migrate applies every migration not yet applied, each in its own
// transaction. On PostgreSQL it holds an advisory lock meanwhile, so several
// replicas starting at once migrate exactly once.
func (d *DB) Migrate(ctx context.Context) (applied int, err error) {
	ms, err := Migrations(d.Engine)
	if err != nil {
		return 0, err
	}
	conn, err := d.Write.Conn(ctx)
	if err != nil {
		return 0, fmt.Errorf("migrate: conn: %w", err)
	}
	defer conn.Close()
	if d.Engine == Postgres {
		if _, err := conn.ExecContext(ctx, "SELECT pg_advisory_lock($1)", migrationLockKey); err != nil {
			return 0, fmt.Errorf("migrate: lock: %w", err)
		}
		defer conn.ExecContext(context.WithoutCancel(ctx), "SELECT pg_advisory_unlock($1)", migrationLockKey)
	}
	if _, err := conn.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
		version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)`); err != nil {
		return 0, fmt.Errorf("migrate: create schema_migrations: %w", err)
	}
	done := map[int]bool{}
	rows, err := conn.QueryContext(ctx, "SELECT version FROM schema_migrations")
	if err != nil {
		return 0, fmt.Errorf("migrate: read versions: %w", err)
	}
	if err := Set(rows, done); err != nil {
		return 0, err
	}
	for _, m := range ms {
		if done[m.Version] {
			continue
		}
		if err := applyOne(ctx, conn, m); err != nil {
			return applied, err
		}
		applied++
	}
	return applied, nil
}

func applyOne(ctx context.Context, conn *sql.Conn, m Migration) error {
	tx, err := conn.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("migrate %s: begin: %w", m.Name, err)
	}
	if _, err := tx.ExecContext(ctx, m.SQL); err != nil {
		tx.Rollback()
		return fmt.Errorf("migrate %s: %w", m.Name, err)
	}
	if _, err := tx.ExecContext(ctx,
		"INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, CURRENT_TIMESTAMP)",
		m.Version, m.Name); err != nil {
		tx.Rollback()
		return fmt.Errorf("migrate %s: record: %w", m.Name, err)
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("migrate %s: commit: %w", m.Name, err)
	}
	return nil
}
