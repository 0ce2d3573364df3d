// Package activity is what organizations do (C11–C15): activities under the
// five themed campaigns with their beneficiaries and photos, volunteers and
// their hours, the major-activity reports a street acknowledges (C18), the
// consultations of 共建共治共享 (C12), and the campaign figures.
package activity

import (
	"time"
)

// Themes: the five campaigns of the plan, and other.
var Themes = []string{"neighbourly_watch", "co_governance", "safety", "culture", "rural_revival", "other"}

// Theme keys used by the code.
const (
	ThemeCoGovernance = "co_governance"
	ThemeOther        = "other"
)

// ThemeFields are each theme's service fields, from the seed's 二(三).
var ThemeFields = map[string][]string{
	"neighbourly_watch": {"companionship", "daily_care", "counselling", "legal_aid", "social_integration"},
	"co_governance": {"resident_survey", "opinion_collection", "deliberation", "parking", "elevator", "renovation",
		"charity_fund", "left_behind_care"},
	"safety": {"conflict_resolution", "dispute_mediation", "psychological", "patrol", "correction_support", "drug_rehab",
		"rehabilitation", "emergency_rescue", "epidemic_control", "legal_education", "waste_sorting", "job_matching"},
	"culture": {"singing", "reading", "calligraphy", "recitation", "science", "performance", "intangible_heritage",
		"folk_custom", "sports", "place_names", "civilised_customs"},
	"rural_revival": {"low_income_help", "employment_help", "visits_care", "toilet_revolution", "waste_sewage",
		"village_appearance", "agri_tech"},
	"other": {"other"},
}

// Kinds of activity.
var Kinds = []string{"festival", "performance", "sports", "gathering", "service", "meeting", "other"}

// Statuses of an activity.
const (
	StatusRecorded = "recorded"
	StatusAwaiting = "awaiting_report"
	StatusRefused  = "refused"
)

// Report statuses and decisions.
const (
	ReportPending      = "pending"
	ReportAcknowledged = "acknowledged"
	ReportRefused      = "refused"
	LevelStreet        = "street"
	LevelCommunity     = "community"
)

// Beneficiaries are people served: the total, by target group (each person
// under one group), and those under none.
type Beneficiaries struct {
	Total   int            `json:"total"`
	ByGroup map[string]int `json:"by_group,omitempty"`
	Other   int            `json:"other,omitempty"`
}

// Input is what a form, the API, an import or the demo sets on an activity.
type Input struct {
	OrgIDs        []int64       `json:"org_ids"`
	Title         string        `json:"title"`
	Theme         string        `json:"theme"`
	Kind          string        `json:"kind"`
	Fields        []string      `json:"fields"`
	StartsAt      string        `json:"starts_at"`
	EndsAt        string        `json:"ends_at"`
	CommunityCode string        `json:"community_code"`
	Address       string        `json:"address"`
	TargetGroups  []string      `json:"target_groups"`
	Participants  int           `json:"participants"`
	Beneficiaries Beneficiaries `json:"beneficiaries"`
	FundRaising   bool          `json:"fund_raising"`
	Minors        bool          `json:"minors"`
	Overnight     bool          `json:"overnight"`
	WriteUp       string        `json:"write_up"`
}

// Activity is a stored activity.
type Activity struct {
	ID             int64         `json:"id"`
	OrgIDs         []int64       `json:"org_ids"`
	OrgNames       []string      `json:"org_names"`
	Title          string        `json:"title"`
	Theme          string        `json:"theme"`
	Kind           string        `json:"kind"`
	Fields         []string      `json:"fields"`
	StartsAt       time.Time     `json:"starts_at"`
	EndsAt         time.Time     `json:"ends_at"`
	StartsOn       string        `json:"starts_on"`
	CommunityCode  string        `json:"community_code"`
	StreetCode     string        `json:"street_code"`
	DistrictCode   string        `json:"district_code"`
	Address        string        `json:"address"`
	TargetGroups   []string      `json:"target_groups"`
	Participants   int           `json:"participants"`
	Beneficiaries  Beneficiaries `json:"beneficiaries"`
	FundRaising    bool          `json:"fund_raising"`
	Minors         bool          `json:"minors"`
	Overnight      bool          `json:"overnight"`
	WriteUp        string        `json:"write_up"`
	Status         string        `json:"status"`
	Major          bool          `json:"major"`
	AckLevel       string        `json:"ack_level,omitempty"`
	ReportDueOn    string        `json:"report_due_on,omitempty"`
	VolunteerHours float64       `json:"volunteer_hours"`
	HoursConfirmed bool          `json:"hours_confirmed"`
	Files          []File        `json:"files,omitempty"`
	CreatedBy      int64         `json:"created_by,omitempty"`
	CreatedAt      time.Time     `json:"created_at"`
	UpdatedAt      time.Time     `json:"updated_at"`
	Version        int           `json:"version"`

	rule  Rule // the major-activity rule in force when it was entered
	orgs  []OrgRef
	input Input
}

// OrgRef is what rules need to know of an organization.
type OrgRef struct {
	ID            int64
	Name          string
	Tier          string
	Status        string
	CommunityCode string
	StreetCode    string
	DistrictCode  string
}

// File is a photo or document of an activity (bytes only when served).
type File struct {
	ID          int64     `json:"id"`
	ContentType string    `json:"content_type"`
	Size        int       `json:"size_bytes"`
	SHA256      string    `json:"sha256"`
	Filename    string    `json:"filename"`
	CreatedAt   time.Time `json:"created_at"`
	Data        []byte    `json:"-"`
	activityID  int64
}

// Person is what a volunteer and a registered beneficiary both are: a
// named resident of a community, reached by a phone that is masked for
// those who do not call them (maskPhone).
type Person struct {
	ID            int64  `json:"id"`
	Name          string `json:"name"`
	Phone         string `json:"phone"`
	PhoneMasked   bool   `json:"phone_masked,omitempty"`
	CommunityCode string `json:"community_code"`
	DistrictCode  string `json:"district_code"`
}

// PersonInput is what creates a person (checked by planPerson).
type PersonInput struct {
	Name          string `json:"name"`
	Phone         string `json:"phone"`
	CommunityCode string `json:"community_code"`
}

// Volunteer is a person who serves.
type Volunteer struct {
	Person
	OrgIDs    []int64   `json:"org_ids"`
	CreatedAt time.Time `json:"created_at"`
}

// VolunteerInput is what creates a volunteer.
type VolunteerInput struct {
	PersonInput
	OrgIDs []int64 `json:"org_ids"`
}

// HoursInput records one volunteer's hours at an activity; after the hours
// are confirmed it is a correction and needs a reason.
type HoursInput struct {
	VolunteerID int64   `json:"volunteer_id"`
	Hours       float64 `json:"hours"`
	Reason      string  `json:"reason,omitempty"`
}

// HoursEntry is one stored entry.
type HoursEntry struct {
	ID            int64     `json:"id"`
	ActivityID    int64     `json:"activity_id"`
	ActivityTitle string    `json:"activity_title,omitempty"`
	VolunteerID   int64     `json:"volunteer_id"`
	ServedOn      string    `json:"served_on"`
	Hours         float64   `json:"hours"`
	Correction    bool      `json:"correction"`
	Reason        string    `json:"reason,omitempty"`
	CreatedAt     time.Time `json:"created_at"`
	minutes       int
}

// Hours is a volunteer's computed total over a period.
type Hours struct {
	Volunteer *Volunteer   `json:"volunteer"`
	From      string       `json:"from"`
	To        string       `json:"to"`
	Hours     float64      `json:"hours"`
	Entries   []HoursEntry `json:"entries"`
}

// Rule is a street's or district's major-activity rule.
type Rule struct {
	UnitCode         string   `json:"unit_code"`
	Kinds            []string `json:"kinds"`
	MinParticipants  int      `json:"min_participants"`
	OutsideHome      bool     `json:"outside_home"`
	FundRaising      bool     `json:"fund_raising"`
	Minors           bool     `json:"minors"`
	Overnight        bool     `json:"overnight"`
	CommunityAckTier bool     `json:"community_ack_tier"`
	DaysAhead        int      `json:"days_ahead"`
	Default          bool     `json:"default,omitempty"`
	Version          int      `json:"version,omitempty"`
}

// DefaultRule is the rule before any street edits it: a festival,
// performance, sports competition or gathering with 100 or more
// participants, reported 7 days ahead; community-tier organizations report
// to their community committee.
func DefaultRule() Rule {
	return Rule{Kinds: []string{"festival", "performance", "sports", "gathering"}, MinParticipants: 100,
		CommunityAckTier: true, DaysAhead: 7, Default: true}
}

// Report is a major-activity report.
type Report struct {
	ID            int64      `json:"id"`
	ActivityID    int64      `json:"activity_id"`
	ActivityTitle string     `json:"activity_title"`
	StartsAt      time.Time  `json:"starts_at"`
	Status        string     `json:"status"`
	AckLevel      string     `json:"ack_level"`
	CommunityCode string     `json:"community_code"`
	StreetCode    string     `json:"street_code"`
	DueOn         string     `json:"due_on"`
	Late          bool       `json:"late"`
	SubmittedAt   time.Time  `json:"submitted_at"`
	DecidedAt     *time.Time `json:"decided_at,omitempty"`
	Reason        string     `json:"reason,omitempty"`
	CanDecide     bool       `json:"-"`
}

// Consultation is a 议事协商 topic with its meetings.
type Consultation struct {
	ID            int64     `json:"id"`
	ActivityID    int64     `json:"activity_id"`
	Topic         string    `json:"topic"`
	TopicKind     string    `json:"topic_kind"`
	CommunityCode string    `json:"community_code"`
	RaisedBy      string    `json:"raised_by"`
	RaisedByOrgID int64     `json:"raised_by_org_id,omitempty"`
	RaisedNote    string    `json:"raised_note,omitempty"`
	FollowUp      string    `json:"follow_up"`
	Meetings      []Meeting `json:"meetings"`
	CreatedAt     time.Time `json:"created_at"`
}

// Meeting is one consultation meeting.
type Meeting struct {
	HeldOn        string `json:"held_on"`
	Residents     int    `json:"residents"`
	Committee     int    `json:"committee"`
	Organizations int    `json:"organizations"`
	PropertyMgmt  int    `json:"property_mgmt"`
	Minutes       string `json:"minutes"`
	Decisions     string `json:"decisions"`
}

// ConsultationInput creates a consultation and its co_governance activity.
type ConsultationInput struct {
	Topic         string    `json:"topic"`
	TopicKind     string    `json:"topic_kind"`
	CommunityCode string    `json:"community_code"`
	RaisedBy      string    `json:"raised_by"`
	RaisedByOrgID int64     `json:"raised_by_org_id"`
	RaisedNote    string    `json:"raised_note"`
	OrgIDs        []int64   `json:"org_ids"`
	Meetings      []Meeting `json:"meetings"`
	FollowUp      string    `json:"follow_up"`
}

// TopicKinds of consultations.
var TopicKinds = []string{"parking", "elevator", "renovation", "property", "public_project", "charity_fund", "left_behind_care", "other"}

// RaisedBy kinds.
var RaisedBy = []string{"residents", "organization"}

// Filter selects activities for a list.
type Filter struct {
	Within      string
	Theme       string
	Field       string
	TargetGroup string
	OrgID       int64
	Status      string
	From, To    string // YYYY-MM-DD, inclusive
	Page        int
	PerPage     int
}

// Page is one page of activities.
type Page struct {
	Items   []*Activity `json:"items"`
	Total   int         `json:"total"`
	Page    int         `json:"page"`
	PerPage int         `json:"per_page"`
}

// Campaign is a theme's figures over a place and period.
type Campaign struct {
	Theme         string `json:"theme"`
	Unit          string `json:"unit"`
	From          string `json:"from"`
	To            string `json:"to"`
	Activities    int    `json:"activities"`
	Beneficiaries int    `json:"beneficiaries"`
	// RegisteredPeople are the distinct registered beneficiaries served,
	// each counted once in the period (beneficiaries counts them so).
	RegisteredPeople int           `json:"registered_people"`
	VolunteerHours   float64       `json:"volunteer_hours"`
	ByDistrict       []CampaignRow `json:"by_district"`
	ByMonth          []CampaignRow `json:"by_month"`
	Active           ActiveShare   `json:"active_orgs"`
}

// CampaignRow is one district's or month's figures.
type CampaignRow struct {
	Key            string  `json:"key"`
	Activities     int     `json:"activities"`
	Beneficiaries  int     `json:"beneficiaries"`
	VolunteerHours float64 `json:"volunteer_hours"`
}

// ActiveShare is the share of the place's active organizations that held an
// activity of the theme in the 90 days up to the period's end.
type ActiveShare struct {
	Since  string  `json:"since"`
	Orgs   int     `json:"orgs"`
	Active int     `json:"active"`
	Share  float64 `json:"share"`
}

// Beneficiary is a registered person served (counted once per period).
type Beneficiary struct {
	Person
	Groups    []string  `json:"groups"`
	CreatedAt time.Time `json:"created_at"`
}

// BeneficiaryInput registers a beneficiary.
type BeneficiaryInput struct {
	PersonInput
	Groups []string `json:"groups"`
}

// SurveyInput opens a consultation's resident survey.
type SurveyInput struct {
	Question string   `json:"question"`
	Options  []string `json:"options"`
}

// Survey is a consultation's resident survey with its tally.
type Survey struct {
	ID             int64    `json:"id"`
	ConsultationID int64    `json:"consultation_id"`
	Question       string   `json:"question"`
	Options        []string `json:"options"`
	Counts         []int    `json:"counts"`
	Answers        int      `json:"answers"`
}

// AnswerInput is one resident's answer.
type AnswerInput struct {
	Phone  string `json:"phone"`
	Choice int    `json:"choice"`
}

// Association is a street's social-work and volunteer-service association
// (an organization) with its member teams.
type Association struct {
	StreetCode string   `json:"street_code"`
	OrgID      int64    `json:"org_id"`
	OrgName    string   `json:"org_name"`
	Members    []Member `json:"members"`
}

// Member is a team's membership of an association.
type Member struct {
	OrgID    int64  `json:"org_id"`
	OrgName  string `json:"org_name"`
	JoinedOn string `json:"joined_on"`
	LeftOn   string `json:"left_on,omitempty"`
}
