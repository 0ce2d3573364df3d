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

// Login checks a password and opens a session, returning its token. A
// name or address that has used its free failures waits (Throttle), with
// the same answer whether the name exists or not; every sign-in, failure
// and throttle is in the audit log.
func (s *Service) Login(ctx context.Context, username, password, ip, ua string) (*User, string, error) {
	now := s.now()
	if err := s.throttled(ctx, now, accountKey(username), addressKey(ip)); err != nil {
		if errs.Is(err, errs.TooMany) {
			if err := s.refusedWhileWaiting(ctx, ip, now); err != nil {
				return nil, "", err
			}
		}
		return nil, "", err
	}
	var hash string
	row := s.DB.Read.QueryRowContext(ctx, `SELECT `+userColumns+`, password_hash FROM users WHERE username = $1`, username)
	var disabled int
	var uu User
	err := row.Scan(&uu.ID, &uu.Username, &uu.DisplayName, &uu.Role, &uu.ScopeCode, &uu.OrgID, &disabled, &hash)
	if errors.Is(err, sql.ErrNoRows) {
		// Spend the same time as a real check, so timing does not reveal names.
		CheckPassword(dummyHash, password)
		if err := s.recordFailure(ctx, nil, username, ip, "unknown_name", now); err != nil {
			return nil, "", err
		}
		return nil, "", errs.E(errs.Unauthenticated, "err.bad_login")
	}
	if err != nil {
		return nil, "", fmt.Errorf("login: %w", err)
	}
	u := &uu
	u.Disabled = disabled != 0
	ok, err := CheckPassword(hash, password)
	if err != nil {
		return nil, "", err
	}
	if !ok || u.Disabled {
		reason := "wrong_password"
		if ok {
			reason = "disabled"
		}
		if err := s.recordFailure(ctx, u, username, ip, reason, now); err != nil {
			return nil, "", err
		}
		return nil, "", errs.E(errs.Unauthenticated, "err.bad_login")
	}
	token := randomToken("")
	u.IP = ip
	err = s.DB.Tx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `DELETE FROM sign_in_failures WHERE key = $1`, accountKey(username)); err != nil {
			return fmt.Errorf("login: reset failures: %w", err)
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO sessions (id_hash, user_id, created_at, last_seen_at, expires_at, ip, user_agent)
			VALUES ($1, $2, $3, $3, $4, $5, $6)`, hashToken(token), u.ID, now, now.Add(s.AbsTimeout), ip, truncate(ua, 200)); err != nil {
			return fmt.Errorf("login: session: %w", err)
		}
		return audit.Record(ctx, tx, now, u.Actor(), audit.Entry{Action: "user.sign_in", ObjectType: "user",
			ObjectID: strconv.FormatInt(u.ID, 10), ScopeCode: u.ScopeCode})
	})
	if err != nil {
		return nil, "", err
	}
	return u, token, nil
}

var dummyHash, _ = HashPassword("not a real password")

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
