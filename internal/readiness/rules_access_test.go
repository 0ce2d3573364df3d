package readiness

import (
	"testing"

	"linli/internal/platform/auth"
	"linli/internal/platform/auth/authtest"
	"linli/internal/platform/errs"
)

// Who keeps and who reads readiness, for every role, in and out of its
// subtree; the page's forms (keeper) show exactly to those the service lets
// keep a community of their subtree (canKeep).
func TestAccessRules(t *testing.T) {
	keeps := map[string]bool{auth.CityAdmin: true, auth.DistrictOfficer: true, auth.StreetOfficer: true, auth.CommunityCommittee: true}
	blind := map[string]bool{auth.OrgLeader: true, auth.HubStaff: true}
	for _, r := range auth.Roles {
		u := &auth.User{Role: r, ScopeCode: authtest.Scope(r)}
		if got := keeper(u); got != keeps[r] {
			t.Errorf("%s: keeper = %v", r, got)
		}
		if got := canKeep(u, authtest.Community); got != keeper(u) {
			t.Errorf("%s: canKeep in its subtree = %v, the page's forms %v", r, got, keeper(u))
		}
		if canKeep(u, authtest.Outside) {
			t.Errorf("%s keeps a community outside its subtree", r)
		}
		if got := readsReadiness(u); got == blind[r] {
			t.Errorf("%s: readsReadiness = %v", r, got)
		}
	}
	if keeper(nil) || canKeep(nil, "440106001001") || readsReadiness(nil) {
		t.Error("no account may do anything")
	}
}

// TestCommunityRule: the community a contact, drill or post is kept for
// is judged by the unit rule every room shares (geo.Unit), in its order,
// each refusal on community_code: no such division, then a division that
// is not a community (a street said "unknown division" before), then one
// outside the keeper's subtree.
func TestCommunityRule(t *testing.T) {
	u := &auth.User{Role: auth.StreetOfficer, ScopeCode: authtest.Scope(auth.StreetOfficer)}
	for _, c := range []struct {
		code   string
		exists bool
		key    string
	}{
		{authtest.Community, false, "err.unknown_division"},
		{authtest.Outside, false, "err.unknown_division"},
		{authtest.Community[:9], true, "err.community_code"},
		{authtest.Outside, true, "err.outside_scope"},
		{authtest.Community, true, ""},
	} {
		f := errs.Fields{}
		checkCommunity(u, c.code, c.exists, f)
		if got := f["community_code"].Key; got != c.key || len(f) > 1 {
			t.Errorf("%s (exists %v): %v, want community_code %q", c.code, c.exists, f, c.key)
		}
	}
}
