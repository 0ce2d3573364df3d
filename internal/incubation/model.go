// Package incubation is the incubation bases (培育基地, C4): where they are
// housed, the area each serves, the services they offer, their rooms and the
// bookings of those rooms by organizations, the organizations they incubate
// from entry to graduation, and the coverage of streets by bases.
package incubation

import (
	"time"
)

// HostTypes are the facilities a base is housed in.
var HostTypes = []string{"party_mass_center", "civilization_center", "social_work_station", "other"}

// Services a base offers, stored as a bit mask in this order.
var Services = []string{"party_building", "incubation", "fund_custody", "capacity_building", "consulting", "training",
	"resource_matching", "networking"}

// Incubation statuses.
const (
	Incubating = "incubating"
	Graduated  = "graduated"
	Exited     = "exited"
)

// Levels a base serves at (issue 11): the district, one street, or one
// community. The incubation target reads the district-level ones.
var Levels = []string{"district", "street", "community"}

// levelOf is the level a division code suggests: a base sitting on a
// district's code serves the district, and so on.
func levelOf(code string) string {
	switch {
	case len(code) >= 12:
		return "community"
	case len(code) >= 9:
		return "street"
	}
	return "district"
}

// Booking statuses.
const (
	Booked    = "booked"
	Cancelled = "cancelled"
)

// Base is an incubation base.
type Base struct {
	ID            int64     `json:"id"`
	Name          string    `json:"name"`
	HostType      string    `json:"host_type"`
	Address       string    `json:"address"`
	DivisionCode  string    `json:"division_code"`
	DistrictCode  string    `json:"district_code"`
	StreetCode    string    `json:"street_code"`
	Level         string    `json:"level"`
	OperatorOrgID int64     `json:"operator_org_id,omitempty"`
	OperatorName  string    `json:"operator_name,omitempty"`
	OpeningHours  string    `json:"opening_hours"`
	Services      []string  `json:"services"`
	OpenedOn      string    `json:"opened_on"`
	ClosedOn      string    `json:"closed_on,omitempty"`
	LateReason    string    `json:"late_reason,omitempty"` // the latest late entry's reason (补录)
	Late          bool      `json:"late"`
	CreatedAt     time.Time `json:"created_at"`
	UpdatedAt     time.Time `json:"updated_at"`
}

// OpenOn reports whether the base is open on a day.
func (b *Base) OpenOn(day string) bool {
	return b.OpenedOn <= day && (b.ClosedOn == "" || b.ClosedOn > day)
}

// BaseInput is what a form or API call sets on a base.
type BaseInput struct {
	Name          string   `json:"name"`
	HostType      string   `json:"host_type"`
	Address       string   `json:"address"`
	DivisionCode  string   `json:"division_code"`
	Level         string   `json:"level"` // default: the division's level
	OperatorOrgID int64    `json:"operator_org_id"`
	OpeningHours  string   `json:"opening_hours"`
	Services      []string `json:"services"`
	OpenedOn      string   `json:"opened_on"`
	ClosedOn      string   `json:"closed_on"`
	// LateReason is required when opened_on (or a new closed_on) is more
	// than 30 days before the day it is entered.
	LateReason string `json:"late_reason,omitempty"`
}

// InputOf returns a base's editable fields.
func InputOf(b *Base) BaseInput {
	return BaseInput{Name: b.Name, HostType: b.HostType, Address: b.Address, DivisionCode: b.DivisionCode, Level: b.Level,
		OperatorOrgID: b.OperatorOrgID, OpeningHours: b.OpeningHours, Services: b.Services, OpenedOn: b.OpenedOn, ClosedOn: b.ClosedOn}
}

// Room is a room of a base that organizations may book.
type Room struct {
	ID         int64  `json:"id"`
	BaseID     int64  `json:"base_id"`
	Name       string `json:"name"`
	Capacity   int    `json:"capacity"`
	Facilities string `json:"facilities"`
	Active     bool   `json:"active"`
}

// RoomInput adds a room.
type RoomInput struct {
	Name       string `json:"name"`
	Capacity   int    `json:"capacity"`
	Facilities string `json:"facilities"`
}

// Booking is a room booked by an organization.
type Booking struct {
	ID       int64     `json:"id"`
	RoomID   int64     `json:"room_id"`
	RoomName string    `json:"room_name"`
	BaseID   int64     `json:"base_id"`
	OrgID    int64     `json:"org_id"`
	OrgName  string    `json:"org_name"`
	StartsAt time.Time `json:"starts_at"`
	EndsAt   time.Time `json:"ends_at"`
	Purpose  string    `json:"purpose"`
	Status   string    `json:"status"`
	BookedBy int64     `json:"booked_by"`
}

// BookingInput books a room.
type BookingInput struct {
	RoomID   int64     `json:"room_id"`
	OrgID    int64     `json:"org_id"`
	StartsAt time.Time `json:"starts_at"`
	EndsAt   time.Time `json:"ends_at"`
	Purpose  string    `json:"purpose"`
}

// Incubatee is an organization incubated at a base.
type Incubatee struct {
	ID        int64  `json:"id"`
	BaseID    int64  `json:"base_id"`
	OrgID     int64  `json:"org_id"`
	OrgName   string `json:"org_name"`
	EnteredOn string `json:"entered_on"`
	LeftOn    string `json:"left_on,omitempty"`
	Status    string `json:"status"`
	Note      string `json:"note,omitempty"`
}

// IncubateeInput enters an organization into incubation.
type IncubateeInput struct {
	OrgID     int64  `json:"org_id"`
	EnteredOn string `json:"entered_on"`
	Note      string `json:"note"`
}
