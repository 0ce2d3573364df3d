package auth

import (
	"testing"

	"linli/internal/platform/errs"
)

// TestPermit: Permit and Visible pass on what the user may act on or see,
// refuse the rest (Permit forbidden; Visible not found, never forbidden,
// which would tell that it exists), and pass on a failed lookup without
// asking.
func TestPermit(t *testing.T) {
	u := &User{ID: 7}
	mine := func(u *User, owner int64) bool { return owner == u.ID }
	for _, c := range []struct {
		name string
		pass func(*User, int64, error, func(*User, int64) bool) (int64, error)
		code string
	}{{"Permit", Permit[int64], errs.Forbidden}, {"Visible", Visible[int64], errs.NotFound}} {
		if v, err := c.pass(u, 7, nil, mine); err != nil || v != 7 {
			t.Fatalf("%s, the user's own: %v, %v; want it passed on", c.name, v, err)
		}
		if v, err := c.pass(u, 8, nil, mine); !errs.Is(err, c.code) || v != 0 {
			t.Fatalf("%s, another's: %v, %v; want %s and nothing", c.name, v, err, c.code)
		}
		asked := false
		lookup := errs.E(errs.Internal, "err.internal")
		_, err := c.pass(u, 0, lookup, func(*User, int64) bool { asked = true; return true })
		if err != lookup || asked {
			t.Fatalf("%s, a failed lookup: %v (may asked: %v); want the lookup's error, may not asked", c.name, err, asked)
		}
	}
}
