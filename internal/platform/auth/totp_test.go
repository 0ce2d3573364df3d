package auth_test

import (
	"strconv"
	"strings"
	"testing"
	"time"

	"linli/internal/platform/auth"
	"linli/internal/platform/db/dbtest"
	"linli/internal/platform/errs"
	"linli/internal/platform/pii"
)

// auditActions are the audit log's actions about a user, in order.
func (f *fixture) auditActions(t *testing.T, userID int64) []string {
	t.Helper()
	return dbtest.Strings(t, f.db, `SELECT action FROM audit_log WHERE object_type = 'user' AND object_id = $1 ORDER BY seq`, strconv.FormatInt(userID, 10))
}

func count(t *testing.T, f *fixture, q string, args ...any) int {
	t.Helper()
	var n int
	if err := f.db.Read.QueryRow(q, args...).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// TestTOTP: enrolment through a code of the offered secret, sign-in asking
// for the code after the password, codes accepted once, wrong codes
// throttled like passwords, recovery codes single-use, a reset that ends
// sessions and revokes tokens; all of it audited.
func TestTOTP(t *testing.T) {
	f := setup(t)
	u := f.user(t, f.admin, "dora", auth.DistrictOfficer, "440106")
	if !u.MustEnrol() {
		t.Fatal("a district officer without 2FA must enrol")
	}
	// enrol
	e, err := f.users.BeginTOTP(f.ctx, u)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(e.URL, "otpauth://totp/linli:dora?") || len(e.Secret) < 16 {
		t.Fatalf("enrolment %+v", e)
	}
	var stored string
	f.db.Read.QueryRow(`SELECT totp_secret FROM users WHERE id = $1`, u.ID).Scan(&stored)
	if strings.Contains(stored, e.Secret) || !pii.Sealed(stored) {
		t.Fatalf("secret stored as %q", stored)
	}
	if _, err := f.users.ConfirmTOTP(f.ctx, u, "000000"); err == nil {
		t.Fatal("a wrong code turned 2FA on")
	}
	codes, err := f.users.ConfirmTOTP(f.ctx, u, auth.TOTPCode(e.Secret, f.clock.Now()))
	if err != nil {
		t.Fatal(err)
	}
	if len(codes) != auth.RecoveryCodes || count(t, f, `SELECT COUNT(*) FROM recovery_codes WHERE user_id = $1`, u.ID) != auth.RecoveryCodes {
		t.Fatalf("recovery codes %v", codes)
	}
	for _, c := range codes {
		if count(t, f, `SELECT COUNT(*) FROM recovery_codes WHERE code_hash LIKE $1`, "%"+strings.ReplaceAll(c, "-", "")+"%") != 0 {
			t.Fatal("a recovery code is stored in clear")
		}
	}
	// the password alone is not enough, and the answer names the field
	_, _, err = f.users.Login(f.ctx, "dora", pw, "10.0.0.1", "t")
	if !auth.IsTOTPRequired(err) {
		t.Fatalf("password alone: %v", err)
	}
	sign := func(code, ip string) (*auth.User, error) {
		u, _, err := f.users.SignIn(f.ctx, auth.Credentials{Username: "dora", Password: pw, TOTP: code, IP: ip, UA: "t"})
		return u, err
	}
	f.clock.Advance(time.Minute)
	code := auth.TOTPCode(e.Secret, f.clock.Now())
	got, err := sign(code, "10.0.0.1")
	if err != nil || !got.TOTP {
		t.Fatalf("right code: %v %+v", err, got)
	}
	if _, err := sign(code, "10.0.0.1"); err == nil {
		t.Fatal("a code was accepted twice")
	}
	// the code of the step before still works once (clock drift), an old one does not
	f.clock.Advance(30 * time.Second)
	if _, err := sign(auth.TOTPCode(e.Secret, f.clock.Now().Add(-5*time.Minute)), "10.0.0.1"); err == nil {
		t.Fatal("a five-minute-old code was accepted")
	}
	// two-step: a pending session authenticates nothing until the code
	_, pending, err := f.users.SignIn(f.ctx, auth.Credentials{Username: "dora", Password: pw, TwoStep: true, IP: "10.0.0.2"})
	if !auth.IsTOTPRequired(err) || pending == "" {
		t.Fatalf("two-step: %v %q", err, pending)
	}
	if _, err := f.users.SessionUser(f.ctx, pending); err == nil {
		t.Fatal("a pending session authenticated a request")
	}
	if _, _, err := f.users.CompleteTOTP(f.ctx, pending, "123456", "10.0.0.2", "t"); err == nil {
		t.Fatal("wrong second step accepted")
	}
	f.clock.Advance(30 * time.Second)
	_, tok, err := f.users.CompleteTOTP(f.ctx, pending, auth.TOTPCode(e.Secret, f.clock.Now()), "10.0.0.2", "t")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.users.SessionUser(f.ctx, tok); err != nil {
		t.Fatalf("session after the second step: %v", err)
	}
	if _, _, err := f.users.CompleteTOTP(f.ctx, pending, auth.TOTPCode(e.Secret, f.clock.Now().Add(30*time.Second)), "10.0.0.2", "t"); err == nil {
		t.Fatal("a spent pending session was used again")
	}
	// wrong codes are throttled like passwords (5 free by account)
	var throttled bool
	for i := 0; i < 8; i++ {
		_, err := sign("000000", "10.0.0.3")
		if errs.Is(err, errs.TooMany) {
			throttled = true
			break
		}
	}
	if !throttled {
		t.Fatal("8 wrong codes were not throttled")
	}
	f.clock.Advance(20 * time.Minute)
	// a recovery code works once
	if _, err := sign(codes[0], "10.0.0.4"); err != nil {
		t.Fatalf("recovery code: %v", err)
	}
	if _, err := sign(codes[0], "10.0.0.4"); err == nil {
		t.Fatal("a recovery code was accepted twice")
	}
	if _, err := sign(strings.ToUpper(codes[1]), "10.0.0.4"); err != nil {
		t.Fatalf("second recovery code (upper case): %v", err)
	}
	// a reset by the security administrator ends sessions and revokes tokens
	tk, _, err := f.users.CreateToken(f.ctx, got, "robot")
	if err != nil {
		t.Fatal(err)
	}
	if err := f.users.ResetTOTP(f.ctx, &auth.User{ID: 97, Role: auth.CityAdmin, ScopeCode: "4401"}, u.ID); !errs.Is(err, errs.Forbidden) {
		t.Fatalf("city admin reset: %v", err)
	}
	if err := f.users.ResetTOTP(f.ctx, f.admin, u.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := f.users.TokenUser(f.ctx, tk); err == nil {
		t.Fatal("token survived the 2FA reset")
	}
	if _, err := f.users.SessionUser(f.ctx, tok); err == nil {
		t.Fatal("session survived the 2FA reset")
	}
	after, _, err := f.users.Login(f.ctx, "dora", pw, "10.0.0.5", "t")
	if err != nil || after.TOTP || !after.MustEnrol() {
		t.Fatalf("after reset: %v %+v", err, after)
	}
	acts := strings.Join(f.auditActions(t, u.ID), " ")
	for _, want := range []string{"user.totp_enrol", "user.sign_in", "user.sign_in_failed", "user.sign_in_throttled", "user.recovery_code_used", "user.totp_reset"} {
		if !strings.Contains(acts, want) {
			t.Errorf("audit log lacks %s: %s", want, acts)
		}
	}
}
