package auth

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"linli/internal/platform/audit"
	"linli/internal/platform/errs"
)

// Login checks a password and opens a session, returning its token: SignIn
// without a second-factor code (an account with TOTP on answers
// ErrTOTPRequired).
func (s *Service) Login(ctx context.Context, username, password, ip, ua string) (*User, string, error) {
	return s.SignIn(ctx, Credentials{Username: username, Password: password, IP: ip, UA: ua})
}

// Credentials are what a sign-in presents.
type Credentials struct {
	Username, Password string
	// TOTP is the six-digit code, or a recovery code, for an account with
	// the second factor on.
	TOTP string
	// TwoStep asks, when the code is missing, for a pending session whose
	// token (returned with ErrTOTPRequired) CompleteTOTP takes with the code.
	TwoStep bool
	IP, UA  string
}

// SignIn checks a password (and the second factor of an account that has
// one) and opens a session, returning its token. A name or address that has
// used its free failures waits (Throttle), with the same answer whether the
// name exists or not; a wrong code counts as a failure like a wrong
// password; every sign-in, failure and throttle is in the audit log.
func (s *Service) SignIn(ctx context.Context, c Credentials) (*User, string, error) {
	now := s.now()
	username, ip := c.Username, c.IP
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
	u, err := scanUser(row, &hash)
	if errors.Is(err, sql.ErrNoRows) {
		// Spend the same time as a real check, so timing does not reveal names.
		CheckPassword(dummyHash, c.Password)
		if err := s.recordFailure(ctx, nil, username, ip, "unknown_name", now); err != nil {
			return nil, "", err
		}
		return nil, "", errs.E(errs.Unauthenticated, "err.bad_login")
	}
	if err != nil {
		return nil, "", fmt.Errorf("login: %w", err)
	}
	ok, err := CheckPassword(hash, c.Password)
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
	u.IP = ip
	factor := ""
	if u.TOTP {
		if strings.TrimSpace(c.TOTP) == "" {
			if !c.TwoStep {
				return nil, "", ErrTOTPRequired()
			}
			token := randomToken("")
			if _, err := s.DB.Write.ExecContext(ctx, `INSERT INTO sessions (id_hash, user_id, created_at, last_seen_at, expires_at, ip, user_agent, mfa_pending)
				VALUES ($1, $2, $3, $3, $4, $5, $6, 1)`, hashToken(token), u.ID, now, now.Add(pendingFor), ip, truncate(c.UA, 200)); err != nil {
				return nil, "", fmt.Errorf("login: pending session: %w", err)
			}
			return u, token, ErrTOTPRequired()
		}
		if factor, err = s.secondFactor(ctx, u, c.TOTP, now); err != nil {
			return nil, "", err
		}
	}
	token, err := s.openSession(ctx, u, factor, "", c.UA, now)
	if err != nil {
		return nil, "", err
	}
	return u, token, nil
}

// openSession ends a pending session (if any), forgets the name's
// failures, and opens a session, audited as a sign-in.
func (s *Service) openSession(ctx context.Context, u *User, factor, pendingHash, ua string, now time.Time) (string, error) {
	token := randomToken("")
	err := s.DB.Tx(ctx, func(tx *sql.Tx) error {
		if pendingHash != "" {
			if _, err := tx.ExecContext(ctx, `DELETE FROM sessions WHERE id_hash = $1`, pendingHash); err != nil {
				return fmt.Errorf("login: end pending session: %w", err)
			}
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM sign_in_failures WHERE key = $1`, accountKey(u.Username)); err != nil {
			return fmt.Errorf("login: reset failures: %w", err)
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO sessions (id_hash, user_id, created_at, last_seen_at, expires_at, ip, user_agent)
			VALUES ($1, $2, $3, $3, $4, $5, $6)`, hashToken(token), u.ID, now, now.Add(s.AbsTimeout), u.IP, truncate(ua, 200)); err != nil {
			return fmt.Errorf("login: session: %w", err)
		}
		e := audit.Entry{Action: "user.sign_in", ObjectType: "user", ObjectID: strconv.FormatInt(u.ID, 10), ScopeCode: u.ScopeCode}
		if factor != "" {
			e.Detail = map[string]any{"second_factor": factor}
		}
		return audit.Record(ctx, tx, now, u.Actor(), e)
	})
	if err != nil {
		return "", err
	}
	return token, nil
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
// timeout; expired or unknown sessions are unauthenticated. Who a session
// belongs to is kept for SessionTTL (cache), so a page's burst of requests
// reads it once.
func (s *Service) SessionUser(ctx context.Context, token string) (*User, error) {
	if token == "" {
		return nil, errs.E(errs.Unauthenticated, "err.sign_in")
	}
	now := s.now()
	h := hashToken(token)
	c := s.cache()
	if e, ok := c.get("s" + h); ok && !now.After(e.expires) && now.Sub(e.lastSeen) <= s.IdleTimeout &&
		now.Sub(e.lastSeen) <= touchEvery {
		u := e.u
		return &u, nil
	}
	var lastSeen, expires time.Time
	var disabled, totpOn int
	var u User
	err := s.DB.QueryRow(ctx, `SELECT u.id, u.username, u.display_name, u.role, u.scope_code,
		COALESCE(u.org_id, 0), u.disabled, u.totp_on, s.last_seen_at, s.expires_at
		FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.id_hash = $1 AND s.mfa_pending = 0`, h).
		Scan(&u.ID, &u.Username, &u.DisplayName, &u.Role, &u.ScopeCode, &u.OrgID, &disabled, &totpOn, &lastSeen, &expires)
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
	u.TOTP = totpOn != 0
	if now.Sub(lastSeen) > touchEvery {
		if _, err := s.DB.Write.ExecContext(ctx, `UPDATE sessions SET last_seen_at = $1 WHERE id_hash = $2`, now, h); err != nil {
			return nil, fmt.Errorf("session touch: %w", err)
		}
		lastSeen = now
	}
	c.put(cachedSession{key: "s" + h, u: u, lastSeen: lastSeen, expires: expires})
	return &u, nil
}

// Logout ends a session server-side.
func (s *Service) Logout(ctx context.Context, token string) error {
	if token == "" {
		return nil
	}
	h := hashToken(token)
	_, err := s.DB.Write.ExecContext(ctx, `DELETE FROM sessions WHERE id_hash = $1`, h)
	s.cache().drop("s" + h)
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
