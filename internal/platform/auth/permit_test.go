package auth

import (
	"testing"

	"linli/internal/platform/errs"
)

func TestPermit(t *testing.T) {
	u := &User{ID: 7}
	mine := func(u *User, owner int64) bool { return owner == u.ID }

	if v, err := Permit(u, int64(7), nil, mine); err != nil || v != 7 {
		t.Fatalf("the user's own: %v, %v; want it passed on", v, err)
	}
	if v, err := Permit(u, int64(8), nil, mine); !errs.Is(err, errs.Forbidden) || v != 0 {
		t.Fatalf("another's: %v, %v; want forbidden and nothing", v, err)
	}
	asked := false
	lookup := errs.E(errs.NotFound, "err.not_found")
	_, err := Permit(u, int64(0), lookup, func(*User, int64) bool { asked = true; return true })
	if err != lookup || asked {
		t.Fatalf("a failed lookup: %v (may asked: %v); want the lookup's error, may not asked", err, asked)
	}
}

// TestVisible: what the user may not see is not found (never forbidden,
// which would tell that it exists); what the user sees is passed on.
func TestVisible(t *testing.T) {
	u := &User{ID: 7}
	mine := func(u *User, owner int64) bool { return owner == u.ID }
	if v, err := Visible(u, int64(7), nil, mine); err != nil || v != 7 {
		t.Fatalf("the user's own: %v, %v; want it passed on", v, err)
	}
	if v, err := Visible(u, int64(8), nil, mine); !errs.Is(err, errs.NotFound) || v != 0 {
		t.Fatalf("another's: %v, %v; want not found and nothing", v, err)
	}
	lookup := errs.E(errs.Internal, "err.internal")
	if _, err := Visible(u, int64(7), lookup, mine); err != lookup {
		t.Fatalf("a failed lookup: %v; want the lookup's error", err)
	}
}
