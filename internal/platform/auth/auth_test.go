package auth_test

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"linli/internal/geo/geotest"
	"linli/internal/platform/audit"
	"linli/internal/platform/auth"
	"linli/internal/platform/clock/clocktest"
	"linli/internal/platform/db"
	"linli/internal/platform/errs"
)

const pw = "correct horse battery"

type fixture struct {
	ctx   context.Context
	db    *db.DB
	clock *clocktest.Clock
	users *auth.Service
	admin *auth.User
}

func setup(t *testing.T) *fixture {
	t.Helper()
	ctx := context.Background()
	d, st := geotest.Open(t)
	c := clocktest.New(time.Date(2021, 9, 1, 9, 0, 0, 0, time.UTC))
	f := &fixture{ctx: ctx, db: d, clock: c, users: &auth.Service{DB: d, Now: c.Now,
		IdleTimeout: 30 * time.Minute, AbsTimeout: 2 * time.Hour, DivisionExists: st.Exists}}
	f.admin = f.user(t, nil, "admin", auth.SecurityAdmin, "4401")
	return f
}

func (f *fixture) user(t *testing.T, by *auth.User, name, role, scope string) *auth.User {
	t.Helper()
	u, err := f.users.CreateUser(f.ctx, by, auth.NewUser{Username: name, DisplayName: name, Role: role,
		ScopeCode: scope, Password: pw})
	if err != nil {
		t.Fatalf("create %s: %v", name, err)
	}
	return u
}

func (f *fixture) login(name, password string) (string, error) {
	_, token, err := f.users.Login(f.ctx, name, password, "10.0.0.1", "test")
	return token, err
}

func wantCode(t *testing.T, err error, code, key string) {
	t.Helper()
	e, ok := errs.As(err)
	if !ok || e.Code != code || (key != "" && e.Message.Key != key) {
		t.Fatalf("want %s %s, got %v", code, key, err)
	}
}

func TestPasswordHash(t *testing.T) {
	h, err := auth.HashPassword(pw)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(h, "$argon2id$v=19$m=19456,t=2,p=1$") {
		t.Fatalf("hash %q", h)
	}
	cases := []struct {
		name, hash, pw string
		ok             bool
		fails          bool
	}{
		{"right password", h, pw, true, false},
		{"wrong password", h, pw + "x", false, false},
		{"empty password", h, "", false, false},
		{"not argon2id", "$2a$10$abcdefghijklmnopqrstuv", pw, false, true},
		{"bad parameters", "$argon2id$v=19$m=x$c2FsdA$a2V5", pw, false, true},
		{"bad salt", "$argon2id$v=19$m=19456,t=2,p=1$!!!$a2V5", pw, false, true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			ok, err := auth.CheckPassword(c.hash, c.pw)
			if ok != c.ok || (err != nil) != c.fails {
				t.Fatalf("got %v, %v", ok, err)
			}
		})
	}
	t.Run("salted", func(t *testing.T) {
		h2, _ := auth.HashPassword(pw)
		if h2 == h {
			t.Fatal("two hashes of one password are equal")
		}
	})
}

// TestHashingCost: the product's accounts are hashed at OWASP's cost (the
// Service's zero value); a service set to Cheapest, as the tests' are,
// stores the cheap cost; and both sign in, each hash checked at its own.
func TestHashingCost(t *testing.T) {
	f := setup(t)
	stored := func(name string) string {
		t.Helper()
		var h string
		if err := f.db.Read.QueryRowContext(f.ctx, `SELECT password_hash FROM users WHERE username = $1`, name).Scan(&h); err != nil {
			t.Fatal(err)
		}
		return h
	}
	f.user(t, f.admin, "owasp", auth.StreetOfficer, "440106001")
	if h := stored("owasp"); !strings.HasPrefix(h, "$argon2id$v=19$m=19456,t=2,p=1$") {
		t.Fatalf("the zero Service hashed at %q", h)
	}
	f.users.Hashing = auth.Cheapest()
	f.user(t, f.admin, "cheap", auth.StreetOfficer, "440106001")
	if h := stored("cheap"); !strings.HasPrefix(h, "$argon2id$v=19$m=8,t=1,p=1$") {
		t.Fatalf("Cheapest hashed at %q", h)
	}
	for _, name := range []string{"owasp", "cheap"} {
		if _, err := f.login(name, pw); err != nil {
			t.Fatalf("sign in %s: %v", name, err)
		}
		if _, err := f.login(name, pw+"x"); err == nil {
			t.Fatalf("%s signed in with a wrong password", name)
		}
	}
}

func TestCreateUserValidation(t *testing.T) {
	f := setup(t)
	district := f.user(t, f.admin, "tianhe-security", auth.SecurityAdmin, "440106")
	officer := f.user(t, f.admin, "tianhe", auth.DistrictOfficer, "440106")
	cases := []struct {
		name  string
		by    *auth.User
		in    auth.NewUser
		code  string
		field string
	}{
		{"bad username", nil, auth.NewUser{Username: "a b", Role: auth.Auditor, ScopeCode: "4401", Password: pw}, errs.Invalid, "username"},
		{"short password", nil, auth.NewUser{Username: "short", Role: auth.Auditor, ScopeCode: "4401", Password: "1234567"}, errs.Invalid, "password"},
		{"unknown role", nil, auth.NewUser{Username: "role", Role: "king", ScopeCode: "4401", Password: pw}, errs.Invalid, "role"},
		{"scope of the wrong level", nil, auth.NewUser{Username: "lvl", Role: auth.StreetOfficer, ScopeCode: "440106", Password: pw}, errs.Invalid, "scope_code"},
		{"unknown division", nil, auth.NewUser{Username: "nowhere", Role: auth.DistrictOfficer, ScopeCode: "440199", Password: pw}, errs.Invalid, "scope_code"},
		{"outside the creator's scope", district, auth.NewUser{Username: "hz", Role: auth.DistrictOfficer, ScopeCode: "440105", Password: pw}, errs.Invalid, "scope_code"},
		{"district cannot make a city admin", district, auth.NewUser{Username: "boss", Role: auth.CityAdmin, ScopeCode: "4401", Password: pw}, errs.Invalid, "role"},
		{"district cannot make a security admin", district, auth.NewUser{Username: "sec2", Role: auth.SecurityAdmin, ScopeCode: "4401", Password: pw}, errs.Invalid, "role"},
		// 三员分立: the city administrator runs the business, not the accounts
		{"city admin manages no accounts", &auth.User{ID: 98, Role: auth.CityAdmin, ScopeCode: "4401"}, auth.NewUser{Username: "x2x", Role: auth.StreetOfficer, ScopeCode: "440106008", Password: pw}, errs.Forbidden, ""},
		{"district officer manages no accounts", officer, auth.NewUser{Username: "x3x", Role: auth.StreetOfficer, ScopeCode: "440106008", Password: pw}, errs.Forbidden, ""},
		{"district security admin cannot make a city auditor", district, auth.NewUser{Username: "aud2", Role: auth.Auditor, ScopeCode: "4401", Password: pw}, errs.Invalid, "role"},
		{"street officer manages no accounts", &auth.User{ID: 99, Role: auth.StreetOfficer, ScopeCode: "440106008"}, auth.NewUser{Username: "x1x", Role: auth.OrgLeader, ScopeCode: "440106008007", Password: pw}, errs.Forbidden, ""},
		{"username taken", nil, auth.NewUser{Username: "tianhe", Role: auth.DistrictOfficer, ScopeCode: "440106", Password: pw}, errs.Conflict, "username"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := f.users.CreateUser(f.ctx, c.by, c.in)
			e, ok := errs.As(err)
			if !ok || e.Code != c.code {
				t.Fatalf("want %s, got %v", c.code, err)
			}
			if _, has := e.Fields[c.field]; c.field != "" && !has {
				t.Fatalf("no message for %s: %v", c.field, err)
			}
		})
	}
	t.Run("district security admin creates in its district", func(t *testing.T) {
		u := f.user(t, district, "street", auth.StreetOfficer, "440106008")
		if u.ID == 0 || u.ScopeCode != "440106008" {
			t.Fatalf("%+v", u)
		}
	})
	t.Run("lists only its subtree", func(t *testing.T) {
		f.user(t, f.admin, "haizhu", auth.DistrictOfficer, "440105")
		us, err := f.users.ListUsers(f.ctx, district)
		if err != nil {
			t.Fatal(err)
		}
		for _, u := range us {
			if !strings.HasPrefix(u.ScopeCode, "440106") {
				t.Errorf("district security admin lists %s (%s)", u.Username, u.ScopeCode)
			}
		}
		hz, _ := f.users.UserByName(f.ctx, "haizhu")
		if _, err := f.users.UserByID(f.ctx, district, hz.ID); !errs.Is(err, errs.NotFound) {
			t.Fatalf("other district's account: %v", err)
		}
		if _, err := f.users.ListUsers(f.ctx, officer); !errs.Is(err, errs.Forbidden) {
			t.Fatalf("a district officer lists accounts: %v", err)
		}
	})
}

// TestThrottle: repeated failures of one name make it wait, twice as long
// each time; a sign-in that waits is refused even with the right password,
// and accepted once the wait is over (issue 18 replaced the hard lock).
func TestThrottle(t *testing.T) {
	f := setup(t)
	f.user(t, f.admin, "alice", auth.Auditor, "4401")
	f.user(t, f.admin, "bob", auth.Auditor, "4401")
	login := func(name, password, ip string) error {
		_, _, err := f.users.Login(f.ctx, name, password, ip, "test")
		return err
	}

	t.Run("unknown user", func(t *testing.T) {
		wantCode(t, login("nobody", pw, "10.0.1.1"), errs.Unauthenticated, "err.bad_login")
	})
	t.Run("failures spread beyond the window do not slow down", func(t *testing.T) {
		for i := range 5 {
			wantCode(t, login("alice", "wrong", "10.0.1.2"), errs.Unauthenticated, "err.bad_login")
			if i < 4 {
				f.clock.Advance(time.Minute)
			}
		}
		f.clock.Advance(16 * time.Minute)
		for range 5 {
			wantCode(t, login("alice", "wrong", "10.0.1.2"), errs.Unauthenticated, "err.bad_login")
		}
		if err := login("alice", pw, "10.0.1.2"); err != nil {
			t.Fatalf("5 failures in the window slowed the account down: %v", err)
		}
	})
	t.Run("past five failures each one waits twice as long", func(t *testing.T) {
		f.clock.Advance(time.Hour)
		for range 5 {
			wantCode(t, login("alice", "wrong", "10.0.1.3"), errs.Unauthenticated, "err.bad_login")
		}
		for _, wait := range []time.Duration{time.Second, 2 * time.Second, 4 * time.Second} {
			wantCode(t, login("alice", "wrong", "10.0.1.3"), errs.Unauthenticated, "err.bad_login")
			err := login("alice", pw, "10.0.1.4")
			wantCode(t, err, errs.TooMany, "err.too_many_sign_ins")
			if e, _ := errs.As(err); e.RetryAfter != wait {
				t.Fatalf("retry after %v, want %v", e.RetryAfter, wait)
			}
			f.clock.Advance(wait)
		}
		if err := login("alice", pw, "10.0.1.4"); err != nil {
			t.Fatalf("after the wait: %v", err)
		}
	})
	t.Run("another account is unaffected", func(t *testing.T) {
		if err := login("bob", pw, "10.0.1.4"); err != nil {
			t.Fatal(err)
		}
	})
	t.Run("parallel guesses are all counted", func(t *testing.T) {
		f.user(t, f.admin, "dave", auth.Auditor, "4401")
		var wg sync.WaitGroup
		for range 10 {
			wg.Go(func() { login("dave", "wrong", "10.0.1.5") })
		}
		wg.Wait()
		wantCode(t, login("dave", pw, "10.0.1.6"), errs.TooMany, "err.too_many_sign_ins")
	})
	t.Run("an address trying many names waits too", func(t *testing.T) {
		f.clock.Advance(time.Hour)
		for i := range 21 {
			wantCode(t, login(fmt.Sprintf("guess%d", i), "wrong", "10.0.1.7"), errs.Unauthenticated, "err.bad_login")
		}
		wantCode(t, login("bob", pw, "10.0.1.7"), errs.TooMany, "err.too_many_sign_ins")
		if err := login("bob", pw, "10.0.1.8"); err != nil {
			t.Fatalf("bob from elsewhere: %v", err)
		}
	})
	t.Run("failures and waits are audited", func(t *testing.T) {
		rows, err := audit.List(f.ctx, f.db.Read, audit.Filter{ObjectType: "user", Username: "alice", Limit: 1000})
		if err != nil {
			t.Fatal(err)
		}
		n := map[string]int{}
		for _, r := range rows {
			n[r.Action]++
		}
		if n["user.sign_in_failed"] != 18 || n["user.sign_in_throttled"] != 3 || n["user.sign_in"] != 2 {
			t.Fatalf("alice's audit rows: %v", n)
		}
	})
}

func TestSessions(t *testing.T) {
	f := setup(t)
	u := f.user(t, f.admin, "carol", auth.Auditor, "4401")
	session := func(token string) error {
		_, err := f.users.SessionUser(f.ctx, token)
		return err
	}
	t.Run("idle timeout", func(t *testing.T) {
		tok, err := f.login("carol", pw)
		if err != nil {
			t.Fatal(err)
		}
		f.clock.Advance(29 * time.Minute)
		if err := session(tok); err != nil {
			t.Fatalf("after 29 idle minutes: %v", err)
		}
		f.clock.Advance(29 * time.Minute) // 58 minutes after sign-in, 29 after last use
		if err := session(tok); err != nil {
			t.Fatalf("use extends the session: %v", err)
		}
		f.clock.Advance(31 * time.Minute)
		wantCode(t, session(tok), errs.Unauthenticated, "err.session_expired")
		f.clock.Advance(-31 * time.Minute)
		wantCode(t, session(tok), errs.Unauthenticated, "")
	})
	t.Run("absolute timeout", func(t *testing.T) {
		tok, err := f.login("carol", pw)
		if err != nil {
			t.Fatal(err)
		}
		for range 6 {
			f.clock.Advance(20 * time.Minute)
			if err := session(tok); err != nil {
				t.Fatalf("active session ended early: %v", err)
			}
		}
		f.clock.Advance(time.Minute)
		wantCode(t, session(tok), errs.Unauthenticated, "err.session_expired")
	})
	t.Run("logout", func(t *testing.T) {
		tok, err := f.login("carol", pw)
		if err != nil {
			t.Fatal(err)
		}
		if err := f.users.Logout(f.ctx, tok); err != nil {
			t.Fatal(err)
		}
		wantCode(t, session(tok), errs.Unauthenticated, "err.sign_in")
	})
	t.Run("new password ends sessions", func(t *testing.T) {
		tok, err := f.login("carol", pw)
		if err != nil {
			t.Fatal(err)
		}
		if err := f.users.SetPassword(f.ctx, f.admin, u.ID, pw+"!"); err != nil {
			t.Fatal(err)
		}
		wantCode(t, session(tok), errs.Unauthenticated, "")
		if _, err := f.login("carol", pw); err == nil {
			t.Fatal("old password still accepted")
		}
	})
	t.Run("disabling ends sessions and refuses sign-in", func(t *testing.T) {
		tok, err := f.login("carol", pw+"!")
		if err != nil {
			t.Fatal(err)
		}
		if err := f.users.SetDisabled(f.ctx, f.admin, u.ID, true); err != nil {
			t.Fatal(err)
		}
		wantCode(t, session(tok), errs.Unauthenticated, "")
		_, err = f.login("carol", pw+"!")
		wantCode(t, err, errs.Unauthenticated, "err.bad_login")
	})
	t.Run("cannot disable oneself", func(t *testing.T) {
		wantCode(t, f.users.SetDisabled(f.ctx, f.admin, f.admin.ID, true), errs.Invalid, "")
	})
}

func TestTokens(t *testing.T) {
	f := setup(t)
	u := f.user(t, f.admin, "robot", auth.Auditor, "4401")
	other := f.user(t, f.admin, "other", auth.Auditor, "4401")
	plain, tok, err := f.users.CreateToken(f.ctx, u, "nightly export")
	if err != nil {
		t.Fatal(err)
	}
	t.Run("created", func(t *testing.T) {
		if !strings.HasPrefix(plain, auth.TokenPrefix) || !strings.HasPrefix(plain, tok.Prefix) || len(plain) < 40 {
			t.Fatalf("token %q, prefix %q", plain, tok.Prefix)
		}
		ts, err := f.users.ListTokens(f.ctx, u)
		if err != nil || len(ts) != 1 || ts[0].Name != "nightly export" || ts[0].RevokedAt != nil {
			t.Fatalf("list: %+v %v", ts, err)
		}
	})
	t.Run("used", func(t *testing.T) {
		got, err := f.users.TokenUser(f.ctx, plain)
		if err != nil || got.ID != u.ID || got.Role != auth.Auditor {
			t.Fatalf("token user %+v %v", got, err)
		}
		ts, _ := f.users.ListTokens(f.ctx, u)
		if ts[0].LastUsedAt == nil {
			t.Fatal("last use not recorded")
		}
	})
	t.Run("bad tokens", func(t *testing.T) {
		for _, s := range []string{"", "abc", auth.TokenPrefix + "nope", strings.TrimPrefix(plain, auth.TokenPrefix)} {
			_, err := f.users.TokenUser(f.ctx, s)
			wantCode(t, err, errs.Unauthenticated, "err.bad_token")
		}
	})
	t.Run("name required", func(t *testing.T) {
		_, _, err := f.users.CreateToken(f.ctx, u, "  ")
		wantCode(t, err, errs.Invalid, "")
	})
	t.Run("only the owner revokes", func(t *testing.T) {
		wantCode(t, f.users.RevokeToken(f.ctx, other, tok.ID), errs.NotFound, "")
	})
	t.Run("revoked", func(t *testing.T) {
		if err := f.users.RevokeToken(f.ctx, u, tok.ID); err != nil {
			t.Fatal(err)
		}
		_, err := f.users.TokenUser(f.ctx, plain)
		wantCode(t, err, errs.Unauthenticated, "err.bad_token")
		wantCode(t, f.users.RevokeToken(f.ctx, u, tok.ID), errs.NotFound, "")
	})
	t.Run("disabled owner", func(t *testing.T) {
		p2, _, err := f.users.CreateToken(f.ctx, other, "ci")
		if err != nil {
			t.Fatal(err)
		}
		if err := f.users.SetDisabled(f.ctx, f.admin, other.ID, true); err != nil {
			t.Fatal(err)
		}
		_, err = f.users.TokenUser(f.ctx, p2)
		wantCode(t, err, errs.Unauthenticated, "err.bad_token")
	})
	t.Run("audited", func(t *testing.T) {
		rows, err := audit.List(f.ctx, f.db.Read, audit.Filter{ObjectType: "token"})
		if err != nil {
			t.Fatal(err)
		}
		var acts []string
		for _, r := range rows {
			acts = append(acts, r.Action)
		}
		if got := strings.Join(acts, ","); got != "token.create,token.revoke,token.create" {
			t.Fatalf("token audit rows %s", got)
		}
		if _, prob, err := audit.Verify(f.ctx, f.db.Read); err != nil || prob != nil {
			t.Fatalf("verify: %v %v", prob, err)
		}
	})
}

// TestSessionCacheHonoursSignOutAndDisabling: with the session cache on
// (as linli serve runs), a session read once is served from memory (no
// statement), yet signing out, disabling the account, a new password and a
// revoked API token refuse the very next request on this replica.
func TestSessionCacheHonoursSignOutAndDisabling(t *testing.T) {
	f := setup(t)
	f.users.SessionTTL = time.Hour // far longer than the test: only invalidation ends an entry
	u := f.user(t, f.admin, "dora", auth.Auditor, "4401")
	// cached signs in, reads the session twice, and checks the second read
	// ran no statement
	cached := func(t *testing.T) string {
		t.Helper()
		tok, err := f.login("dora", pw)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := f.users.SessionUser(f.ctx, tok); err != nil {
			t.Fatal(err)
		}
		trips := f.db.RoundTrips()
		if got, err := f.users.SessionUser(f.ctx, tok); err != nil || got.ID != u.ID {
			t.Fatalf("cached session: %+v %v", got, err)
		}
		if n := f.db.RoundTrips() - trips; n != 0 {
			t.Fatalf("a cached session ran %d statements", n)
		}
		return tok
	}
	ends := []struct {
		name string
		end  func(tok string) error
		key  string
	}{
		{"sign-out", func(tok string) error { return f.users.Logout(f.ctx, tok) }, "err.sign_in"},
		{"new password", func(string) error { return f.users.SetPassword(f.ctx, f.admin, u.ID, pw) }, ""},
	}
	for _, c := range ends {
		t.Run(c.name, func(t *testing.T) {
			tok := cached(t)
			if err := c.end(tok); err != nil {
				t.Fatal(err)
			}
			_, err := f.users.SessionUser(f.ctx, tok)
			wantCode(t, err, errs.Unauthenticated, c.key)
		})
	}
	t.Run("revoked token", func(t *testing.T) {
		plain, tok, err := f.users.CreateToken(f.ctx, u, "cached")
		if err != nil {
			t.Fatal(err)
		}
		for range 2 {
			if _, err := f.users.TokenUser(f.ctx, plain); err != nil {
				t.Fatal(err)
			}
		}
		if err := f.users.RevokeToken(f.ctx, u, tok.ID); err != nil {
			t.Fatal(err)
		}
		_, err = f.users.TokenUser(f.ctx, plain)
		wantCode(t, err, errs.Unauthenticated, "err.bad_token")
	})
	t.Run("disabled", func(t *testing.T) { // last: the account stays disabled
		tok := cached(t)
		if err := f.users.SetDisabled(f.ctx, f.admin, u.ID, true); err != nil {
			t.Fatal(err)
		}
		_, err := f.users.SessionUser(f.ctx, tok)
		wantCode(t, err, errs.Unauthenticated, "")
	})
}
