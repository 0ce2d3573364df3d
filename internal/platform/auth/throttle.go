package auth

import (
	"cmp"
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"strings"
	"time"

	"linli/internal/platform/audit"
	"linli/internal/platform/db"
	"linli/internal/platform/errs"
)

// Throttle is the sign-in policy that replaced the hard lockout (issue 18:
// 45 requests locked every account, the administrator's included). Failed
// sign-ins are counted in the database (table sign_in_failures), so every
// replica shares them, under two keys: the name tried (whether or not an
// account has it, so the answers do not tell which names exist) and the
// address. Past a number of free failures within Window, each further
// failure makes that key wait, twice as long each time, up to a ceiling:
// a guesser is slowed to a crawl while the account's owner, from another
// address, waits at most MaxAccountDelay. Zero fields take the defaults.
type Throttle struct {
	FreeByAccount, FreeByAddress     int           // failures before delays: 5, 20
	MaxAccountDelay, MaxAddressDelay time.Duration // the ceilings: 1 minute, 15 minutes
	Window                           time.Duration // failures older than this are forgotten: 15 minutes
}

func (t Throttle) withDefaults() Throttle {
	t.FreeByAccount = cmp.Or(t.FreeByAccount, 5)
	t.FreeByAddress = cmp.Or(t.FreeByAddress, 20)
	t.MaxAccountDelay = cmp.Or(t.MaxAccountDelay, time.Minute)
	t.MaxAddressDelay = cmp.Or(t.MaxAddressDelay, 15*time.Minute)
	t.Window = cmp.Or(t.Window, 15*time.Minute)
	return t
}

// delay is the wait after the nth failure of a key.
func delay(n, free int, ceiling time.Duration) time.Duration {
	if n <= free {
		return 0
	}
	d := time.Second << min(n-free-1, 20)
	return min(d, ceiling)
}

func accountKey(name string) string {
	return "user:" + truncate(strings.ToLower(strings.TrimSpace(name)), 64)
}
func addressKey(ip string) string { return "addr:" + truncate(ip, 64) }

// throttled answers a sign-in while the name or the address waits: the
// same answer for every name, with the time left.
func (s *Service) throttled(ctx context.Context, now time.Time, keys ...string) error {
	in, args := db.InList(keys, []any{now})
	rows, err := s.DB.Query(ctx, `SELECT blocked_until FROM sign_in_failures
		WHERE blocked_until > $1 AND key IN `+in, args...)
	if err != nil {
		return fmt.Errorf("sign-in throttle: %w", err)
	}
	defer rows.Close()
	var until time.Time
	for rows.Next() {
		var t time.Time
		if err := rows.Scan(&t); err != nil {
			return fmt.Errorf("sign-in throttle: %w", err)
		}
		if t.After(until) {
			until = t
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("sign-in throttle: %w", err)
	}
	if !until.After(now) {
		return nil
	}
	return tooMany(until.Sub(now))
}

func tooMany(wait time.Duration) error {
	secs := int((wait + time.Second - 1) / time.Second)
	return &errs.Error{Code: errs.TooMany, Message: errs.M("err.too_many_sign_ins", secs), RetryAfter: time.Duration(secs) * time.Second}
}

// recordFailure counts a failed sign-in under the name and the address, in
// one transaction with its audit row, and makes either wait when it has
// used its free failures (one more audit row, a throttle, then).
func (s *Service) recordFailure(ctx context.Context, u *User, name, ip, reason string, now time.Time) error {
	t := s.Throttle.withDefaults()
	actor := audit.Actor{Username: truncate(name, 64), IP: ip}
	entry := audit.Entry{Action: "user.sign_in_failed", ObjectType: "user", Detail: map[string]any{"reason": reason}}
	if u != nil {
		actor.UserID, entry.ObjectID, entry.ScopeCode = u.ID, strconv.FormatInt(u.ID, 10), u.ScopeCode
	}
	return s.DB.Tx(ctx, func(tx *sql.Tx) error {
		var waits []string
		for _, k := range []struct {
			key     string
			free    int
			ceiling time.Duration
		}{{accountKey(name), t.FreeByAccount, t.MaxAccountDelay}, {addressKey(ip), t.FreeByAddress, t.MaxAddressDelay}} {
			n, d, err := s.countFailure(ctx, tx, k.key, k.free, k.ceiling, now)
			if err != nil {
				return err
			}
			if d > 0 {
				waits = append(waits, fmt.Sprintf("%s failures=%d wait=%s", strings.SplitN(k.key, ":", 2)[0], n, d))
			}
		}
		if err := audit.Record(ctx, tx, now, actor, entry); err != nil {
			return err
		}
		if len(waits) == 0 {
			return nil
		}
		return audit.Record(ctx, tx, now, actor, audit.Entry{Action: "user.sign_in_throttled", ObjectType: "user",
			ObjectID: entry.ObjectID, ScopeCode: entry.ScopeCode, Detail: map[string]any{"throttle": waits}})
	})
}

// countFailure counts one failure of a key and sets its wait.
func (s *Service) countFailure(ctx context.Context, tx *sql.Tx, key string, free int, ceiling time.Duration, now time.Time) (int, time.Duration, error) {
	var n int
	if err := tx.QueryRowContext(ctx, `INSERT INTO sign_in_failures (key, failures, first_at) VALUES ($1, 1, $2)
		ON CONFLICT (key) DO UPDATE SET
		failures = CASE WHEN sign_in_failures.first_at < $3 THEN 1 ELSE sign_in_failures.failures + 1 END,
		first_at = CASE WHEN sign_in_failures.first_at < $3 THEN $2 ELSE sign_in_failures.first_at END
		RETURNING failures`, key, now, now.Add(-s.Throttle.withDefaults().Window)).Scan(&n); err != nil {
		return 0, 0, fmt.Errorf("sign-in: count failure: %w", err)
	}
	d := delay(n, free, ceiling)
	if d > 0 {
		if _, err := tx.ExecContext(ctx, `UPDATE sign_in_failures SET blocked_until = $1 WHERE key = $2`, now.Add(d), key); err != nil {
			return 0, 0, fmt.Errorf("sign-in: throttle: %w", err)
		}
	}
	return n, d, nil
}

// refusedWhileWaiting counts a sign-in refused during a wait against its
// address (not the name, whose owner should not wait longer for it): an
// address that keeps trying while told to wait is slowed down too.
func (s *Service) refusedWhileWaiting(ctx context.Context, ip string, now time.Time) error {
	t := s.Throttle.withDefaults()
	return s.DB.Tx(ctx, func(tx *sql.Tx) error {
		_, _, err := s.countFailure(ctx, tx, addressKey(ip), t.FreeByAddress, t.MaxAddressDelay, now)
		return err
	})
}

// Unlock ends the waits of an account name (and forgets its failures); by
// is the administrator (nil from the command line).
func (s *Service) Unlock(ctx context.Context, by *User, username string) error {
	if by != nil && !by.CanManageUsers() {
		return errs.E(errs.Forbidden, "err.forbidden")
	}
	u, err := s.UserByName(ctx, username)
	if err != nil {
		return err
	}
	if by != nil && !by.InScope(u.ScopeCode) {
		return errs.Missing()
	}
	now := s.now()
	return s.DB.Tx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `DELETE FROM sign_in_failures WHERE key = $1`, accountKey(u.Username)); err != nil {
			return fmt.Errorf("unlock: %w", err)
		}
		return audit.Record(ctx, tx, now, by.Actor(), audit.Entry{Action: "user.unlock", ObjectType: "user",
			ObjectID: strconv.FormatInt(u.ID, 10), ScopeCode: u.ScopeCode})
	})
}

// UnlockAddress ends the waits of an address (an office behind one NAT
// address that a guesser shared); by as for Unlock.
func (s *Service) UnlockAddress(ctx context.Context, by *User, ip string) error {
	if by != nil && !by.CanManageUsers() {
		return errs.E(errs.Forbidden, "err.forbidden")
	}
	now := s.now()
	return s.DB.Tx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `DELETE FROM sign_in_failures WHERE key = $1`, addressKey(ip)); err != nil {
			return fmt.Errorf("unlock address: %w", err)
		}
		return audit.Record(ctx, tx, now, by.Actor(), audit.Entry{Action: "address.unlock", ObjectType: "address", ObjectID: ip})
	})
}

// PurgeSignInFailures forgets failures past the window whose wait is over.
func (s *Service) PurgeSignInFailures(ctx context.Context) (int64, error) {
	now := s.now()
	t := s.Throttle.withDefaults()
	var n int64
	err := s.DB.Tx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `DELETE FROM sign_in_failures WHERE first_at < $1
			AND (blocked_until IS NULL OR blocked_until < $2)`, now.Add(-t.Window), now)
		if err != nil {
			return fmt.Errorf("purge sign-in failures: %w", err)
		}
		n, err = res.RowsAffected()
		return err
	})
	return n, err
}
