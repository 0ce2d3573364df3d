package auth

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"linli/internal/platform/audit"
	"linli/internal/platform/db"
	"linli/internal/platform/errs"
)

// TokenPrefix starts every API token, so leaked tokens are recognisable.
const TokenPrefix = "lnl_"

// Token is an API token as listed (never with its secret).
type Token struct {
	ID         int64      `json:"id"`
	Name       string     `json:"name"`
	Prefix     string     `json:"prefix"`
	CreatedAt  time.Time  `json:"created_at"`
	LastUsedAt *time.Time `json:"last_used_at,omitempty"`
	RevokedAt  *time.Time `json:"revoked_at,omitempty"`
}

// CreateToken issues a token for the user; the plain text is returned once.
func (s *Service) CreateToken(ctx context.Context, u *User, name string) (string, *Token, error) {
	name = strings.TrimSpace(name)
	if name == "" || utf8.RuneCountInString(name) > 60 {
		return "", nil, errs.Field("name", "err.required")
	}
	plain := randomToken(TokenPrefix)
	now := s.now()
	t := &Token{Name: name, Prefix: plain[:len(TokenPrefix)+6], CreatedAt: now}
	err := s.DB.Tx(ctx, func(tx *sql.Tx) error {
		if err := tx.QueryRowContext(ctx, `INSERT INTO api_tokens (user_id, name, token_hash, prefix, created_at)
			VALUES ($1, $2, $3, $4, $5) RETURNING id`, u.ID, name, hashToken(plain), t.Prefix, now).Scan(&t.ID); err != nil {
			return fmt.Errorf("create token: %w", err)
		}
		return audit.Record(ctx, tx, now, u.Actor(), audit.Entry{Action: "token.create", ObjectType: "token",
			ObjectID: strconv.FormatInt(t.ID, 10), ScopeCode: u.ScopeCode, Detail: map[string]any{"name": name}})
	})
	if err != nil {
		return "", nil, err
	}
	return plain, t, nil
}

// ListTokens lists the user's own tokens.
func (s *Service) ListTokens(ctx context.Context, u *User) ([]Token, error) {
	return db.List(ctx, s.DB.Read, "list tokens", func(r interface{ Scan(...any) error }) (*Token, error) {
		var t Token
		var used, revoked sql.NullTime
		err := r.Scan(&t.ID, &t.Name, &t.Prefix, &t.CreatedAt, &used, &revoked)
		if used.Valid {
			t.LastUsedAt = &used.Time
		}
		if revoked.Valid {
			t.RevokedAt = &revoked.Time
		}
		return &t, err
	}, `SELECT id, name, prefix, created_at, last_used_at, revoked_at
		FROM api_tokens WHERE user_id = $1 ORDER BY id DESC`, u.ID)
}

// RevokeToken revokes one of the user's own tokens.
func (s *Service) RevokeToken(ctx context.Context, u *User, id int64) error {
	defer s.Forget() // after the commit: the next request reads the account again
	now := s.now()
	return s.DB.Tx(ctx, func(tx *sql.Tx) error {
		r, err := tx.ExecContext(ctx, `UPDATE api_tokens SET revoked_at = $1 WHERE id = $2 AND user_id = $3 AND revoked_at IS NULL`, now, id, u.ID)
		if err != nil {
			return fmt.Errorf("revoke token: %w", err)
		}
		if n, _ := r.RowsAffected(); n == 0 {
			return errs.Missing()
		}
		return audit.Record(ctx, tx, now, u.Actor(), audit.Entry{Action: "token.revoke", ObjectType: "token",
			ObjectID: strconv.FormatInt(id, 10), ScopeCode: u.ScopeCode})
	})
}

// TokenUser returns the user of a live API token.
func (s *Service) TokenUser(ctx context.Context, plain string) (*User, error) {
	if !strings.HasPrefix(plain, TokenPrefix) {
		return nil, errs.E(errs.Unauthenticated, "err.bad_token")
	}
	h := hashToken(plain)
	now := s.now()
	c := s.cache()
	if e, ok := c.get("t" + h); ok && now.Sub(e.lastSeen) <= touchEvery {
		u := e.u
		return &u, nil
	}
	var u User
	var disabled, totpOn int
	var id int64
	var used sql.NullTime
	err := s.DB.QueryRow(ctx, `SELECT u.id, u.username, u.display_name, u.role, u.scope_code,
		COALESCE(u.org_id, 0), u.disabled, u.totp_on, t.id, t.last_used_at
		FROM api_tokens t JOIN users u ON u.id = t.user_id WHERE t.token_hash = $1 AND t.revoked_at IS NULL`, h).
		Scan(&u.ID, &u.Username, &u.DisplayName, &u.Role, &u.ScopeCode, &u.OrgID, &disabled, &totpOn, &id, &used)
	if errors.Is(err, sql.ErrNoRows) || disabled != 0 {
		return nil, errs.E(errs.Unauthenticated, "err.bad_token")
	}
	if err != nil {
		return nil, fmt.Errorf("token: %w", err)
	}
	u.TOTP = totpOn != 0
	if !used.Valid || now.Sub(used.Time) > touchEvery {
		s.DB.Write.ExecContext(ctx, `UPDATE api_tokens SET last_used_at = $1 WHERE id = $2`, now, id)
		used.Time = now
	}
	c.put(cachedSession{key: "t" + h, u: u, lastSeen: used.Time})
	return &u, nil
}
