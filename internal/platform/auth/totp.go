package auth

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/base32"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/pquerna/otp"
	"github.com/pquerna/otp/totp"

	"linli/internal/platform/audit"
	"linli/internal/platform/errs"
	"linli/internal/platform/pii"
)

// The second factor: TOTP (RFC 6238: HMAC-SHA1, 6 digits, 30-second
// steps), with ten single-use recovery codes shown once and stored as keyed
// hashes. The secret is sealed with the application key (pii). A code is
// accepted for the step before, the current one and the one after, and
// each step once (a replayed code is refused).

// TOTPIssuer is the issuer shown by authenticator apps.
const TOTPIssuer = "linli"

// RecoveryCodes is how many recovery codes an enrolment gives.
const RecoveryCodes = 10

// pendingFor is how long a password-checked sign-in waits for its code.
const pendingFor = 5 * time.Minute

var totpOpts = totp.ValidateOpts{Period: 30, Digits: otp.DigitsSix, Algorithm: otp.AlgorithmSHA1}

// RequiresTOTP reports the roles that must sign in with a second factor.
func RequiresTOTP(role string) bool {
	switch role {
	case CityAdmin, DistrictOfficer, Auditor, SecurityAdmin:
		return true
	}
	return false
}

// MustEnrol reports a user whose role requires the second factor and who
// has not enrolled yet: such a session reaches only the enrolment.
func (u *User) MustEnrol() bool { return u != nil && RequiresTOTP(u.Role) && !u.TOTP }

// ErrTOTPRequired is the answer to a right password without the code of an
// account with the second factor on (field "totp").
func ErrTOTPRequired() error {
	return &errs.Error{Code: errs.Unauthenticated, Message: errs.M("err.totp_required"),
		Fields: map[string]errs.Msg{"totp": errs.M("err.totp_required")}}
}

// IsTOTPRequired reports ErrTOTPRequired.
func IsTOTPRequired(err error) bool {
	e, ok := errs.As(err)
	return ok && e.Code == errs.Unauthenticated && e.Message.Key == "err.totp_required"
}

func errTOTPWrong() error {
	return &errs.Error{Code: errs.Unauthenticated, Message: errs.M("err.totp_wrong"),
		Fields: map[string]errs.Msg{"totp": errs.M("err.totp_wrong")}}
}

// TOTPCode is the code of a base32 secret at a time (for tests and demos).
func TOTPCode(secret string, t time.Time) string {
	c, err := totp.GenerateCodeCustom(secret, t, totpOpts)
	if err != nil {
		return ""
	}
	return c
}

// KnownSecret is a fixed secret derived from a label, for the demo accounts
// and the tests (never for a real account: anyone can compute it).
func KnownSecret(label string) string {
	h := sha256.Sum256([]byte("linli known totp secret " + label))
	return base32.StdEncoding.WithPadding(base32.NoPadding).EncodeToString(h[:20])
}

// matchStep finds the step (within one of now) whose code is code and that
// is later than last; 0 if none.
func matchStep(secret, code string, last int64, now time.Time) int64 {
	code = strings.TrimSpace(code)
	if len(code) != 6 {
		return 0
	}
	cur := now.Unix() / 30
	for _, st := range []int64{cur - 1, cur, cur + 1} {
		if st <= last {
			continue
		}
		if c, err := totp.GenerateCodeCustom(secret, time.Unix(st*30, 0), totpOpts); err == nil && c == code {
			return st
		}
	}
	return 0
}

func normRecovery(code string) string {
	return strings.ToLower(strings.NewReplacer("-", "", " ", "").Replace(strings.TrimSpace(code)))
}

// secondFactor checks a TOTP or recovery code for u (already past the
// password), consuming it; a wrong code counts as a failed sign-in. It
// returns "totp" or "recovery_code".
func (s *Service) secondFactor(ctx context.Context, u *User, code string, now time.Time) (string, error) {
	var sealed string
	var last int64
	if err := s.DB.Write.QueryRowContext(ctx, `SELECT totp_secret, totp_step FROM users WHERE id = $1`, u.ID).Scan(&sealed, &last); err != nil {
		return "", fmt.Errorf("totp: %w", err)
	}
	secret, err := pii.OpenErr(sealed)
	if err != nil {
		return "", err
	}
	if st := matchStep(secret, code, last, now); st != 0 {
		// the step moves forward only: a code is accepted once
		res, err := s.DB.Write.ExecContext(ctx, `UPDATE users SET totp_step = $1 WHERE id = $2 AND totp_step < $1`, st, u.ID)
		if err != nil {
			return "", fmt.Errorf("totp: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 1 {
			return "totp", nil
		}
	} else if rc := normRecovery(code); len(rc) == 10 {
		var used bool
		err := s.DB.Tx(ctx, func(tx *sql.Tx) error {
			match, args := pii.KeyedIn("code_hash", "recovery", rc, []any{now, u.ID})
			res, err := tx.ExecContext(ctx, `UPDATE recovery_codes SET used_at = $1 WHERE user_id = $2 AND `+match+` AND used_at IS NULL`, args...)
			if err != nil {
				return err
			}
			if n, _ := res.RowsAffected(); n == 0 {
				return nil
			}
			used = true
			var left int
			if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM recovery_codes WHERE user_id = $1 AND used_at IS NULL`, u.ID).Scan(&left); err != nil {
				return err
			}
			return audit.Record(ctx, tx, now, u.Actor(), audit.Entry{Action: "user.recovery_code_used", ObjectType: "user",
				ObjectID: strconv.FormatInt(u.ID, 10), ScopeCode: u.ScopeCode, Detail: map[string]any{"codes_left": left}})
		})
		if err != nil {
			return "", fmt.Errorf("recovery code: %w", err)
		}
		if used {
			return "recovery_code", nil
		}
	}
	if err := s.recordFailure(ctx, u, u.Username, u.IP, "wrong_second_factor", now); err != nil {
		return "", err
	}
	return "", errTOTPWrong()
}

// CompleteTOTP is the second step of a two-step sign-in: the pending
// session's token (from SignIn with TwoStep) and the code. It is throttled
// like a password; a right code opens a new session (the pending token is
// spent), a wrong one leaves the pending session for another try.
func (s *Service) CompleteTOTP(ctx context.Context, pending, code, ip, ua string) (*User, string, error) {
	now := s.now()
	h := hashToken(pending)
	var created time.Time
	u, err := scanUser(s.DB.Write.QueryRowContext(ctx, `SELECT u.id, u.username, u.display_name, u.role, u.scope_code,
		COALESCE(u.org_id, 0), u.disabled, u.totp_on, s.created_at
		FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.id_hash = $1 AND s.mfa_pending = 1`, h), &created)
	if errors.Is(err, sql.ErrNoRows) || (err == nil && (u.Disabled || now.Sub(created) > pendingFor)) {
		return nil, "", errs.E(errs.Unauthenticated, "err.session_expired")
	}
	if err != nil {
		return nil, "", fmt.Errorf("totp: %w", err)
	}
	if err := s.throttled(ctx, now, accountKey(u.Username), addressKey(ip)); err != nil {
		if errs.Is(err, errs.TooMany) {
			if err := s.refusedWhileWaiting(ctx, ip, now); err != nil {
				return nil, "", err
			}
		}
		return nil, "", err
	}
	u.IP = ip
	factor, err := s.secondFactor(ctx, u, code, now)
	if err != nil {
		return nil, "", err
	}
	token, err := s.openSession(ctx, u, factor, h, ua, now)
	if err != nil {
		return nil, "", err
	}
	return u, token, nil
}

// TOTPEnrolment is a secret offered to a user, not yet confirmed.
type TOTPEnrolment struct {
	Secret string `json:"secret"`
	URL    string `json:"otpauth_url"`
}

// BeginTOTP makes a new secret for u (replacing an unconfirmed one) and
// keeps it sealed until ConfirmTOTP; an account with the factor on must
// have it reset first.
func (s *Service) BeginTOTP(ctx context.Context, u *User) (*TOTPEnrolment, error) {
	if u.TOTP {
		return nil, errs.E(errs.Conflict, "err.totp_already_on")
	}
	key, err := totp.Generate(totp.GenerateOpts{Issuer: TOTPIssuer, AccountName: u.Username, Period: 30,
		Digits: otp.DigitsSix, Algorithm: otp.AlgorithmSHA1})
	if err != nil {
		return nil, err
	}
	if _, err := s.DB.Write.ExecContext(ctx, `UPDATE users SET totp_secret = $1, updated_at = $2 WHERE id = $3 AND totp_on = 0`,
		pii.Seal(key.Secret()), s.now(), u.ID); err != nil {
		return nil, fmt.Errorf("totp: %w", err)
	}
	return &TOTPEnrolment{Secret: key.Secret(), URL: key.URL()}, nil
}

// PendingTOTP returns the unconfirmed secret of u, if any (the enrolment
// page shows it again after a wrong code).
func (s *Service) PendingTOTP(ctx context.Context, u *User) (*TOTPEnrolment, error) {
	var sealed string
	var on int
	if err := s.DB.Read.QueryRowContext(ctx, `SELECT totp_secret, totp_on FROM users WHERE id = $1`, u.ID).Scan(&sealed, &on); err != nil {
		return nil, fmt.Errorf("totp: %w", err)
	}
	if on != 0 || sealed == "" {
		return nil, nil
	}
	secret, err := pii.OpenErr(sealed)
	if err != nil {
		return nil, err
	}
	return &TOTPEnrolment{Secret: secret, URL: otpURL(u.Username, secret)}, nil
}

func otpURL(account, secret string) string {
	key, err := otp.NewKeyFromURL("otpauth://totp/" + TOTPIssuer + ":" + account + "?secret=" + secret +
		"&issuer=" + TOTPIssuer + "&algorithm=SHA1&digits=6&period=30")
	if err != nil {
		return ""
	}
	return key.URL()
}

// ConfirmTOTP turns the factor on with a code of the offered secret and
// returns the recovery codes, shown this once.
func (s *Service) ConfirmTOTP(ctx context.Context, u *User, code string) ([]string, error) {
	var sealed string
	var on int
	if err := s.DB.Write.QueryRowContext(ctx, `SELECT totp_secret, totp_on FROM users WHERE id = $1`, u.ID).Scan(&sealed, &on); err != nil {
		return nil, fmt.Errorf("totp: %w", err)
	}
	if on != 0 {
		return nil, errs.E(errs.Conflict, "err.totp_already_on")
	}
	if sealed == "" {
		return nil, errs.E(errs.Invalid, "err.totp_not_begun")
	}
	secret, err := pii.OpenErr(sealed)
	if err != nil {
		return nil, err
	}
	now := s.now()
	st := matchStep(secret, code, 0, now)
	if st == 0 {
		// a wrong code here is a bad input, not a failed sign-in
		return nil, &errs.Error{Code: errs.Invalid, Message: errs.M("err.totp_wrong"),
			Fields: map[string]errs.Msg{"totp": errs.M("err.totp_wrong")}}
	}
	return s.turnOn(ctx, u, u, st, now, "")
}

// EnrolKnown turns the factor on for an account with a given secret, from
// the command line, the demo or a test (by nil: the machine's authority);
// it returns the recovery codes.
func (s *Service) EnrolKnown(ctx context.Context, id int64, secret string) ([]string, error) {
	u, err := s.UserByID(ctx, nil, id)
	if err != nil {
		return nil, err
	}
	if _, err := s.DB.Write.ExecContext(ctx, `UPDATE users SET totp_secret = $1 WHERE id = $2`, pii.Seal(secret), id); err != nil {
		return nil, fmt.Errorf("totp: %w", err)
	}
	return s.turnOn(ctx, nil, u, 0, s.now(), "known_secret")
}

func (s *Service) turnOn(ctx context.Context, by, u *User, step int64, now time.Time, how string) ([]string, error) {
	defer s.Forget() // after the commit: the next request reads the account again
	codes := make([]string, RecoveryCodes)
	for i := range codes {
		b := make([]byte, 7)
		rand.Read(b)
		c := strings.ToLower(base32.StdEncoding.EncodeToString(b))[:10]
		codes[i] = c[:5] + "-" + c[5:]
	}
	err := s.DB.Tx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `UPDATE users SET totp_on = 1, totp_step = $1, updated_at = $2 WHERE id = $3`, step, now, u.ID); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM recovery_codes WHERE user_id = $1`, u.ID); err != nil {
			return err
		}
		for _, c := range codes {
			if _, err := tx.ExecContext(ctx, `INSERT INTO recovery_codes (user_id, code_hash, created_at) VALUES ($1, $2, $3)`,
				u.ID, pii.Current().Keyed("recovery", normRecovery(c)), now); err != nil {
				return err
			}
		}
		d := map[string]any{"recovery_codes": len(codes)}
		if how != "" {
			d["how"] = how
		}
		return audit.Record(ctx, tx, now, by.Actor(), audit.Entry{Action: "user.totp_enrol", ObjectType: "user",
			ObjectID: strconv.FormatInt(u.ID, 10), ScopeCode: u.ScopeCode, Detail: d})
	})
	if err != nil {
		return nil, fmt.Errorf("totp: %w", err)
	}
	return codes, nil
}

// ResetTOTP turns the factor off for an account (lost phone): its sessions
// end, its API tokens are revoked and its recovery codes deleted; its next
// sign-in enrols again if its role requires the factor. by is an account
// administrator (nil from the command line).
func (s *Service) ResetTOTP(ctx context.Context, by *User, id int64) error {
	defer s.Forget() // after the commit: the next request reads the account again
	if by != nil && !by.CanManageUsers() {
		return errs.E(errs.Forbidden, "err.forbidden")
	}
	u, err := s.UserByID(ctx, by, id)
	if err != nil {
		return err
	}
	now := s.now()
	return s.DB.Tx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `UPDATE users SET totp_on = 0, totp_secret = '', totp_step = 0, updated_at = $1 WHERE id = $2`, now, id); err != nil {
			return err
		}
		for _, q := range []string{`DELETE FROM recovery_codes WHERE user_id = $1`, `DELETE FROM sessions WHERE user_id = $1`} {
			if _, err := tx.ExecContext(ctx, q, id); err != nil {
				return err
			}
		}
		res, err := tx.ExecContext(ctx, `UPDATE api_tokens SET revoked_at = $1 WHERE user_id = $2 AND revoked_at IS NULL`, now, id)
		if err != nil {
			return err
		}
		revoked, _ := res.RowsAffected()
		return audit.Record(ctx, tx, now, by.Actor(), audit.Entry{Action: "user.totp_reset", ObjectType: "user",
			ObjectID: strconv.FormatInt(id, 10), ScopeCode: u.ScopeCode, Detail: map[string]any{"tokens_revoked": revoked}})
	})
}
