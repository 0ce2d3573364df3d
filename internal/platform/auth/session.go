package auth

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"time"

	"linli/internal/platform/audit"
	"linli/internal/platform/errs"
)

// Login checks a password and opens a session, returning its token. Failed
// attempts count towards the account's lockout; a locked account is refused
// even with the right password.
func (s *Service) Login(ctx context.Context, username, password, ip, ua string) (*User, string, error) {
	now := s.now()
	var (
		u           *User
		hash        string
		lockedUntil sql.NullTime
	)
	row := s.DB.Read.QueryRowContext(ctx, `SELECT `+userColumns+`, password_hash, locked_until
		FROM users WHERE username = $1`, username)
	var disabled int
	var uu User
	err := row.Scan(&uu.ID, &uu.Username, &uu.DisplayName, &uu.Role, &uu.ScopeCode, &uu.OrgID, &disabled,
		&hash, &lockedUntil)
	if errors.Is(err, sql.ErrNoRows) {
		// Spend the same time as a real check, so timing does not reveal names.
		CheckPassword(dummyHash, password)
		return nil, "", errs.E(errs.Unauthenticated, "err.bad_login")
	}
	if err != nil {
		return nil, "", fmt.Errorf("login: %w", err)
	}
	u = &uu
	u.Disabled = disabled != 0
	if lockedUntil.Valid && now.Before(lockedUntil.Time) {
		return nil, "", errs.E(errs.Unauthenticated, "err.locked", int(lockedUntil.Time.Sub(now).Minutes())+1)
	}
	ok, err := CheckPassword(hash, password)
	if err != nil {
		return nil, "", err
	}
	if !ok || u.Disabled {
		if err := s.recordFailure(ctx, u, now, ip); err != nil {
			return nil, "", err
		}
		return nil, "", errs.E(errs.Unauthenticated, "err.bad_login")
	}
	token := randomToken("")
	err = s.DB.Tx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `UPDATE users SET failed_logins = 0, failed_since = NULL, locked_until = NULL WHERE id = $1`, u.ID); err != nil {
			return fmt.Errorf("login: reset failures: %w", err)
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO sessions (id_hash, user_id, created_at, last_seen_at, expires_at, ip, user_agent)
			VALUES ($1, $2, $3, $3, $4, $5, $6)`, hashToken(token), u.ID, now, now.Add(s.AbsTimeout), ip, truncate(ua, 200)); err != nil {
			return fmt.Errorf("login: session: %w", err)
		}
		return nil
	})
	if err != nil {
		return nil, "", err
	}
	u.IP = ip
	return u, token, nil
}

var dummyHash, _ = HashPassword("not a real password")

// recordFailure counts a failed attempt in one atomic UPDATE, so parallel
// guesses are all counted, and locks the account at MaxFailures.
func (s *Service) recordFailure(ctx context.Context, u *User, now time.Time, ip string) error {
	return s.DB.Tx(ctx, func(tx *sql.Tx) error {
		var failed int
		if err := tx.QueryRowContext(ctx, `UPDATE users SET
			failed_logins = CASE WHEN failed_since IS NULL OR failed_since < $1 THEN 1 ELSE failed_logins + 1 END,
			failed_since = CASE WHEN failed_since IS NULL OR failed_since < $1 THEN $2 ELSE failed_since END
			WHERE id = $3 RETURNING failed_logins`, now.Add(-FailureWindow), now, u.ID).Scan(&failed); err != nil {
			return fmt.Errorf("login: record failure: %w", err)
		}
		if failed < MaxFailures {
			return nil
		}
		if _, err := tx.ExecContext(ctx, `UPDATE users SET locked_until = $1 WHERE id = $2`, now.Add(LockFor), u.ID); err != nil {
			return fmt.Errorf("login: lock: %w", err)
		}
		return audit.Record(ctx, tx, now, audit.Actor{Username: u.Username, IP: ip}, audit.Entry{Action: "user.locked",
			ObjectType: "user", ObjectID: strconv.FormatInt(u.ID, 10), ScopeCode: u.ScopeCode,
			Detail: map[string]any{"failures": failed, "until": now.Add(LockFor)}})
	})
}

func truncate(s string, n int) string {
	if len(s) > n {
		return s[:n]
	}
	return s
}

// touchEvery limits how often a session's last-seen time is written.
const touchEvery = time.Minute

// SessionUser returns the user of a live session token, extending its idle
// timeout; expired or unknown sessions are unauthenticated.
func (s *Service) SessionUser(ctx context.Context, token string) (*User, error) {
	if token == "" {
		return nil, errs.E(errs.Unauthenticated, "err.sign_in")
	}
	now := s.now()
	h := hashToken(token)
	var lastSeen, expires time.Time
	var disabled int
	var u User
	err := s.DB.QueryRow(ctx, `SELECT u.id, u.username, u.display_name, u.role, u.scope_code,
		COALESCE(u.org_id, 0), u.disabled, s.last_seen_at, s.expires_at
		FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.id_hash = $1`, h).
		Scan(&u.ID, &u.Username, &u.DisplayName, &u.Role, &u.ScopeCode, &u.OrgID, &disabled, &lastSeen, &expires)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, errs.E(errs.Unauthenticated, "err.sign_in")
	}
	if err != nil {
		return nil, fmt.Errorf("session: %w", err)
	}
	if disabled != 0 || now.After(expires) || now.Sub(lastSeen) > s.IdleTimeout {
		s.DB.Write.ExecContext(ctx, `DELETE FROM sessions WHERE id_hash = $1`, h)
		return nil, errs.E(errs.Unauthenticated, "err.session_expired")
	}
	if now.Sub(lastSeen) > touchEvery {
		if _, err := s.DB.Write.ExecContext(ctx, `UPDATE sessions SET last_seen_at = $1 WHERE id_hash = $2`, now, h); err != nil {
			return nil, fmt.Errorf("session touch: %w", err)
		}
	}
	return &u, nil
}

// Logout ends a session server-side.
func (s *Service) Logout(ctx context.Context, token string) error {
	if token == "" {
		return nil
	}
	_, err := s.DB.Write.ExecContext(ctx, `DELETE FROM sessions WHERE id_hash = $1`, hashToken(token))
	return err
}

// PurgeSessions removes expired sessions.
func (s *Service) PurgeSessions(ctx context.Context) (int64, error) {
	now := s.now()
	r, err := s.DB.Write.ExecContext(ctx, `DELETE FROM sessions WHERE expires_at < $1 OR last_seen_at < $2`, now, now.Add(-s.IdleTimeout))
	if err != nil {
		return 0, err
	}
	return r.RowsAffected()
}
