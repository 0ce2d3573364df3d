package incubation

import (
	"strings"

	"linli/internal/platform/auth"
	"linli/internal/registry"
)

// Who may do what to bases, their rooms, bookings and incubated
// organizations: pure decisions, called by the service (which enforces
// them) and by the pages (which offer only what the service allows).

// canCreate reports who creates bases: the street and the officers above
// it (where, canEdit decides).
func canCreate(u *auth.User) bool { return u.IsStreetOrAbove() }

// canSee reports who sees a base: everyone whose subtree holds the area it
// serves or who lives in that area, and its operator's staff.
func canSee(u *auth.User, b *Base) bool {
	if staffs(u, b) {
		return true
	}
	return u.ScopeCode != "" && u.Overlaps(b.DivisionCode)
}

// canEdit reports who creates and edits bases: the street and the officers
// above it, for areas in their subtree.
func canEdit(u *auth.User, division string) bool {
	return canCreate(u) && u.InScope(division)
}

// canOperate reports who runs a base day to day: its editors and its
// operator's staff (rooms, incubated organizations, bookings for others).
func canOperate(u *auth.User, b *Base) bool {
	if canEdit(u, b.DivisionCode) {
		return true
	}
	return !u.ReadOnly() && staffs(u, b)
}

// staffs reports whether the user works for the base's operator.
func staffs(u *auth.User, b *Base) bool {
	return u.Role == auth.HubStaff && b.OperatorOrgID != 0 && u.OrgID == b.OperatorOrgID
}

// serves reports whether a base serves an organization: one of its area
// that is not deregistered. Only such an organization is incubated or books
// a room.
func serves(b *Base, o *registry.Org) bool {
	return strings.HasPrefix(o.CommunityCode, b.DivisionCode) && o.Status != registry.StatusDeregistered
}

// canBookSome reports who may book for some organization at all: anyone
// who may change anything (canBook decides for which).
func canBookSome(u *auth.User) bool { return !u.ReadOnly() }

// booksOnlyOwn reports who books only for their own organization, so a
// picker offers just that one: an organization's leader.
func booksOnlyOwn(u *auth.User) bool { return u.OwnOrgOnly() }

// canBook reports who books a room for an organization the base serves:
// the organization's leader, its community committee, and the base's operators.
func canBook(u *auth.User, b *Base, o *registry.Org) bool {
	if u.ReadOnly() || !strings.HasPrefix(o.CommunityCode, b.DivisionCode) {
		return false
	}
	switch {
	case booksOnlyOwn(u):
		return u.OrgID == o.ID
	case u.Role == auth.CommunityCommittee:
		return u.InScope(o.CommunityCode)
	}
	return canOperate(u, b)
}

// canCancel reports who cancels a booking: whoever booked it, the
// organization's leader, and the base's operators.
func canCancel(u *auth.User, b *Base, k *Booking) bool {
	if u.ReadOnly() {
		return false
	}
	return k.BookedBy == u.ID || (booksOnlyOwn(u) && u.OrgID == k.OrgID) || canOperate(u, b)
}
