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
	return verifyCommand(ctx, env, log, "ledger verify", args, verifyLedger)
}
