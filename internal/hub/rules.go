package hub

import (
	"linli/internal/platform/auth"
	"linli/internal/registry"
)

// Who may do what to a hub. Designating a hub is the registry's decision
// (registry.DesignatesHubs), reading its books the ledger's
// (ledger.ReadsHubBooks).

// seesHub reports who sees a hub: its staff, the leader of the hub or of an
// organization it serves (served: the hub serves the leader's organization
// now), and officers and auditors over it.
func seesHub(u *auth.User, h *registry.Org, served bool) bool {
	switch u.Role {
	case auth.HubStaff:
		return u.OrgID == h.ID
	case auth.OrgLeader:
		return u.OrgID != 0 && (u.OrgID == h.ID || served)
	}
	return u.InScope(h.CommunityCode)
}

// asksServed reports whether seesHub needs to know if the hub serves the
// viewer's organization: for a leader of another organization.
func asksServed(u *auth.User, h *registry.Org) bool {
	return u.LeadsAnOrg() && u.OrgID != h.ID
}

// canManage reports who takes organizations in and out and records workers:
// the hub's staff, and the street and the officers above it.
func canManage(u *auth.User, h *registry.Org) bool {
	if u.ReadOnly() {
		return false
	}
	if u.Role == auth.HubStaff {
		return u.OrgID == h.ID
	}
	return u.IsStreetOrAbove() && u.InScope(h.CommunityCode)
}

// seesOwnLineOnly reports who sees only their own organization's line among
// those a hub serves: an organization's leader.
func seesOwnLineOnly(u *auth.User) bool { return u.OwnOrgOnly() }
