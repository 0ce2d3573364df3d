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

// ReadsHubBooks reports who reads a hub's own books (its statement): those
// who may view its money, except an organization's leader (the hub's own
// leader included), who reads only their organization's. The hub's page
// offers the link by this rule.
func ReadsHubBooks(u *auth.User, hub *registry.Org) bool {
	return u != nil && !u.OwnOrgOnly() && canView(u, hub, hub.ID)
}

// canGrant reports who records a grant into money they may view (the
// funding room decides who pays): anyone not read-only.
func canGrant(u *auth.User) bool { return !u.ReadOnly() }

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

// decidesAtHub reports a hub's staff with a hub, who decide on the expenses
// submitted at it (canDecide, one by one: never their own).
func decidesAtHub(u *auth.User) bool { return u != nil && canRecord(u, u.OrgID) }
