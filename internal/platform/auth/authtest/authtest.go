// Package authtest gives the rooms' access tests an account of every role,
// each scoped so that its subtree holds one community, and one outside all
// of them.
package authtest

import "linli/internal/platform/auth"

const (
	// Community is a community of Wushan street, Tianhe district,
	// Guangzhou: every account of Every is scoped over it.
	Community = "440106001001"
	// Outside is a community of another city: outside every account's scope.
	Outside = "440304001001"
)

// Scope is the scope of an account of the role whose subtree holds
// Community: the city for the city's roles, the district, the street, or
// the community itself, at the level the role is scoped to.
func Scope(role string) string {
	switch role {
	case auth.DistrictOfficer:
		return Community[:6]
	case auth.StreetOfficer, auth.HubStaff:
		return Community[:9]
	case auth.CommunityCommittee, auth.OrgLeader, auth.Resident:
		return Community
	}
	return Community[:4] // the city administrator, the auditor, the security administrator
}

// Every is an account of every role, in auth.Roles' order, scoped by Scope,
// with ids 1, 2, … and the organization orgID (a leader's, a hub's staff's).
func Every(orgID int64) []*auth.User {
	out := make([]*auth.User, len(auth.Roles))
	for i, r := range auth.Roles {
		out[i] = &auth.User{ID: int64(i + 1), Role: r, ScopeCode: Scope(r), OrgID: orgID}
	}
	return out
}
