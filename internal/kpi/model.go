// Package kpi holds the plan's targets as live indicators (C3, C21, C22):
// indicators as data, their evaluation at any division and date, the lists
// of records and units behind every number, the dashboards and their
// exports, and the rural pilot communities the plan asks districts to pick.
package kpi

import (
	"time"
)

// Levels an indicator is judged at, and the code length of each.
const (
	LevelProvince  = "province"
	LevelCity      = "city"
	LevelDistrict  = "district"
	LevelStreet    = "street"
	LevelCommunity = "community"
)

// Levels lists the levels an indicator may be judged at.
var Levels = []string{LevelCity, LevelDistrict, LevelStreet}

var levelLen = map[string]int{LevelProvince: 2, LevelCity: 4, LevelDistrict: 6, LevelStreet: 9, LevelCommunity: 12}

// Rule kinds.
const (
	// KindUnitShare is the share of units (e.g. streets) below a division
	// that have at least MinCount matching records.
	KindUnitShare = "unit_share"
	// KindCount is the number of matching records in each judged unit.
	KindCount = "count"
	// KindCountPerYear is the number of matching records in each judged
	// unit for each calendar year in Years.
	KindCountPerYear = "count_per_year"
	// KindRecordShare is the share of matching records that also match the
	// numerator filter (e.g. hubs with a social worker).
	KindRecordShare = "record_share"
)

// Kinds lists the rule kinds.
var Kinds = []string{KindUnitShare, KindCount, KindCountPerYear, KindRecordShare}

// Record sources.
const (
	SourceOrgs      = "orgs"      // community social organizations (registry)
	SourceHubs      = "hubs"      // hub organizations with their social workers
	SourceBases     = "bases"     // incubation bases
	SourcePilots    = "pilots"    // rural pilot communities
	SourcePoints    = "points"    // demonstration points (demonstration_points)
	SourceProjects  = "projects"  // projects (not yet recorded: no data)
	SourceTrainings = "trainings" // training sessions (internal/training)
	SourceDrills    = "drills"    // emergency drills in the 12 months up to the date (internal/readiness)
	SourceCoverage  = "coverage"  // active organizations by place, from the coverage rollup (internal/coverage)
	// SourceActivities are the activities held (not refused), placed in the
	// year they start (internal/activity).
	SourceActivities = "activities"
	SourceGrades     = "grades" // registered organizations with a valid grade (internal/evaluation)
	SourceParty      = "party"  // organizations with their party organization form and contacts (internal/evaluation)
	// SourceSurveys are residents' answers to recognition surveys in the 12
	// months up to the date (internal/civic), placed in their community.
	SourceSurveys = "survey_answers"
)

// Sources lists the record sources in display order.
var Sources = []string{SourceOrgs, SourceHubs, SourceBases, SourcePilots, SourcePoints, SourceProjects, SourceTrainings, SourceDrills, SourceCoverage,
	SourceActivities, SourceGrades, SourceParty, SourceSurveys}

// Filter selects matching records. Every field is optional; an empty filter
// matches every record of the source (for organizations: every active one).
type Filter struct {
	// Organizations and hubs. Status defaults to ["active"].
	Status        []string `json:"status,omitempty"`
	Tiers         []string `json:"tiers,omitempty"`
	Types         []string `json:"types,omitempty"` // any of
	PartyOrg      []string `json:"party_org,omitempty"`
	Hub           *bool    `json:"hub,omitempty"`
	Brand         *bool    `json:"brand,omitempty"`
	Demonstration *bool    `json:"demonstration,omitempty"`
	VolunteerMark *bool    `json:"volunteer_mark,omitempty"`
	// Rural keeps records in villages (community codes …200–…399), or, if
	// false, in urban communities.
	Rural *bool `json:"rural,omitempty"`
	// TargetGroups (coverage): organizations serving any of these groups.
	TargetGroups []string `json:"target_groups,omitempty"`
	// Hubs: at least this many social workers on the date.
	MinWorkers int `json:"min_workers,omitempty"`
	// QualifiedWorkers counts only workers holding the qualification.
	QualifiedWorkers bool `json:"qualified_workers,omitempty"`
	// TrainedPersonnel keeps organizations with (true) or without (false) a
	// key person (骨干人才) who attended a training in the 12 months up to
	// the date.
	TrainedPersonnel *bool `json:"trained_personnel,omitempty"`
	// Bases: host types.
	HostTypes []string `json:"host_types,omitempty"`
	// Bases: levels (district, street, community).
	BaseLevels []string `json:"base_levels,omitempty"`
	// Demonstration points: kinds (point, provincial_pilot).
	PointKind []string `json:"point_kind,omitempty"`
	// Pilots: kinds.
	PilotKind []string `json:"pilot_kind,omitempty"`
	// Trainings: the topics and forms that count (any of; none: every session).
	TrainingTopics []string `json:"training_topics,omitempty"`
	TrainingForms  []string `json:"training_forms,omitempty"`
	// Activities: the campaign themes, kinds and service fields that count
	// (any of each; none: every activity).
	ActivityThemes []string `json:"activity_themes,omitempty"`
	ActivityKinds  []string `json:"activity_kinds,omitempty"`
	ActivityFields []string `json:"activity_fields,omitempty"`
	// Party (organizations): with a party organization or an instructor
	// on the date (true), or without (false).
	PartyCovered *bool `json:"party_covered,omitempty"`
	// Party: contacted by the community party organization in this many
	// days up to the date (92: the last quarter).
	ContactedDays int `json:"contacted_days,omitempty"`
	// Survey answers: the readings an answer shows, all of (aware: knows an
	// organization; took_part: in the last year; satisfied: 4 or 5 of 5).
	SurveyReadings []string `json:"survey_readings,omitempty"`
}

// Rule says what is counted.
type Rule struct {
	Kind   string `json:"kind"`
	Source string `json:"source"`
	Filter Filter `json:"filter"`
	// NumeratorFilter narrows the records of a record_share rule.
	NumeratorFilter *Filter `json:"numerator_filter,omitempty"`
	// UnitLevel is the level of the units a unit_share rule counts.
	UnitLevel string `json:"unit_level,omitempty"`
	// MinCount is how many matching records a unit needs (unit_share).
	MinCount int `json:"min_count,omitempty"`
	// Years are the calendar years of a count_per_year rule.
	Years []int `json:"years,omitempty"`
	// YearField is the record date that places it in a year.
	YearField string `json:"year_field,omitempty"`
	// Units, if set, are the only divisions where the indicator is judged
	// (e.g. the five districts asked to pick rural pilots).
	Units []string `json:"units,omitempty"`
}

// Indicator is one target, as data.
type Indicator struct {
	ID        int64     `json:"id"`
	Key       string    `json:"key"`
	NameZH    string    `json:"name_zh"`
	NameEN    string    `json:"name_en"`
	Level     string    `json:"level"`
	ScopeCode string    `json:"scope_code"`
	Rule      Rule      `json:"rule"`
	Target    float64   `json:"target"`
	StartOn   string    `json:"start_on"`
	Deadline  string    `json:"deadline"`
	Clause    string    `json:"clause"`
	Builtin   bool      `json:"builtin"`
	Active    bool      `json:"active"`
	Position  int       `json:"position"`
	CreatedBy int64     `json:"created_by,omitempty"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
	Version   int       `json:"version"`
}

// Name is the indicator's name in a language.
func (ind *Indicator) Name(lang string) string {
	if lang == "en" && ind.NameEN != "" {
		return ind.NameEN
	}
	return ind.NameZH
}

// IsShare reports the rules whose value is a fraction.
func (ind *Indicator) IsShare() bool {
	return ind.Rule.Kind == KindUnitShare || ind.Rule.Kind == KindRecordShare
}

// Input is what a form or an API call sets on an indicator.
type Input struct {
	Key       string  `json:"key"`
	NameZH    string  `json:"name_zh"`
	NameEN    string  `json:"name_en"`
	Level     string  `json:"level"`
	ScopeCode string  `json:"scope_code"`
	Rule      Rule    `json:"rule"`
	Target    float64 `json:"target"`
	StartOn   string  `json:"start_on"`
	Deadline  string  `json:"deadline"`
	Clause    string  `json:"clause"`
	Active    *bool   `json:"active,omitempty"`
	Position  int     `json:"position"`
	Version   int     `json:"version,omitempty"`
}

// InputOf returns the editable fields of an indicator.
func InputOf(ind *Indicator) Input {
	active := ind.Active
	return Input{Key: ind.Key, NameZH: ind.NameZH, NameEN: ind.NameEN, Level: ind.Level, ScopeCode: ind.ScopeCode,
		Rule: ind.Rule, Target: ind.Target, StartOn: ind.StartOn, Deadline: ind.Deadline, Clause: ind.Clause,
		Active: &active, Position: ind.Position}
}

// States of an indicator at a unit and date.
const (
	StateMet           = "met"            // the target is reached
	StateOnTrack       = "on_track"       // not yet, but at or above the expected progress
	StateBehind        = "behind"         // below the expected progress, or past the deadline
	StateNoData        = "no_data"        // the records it counts are not kept yet
	StateNotApplicable = "not_applicable" // nothing to judge here (no hubs, not one of the units)
	StateNotJudged     = "not_judged"     // below the level it is judged at: the value only
)

// Child is one unit one level down, in an evaluation.
type Child struct {
	Unit        string   `json:"unit"`
	Name        string   `json:"name"`
	Value       *float64 `json:"value"`
	Met         *bool    `json:"met"`
	Status      string   `json:"status"`
	Numerator   *int     `json:"numerator,omitempty"`
	Denominator *int     `json:"denominator,omitempty"`
	UnitsMet    *int     `json:"units_met,omitempty"`
	UnitsTotal  *int     `json:"units_total,omitempty"`
	Shortfall   *float64 `json:"shortfall,omitempty"`
}

// Period is one calendar year of a count_per_year indicator.
type Period struct {
	Year  int  `json:"year"`
	Value int  `json:"value"`
	Met   bool `json:"met"`
	Ended bool `json:"ended"`
}

// Result is an indicator evaluated at a unit on a date.
type Result struct {
	Key         string   `json:"key"`
	Name        string   `json:"name"`
	NameEN      string   `json:"name_en"`
	Kind        string   `json:"kind"`
	Source      string   `json:"source"`
	Level       string   `json:"level"`
	Unit        string   `json:"unit"`
	UnitName    string   `json:"unit_name"`
	AsOf        string   `json:"as_of"`
	Status      string   `json:"status"`
	Value       *float64 `json:"value"`
	Target      float64  `json:"target"`
	Met         *bool    `json:"met"`
	Numerator   *int     `json:"numerator"`
	Denominator *int     `json:"denominator"`
	Deadline    string   `json:"deadline"`
	Clause      string   `json:"clause"`
	// KnownOn, when set, is the day whose entries the answer reads.
	KnownOn string `json:"known_on,omitempty"`
	// LateEntries is how many of the records behind the number were
	// counted by a fact entered late (补录).
	LateEntries int `json:"late_entries"`
	// UnitsMet of UnitsTotal judged units below this one meet the target;
	// Behind lists those that do not. Met is true only when every one does.
	UnitsMet   *int      `json:"units_met,omitempty"`
	UnitsTotal *int      `json:"units_total,omitempty"`
	Behind     []UnitRef `json:"behind"`
	// Correction: the value at the deadline changed after the deadline
	// passed, through late entries.
	Correction *Correction `json:"corrected,omitempty"`
	// Shortfall is how far from the target: records missing (counts), or
	// units or records to add (shares).
	Shortfall *float64 `json:"shortfall,omitempty"`
	// Expected is the value expected by the as-of date on a straight line
	// from the start to the deadline.
	Expected *float64 `json:"expected,omitempty"`
	Period   *int     `json:"period,omitempty"`
	Periods  []Period `json:"periods,omitempty"`
	Children []Child  `json:"children"`
}

// UnitRef names a unit.
type UnitRef struct {
	Unit string `json:"unit"`
	Name string `json:"name"`
}

// Correction is a value at an indicator's deadline that changed after the
// deadline passed: what linli answered for the deadline on the deadline,
// what it answers for it now, and the month of the latest entry that did it.
type Correction struct {
	Deadline string   `json:"deadline"`
	Was      *float64 `json:"was"`
	Now      *float64 `json:"now"`
	Month    string   `json:"month"` // YYYY-MM
}

// Record is one record behind a number.
type Record struct {
	Kind          string `json:"kind"` // org | base | pilot
	ID            int64  `json:"id"`
	Name          string `json:"name"`
	Code          string `json:"code"` // the division it sits in
	DistrictCode  string `json:"district_code"`
	StreetCode    string `json:"street_code"`
	Year          string `json:"year,omitempty"`
	Late          bool   `json:"late"` // counted by a fact entered late (补录)
	Numerator     *bool  `json:"numerator,omitempty"`
	Link          string `json:"link,omitempty"`
	DivisionLabel string `json:"division,omitempty"`
}

// UnitRow is one unit behind a number: a street with or without a hub, a
// district short of brand organizations and by how many.
type UnitRow struct {
	Unit      string   `json:"unit"`
	Name      string   `json:"name"`
	Value     float64  `json:"value"`
	Count     int      `json:"count"`
	Target    float64  `json:"target"`
	Met       bool     `json:"met"`
	Shortfall float64  `json:"shortfall"`
	Periods   []Period `json:"periods,omitempty"`
}

// Pilot is a community designated as a pilot.
type Pilot struct {
	ID            int64     `json:"id"`
	CommunityCode string    `json:"community_code"`
	CommunityName string    `json:"community_name"`
	StreetCode    string    `json:"street_code"`
	DistrictCode  string    `json:"district_code"`
	Kind          string    `json:"kind"`
	DesignatedOn  string    `json:"designated_on"`
	RevokedOn     string    `json:"revoked_on,omitempty"`
	Note          string    `json:"note"`
	RevokeReason  string    `json:"revoke_reason,omitempty"`
	LateReason    string    `json:"late_reason,omitempty"` // a late entry's reason (补录)
	DesignatedBy  int64     `json:"designated_by,omitempty"`
	CreatedAt     time.Time `json:"created_at"`
}

// PilotInput designates a pilot.
type PilotInput struct {
	CommunityCode string `json:"community_code"`
	Kind          string `json:"kind"`
	DesignatedOn  string `json:"designated_on"`
	Note          string `json:"note"`
	// LateReason is required when designated_on is over 30 days past.
	LateReason string `json:"late_reason,omitempty"`
}

// Phase is one of the plan's three phases (C21).
type Phase struct {
	Key   string `json:"key"`
	From  string `json:"from"`
	To    string `json:"to"`
	Month int    `json:"months"`
}

// Phases are the plan's phases.
var Phases = []Phase{
	{"cultivation", "2021-09-01", "2021-12-31", 4},
	{"capacity", "2022-01-01", "2022-12-31", 12},
	{"demonstration", "2023-01-01", "2023-12-31", 12},
}
