package auth

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"linli/internal/platform/audit"
	"linli/internal/platform/clock"
	"linli/internal/platform/db"
	"linli/internal/platform/errs"
)

// OrgLookup tells the community code of an organization, for scoping an
// org_leader account; declared here, implemented by the registry.
type OrgLookup interface {
	OrgCommunity(ctx context.Context, id int64) (string, error)
}

// Service manages accounts, sessions and tokens.
type Service struct {
	DB          *db.DB
	Now         func() time.Time
	IdleTimeout time.Duration
	AbsTimeout  time.Duration
	Orgs        OrgLookup
	// Divisions reports whether a division code exists.
	DivisionExists func(ctx context.Context, code string) (bool, error)
	// Throttle slows repeated failed sign-ins (zero: the defaults).
	Throttle Throttle
	// SessionTTL is how long who a session or API token belongs to is kept
	// in memory after it was read (zero: read on every request). A change
	// made through this Service takes effect at once on this process; on
	// another process sharing the database, within SessionTTL.
	SessionTTL time.Duration
	// Hashing is the cost new passwords are hashed at (zero: OWASP); tests
	// set Cheapest. Stored hashes check at their own cost.
	Hashing Argon2id

	cacheOnce sync.Once
	sessions  *sessionCache
}

func (s *Service) now() time.Time { return clock.Now(s.Now) }

// hash hashes a new password at the service's cost (Hashing, else OWASP).
func (s *Service) hash(pw string) (string, error) {
	if s.Hashing == (Argon2id{}) {
		return HashPassword(pw)
	}
	return s.Hashing.Hash(pw)
}

const userColumns = `id, username, display_name, role, scope_code, COALESCE(org_id, 0), disabled, totp_on`

// scanUser reads userColumns, then any extra columns into extra.
func scanUser(sc interface{ Scan(...any) error }, extra ...any) (*User, error) {
	var u User
	var disabled, totpOn int
	if err := sc.Scan(append([]any{&u.ID, &u.Username, &u.DisplayName, &u.Role, &u.ScopeCode, &u.OrgID, &disabled, &totpOn}, extra...)...); err != nil {
		return nil, err
	}
	u.Disabled, u.TOTP = disabled != 0, totpOn != 0
	return &u, nil
}

// NewUser is the input to CreateUser.
type NewUser struct {
	Username    string `json:"username"`
	DisplayName string `json:"display_name"`
	Role        string `json:"role"`
	ScopeCode   string `json:"scope_code"`
	OrgID       int64  `json:"org_id"`
	Password    string `json:"password"`
}

var usernameRE = regexp.MustCompile(`^[a-zA-Z0-9_.\-]{3,40}$`)

// MinPasswordLen is the shortest password accepted.
const MinPasswordLen = 8

func (s *Service) validateNew(ctx context.Context, by *User, in *NewUser) error {
	f := errs.Fields{}
	in.Username = strings.TrimSpace(in.Username)
	in.ScopeCode = strings.TrimSpace(in.ScopeCode)
	in.DisplayName = strings.TrimSpace(in.DisplayName)
	if !usernameRE.MatchString(in.Username) {
		f.Add("username", "err.username_format")
	}
	f.Length("display_name", in.DisplayName, 0, 50)
	if !ValidRole(in.Role) {
		f.Add("role", "err.choose_one")
	} else if !ScopeFits(in.Role, in.ScopeCode) {
		f.Add("scope_code", "err.scope_level")
	}
	if utf8.RuneCountInString(in.Password) < MinPasswordLen {
		f.Add("password", "err.password_short", MinPasswordLen)
	}
	if by != nil {
		if !by.InScope(in.ScopeCode) {
			f.Add("scope_code", "err.outside_scope")
		}
		// only the city's security administrator makes the city-wide
		// roles and the security administrators (a district's makes the
		// business roles of its district)
		if (in.Role == CityAdmin || in.Role == SecurityAdmin || in.Role == Auditor && len(in.ScopeCode) <= 4) &&
			(by.Role != SecurityAdmin || len(by.ScopeCode) > 4) {
			f.Add("role", "err.role_too_high")
		}
	}
	if _, ok := f["scope_code"]; !ok && s.DivisionExists != nil {
		ok, err := s.DivisionExists(ctx, in.ScopeCode)
		if err != nil {
			return err
		}
		if !ok {
			f.Add("scope_code", "err.unknown_division")
		}
	}
	if in.OrgID != 0 && s.Orgs != nil {
		comm, err := s.Orgs.OrgCommunity(ctx, in.OrgID)
		switch {
		case errs.Is(err, errs.NotFound):
			f.Add("org_id", "err.not_found")
		case err != nil:
			return err
		case in.Role == OrgLeader && comm != in.ScopeCode:
			f.Add("org_id", "err.org_not_in_scope")
		case !strings.HasPrefix(comm, in.ScopeCode):
			f.Add("org_id", "err.org_not_in_scope")
		}
	}
	return f.Err()
}

// CreateUser creates an account. by is the administrator doing it (nil from
// the command line, which has the machine's authority).
func (s *Service) CreateUser(ctx context.Context, by *User, in NewUser) (*User, error) {
	if by != nil && !by.CanManageUsers() {
		return nil, errs.E(errs.Forbidden, "err.forbidden")
	}
	if err := s.validateNew(ctx, by, &in); err != nil {
		return nil, err
	}
	hash, err := s.hash(in.Password)
	if err != nil {
		return nil, err
	}
	now := s.now()
	var u *User
	err = s.DB.Tx(ctx, func(tx *sql.Tx) error {
		var id int64
		err := tx.QueryRowContext(ctx, `INSERT INTO users
			(username, display_name, role, scope_code, org_id, password_hash, created_at, updated_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $7) RETURNING id`,
			in.Username, in.DisplayName, in.Role, in.ScopeCode, db.NullID(in.OrgID), hash, now).Scan(&id)
		if s.DB.Dialect.IsUniqueViolation(err) {
			return errs.FieldConflict("username", "err.username_taken")
		}
		if err != nil {
			return fmt.Errorf("create user: %w", err)
		}
		u = &User{ID: id, Username: in.Username, DisplayName: in.DisplayName, Role: in.Role, ScopeCode: in.ScopeCode, OrgID: in.OrgID}
		return audit.Record(ctx, tx, now, by.Actor(), audit.Entry{Action: "user.create", ObjectType: "user",
			ObjectID: strconv.FormatInt(id, 10), ScopeCode: in.ScopeCode,
			Detail: map[string]any{"username": u.Username, "role": u.Role, "scope_code": u.ScopeCode, "org_id": u.OrgID}})
	})
	return u, err
}

// UserByID returns a user if it is within the viewer's scope.
func (s *Service) UserByID(ctx context.Context, viewer *User, id int64) (*User, error) {
	u, err := db.One(ctx, s.DB.Read, "auth: user", scanListed, `SELECT `+userColumns+` FROM users WHERE id = $1`, id)
	if err == nil && viewer != nil && !viewer.InScope(u.ScopeCode) {
		return nil, errs.Missing()
	}
	return u, err
}

// UserByName returns a user by username (no scope check; for the CLI).
func (s *Service) UserByName(ctx context.Context, name string) (*User, error) {
	return db.One(ctx, s.DB.Read, "auth: user", scanListed, `SELECT `+userColumns+` FROM users WHERE username = $1`, name)
}

// ListUsers returns the accounts within the viewer's scope (an empty list,
// not nil, when there is none: the JSON answer's []).
func (s *Service) ListUsers(ctx context.Context, viewer *User) ([]*User, error) {
	if !viewer.CanManageUsers() {
		return nil, errs.E(errs.Forbidden, "err.forbidden")
	}
	in, args := db.ScopeCond("scope_code", viewer.ScopeCode, nil)
	return db.ListPtrs(ctx, s.DB.Read, "list users", scanListed, `SELECT `+userColumns+` FROM users
		WHERE `+in+` ORDER BY scope_code, role, username LIMIT 2000`, args...)
}

// scanListed is scanUser for a list, which reads no extra column.
func scanListed(sc interface{ Scan(...any) error }) (*User, error) { return scanUser(sc) }

// UserFilter narrows the accounts list: a fragment of the username or the
// display name, one role, and a page of UsersPerPage.
type UserFilter struct {
	Q, Role string
	Page    int
}

// UsersPerPage is the accounts list's page size.
const UsersPerPage = 20

// UsersPage returns one page of the accounts within the viewer's scope that
// match the filter, and how many match in all: the page's work is bounded
// whatever the number of accounts (a city may hold tens of thousands).
func (s *Service) UsersPage(ctx context.Context, viewer *User, f UserFilter) ([]*User, int, error) {
	if !viewer.CanManageUsers() {
		return nil, 0, errs.E(errs.Forbidden, "err.forbidden")
	}
	if f.Page < 1 {
		f.Page = 1
	}
	if f.Page > 100_000 {
		f.Page = 100_000
	}
	like := ""
	if q := strings.TrimSpace(f.Q); q != "" {
		like = "%" + db.EscapeLike(q) + "%"
	}
	in, args := db.ScopeCond("scope_code", viewer.ScopeCode, []any{f.Role, like})
	where := ` FROM users WHERE ($1 = '' OR role = $1)
		AND ($2 = '' OR username LIKE $2 ESCAPE '\' OR display_name LIKE $2 ESCAPE '\') AND ` + in
	var total int
	if err := s.DB.Read.QueryRowContext(ctx, `SELECT COUNT(*)`+where, args...).Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("count users: %w", err)
	}
	n := len(args)
	out, err := db.ListPtrs(ctx, s.DB.Read, "list users", scanListed, `SELECT `+userColumns+where+
		` ORDER BY scope_code, role, username LIMIT $`+strconv.Itoa(n+1)+` OFFSET $`+strconv.Itoa(n+2),
		append(args, UsersPerPage, (f.Page-1)*UsersPerPage)...)
	return out, total, err
}

// SetDisabled enables or disables an account in the administrator's scope and
// ends its sessions when disabling.
func (s *Service) SetDisabled(ctx context.Context, by *User, id int64, disabled bool) error {
	defer s.Forget() // after the commit: the next request reads the account again
	if !by.CanManageUsers() {
		return errs.E(errs.Forbidden, "err.forbidden")
	}
	u, err := s.UserByID(ctx, by, id)
	if err != nil {
		return err
	}
	if u.ID == by.ID {
		return errs.E(errs.Invalid, "err.cannot_disable_self")
	}
	now := s.now()
	return s.DB.Tx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `UPDATE users SET disabled = $1, updated_at = $2 WHERE id = $3`, db.BoolInt(disabled), now, id); err != nil {
			return fmt.Errorf("disable user: %w", err)
		}
		if disabled {
			if _, err := tx.ExecContext(ctx, `DELETE FROM sessions WHERE user_id = $1`, id); err != nil {
				return fmt.Errorf("end sessions: %w", err)
			}
		}
		return audit.Record(ctx, tx, now, by.Actor(), audit.Entry{Action: "user.set_disabled", ObjectType: "user",
			ObjectID: strconv.FormatInt(id, 10), ScopeCode: u.ScopeCode, Detail: map[string]any{"disabled": disabled}})
	})
}

// SetPassword sets a new password for a user in the administrator's scope
// (or the user's own), ending their sessions and revoking their API tokens.
func (s *Service) SetPassword(ctx context.Context, by *User, id int64, pw string) error {
	defer s.Forget() // after the commit: the next request reads the account again
	if by != nil && by.ID != id && !by.CanManageUsers() {
		return errs.E(errs.Forbidden, "err.forbidden")
	}
	u, err := s.UserByID(ctx, by, id)
	if err != nil {
		return err
	}
	if utf8.RuneCountInString(pw) < MinPasswordLen {
		return errs.Field("password", "err.password_short", MinPasswordLen)
	}
	hash, err := s.hash(pw)
	if err != nil {
		return err
	}
	now := s.now()
	return s.DB.Tx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `UPDATE users SET password_hash = $1, failed_logins = 0, locked_until = NULL, updated_at = $2 WHERE id = $3`, hash, now, id); err != nil {
			return fmt.Errorf("set password: %w", err)
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM sessions WHERE user_id = $1`, id); err != nil {
			return fmt.Errorf("end sessions: %w", err)
		}
		// a new password revokes the API tokens issued under the old one
		res, err := tx.ExecContext(ctx, `UPDATE api_tokens SET revoked_at = $1 WHERE user_id = $2 AND revoked_at IS NULL`, now, id)
		if err != nil {
			return fmt.Errorf("revoke tokens: %w", err)
		}
		revoked, _ := res.RowsAffected()
		if _, err := tx.ExecContext(ctx, `DELETE FROM sign_in_failures WHERE key = $1`, accountKey(u.Username)); err != nil {
			return fmt.Errorf("reset sign-in failures: %w", err)
		}
		return audit.Record(ctx, tx, now, by.Actor(), audit.Entry{Action: "user.set_password", ObjectType: "user",
			ObjectID: strconv.FormatInt(id, 10), ScopeCode: u.ScopeCode, Detail: map[string]any{"tokens_revoked": revoked}})
	})
}

func randomToken(prefix string) string {
	b := make([]byte, 32)
	rand.Read(b)
	return prefix + base64.RawURLEncoding.EncodeToString(b)
}

func hashToken(t string) string {
	h := sha256.Sum256([]byte(t))
	return hex.EncodeToString(h[:])
}
