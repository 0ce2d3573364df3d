// Package evaluation is how organizations are judged (C17, C18's 评估评议,
// C20): grades from the social-organization grade evaluation (等级评估,
// 1A–5A) for registered organizations; party building (the party
// organization form of each organization with its history, and the contact
// log between the community party organization and its organizations);
// the yearly appraisal by the 两委 and the residents (评估评议); and the
// evaluation system (评价体系): versioned indicator trees built by a
// district, rounds over a set of organizations with assigned scorers,
// leaves filled automatically from linli's records (evidence providers,
// registered by name) or scored by hand, results ranked and published.
package evaluation

import (
	"strconv"
	"time"
)

// Grades, lowest first.
var Grades = []string{"1A", "2A", "3A", "4A", "5A"}

// GradeInput is a grade as awarded.
type GradeInput struct {
	Grade      string `json:"grade"`
	AwardedOn  string `json:"awarded_on"`
	ValidUntil string `json:"valid_until"`
	Evaluator  string `json:"evaluator"`
	LateReason string `json:"late_reason,omitempty"`
}

// Grade is a grade awarded to an organization.
type Grade struct {
	ID    int64 `json:"id"`
	OrgID int64 `json:"org_id"`
	GradeInput
	OrgName   string    `json:"org_name,omitempty"`
	Valid     bool      `json:"valid"` // counts today
	CreatedAt time.Time `json:"created_at"`
}

// Party organization forms (党组织形式).
const (
	FormIndependent = "independent" // 独立党组织
	FormJoint       = "joint"       // 联合党组织
	FormInstructor  = "instructor"  // 党建指导员
	FormNone        = "none"
)

// Forms lists the forms.
var Forms = []string{FormIndependent, FormJoint, FormInstructor, FormNone}

// FormInput records an organization's form from a date.
type FormInput struct {
	OrgID       int64  `json:"org_id"`
	Form        string `json:"form"`
	LinkName    string `json:"link_name"` // the party organization or instructor
	EffectiveOn string `json:"effective_on"`
	LateReason  string `json:"late_reason,omitempty"`
}

// FormEvent is one dated form of an organization.
type FormEvent struct {
	Form        string `json:"form"`
	LinkName    string `json:"link_name"`
	EffectiveOn string `json:"effective_on"`
	// Source: "form" (recorded here) or "registry" (a change of the
	// registry's party organization field).
	Source string `json:"source"`
}

// Contact kinds.
var ContactKinds = []string{"visit", "meeting", "joint_activity", "study", "other"}

// ContactInput is a contact as recorded.
type ContactInput struct {
	OrgID int64  `json:"org_id"`
	On    string `json:"on"`
	Kind  string `json:"kind"`
	Topic string `json:"topic"`
}

// Contact is a recorded contact.
type Contact struct {
	ID int64 `json:"id"`
	ContactInput
	OrgName   string    `json:"org_name"`
	Community string    `json:"community_code"`
	CreatedAt time.Time `json:"created_at"`
}

// Coverage is party building at one unit on a date.
type Coverage struct {
	Code      string  `json:"code"`
	Name      string  `json:"name"`
	Active    int     `json:"active"`
	Covered   int     `json:"covered"`   // a party organization or instructor
	Contacted int     `json:"contacted"` // contacted in the quarter up to the date
	Share     float64 `json:"share"`
	Contact   float64 `json:"contacted_share"`
}

// AppraisalItems are the 两委 members' form: each item scored 0..max, 100 in all.
var AppraisalItems = []Item{{"service", 30}, {"participation", 20}, {"conduct", 25}, {"cooperation", 25}}

// Item is one line of the appraisal form.
type Item struct {
	Key string `json:"key"`
	Max int    `json:"max"`
}

// Bands of an appraisal, lowest first.
var Bands = []string{"fail", "pass", "good", "excellent"}

// MemberForm is one 两委 member's form.
type MemberForm struct {
	Member string         `json:"member"`
	Scores map[string]int `json:"scores"`
}

// AppraisalInput is a year's appraisal of an organization.
type AppraisalInput struct {
	OrgID       int64        `json:"org_id"`
	Year        int          `json:"year"`
	AppraisedOn string       `json:"appraised_on"`
	Forms       []MemberForm `json:"forms"`
	// Residents' paper ballots, as counts.
	Satisfied    int `json:"satisfied"`
	Basically    int `json:"basically"`
	Dissatisfied int `json:"dissatisfied"`
}

// Appraisal is a stored appraisal with its result.
type Appraisal struct {
	ID int64 `json:"id"`
	AppraisalInput
	OrgName        string    `json:"org_name"`
	CommitteeScore float64   `json:"committee_score"`
	ResidentScore  *float64  `json:"resident_score,omitempty"`
	Score          float64   `json:"score"`
	Band           string    `json:"band"`
	CreatedAt      time.Time `json:"created_at"`
}

// Node is a node of an indicator tree: a group with children, or a leaf
// with a scale (0..max), a scoring guide and, optionally, the evidence
// read automatically (full: the evidence value worth the full score).
type Node struct {
	Key      string  `json:"key"`
	Name     string  `json:"name"`
	Weight   float64 `json:"weight"`
	Children []Node  `json:"children,omitempty"`
	Max      float64 `json:"max,omitempty"`
	Guide    string  `json:"guide,omitempty"`
	Evidence string  `json:"evidence,omitempty"`
	Full     float64 `json:"full,omitempty"`
}

// TreeInput is a tree as built (a new tree, or a change to one: a new
// version when the current one is frozen).
type TreeInput struct {
	UnitCode string `json:"unit_code"`
	Name     string `json:"name"`
	Nodes    []Node `json:"nodes"`
	// BasedOn: the tree this one changes (its name and unit are kept).
	BasedOn int64 `json:"based_on,omitempty"`
}

// Tree is a version of an indicator tree.
type Tree struct {
	ID        int64     `json:"id"`
	UnitCode  string    `json:"unit_code"`
	Name      string    `json:"name"`
	Version   int       `json:"version"`
	Nodes     []Node    `json:"nodes"`
	Frozen    bool      `json:"frozen"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
}

// ScorerInput assigns a scorer to a round.
type ScorerInput struct {
	UserID int64 `json:"user_id"`
}

// RoundInput opens a round.
type RoundInput struct {
	TreeID   int64   `json:"tree_id"`
	Name     string  `json:"name"`
	Year     int     `json:"year"`
	OrgIDs   []int64 `json:"org_ids"`
	Scorers  []int64 `json:"scorers"`
	UnitCode string  `json:"unit_code,omitempty"` // the tree's unit by default
}

// Round is an evaluation round.
type Round struct {
	ID          int64     `json:"id"`
	TreeID      int64     `json:"tree_id"`
	UnitCode    string    `json:"unit_code"`
	Name        string    `json:"name"`
	Year        int       `json:"year"`
	OrgIDs      []int64   `json:"org_ids"`
	Scorers     []int64   `json:"scorers"`
	PublishedOn string    `json:"published_on,omitempty"`
	CreatedAt   time.Time `json:"created_at"`
}

// ScoreInput is one scorer's scores of one organization's manual leaves
// (or, with "publish", the round's publication).
type ScoreInput struct {
	OrgID  int64              `json:"org_id"`
	Scores map[string]float64 `json:"scores"`
}

// Result is an organization's result in a round.
type Result struct {
	Rank     int                `json:"rank,omitempty"`
	OrgID    int64              `json:"org_id"`
	OrgName  string             `json:"org_name"`
	Score    float64            `json:"score"`
	Leaves   map[string]float64 `json:"leaves"` // leaf key → score on its scale (mean of scorers)
	Complete bool               `json:"complete"`
}

// SharePct is the covered share in percent, for a page.
func (c Coverage) SharePct() string { return strconv.FormatFloat(c.Share*100, 'f', 1, 64) + "%" }

// ContactPct is the contacted share in percent, for a page.
func (c Coverage) ContactPct() string { return strconv.FormatFloat(c.Contact*100, 'f', 1, 64) + "%" }
