package kpi

import "linli/internal/platform/auth"

// Who may do what to the room's records: pure decisions, no context, no
// SQL, no I/O.

// seesIndicator reports whether a user may read an indicator: it applies
// somewhere in the user's subtree.
func seesIndicator(u *auth.User, ind *Indicator) bool {
	return u != nil && u.ScopeCode != "" && u.Overlaps(ind.ScopeCode)
}

// managesIndicators reports who sets indicators: the city for the whole
// city, a district officer for their own district (C3; where, setsFor).
func managesIndicators(u *auth.User) bool { return u.IsDistrictOrAbove() }

// CanManage reports whether a user may add or change indicators.
func CanManage(u *auth.User) bool { return managesIndicators(u) }

// setsFor reports whether a user sets the indicators of a division: the
// city any in the city, a district officer its own district only (the
// indicator page's edit link shows to them alone).
func setsFor(u *auth.User, scope string) bool {
	return managesIndicators(u) && u.InScope(scope) && (u.Role == auth.CityAdmin || scope == u.ScopeCode)
}

// designatesPilots reports who picks pilot communities: the district (and
// the city above it).
func designatesPilots(u *auth.User) bool { return u.IsDistrictOrAbove() }

// CanDesignate reports whether a user may designate or revoke pilots.
func CanDesignate(u *auth.User) bool { return designatesPilots(u) }
