package auth

// Groups of roles that several rooms' rules name. Each is a pure question
// about the account's role; the rooms' rules.go add the scope and the
// record.

// DistrictOrCity reports a district officer or the city administrator:
// the roles that decide for a whole district (or the city).
func (u *User) DistrictOrCity() bool {
	return u != nil && (u.Role == DistrictOfficer || u.Role == CityAdmin)
}

// ActsForOneOrg reports the roles tied to one organization rather than to
// a division: an organization's leader and a hub's staff.
func (u *User) ActsForOneOrg() bool {
	return u != nil && (u.Role == OrgLeader || u.Role == HubStaff)
}

// OfficerIn reports an officer (IsOfficer) who may change records of a
// division in their subtree: the rule of the rooms whose records every
// level from the community committee up keeps.
func (u *User) OfficerIn(code string) bool {
	return u != nil && u.IsOfficer() && !u.ReadOnly() && u.InScope(code)
}

// OwnOrgOnly reports an organization's leader, who reads only their own
// organization's records (OrgID; none when 0), never a division's lists.
func (u *User) OwnOrgOnly() bool { return u != nil && u.Role == OrgLeader }
