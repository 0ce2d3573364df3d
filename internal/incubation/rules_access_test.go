package incubation

import (
	"testing"

	"linli/internal/platform/auth"
	"linli/internal/registry"
)

// The rules of a base in internal/incubation/rules.go, role by role.
func TestBaseRules(t *testing.T) {
	const street, community, otherCommunity = "440106008", "440106008007", "440106013001"
	b := &Base{DivisionCode: street, OperatorOrgID: 50}
	org := &registry.Org{ID: 7, CommunityCode: community}
	elsewhere := &registry.Org{ID: 8, CommunityCode: otherCommunity}
	type want struct{ create, see, edit, operate, bookSome, book, bookElsewhere bool }
	for _, c := range []struct {
		name string
		u    auth.User
		want want
	}{
		{"city", auth.User{Role: auth.CityAdmin, ScopeCode: "4401"}, want{true, true, true, true, true, true, false}},
		{"district", auth.User{Role: auth.DistrictOfficer, ScopeCode: "440106"}, want{true, true, true, true, true, true, false}},
		{"street", auth.User{Role: auth.StreetOfficer, ScopeCode: street}, want{true, true, true, true, true, true, false}},
		{"other street", auth.User{Role: auth.StreetOfficer, ScopeCode: "440106013"}, want{true, false, false, false, true, false, false}},
		{"community", auth.User{Role: auth.CommunityCommittee, ScopeCode: community}, want{false, true, false, false, true, true, false}},
		{"other community", auth.User{Role: auth.CommunityCommittee, ScopeCode: otherCommunity}, want{false, false, false, false, true, false, false}},
		{"operator's staff", auth.User{Role: auth.HubStaff, ScopeCode: "440106013", OrgID: 50}, want{false, true, false, true, true, true, false}},
		{"other hub's staff", auth.User{Role: auth.HubStaff, ScopeCode: street, OrgID: 51}, want{false, true, false, false, true, false, false}},
		{"staff without a hub", auth.User{Role: auth.HubStaff, ScopeCode: street}, want{false, true, false, false, true, false, false}},
		{"leader", auth.User{Role: auth.OrgLeader, ScopeCode: community, OrgID: 7}, want{false, true, false, false, true, true, false}},
		{"other leader", auth.User{Role: auth.OrgLeader, ScopeCode: community, OrgID: 9}, want{false, true, false, false, true, false, false}},
		{"auditor", auth.User{Role: auth.Auditor, ScopeCode: "4401"}, want{false, true, false, false, false, false, false}},
		{"resident", auth.User{Role: auth.Resident, ScopeCode: community}, want{false, true, false, false, true, false, false}},
		{"security admin", auth.User{Role: auth.SecurityAdmin, ScopeCode: "4401"}, want{false, true, false, false, true, false, false}},
	} {
		u := &c.u
		got := want{canCreate(u), canSee(u, b), canEdit(u, b.DivisionCode), canOperate(u, b), canBookSome(u),
			canBook(u, b, org), canBook(u, b, elsewhere)}
		if got != c.want {
			t.Errorf("%s: got %+v, want %+v", c.name, got, c.want)
		}
		if got.book && !got.bookSome {
			t.Errorf("%s: books for an organization but not for some", c.name)
		}
	}
}

func TestCancelRule(t *testing.T) {
	b := &Base{DivisionCode: "440106008", OperatorOrgID: 50}
	k := &Booking{OrgID: 7, BookedBy: 100}
	for _, c := range []struct {
		name string
		u    auth.User
		want bool
	}{
		{"the booker", auth.User{ID: 100, Role: auth.CommunityCommittee, ScopeCode: "440106008007"}, true},
		{"the organization's leader", auth.User{ID: 101, Role: auth.OrgLeader, OrgID: 7}, true},
		{"another leader", auth.User{ID: 102, Role: auth.OrgLeader, OrgID: 8}, false},
		// the organization is a hub: its staff did not book and do not run the base
		{"staff of the booked organization", auth.User{ID: 103, Role: auth.HubStaff, ScopeCode: "440106008", OrgID: 7}, false},
		{"the operator's staff", auth.User{ID: 104, Role: auth.HubStaff, ScopeCode: "440106008", OrgID: 50}, true},
		{"the street", auth.User{ID: 105, Role: auth.StreetOfficer, ScopeCode: "440106008"}, true},
		{"another street", auth.User{ID: 106, Role: auth.StreetOfficer, ScopeCode: "440106013"}, false},
		{"a community committee that did not book", auth.User{ID: 107, Role: auth.CommunityCommittee, ScopeCode: "440106008007"}, false},
		{"an auditor, even as the booker's id", auth.User{ID: 100, Role: auth.Auditor, ScopeCode: "4401"}, false},
	} {
		if got := canCancel(&c.u, b, k); got != c.want {
			t.Errorf("%s: canCancel = %v, want %v", c.name, got, c.want)
		}
	}
}
