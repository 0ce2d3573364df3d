// Package funding is how organizations get money through projects (C6, C9):
// calls for projects opened by a district (or the city, or a street for a
// micro-venture), applications with budget lines checked for eligibility at
// submission, reviewers and their scores, a ranking computed from them,
// awards within the budget that become projects, tranches paid into the
// organization's custody account through the ledger (or directly to a
// registered organization), spending against budget lines, milestones and
// reports, brand designations, residents' needs and pairings.
package funding

import "time"

// Channels of funding (the seed's 政府购买服务, 公益创投, 项目大赛, 微创投,
// 福彩公益金, 社区发展基金, 社会支持).
const (
	ChannelGovernment = "government_purchase"
	ChannelVenture    = "venture_philanthropy"
	ChannelContest    = "contest"
	ChannelMicro      = "micro_venture"
	ChannelLottery    = "lottery_fund"
	ChannelCommunity  = "community_fund"
	ChannelSocial     = "social_support"
)

// Channels lists the channels in display order.
var Channels = []string{ChannelGovernment, ChannelVenture, ChannelContest, ChannelMicro, ChannelLottery, ChannelCommunity, ChannelSocial}

// Fields are the service fields a call may fund: the seed's fields and the
// five campaign themes.
var Fields = []string{"elderly", "poverty", "orphans", "disabled", "governance", "culture", "volunteer", "mutual_aid",
	"children", "youth", "women", "health", "environment", "safety"}

// Bonus and tie-break rules a call may state (党组织健全、管理规范 first).
const (
	RuleParty      = "party_org"     // 党组织健全: an independent or joint party organization
	RuleWellRun    = "well_managed"  // 管理规范: active and registered, or in a hub's custody
	RuleRequestLow = "lower_request" // a tie goes to the smaller request (tie-break only)
)

// Application statuses.
const (
	AppDraft     = "draft"
	AppSubmitted = "submitted"
	AppWithdrawn = "withdrawn"
)

// Project statuses.
const (
	ProjectActive = "active"
	ProjectClosed = "closed"
)

// Milestone kinds.
const (
	MilestonePlain   = "milestone"
	MilestoneMidterm = "midterm"
	MilestoneClosing = "closing"
)

// Eligibility is who may apply, as data.
type Eligibility struct {
	Tiers            []string `json:"tiers"`
	Statuses         []string `json:"statuses"`
	PartyOrgRequired bool     `json:"party_org_required"`
	// CustodyRequired: an organization without legal personality (not
	// registered) must have its money in a hub's custody.
	CustodyRequired bool `json:"custody_required"`
	// MinGrade: a grade (评估等级, 1A–5A) at least this one, valid on the
	// application date (internal/evaluation's GradeOf).
	MinGrade        string `json:"min_grade,omitempty"`
	PairingRequired bool   `json:"pairing_required"`
	// MinAppraisalBand: the latest 评估评议 band at least this one (fail,
	// pass, good, excellent).
	MinAppraisalBand string `json:"min_appraisal_band,omitempty"`
}

// Criterion is one line of the scoring form.
type Criterion struct {
	Key    string `json:"key"`
	Name   string `json:"name"`
	Weight int    `json:"weight"`
	Max    int    `json:"max"`
}

// Bonus adds points to the score of an application whose organization
// meets a rule.
type Bonus struct {
	Rule   string  `json:"rule"`
	Points float64 `json:"points"`
}

// CallInput is a call as written.
type CallInput struct {
	Title       string      `json:"title"`
	Channel     string      `json:"channel"`
	UnitCode    string      `json:"unit_code"`
	BudgetFen   int64       `json:"budget_fen"`
	Fields      []string    `json:"fields"`
	NeedIDs     []int64     `json:"need_ids"`
	Eligibility Eligibility `json:"eligibility"`
	OpensOn     string      `json:"opens_on"`
	ClosesOn    string      `json:"closes_on"`
	ReviewOn    string      `json:"review_on"`
	AwardOn     string      `json:"award_on"`
	Criteria    []Criterion `json:"criteria"`
	Bonus       []Bonus     `json:"bonus"`
	TieBreaks   []string    `json:"tie_breaks"`
}

// Call is a call for projects.
type Call struct {
	ID int64 `json:"id"`
	CallInput
	UnitName   string    `json:"unit_name,omitempty"`
	State      string    `json:"state"` // upcoming | open | closed
	AwardedFen int64     `json:"awarded_fen"`
	CreatedBy  int64     `json:"created_by"`
	CreatedAt  time.Time `json:"created_at"`
	UpdatedAt  time.Time `json:"updated_at"`
}

// BudgetLine is one line of an application's or project's budget.
type BudgetLine struct {
	Item      string `json:"item"`
	AmountFen int64  `json:"amount_fen"`
}

// ApplicationInput is an application as written.
type ApplicationInput struct {
	OrgID         int64        `json:"org_id"`
	Title         string       `json:"title"`
	Need          string       `json:"need"`
	TargetGroups  string       `json:"target_groups"`
	Beneficiaries int          `json:"beneficiaries"`
	Activities    string       `json:"activities"`
	Partners      string       `json:"partners"`
	PairingOrgID  int64        `json:"pairing_org_id"`
	RequestFen    int64        `json:"request_fen"`
	Budget        []BudgetLine `json:"budget"`
}

// Application is an organization's application to a call.
type Application struct {
	ID     int64 `json:"id"`
	CallID int64 `json:"call_id"`
	ApplicationInput
	OrgName       string     `json:"org_name"`
	CommunityCode string     `json:"community_code"`
	Status        string     `json:"status"`
	Reasons       []string   `json:"reasons"`
	SubmittedAt   *time.Time `json:"submitted_at,omitempty"`
	CreatedBy     int64      `json:"created_by"`
	CreatedAt     time.Time  `json:"created_at"`
	UpdatedAt     time.Time  `json:"updated_at"`
	ProjectID     int64      `json:"project_id,omitempty"`
}

// Ranked is one line of a call's ranking.
type Ranked struct {
	ApplicationID int64   `json:"application_id"`
	OrgID         int64   `json:"org_id"`
	OrgName       string  `json:"org_name"`
	Title         string  `json:"title"`
	RequestFen    int64   `json:"request_fen"`
	Score         float64 `json:"score"`
	Bonus         float64 `json:"bonus"`
	Reviewers     int     `json:"reviewers"`
	Rank          int     `json:"rank"`
	ProjectID     int64   `json:"project_id,omitempty"`
	AwardFen      int64   `json:"award_fen,omitempty"`
}

// AwardInput is one award.
type AwardInput struct {
	ApplicationID int64  `json:"application_id"`
	AmountFen     int64  `json:"amount_fen"`
	Reason        string `json:"reason,omitempty"`
}

// Project is an award: the grant agreement and its delivery.
type Project struct {
	ID              int64         `json:"id"`
	CallID          int64         `json:"call_id"`
	CallTitle       string        `json:"call_title"`
	Channel         string        `json:"channel"`
	ApplicationID   int64         `json:"application_id"`
	OrgID           int64         `json:"org_id"`
	OrgName         string        `json:"org_name"`
	CommunityCode   string        `json:"community_code"`
	StreetCode      string        `json:"street_code"`
	DistrictCode    string        `json:"district_code"`
	Title           string        `json:"title"`
	AwardFen        int64         `json:"award_fen"`
	Score           float64       `json:"score"`
	Rank            int           `json:"rank"`
	DepartureReason string        `json:"departure_reason,omitempty"`
	AwardedOn       string        `json:"awarded_on"`
	Status          string        `json:"status"`
	ClosedOn        string        `json:"closed_on,omitempty"`
	PaidFen         int64         `json:"paid_fen"`
	SpentFen        int64         `json:"spent_fen"`
	Lines           []ProjectLine `json:"budget"`
	Tranches        []Tranche     `json:"tranches"`
	Milestones      []Milestone   `json:"milestones"`
	Brand           *Designation  `json:"brand,omitempty"`
}

// ProjectLine is a budget line with what was spent on it.
type ProjectLine struct {
	Item      string `json:"item"`
	AmountFen int64  `json:"amount_fen"`
	SpentFen  int64  `json:"spent_fen"`
}

// Tranche is one payment of an award.
type Tranche struct {
	ID        int64  `json:"id"`
	ProjectID int64  `json:"project_id"`
	AmountFen int64  `json:"amount_fen"`
	PaidOn    string `json:"paid_on"`
	PostingID int64  `json:"posting_id,omitempty"`
	HubID     int64  `json:"hub_org_id,omitempty"`
	Direct    bool   `json:"direct"`
}

// TrancheInput is a tranche as paid.
type TrancheInput struct {
	AmountFen int64  `json:"amount_fen"`
	PaidOn    string `json:"paid_on"`
}

// Milestone is a step of a project with its report and acceptance.
type Milestone struct {
	ID         int64  `json:"id"`
	ProjectID  int64  `json:"project_id"`
	Kind       string `json:"kind"`
	Title      string `json:"title"`
	DueOn      string `json:"due_on"`
	Report     string `json:"report,omitempty"`
	ReportedOn string `json:"reported_on,omitempty"`
	AcceptedOn string `json:"accepted_on,omitempty"`
	Overdue    bool   `json:"overdue"`
	// Activities linked to the report, and its attachments.
	Activities []LinkedActivity `json:"activities"`
	Files      []MilestoneFile  `json:"files"`
}

// LinkedActivity is an activity a milestone's report names.
type LinkedActivity struct {
	ID       int64  `json:"id"`
	Title    string `json:"title"`
	StartsOn string `json:"starts_on"`
}

// MilestoneFile is an attachment of a milestone's report.
type MilestoneFile struct {
	ID          int64  `json:"id"`
	Filename    string `json:"filename"`
	ContentType string `json:"content_type"`
	Size        int    `json:"size"`
	SHA256      string `json:"sha256"`
}

// MilestoneInput adds a milestone.
type MilestoneInput struct {
	Kind  string `json:"kind"`
	Title string `json:"title"`
	DueOn string `json:"due_on"`
}

// ReportInput is a milestone's report.
type ReportInput struct {
	Report     string `json:"report"`
	ReportedOn string `json:"reported_on"`
	// ActivityIDs link activities the organization recorded (internal/activity).
	ActivityIDs []int64 `json:"activity_ids"`
}

// DesignationInput is a brand designation as given.
type DesignationInput struct {
	Reason      string `json:"reason"`
	EffectiveOn string `json:"effective_on"`
}

// Designation is a dated brand designation of a project or an organization.
type Designation struct {
	ID           int64  `json:"id"`
	Kind         string `json:"kind"`
	ProjectID    int64  `json:"project_id,omitempty"`
	OrgID        int64  `json:"org_id"`
	Name         string `json:"name"`
	DistrictCode string `json:"district_code"`
	Reason       string `json:"reason"`
	EffectiveOn  string `json:"effective_on"`
}

// Need is a residents' need recorded in a community.
type Need struct {
	ID            int64  `json:"id"`
	CommunityCode string `json:"community_code"`
	Title         string `json:"title"`
	Field         string `json:"field"`
	Detail        string `json:"detail"`
	RecordedOn    string `json:"recorded_on"`
}

// Pairing is a 结对共建 between an organization and a registered social
// organization or social-work agency.
type Pairing struct {
	ID            int64  `json:"id"`
	OrgID         int64  `json:"org_id"`
	PartnerOrgID  int64  `json:"partner_org_id"`
	OrgName       string `json:"org_name,omitempty"`
	PartnerName   string `json:"partner_name,omitempty"`
	CommunityCode string `json:"community_code"`
	Purpose       string `json:"purpose"`
	StartedOn     string `json:"started_on"`
	EndedOn       string `json:"ended_on,omitempty"`
}
