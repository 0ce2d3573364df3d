package auth

// OfficerIn reports an officer (IsOfficer) who may change records of a
// division in their subtree: the rule of the rooms whose records every
// level from the community committee up keeps.
func (u *User) OfficerIn(code string) bool {
	return u != nil && u.IsOfficer() && !u.ReadOnly() && u.InScope(code)
}

// OwnOrgOnly reports an organization's leader, who reads only their own
// organization's records (OrgID; none when 0), never a division's lists.
func (u *User) OwnOrgOnly() bool { return u != nil && u.Role == OrgLeader }
