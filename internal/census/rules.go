package census

import "linli/internal/platform/auth"

// This file holds who may do what with the census rounds: open, close,
// submit into them, and see them. No context, no SQL, no I/O; the pages
// (showing a form or a button) and the service (refusing) call the same
// functions. Who imports is the registry's rule (registry.Imports): the
// census writes organizations through the registry.

// canRun reports who opens and closes rounds: the district office.
func canRun(u *auth.User, district string) bool {
	return u != nil && u.Role == auth.DistrictOfficer && u.ScopeCode == district
}

// canOpenRound reports whether the user opens a round, for their own
// district (canRun).
func canOpenRound(u *auth.User) bool {
	return u != nil && canRun(u, u.ScopeCode)
}

// seesRound reports who sees a district's rounds: the city and the district
// above it, and everyone below it.
func seesRound(u *auth.User, district string) bool {
	return u.Overlaps(district)
}

// submitsTo reports whether the user is one who submits into the round: a
// street officer of the round's district (open or not: CanSubmit).
func submitsTo(u *auth.User, r *Round) bool {
	return u != nil && u.Role == auth.StreetOfficer && u.Overlaps(r.DistrictCode)
}

// CanSubmit reports whether the user submits into the round: a street
// officer of the round's district, while the round is open.
func CanSubmit(u *auth.User, r *Round) bool { return submitsTo(u, r) && r.Status == RoundOpen }

// CanClose reports whether the user closes the round.
func CanClose(u *auth.User, r *Round) bool { return canRun(u, r.DistrictCode) && r.Status == RoundOpen }

// ChecksBeforeStreet reports the community committee, who in an open round
// checks its community's organizations before its street submits (its
// work waiting is on the organizations list, not the census page).
func ChecksBeforeStreet(u *auth.User) bool { return u != nil && u.Role == auth.CommunityCommittee }

// waitsOnOwnStreet reports who waits on their own street's submission to
// an open round (CensusCounts): the street's officers, and the committees
// below it who check first.
func waitsOnOwnStreet(u *auth.User) bool {
	return u != nil && (u.Role == auth.StreetOfficer || ChecksBeforeStreet(u)) && len(u.ScopeCode) >= 9
}

// waitsOnStreets reports who waits on every street of their district
// (CensusCounts): the district office.
func waitsOnStreets(u *auth.User) bool { return u != nil && u.Role == auth.DistrictOfficer }
