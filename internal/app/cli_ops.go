package app

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"time"

	"linli/internal/ledger"
	"linli/internal/platform/audit"
	"linli/internal/platform/db"
)

// Operations commands (issue 18, failure 3): a consistent backup while the
// server runs, a restore, and verification that refuses a database that is
// not there instead of creating an empty one and calling it intact.

// sqlitePath is the file of a SQLite database URL, "" for PostgreSQL.
func sqlitePath(dbURL string) string {
	switch {
	case strings.HasPrefix(dbURL, "sqlite:"):
		return strings.TrimPrefix(strings.TrimPrefix(dbURL, "sqlite:"), "//")
	case !strings.Contains(dbURL, "://") && strings.HasSuffix(dbURL, ".db"):
		return dbURL
	}
	return ""
}

// openExisting opens a linli database that must already exist and hold the
// schema, without migrating or writing anything: a missing path, an empty
// file or a database without linli's tables is an error.
func openExisting(ctx context.Context, dbURL string, log *slog.Logger) (*App, error) {
	if p := sqlitePath(dbURL); p != "" {
		st, err := os.Stat(p)
		if errors.Is(err, os.ErrNotExist) {
			return nil, fmt.Errorf("no database at %s (refusing to create one)", p)
		}
		if err != nil {
			return nil, err
		}
		if st.Size() == 0 {
			return nil, fmt.Errorf("%s is empty: not a linli database", p)
		}
	}
	a, err := open(ctx, Config{DB: dbURL}, log, nil, false)
	if err != nil {
		return nil, err
	}
	var n int
	if err := a.DB.Read.QueryRowContext(ctx, `SELECT COUNT(*) FROM schema_migrations`).Scan(&n); err != nil || n == 0 {
		a.Close()
		return nil, fmt.Errorf("%s holds no linli schema (refusing to verify an empty database)", redact(dbURL))
	}
	return a, nil
}

// redact hides a password in a database URL.
func redact(u string) string {
	if i, j := strings.Index(u, "://"), strings.LastIndex(u, "@"); i >= 0 && j > i {
		if k := strings.Index(u[i+3:j], ":"); k >= 0 {
			return u[:i+3+k] + ":***" + u[j:]
		}
	}
	return u
}

// pgDumpRecipe is printed for a PostgreSQL backup (README, operations).
const pgDumpRecipe = `PostgreSQL: back up with pg_dump while linli serves (one consistent snapshot):
  pg_dump --format=custom --no-owner --file=linli-$(date +%%F).dump '%s'
restore into an empty database, then check it:
  createdb linli_restored
  pg_restore --no-owner --dbname=linli_restored linli-YYYY-MM-DD.dump
  linli verify --all --db postgres://…/linli_restored
`

// backupCmd writes a consistent copy of a SQLite database with VACUUM INTO,
// safe while the server writes (it reads one snapshot); the copy is
// written beside the target and renamed into place, then verified.
func backupCmd(ctx context.Context, env Env, log *slog.Logger, args []string) error {
	fs, dbURL := flags(env, "backup")
	to := fs.String("to", "", "file to write the backup to (must not exist)")
	if err := parse(fs, args); err != nil {
		return err
	}
	if sqlitePath(*dbURL) == "" {
		fmt.Fprintf(env.Stdout, pgDumpRecipe, redact(*dbURL))
		return nil
	}
	if *to == "" {
		return usageError{errors.New("backup needs --to FILE")}
	}
	if _, err := os.Stat(*to); err == nil {
		return fmt.Errorf("%s exists: choose a new file", *to)
	}
	a, err := openExisting(ctx, *dbURL, log)
	if err != nil {
		return err
	}
	defer a.Close()
	start := time.Now()
	if err := Backup(ctx, a.DB, *to); err != nil {
		return err
	}
	st, err := os.Stat(*to)
	if err != nil {
		return err
	}
	fmt.Fprintf(env.Stdout, "backup written to %s (%d bytes) in %s\n", *to, st.Size(), time.Since(start).Round(time.Millisecond))
	return nil
}

// Backup writes a consistent copy of a SQLite database to the file to.
func Backup(ctx context.Context, d *db.DB, to string) error {
	if d.Engine != db.SQLite {
		return errors.New("backup: only SQLite is copied by linli; use pg_dump for PostgreSQL")
	}
	abs, err := filepath.Abs(to)
	if err != nil {
		return err
	}
	tmp := abs + ".partial"
	os.Remove(tmp)
	if _, err := d.Write.ExecContext(ctx, `VACUUM INTO $1`, tmp); err != nil {
		os.Remove(tmp)
		return fmt.Errorf("backup: vacuum into %s: %w", tmp, err)
	}
	if err := os.Rename(tmp, abs); err != nil {
		os.Remove(tmp)
		return fmt.Errorf("backup: %w", err)
	}
	return nil
}

// restoreCmd puts a backup in place of a SQLite database that linli is not
// serving: the backup is verified first (both chains), the old file kept
// as FILE.before-restore.
func restoreCmd(ctx context.Context, env Env, log *slog.Logger, args []string) error {
	fs, dbURL := flags(env, "restore")
	from := fs.String("from", "", "backup file written by linli backup")
	if err := parse(fs, args); err != nil {
		return err
	}
	target := sqlitePath(*dbURL)
	if target == "" {
		fmt.Fprintf(env.Stdout, pgDumpRecipe, redact(*dbURL))
		return nil
	}
	if *from == "" {
		return usageError{errors.New("restore needs --from FILE")}
	}
	if err := verifyAll(ctx, env.Stdout, "sqlite:"+*from, log); err != nil {
		return fmt.Errorf("the backup does not verify, nothing restored: %w", err)
	}
	if _, err := os.Stat(target); err == nil {
		if err := os.Rename(target, target+".before-restore"); err != nil {
			return err
		}
		for _, s := range []string{"-wal", "-shm"} {
			os.Remove(target + s)
		}
	}
	if err := copyFile(*from, target); err != nil {
		return err
	}
	fmt.Fprintf(env.Stdout, "restored %s from %s (the previous file is %s.before-restore)\n", target, *from, target)
	return nil
}

func copyFile(from, to string) error {
	in, err := os.Open(from)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.OpenFile(to, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o600)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	if err := out.Sync(); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}

// verifyCmd is linli verify --all: the audit chain and the ledger.
func verifyCmd(ctx context.Context, env Env, log *slog.Logger, args []string) error {
	fs, dbURL := flags(env, "verify")
	all := fs.Bool("all", false, "verify the audit log and the custody ledger")
	if err := parse(fs, args); err != nil {
		return err
	}
	if !*all {
		return usageError{errors.New("verify needs --all (or use audit verify / ledger verify)")}
	}
	return verifyAll(ctx, env.Stdout, *dbURL, log)
}

func verifyAll(ctx context.Context, w io.Writer, dbURL string, log *slog.Logger) error {
	a, err := openExisting(ctx, dbURL, log)
	if err != nil {
		return err
	}
	defer a.Close()
	if err := verifyAudit(ctx, w, a); err != nil {
		return err
	}
	return verifyLedger(ctx, w, a)
}

func verifyAudit(ctx context.Context, w io.Writer, a *App) error {
	n, problem, err := audit.Verify(ctx, a.DB.Read)
	if err != nil {
		return err
	}
	if problem != nil {
		return fmt.Errorf("audit log broken after %d good rows: %w", n, problem)
	}
	fmt.Fprintf(w, "audit log intact: %d rows, hash chain verified\n", n)
	return nil
}

func verifyLedger(ctx context.Context, w io.Writer, a *App) error {
	start := time.Now()
	rep, err := ledger.Verify(ctx, a.DB)
	if err != nil {
		return err
	}
	if rep.Problem != nil {
		return fmt.Errorf("ledger verify failed after %d good postings: %w", rep.Postings, rep.Problem)
	}
	fmt.Fprintf(w, "ledger intact: %d postings, %d lines, %d accounts at %d hubs; hash chain, balances and hub cash verified in %s\n",
		rep.Postings, rep.Lines, rep.Accounts, rep.Hubs, time.Since(start).Round(time.Millisecond))
	return nil
}
