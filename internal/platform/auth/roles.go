package auth

// Groups of roles that several rooms' rules name, once, so that no room
// spells them role by role. Each is a pure question about the account; the
// rooms' rules.go add the place and the record.

// IsStreetOrAbove reports the government's officers: the street, the
// district and the city (a community committee is not one, nor is anyone
// read-only).
func (u *User) IsStreetOrAbove() bool {
	if u == nil || u.ReadOnly() {
		return false
	}
	switch u.Role {
	case StreetOfficer, DistrictOfficer, CityAdmin:
		return true
	}
	return false
}

// IsDistrictOrAbove reports the district's officers and the city's
// administrator (never anyone read-only).
func (u *User) IsDistrictOrAbove() bool {
	return u != nil && !u.ReadOnly() && (u.Role == DistrictOfficer || u.Role == CityAdmin)
}

// OfficerIn reports an officer (IsOfficer) who may change records of a
// division in their subtree: the rule of the rooms whose records every
// level from the community committee up keeps.
func (u *User) OfficerIn(code string) bool {
	return u.IsOfficer() && u.InScope(code)
}

// OwnOrgOnly reports an organization's leader, who reads only their own
// organization's records (OrgID; none when 0), never a division's lists.
func (u *User) OwnOrgOnly() bool { return u != nil && u.Role == OrgLeader }

// LeadsAnOrg reports an organization's leader who has their organization
// (OrgID): the account that files, changes and resubmits for it.
func (u *User) LeadsAnOrg() bool { return u.OwnOrgOnly() && u.OrgID != 0 }

// ActsForOrg reports the accounts that act for one organization, the one
// in OrgID: an organization's leader and a hub's staff (whose hub is an
// organization). Rooms decide what such an account may do for it; an
// account of either role without an organization acts for none.
func (u *User) ActsForOrg() bool {
	return u != nil && (u.Role == OrgLeader || u.Role == HubStaff)
}
