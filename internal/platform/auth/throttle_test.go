package auth_test

import (
	"testing"
	"time"

	"linli/internal/platform/audit"
	"linli/internal/platform/auth"
	"linli/internal/platform/errs"
)

// TestNoOneCanLockEveryoneOut reproduces issue 18's failure 4: 45 wrong
// passwords in a row from one address locked the administrator out for 15
// minutes, and the "locked" answer came only for real names. Now the
// attacker's address and the name are slowed with growing delays; the
// account's owner, from another address, signs in within a minute; an
// unknown name gets exactly the same answers as a real one.
func TestNoOneCanLockEveryoneOut(t *testing.T) {
	f := setup(t)
	f.user(t, f.admin, "alice", auth.CityAdmin, "4401")
	attack := func(name string) (refused, throttled int, last error) {
		for range 45 {
			_, _, err := f.users.Login(f.ctx, name, "wrong", "203.0.113.9", "probe")
			if e, ok := errs.As(err); ok && e.Code == errs.TooMany {
				throttled++
				if e.RetryAfter <= 0 {
					t.Fatalf("a throttled answer without Retry-After: %v", err)
				}
			} else {
				wantCode(t, err, errs.Unauthenticated, "err.bad_login")
			}
			refused++
			last = err
			f.clock.Advance(30 * time.Millisecond) // 45 requests in 1.4 s
		}
		return refused, throttled, last
	}
	_, throttledReal, lastReal := attack("alice")
	if throttledReal == 0 {
		t.Errorf("45 wrong passwords in 1.4 s were never slowed down")
	}
	// the owner, from their own address, is at most delayed
	var err error
	for range 60 {
		if _, _, err = f.users.Login(f.ctx, "alice", pw, "10.0.0.7", "browser"); err == nil {
			break
		}
		wantCode(t, err, errs.TooMany, "err.too_many_sign_ins")
		f.clock.Advance(time.Second)
	}
	if err != nil {
		t.Fatalf("the owner still cannot sign in a minute after the attack: %v", err)
	}
	// the attacker's address stays slowed down
	if _, _, err := f.users.Login(f.ctx, "alice", pw, "203.0.113.9", "probe"); !errs.Is(err, errs.TooMany) {
		t.Errorf("the attacking address right after: %v", err)
	}

	// the same answers for a name that does not exist
	f.clock.Advance(time.Hour)
	_, throttledNone, lastNone := attack("nobody-at-all")
	if throttledNone != throttledReal || errs.Code(lastNone) != errs.Code(lastReal) {
		t.Errorf("unknown name: %d throttled, last %v; real name: %d throttled, last %v", throttledNone, lastNone, throttledReal, lastReal)
	}

	// every sign-in, failure and throttle is in the audit log
	rows, err := audit.List(f.ctx, f.db.Read, audit.Filter{ObjectType: "user"})
	if err != nil {
		t.Fatal(err)
	}
	n := map[string]int{}
	for _, r := range rows {
		n[r.Action]++
	}
	if n["user.sign_in"] < 1 || n["user.sign_in_failed"] < 10 || n["user.sign_in_throttled"] < 2 {
		t.Errorf("audit rows: %v", n)
	}
}

// TestUnlock: an administrator's unlock ends the delays of an account.
func TestUnlock(t *testing.T) {
	f := setup(t)
	f.user(t, f.admin, "erin", auth.StreetOfficer, "440106008")
	for range 12 {
		f.users.Login(f.ctx, "erin", "wrong", "10.0.0.9", "t")
	}
	if _, _, err := f.users.Login(f.ctx, "erin", pw, "10.0.0.8", "t"); !errs.Is(err, errs.TooMany) {
		t.Fatalf("after 12 failures: %v", err)
	}
	if err := f.users.Unlock(f.ctx, nil, "erin"); err != nil {
		t.Fatal(err)
	}
	if _, _, err := f.users.Login(f.ctx, "erin", pw, "10.0.0.8", "t"); err != nil {
		t.Fatalf("after unlock: %v", err)
	}
}

// TestPasswordResetRevokesTokens reproduces issue 18's failure 6: after an
// administrator reset a password, the user's API tokens kept working.
func TestPasswordResetRevokesTokens(t *testing.T) {
	f := setup(t)
	u := f.user(t, f.admin, "frank", auth.StreetOfficer, "440106008")
	plain, _, err := f.users.CreateToken(f.ctx, u, "nightly")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.users.TokenUser(f.ctx, plain); err != nil {
		t.Fatalf("a fresh token: %v", err)
	}
	if err := f.users.SetPassword(f.ctx, f.admin, u.ID, "a-new-password-1"); err != nil {
		t.Fatal(err)
	}
	if _, err := f.users.TokenUser(f.ctx, plain); !errs.Is(err, errs.Unauthenticated) {
		t.Fatalf("the token after a password reset: %v", err)
	}
}
