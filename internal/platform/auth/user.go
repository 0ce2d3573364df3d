// Package auth holds accounts, passwords, sessions, API tokens, roles and scopes.
package auth

import (
	"context"
	"strings"

	"linli/internal/platform/audit"
	"linli/internal/platform/errs"
)

// Roles; the same codes are used by the API and the command line.
const (
	CityAdmin          = "city_admin"
	DistrictOfficer    = "district_officer"
	StreetOfficer      = "street_officer"
	CommunityCommittee = "community_committee"
	HubStaff           = "hub_staff"
	OrgLeader          = "org_leader"
	Auditor            = "auditor"
	// Resident is a member of the public, scoped to the community they chose;
	// they see none of the officers' views (web.Server.ResidentMay).
	Resident = "resident"
	// SecurityAdmin (安全管理员) manages accounts and sign-in policy and
	// sees no business data (三员分立: the city administrator runs the
	// business, the security administrator the accounts, the auditor reads
	// the log of both).
	SecurityAdmin = "security_admin"
)

// Roles lists every role, most senior first.
var Roles = []string{CityAdmin, DistrictOfficer, StreetOfficer, CommunityCommittee, HubStaff, OrgLeader, Auditor, SecurityAdmin, Resident}

// ValidRole reports whether r is a role code.
func ValidRole(r string) bool {
	for _, x := range Roles {
		if x == r {
			return true
		}
	}
	return false
}

// scopeLen is the length of the division code each role is scoped to;
// 0 means any level.
var scopeLen = map[string][]int{
	CityAdmin:          {2, 4},
	DistrictOfficer:    {6},
	StreetOfficer:      {9},
	CommunityCommittee: {12},
	HubStaff:           {9},
	OrgLeader:          {12},
	Auditor:            {2, 4, 6, 9, 12},
	Resident:           {12},
	SecurityAdmin:      {2, 4, 6}, // the city's, or a district's (区安全管理员)
}

// ScopeFits reports whether a scope code has a length suited to the role.
func ScopeFits(role, code string) bool {
	for _, n := range scopeLen[role] {
		if len(code) == n {
			return true
		}
	}
	return false
}

// User is an account, as the rest of the system sees it.
type User struct {
	ID          int64  `json:"id"`
	Username    string `json:"username"`
	DisplayName string `json:"display_name"`
	Role        string `json:"role"`
	ScopeCode   string `json:"scope_code"`
	OrgID       int64  `json:"org_id,omitempty"`
	Disabled    bool   `json:"disabled"`
	// TOTP: the second factor is on (the role may require it: MustEnrol).
	TOTP bool `json:"totp_enabled"`
	// IP is the address of the current request; set by the web layer.
	IP string `json:"-"`
}

// InScope reports whether a division code lies in the user's subtree.
func (u *User) InScope(code string) bool {
	return u != nil && u.ScopeCode != "" && strings.HasPrefix(code, u.ScopeCode)
}

// Overlaps reports whether a division and the user's scope lie on one
// branch of the tree: the division is in the scope, or encloses it (a
// street officer overlaps its district's round, a district officer its
// streets' bases).
func (u *User) Overlaps(code string) bool {
	return u != nil && (u.InScope(code) || strings.HasPrefix(u.ScopeCode, code))
}

// Narrow is the division a view filtered to within covers for the user:
// the user's scope when within is empty or encloses it, within when it
// lies inside the scope. ok is false when within lies outside the scope
// (the view is empty). It is decided once per request and carried in the
// filter.
func (u *User) Narrow(within string) (code string, ok bool) {
	switch {
	case u == nil:
		return "", false
	case within == "" || strings.HasPrefix(u.ScopeCode, within):
		return u.ScopeCode, true
	case strings.HasPrefix(within, u.ScopeCode):
		return within, true
	}
	return "", false
}

// Within is the division a view the user asks for covers: the user's scope
// when within is empty, within when it lies in the scope (InScope); any
// other is not found. Unlike Narrow, a division enclosing the scope is not
// read as the scope.
func (u *User) Within(within string) (string, error) {
	if within == "" && u != nil {
		within = u.ScopeCode
	}
	if !u.InScope(within) {
		return "", errs.Missing()
	}
	return within, nil
}

// ReadOnly reports whether the user may change nothing.
func (u *User) ReadOnly() bool { return u.Role == Auditor }

// IsOfficer reports the roles that manage organizations in their subtree
// (never anyone read-only).
func (u *User) IsOfficer() bool {
	if u == nil || u.ReadOnly() {
		return false
	}
	switch u.Role {
	case CityAdmin, DistrictOfficer, StreetOfficer, CommunityCommittee:
		return true
	}
	return false
}

// CanManageUsers reports the administrators of accounts within their
// scope: the security administrators only, the city's and a district's.
// No business role does (三员分立): neither the city administrator nor a
// district officer, who handle the data the accounts reach, makes or
// resets accounts; a district that manages its own accounts gets a
// security administrator scoped to it, who sees no business data.
func (u *User) CanManageUsers() bool { return u.Role == SecurityAdmin }

// CanReadAudit reports who reads the audit log: the auditor (every
// action, the administrators' included) and a district officer for its
// district; neither administrator reads the log of its own actions.
func (u *User) CanReadAudit() bool {
	return u.Role == Auditor || u.Role == DistrictOfficer
}

// SeesBusinessData is false for the security administrator, whom the web
// layer lets reach only accounts (see web.accountsOnly).
func (u *User) SeesBusinessData() bool { return u.Role != SecurityAdmin }

// Actor is the audit identity of the user.
func (u *User) Actor() audit.Actor {
	if u == nil {
		return audit.Actor{Username: "system"}
	}
	return audit.Actor{UserID: u.ID, Username: u.Username, IP: u.IP}
}

type ctxKey struct{}

// WithUser returns a context carrying the signed-in user.
func WithUser(ctx context.Context, u *User) context.Context {
	return context.WithValue(ctx, ctxKey{}, u)
}

// UserFrom returns the signed-in user, or nil.
func UserFrom(ctx context.Context) *User {
	u, _ := ctx.Value(ctxKey{}).(*User)
	return u
}

// Permit passes on what a lookup found when the user may act on it: the
// lookup's own error first (not found, say), then Forbidden when may says no.
func Permit[T any](u *User, v T, err error, may func(*User, T) bool) (T, error) {
	return pass(u, v, err, may, errs.Forbidden, "err.forbidden")
}

// Visible is Permit for what the user may not even know exists: one the
// user may not see is not found.
func Visible[T any](u *User, v T, err error, sees func(*User, T) bool) (T, error) {
	return pass(u, v, err, sees, errs.NotFound, "err.not_found")
}

func pass[T any](u *User, v T, err error, may func(*User, T) bool, code, key string) (T, error) {
	if err == nil && !may(u, v) {
		err = errs.E(code, key)
	}
	if err != nil {
		var zero T
		return zero, err
	}
	return v, nil
}
