package registry

import (
	"linli/internal/platform/auth"
	"linli/internal/platform/db"
)

// visible reports whether the viewer may see the organization at all.
func visible(u *auth.User, o *Org) bool {
	if u == nil {
		return false
	}
	if u.OwnOrgOnly() {
		return o.ID == u.OrgID || (o.CreatedBy != 0 && o.CreatedBy == u.ID)
	}
	return u.InScope(o.CommunityCode)
}

// scopeWhere is the SQL condition that restricts a list to what the viewer
// may see; the arguments continue from n.
func scopeWhere(u *auth.User, args []any) (string, []any) {
	if u.OwnOrgOnly() {
		args = append(args, u.OrgID, u.ID)
		return "(o.id = " + ph(len(args)-1) + " OR o.created_by = " + ph(len(args)) + ")", args
	}
	return placeWhere(u.ScopeCode, args)
}

// placeWhere is the condition "below the division code", written on the
// column that indexes it best: the district or street code stored on the
// row for those levels (an equality, so the index also yields id order),
// else a range of community codes.
func placeWhere(code string, args []any) (string, []any) {
	switch len(code) {
	case 6:
		args = append(args, code)
		return "o.district_code = " + ph(len(args)), args
	case 9:
		args = append(args, code)
		return "o.street_code = " + ph(len(args)), args
	case 12:
		args = append(args, code)
		return "o.community_code = " + ph(len(args)), args
	}
	return db.ScopeCond("o.community_code", code, args)
}

// manages reports the roles that see leaders' phones and edit the record.
func manages(u *auth.User, o *Org) bool {
	if !visible(u, o) {
		return false
	}
	switch u.Role {
	case auth.CityAdmin, auth.DistrictOfficer, auth.StreetOfficer, auth.CommunityCommittee:
		return true
	case auth.OrgLeader:
		return true
	}
	return false
}

// approves reports who decides on filings and status for the organization:
// the community committee for community-tier groups, the street (and the
// officers above it) for every tier.
func approves(u *auth.User, o *Org) bool {
	tier, ok := decidesTier(u)
	return ok && u.InScope(o.CommunityCode) && (tier == "" || o.Tier == tier)
}

// decidesTier reports the tier of the filings the user decides in their
// scope (approves): every tier ("") for the street and the officers above
// it, the community tier for the community committee; ok false for
// everyone else.
func decidesTier(u *auth.User) (tier string, ok bool) {
	if u == nil {
		return "", false
	}
	switch u.Role {
	case auth.CityAdmin, auth.DistrictOfficer, auth.StreetOfficer:
		return "", true
	case auth.CommunityCommittee:
		return TierCommunity, true
	}
	return "", false
}

// setsFlag reports who may set each flag: hub and the volunteer mark are the
// street's decision, brand and demonstration the district's.
func setsFlag(u *auth.User, flag string) bool {
	switch flag {
	case "hub", "volunteer_mark":
		return u.IsStreetOrAbove()
	case "brand", "demonstration_year":
		return u.IsDistrictOrAbove()
	}
	return false
}

// DesignatesHubs reports who designates hubs and ends their designation
// (in their subtree): the street and the officers above it. The hubs'
// page offers it by this rule; planHub enforces it.
func DesignatesHubs(u *auth.User) bool { return setsFlag(u, "hub") }

// files reports who files a new organization: anyone who may change
// anything, except a hub's staff and a leader who already leads one.
func files(u *auth.User) bool {
	return !u.ReadOnly() && u.Role != auth.HubStaff && !u.LeadsAnOrg()
}

// filesFirst reports a leader filing their first organization: they may
// pick any community, and the filing binds them to it.
func filesFirst(u *auth.User) bool { return u.Role == auth.OrgLeader && u.OrgID == 0 }

// activates reports who may file an organization as active at once: those
// who approve filings, for some tier in their scope (approves decides for
// the tier and community filed).
func activates(u *auth.User) bool {
	return approves(u, &Org{CommunityCode: u.ScopeCode, Tier: TierCommunity})
}

// writes reports who changes an organization's record (edits it or moves it
// through the lifecycle, as the transition allows): its managers, unless
// read-only.
func writes(u *auth.User, o *Org) bool { return manages(u, o) && !u.ReadOnly() }

// edits reports who edits an organization's fields: its writers, while it
// is not deregistered.
func edits(u *auth.User, o *Org) bool { return writes(u, o) && o.Status != StatusDeregistered }

// Imports reports who imports a census spreadsheet of organizations: the
// officers, in their subtree.
func Imports(u *auth.User) bool { return u.IsOfficer() }

// maskClass names what maskFor reads of a viewer for the organizations of
// a place's list (all of them visible to it: the list holds no other): the
// role and the scope, which manages reads, and nothing else. Viewers of
// one class are masked alike, so the list cache keys on it. An
// organization leader's list (its own records, by id and creator) has no
// class: it is never shared.
func maskClass(u *auth.User) (string, bool) {
	if u == nil || u.OwnOrgOnly() {
		return "", false
	}
	return u.Role + "@" + u.ScopeCode, true
}

// maskFor hides the leader's phone from viewers who do not manage the organization.
func maskFor(u *auth.User, o *Org) {
	if !manages(u, o) && o.LeaderPhone != "" {
		o.LeaderPhone = MaskPhone(o.LeaderPhone)
		o.PhoneMasked = true
	}
}
