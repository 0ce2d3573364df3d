package auth

// ActsForOrg reports the accounts that act for one organization, the one
// in OrgID: an organization's leader and a hub's staff (whose hub is an
// organization). Rooms decide what such an account may do for it; an
// account of either role without an organization acts for none.
func (u *User) ActsForOrg() bool {
	return u != nil && (u.Role == OrgLeader || u.Role == HubStaff)
}
