// Package registry is the organization registry: tiers, types, target groups,
// party building, flags with dated history, and the filing lifecycle.
package registry

import (
	"time"
)

// Tiers (管理层级).
const (
	TierRegistered = "registered" // 依法登记
	TierStreet     = "street"     // 街道（乡镇）管理
	TierCommunity  = "community"  // 社区管理
)

// Tiers lists the tiers in display order.
var Tiers = []string{TierRegistered, TierStreet, TierCommunity}

// Types (类型), stored as a bit mask in this order.
var Types = []string{"life_service", "charity", "mutual_aid", "culture_sports", "rural_technical", "volunteer"}

// TargetGroups (服务对象), stored as a bit mask in this order.
var TargetGroups = []string{"elderly", "women", "children", "disabled", "unemployed", "migrant_workers",
	"children_of_detained", "families_in_difficulty", "severe_mental_disorder", "at_risk_youth", "community_correction",
	// The seed's special groups (二(三)), appended so stored masks keep their meaning.
	"rural_left_behind_children", "rural_left_behind_women", "rural_left_behind_elderly", "subsistence_allowance",
	"extreme_poverty", "empty_nest_elderly", "children_in_difficulty", "migrant_children", "relapse_poverty"}

// Party organization status (党组织).
const (
	PartyIndependent = "independent" // 独立建立
	PartyJoint       = "joint"       // 联合建立
	PartyNone        = "none"        // 未建立
)

// PartyOrgs lists the party organization statuses.
var PartyOrgs = []string{PartyIndependent, PartyJoint, PartyNone}

// Statuses of the lifecycle.
const (
	StatusPending      = "pending"      // 待审核
	StatusReturned     = "returned"     // 退回修改
	StatusActive       = "active"       // 活跃
	StatusSuspended    = "suspended"    // 暂停
	StatusDeregistered = "deregistered" // 已注销
)

// Statuses lists the statuses in lifecycle order.
var Statuses = []string{StatusPending, StatusReturned, StatusActive, StatusSuspended, StatusDeregistered}

// Org is a community social organization.
type Org struct {
	ID                int64     `json:"id"`
	Name              string    `json:"name"`
	Tier              string    `json:"tier"`
	Types             []string  `json:"types"`
	TargetGroups      []string  `json:"target_groups"`
	CommunityCode     string    `json:"community_code"`
	StreetCode        string    `json:"street_code"`
	DistrictCode      string    `json:"district_code"`
	CreditCode        string    `json:"credit_code"`
	Address           string    `json:"address"`
	FoundedOn         string    `json:"founded_on"`
	Members           int       `json:"members"`
	LeaderName        string    `json:"leader_name"`
	LeaderPhone       string    `json:"leader_phone"`
	PartyOrg          string    `json:"party_org"`
	PartyInstructor   string    `json:"party_instructor"`
	Hub               bool      `json:"hub"`
	Brand             bool      `json:"brand"`
	Demonstration     bool      `json:"demonstration"`
	DemonstrationYear int       `json:"demonstration_year,omitempty"`
	VolunteerMark     bool      `json:"volunteer_mark"`
	Status            string    `json:"status"`
	ReturnReason      string    `json:"return_reason,omitempty"`
	CreatedBy         int64     `json:"created_by,omitempty"`
	CreatedAt         time.Time `json:"created_at"`
	UpdatedAt         time.Time `json:"updated_at"`
	Version           int       `json:"version"`
	// Since holds, for the spreadsheet export only, the effective date of
	// each flag that is set ("hub", "brand", "demonstration_year",
	// "volunteer_mark" → YYYY-MM-DD).
	Since map[string]string `json:"-"`
	// PhoneMasked tells whether LeaderPhone was masked for this viewer.
	PhoneMasked bool `json:"phone_masked,omitempty"`
}

// Input is what a form or an API call may set on an organization.
type Input struct {
	Name              string   `json:"name"`
	Tier              string   `json:"tier"`
	Types             []string `json:"types"`
	TargetGroups      []string `json:"target_groups"`
	CommunityCode     string   `json:"community_code"`
	CreditCode        string   `json:"credit_code"`
	Address           string   `json:"address"`
	FoundedOn         string   `json:"founded_on"`
	Members           int      `json:"members"`
	LeaderName        string   `json:"leader_name"`
	LeaderPhone       string   `json:"leader_phone"`
	PartyOrg          string   `json:"party_org"`
	PartyInstructor   string   `json:"party_instructor"`
	Hub               bool     `json:"hub"`
	Brand             bool     `json:"brand"`
	DemonstrationYear int      `json:"demonstration_year"`
	VolunteerMark     bool     `json:"volunteer_mark"`
	// Status on creation: "" or "pending" files an application; "active"
	// records an existing organization (only an approving officer may).
	Status string `json:"status,omitempty"`
	// Version, when set, must match the stored version (optimistic locking).
	Version int `json:"version,omitempty"`
	// EffectiveOn is the day (YYYY-MM-DD, China) the change took effect,
	// for every dated field it changes; "" is today.
	EffectiveOn string `json:"effective_on,omitempty"`
	// LateReason explains a late entry (补录): a change entered more than 30
	// days after it took effect.
	LateReason string `json:"late_reason,omitempty"`
	// Dates are effective dates of single history fields ("status", "hub",
	// "brand", "demonstration_year", "volunteer_mark"), over EffectiveOn:
	// the census's date columns.
	Dates map[string]string `json:"-"`
}

// InputOf returns the editable fields of an organization.
func InputOf(o *Org) Input {
	return Input{Name: o.Name, Tier: o.Tier, Types: o.Types, TargetGroups: o.TargetGroups,
		CommunityCode: o.CommunityCode, CreditCode: o.CreditCode, Address: o.Address, FoundedOn: o.FoundedOn,
		Members: o.Members, LeaderName: o.LeaderName, LeaderPhone: o.LeaderPhone, PartyOrg: o.PartyOrg,
		PartyInstructor: o.PartyInstructor, Hub: o.Hub, Brand: o.Brand, DemonstrationYear: o.DemonstrationYear,
		VolunteerMark: o.VolunteerMark}
}

// Event is one dated change in an organization's history.
type Event struct {
	ID       int64     `json:"id"`
	Field    string    `json:"field"`
	OldValue string    `json:"old_value"`
	Value    string    `json:"value"`
	Reason   string    `json:"reason,omitempty"`
	At       time.Time `json:"at"`
	// EnteredAt is when the change was entered (录入时间), nil on rows
	// written before effective dates; At is when it took effect.
	EnteredAt *time.Time `json:"entered_at,omitempty"`
	// LateReason explains a late entry (补录).
	LateReason string `json:"late_reason,omitempty"`
	// Late marks a late entry: entered more than 30 days after At.
	Late     bool   `json:"late,omitempty"`
	UserID   int64  `json:"user_id,omitempty"`
	Username string `json:"username"`
}

// Filter selects organizations for a list.
type Filter struct {
	Within        string `json:"within"`
	Q             string `json:"q"`
	Tier          string `json:"tier"`
	Type          string `json:"type"`
	TargetGroup   string `json:"target_group"`
	Status        string `json:"status"`
	Hub           bool   `json:"hub"`
	Brand         bool   `json:"brand"`
	Demonstration bool   `json:"demonstration"`
	VolunteerMark bool   `json:"volunteer_mark"`
	Sort          string `json:"sort"`
	Page          int    `json:"page"`
	PerPage       int    `json:"per_page"`

	// searchIn are the places whose part of the full-text index a search
	// reads: token prefixes, a district's code or a city's and an x (set
	// by searchScope); nil to scan instead. searchDistricts are the
	// districts of the scope, for the exact and prefix matches.
	searchIn, searchDistricts []string
}

// Page is one page of a list.
type Page struct {
	Items []*Org `json:"items"`
	Total int    `json:"total"`
	// More is set when a search found more than Total matches and stopped
	// counting there (searchCountCap).
	More    bool `json:"more,omitempty"`
	Page    int  `json:"page"`
	PerPage int  `json:"per_page"`
}

func indexOf(all []string, s string) int {
	for i, a := range all {
		if a == s {
			return i
		}
	}
	return -1
}
