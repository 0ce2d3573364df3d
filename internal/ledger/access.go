package ledger

import (
	"linli/internal/platform/auth"
	"linli/internal/registry"
)

// canView reports whether the viewer may read an organization's money held
// at a hub: the hub's staff, the organization's leader, and the officers and
// auditors whose subtree holds the organization.
func canView(u *auth.User, o *registry.Org, hubID int64) bool {
	if u == nil {
		return false
	}
	switch u.Role {
	case auth.HubStaff:
		return u.OrgID != 0 && u.OrgID == hubID
	case auth.OrgLeader:
		return u.OrgID != 0 && u.OrgID == o.ID
	}
	return u.InScope(o.CommunityCode)
}

// hubFilter limits what hub staff see of an organization to their own hub.
func hubFilter(u *auth.User) int64 {
	if u.Role == auth.HubStaff {
		return u.OrgID
	}
	return 0
}

// canRecord reports who records income and reversals at a hub: its staff.
func canRecord(u *auth.User, hubID int64) bool {
	return !u.ReadOnly() && u.Role == auth.HubStaff && u.OrgID != 0 && u.OrgID == hubID
}

// canSubmit reports who submits an expense: the organization's leader, or
// the hub's staff for it (and for the hub's own money).
func canSubmit(u *auth.User, c *custody) bool {
	if u.ReadOnly() {
		return false
	}
	if u.Role == auth.OrgLeader && !c.Own {
		return u.OrgID != 0 && u.OrgID == c.Org.ID
	}
	return canRecord(u, c.HubID)
}

// canDecide reports who approves or returns an expense: the hub's staff,
// never the person who submitted it.
func canDecide(u *auth.User, e *Expense) bool {
	return canRecord(u, e.HubID) && u.ID != e.SubmittedBy
}
