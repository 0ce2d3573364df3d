package auth

// IsStreetOrAbove reports the government's officers: the street, the
// district and the city (a community committee is not one, nor is anyone
// read-only).
func (u *User) IsStreetOrAbove() bool {
	if u == nil {
		return false
	}
	switch u.Role {
	case StreetOfficer, DistrictOfficer, CityAdmin:
		return true
	}
	return false
}

// IsDistrictOrAbove reports the district's officers and the city's
// administrator.
func (u *User) IsDistrictOrAbove() bool {
	return u != nil && (u.Role == DistrictOfficer || u.Role == CityAdmin)
}
