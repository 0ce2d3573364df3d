package app

import (
	"context"
	"log/slog"
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
	a, err := openExisting(ctx, *dbURL, log)
	if err != nil {
		return err
	}
	defer a.Close()
	return verifyLedger(ctx, env.Stdout, a)
}
