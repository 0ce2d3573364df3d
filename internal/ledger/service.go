package ledger

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"time"

	"linli/internal/platform/clock"
	"linli/internal/platform/db"
	"linli/internal/platform/errs"
	"linli/internal/registry"
)

// Orgs is what the ledger needs from the registry.
type Orgs interface {
	Lookup(ctx context.Context, id int64) (*registry.Org, error)
	OrgLines(ctx context.Context, ids []int64) ([]registry.OrgLine, error)
}

// Service is the ledger's rules over its tables.
type Service struct {
	DB   *db.DB
	Orgs Orgs
	Now  func() time.Time
	// MaxReceipt bounds an uploaded receipt; DefaultMaxReceipt if 0.
	MaxReceipt int64
	// ProjectCheck, when set, accepts an expense's project and budget line
	// for the organization (the funding room); nil refuses every tag.
	ProjectCheck func(ctx context.Context, orgID, projectID int64, line string) error
}

func (s *Service) now() time.Time { return clock.Now(s.Now) }

const accountColumns = `id, hub_org_id, org_id, kind, source, balance_fen, status`

func scanAccount(sc interface{ Scan(...any) error }) (*Account, error) {
	var a Account
	if err := sc.Scan(&a.ID, &a.HubID, &a.OrgID, &a.Kind, &a.Source, &a.Raw, &a.Status); err != nil {
		return nil, err
	}
	a.Balance = Fen(natural(a.Kind, a.Raw))
	return &a, nil
}

// account finds one account by its identity, or nil.
func account(ctx context.Context, q db.Querier, hubID, orgID int64, kind, source string) (*Account, error) {
	return db.Maybe(ctx, q, "ledger: account", scanAccount, `SELECT `+accountColumns+` FROM ledger_accounts
		WHERE hub_org_id = $1 AND org_id = $2 AND kind = $3 AND source = $4`, hubID, orgID, kind, source)
}

// ensureAccount returns an account's id, creating the account the first
// time (the lookup comes first: the account nearly always exists).
func ensureAccount(ctx context.Context, tx *sql.Tx, now time.Time, hubID, orgID int64, kind, source string) (int64, error) {
	const find = `SELECT id FROM ledger_accounts WHERE hub_org_id = $1 AND org_id = $2 AND kind = $3 AND source = $4`
	var id int64
	err := tx.QueryRowContext(ctx, find, hubID, orgID, kind, source).Scan(&id)
	if !errors.Is(err, sql.ErrNoRows) {
		return id, err
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO ledger_accounts (hub_org_id, org_id, kind, source, opened_at)
		VALUES ($1, $2, $3, $4, $5) ON CONFLICT (hub_org_id, org_id, kind, source) DO NOTHING`,
		hubID, orgID, kind, source, now); err != nil {
		return 0, fmt.Errorf("ledger: open account: %w", err)
	}
	err = tx.QueryRowContext(ctx, find, hubID, orgID, kind, source).Scan(&id)
	return id, err
}

// OpenAccount opens (or reopens) the account in which a hub holds an
// organization's money; the hub's cash account is opened with it. It runs in
// the caller's transaction (the hub taking the organization into custody).
func (s *Service) OpenAccount(ctx context.Context, tx *sql.Tx, hubID, orgID int64) error {
	now := s.now()
	if _, err := ensureAccount(ctx, tx, now, hubID, hubID, KindCash, ""); err != nil {
		return err
	}
	if _, err := ensureAccount(ctx, tx, now, hubID, orgID, KindFunds, ""); err != nil {
		return err
	}
	_, err := tx.ExecContext(ctx, `UPDATE ledger_accounts SET status = 'open', closed_at = NULL
		WHERE hub_org_id = $1 AND org_id = $2 AND kind = $3 AND status <> 'open'`, hubID, orgID, KindFunds)
	return err
}

// CloseAccount closes an organization's account at a hub when it leaves
// custody: only with nothing left in it and no expense waiting.
func (s *Service) CloseAccount(ctx context.Context, tx *sql.Tx, hubID, orgID int64) error {
	a, err := db.Maybe(ctx, tx, "ledger: close account", scanAccount, `SELECT `+accountColumns+` FROM ledger_accounts
		WHERE hub_org_id = $1 AND org_id = $2 AND kind = $3`+s.DB.Dialect.ForUpdate(), hubID, orgID, KindFunds)
	if a == nil {
		return err
	}
	if a.Raw != 0 {
		return errs.E(errs.Conflict, "err.balance_not_zero", a.Balance.String())
	}
	var pending int
	if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM expenses WHERE hub_org_id = $1 AND org_id = $2 AND status = $3`,
		hubID, orgID, ExpensePending).Scan(&pending); err != nil {
		return fmt.Errorf("ledger: pending expenses: %w", err)
	}
	if pending > 0 {
		return errs.E(errs.Conflict, "err.expenses_pending", pending)
	}
	_, err = tx.ExecContext(ctx, `UPDATE ledger_accounts SET status = 'closed', closed_at = $1 WHERE id = $2`, s.now(), a.ID)
	return err
}

// Balances tells, for a hub, what it holds for each organization (natural
// balance of each funds account), for the hub's page.
func (s *Service) Balances(ctx context.Context, hubID int64) (map[int64]Fen, error) {
	rows, err := s.DB.Read.QueryContext(ctx, `SELECT org_id, balance_fen FROM ledger_accounts
		WHERE hub_org_id = $1 AND kind = $2`, hubID, KindFunds)
	if err != nil {
		return nil, fmt.Errorf("ledger: balances: %w", err)
	}
	out := map[int64]Fen{}
	if err := db.EachPair(rows, func(org, raw int64) { out[org] = Fen(natural(KindFunds, raw)) }); err != nil {
		return nil, err
	}
	return out, nil
}

// custody is where an organization's money is held: its open funds account
// at a hub, or, for a hub itself, its own funds.
type custody struct {
	Org   *registry.Org
	HubID int64
	Own   bool // the hub's own money
}

// custodyOf finds an organization's current custody, or not found.
func (s *Service) custodyOf(ctx context.Context, q db.Querier, orgID int64) (*custody, error) {
	o, err := s.Orgs.Lookup(ctx, orgID)
	if err != nil {
		return nil, err
	}
	c := &custody{Org: o}
	err = q.QueryRowContext(ctx, `SELECT hub_org_id FROM ledger_accounts WHERE org_id = $1 AND kind = $2 AND status = 'open'`,
		orgID, KindFunds).Scan(&c.HubID)
	switch {
	case err == nil:
		return c, nil
	case !errors.Is(err, sql.ErrNoRows):
		return nil, fmt.Errorf("ledger: custody: %w", err)
	}
	if o.Hub {
		return &custody{Org: o, HubID: o.ID, Own: true}, nil
	}
	var n int
	if err := q.QueryRowContext(ctx, `SELECT COUNT(*) FROM ledger_accounts WHERE hub_org_id = $1 AND org_id = $1 AND kind = $2`,
		orgID, KindCash).Scan(&n); err != nil {
		return nil, err
	}
	if n > 0 { // a former hub still answers for its own money
		return &custody{Org: o, HubID: o.ID, Own: true}, nil
	}
	return nil, errs.E(errs.NotFound, "err.not_in_custody")
}

// orgAccounts lists the accounts that make up an organization's own view of
// its money: its funds accounts (at any hub; hubFilter limits to one), or a
// hub's own income and expense accounts.
func orgAccounts(ctx context.Context, q db.Querier, orgID, hubFilter int64) ([]*Account, error) {
	rows, err := q.QueryContext(ctx, `SELECT `+accountColumns+` FROM ledger_accounts
		WHERE org_id = $1 AND kind <> $2 ORDER BY id`, orgID, KindCash)
	if err != nil {
		return nil, fmt.Errorf("ledger: org accounts: %w", err)
	}
	defer rows.Close()
	var out []*Account
	for rows.Next() {
		a, err := scanAccount(rows)
		if err != nil {
			return nil, err
		}
		if hubFilter != 0 && a.HubID != hubFilter {
			continue
		}
		out = append(out, a)
	}
	return out, rows.Err()
}

// hubsOf lists the hubs that hold or held an organization's money.
func hubsOf(accts []*Account) []int64 {
	var out []int64
	for _, a := range accts {
		if !slices.Contains(out, a.HubID) {
			out = append(out, a.HubID)
		}
	}
	return out
}

// held is what an organization's accounts hold for it: minus the sum of
// their lines (credits to its funds or own income, less its own spending).
func held(accts []*Account) Fen {
	var t int64
	for _, a := range accts {
		t -= a.Raw
	}
	return Fen(t)
}
