package app

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"linli/internal/ledger"
)

// ledgerVerify checks the custody ledger: every posting balances and is in
// the hash chain unchanged, balances equal their lines, each hub's cash
// equals what it holds for others plus its own. It fails naming the first
// problem.
func ledgerVerify(ctx context.Context, env Env, log *slog.Logger, args []string) error {
	fs, dbURL := flags(env, "ledger verify")
	if err := parse(fs, args); err != nil {
		return err
	}
	a, err := Open(ctx, Config{DB: *dbURL}, log, nil)
	if err != nil {
		return err
	}
	defer a.Close()
	start := time.Now()
	rep, err := ledger.Verify(ctx, a.DB)
	if err != nil {
		return err
	}
	if rep.Problem != nil {
		return fmt.Errorf("ledger verify failed after %d good postings: %w", rep.Postings, rep.Problem)
	}
	fmt.Fprintf(env.Stdout, "ledger intact: %d postings, %d lines, %d accounts at %d hubs; hash chain, balances and hub cash verified in %s\n",
		rep.Postings, rep.Lines, rep.Accounts, rep.Hubs, time.Since(start).Round(time.Millisecond))
	return nil
}
