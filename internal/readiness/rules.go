// Package readiness is professional capacity for emergencies and liaison
// (C10): each community's emergency contact list by hazard kind, kept
// current; drills; coverage by street (communities with a current list and
// a drill in the last 12 months); and the community social-work posts that
// liaise with the community's organizations, with their contact log.
package readiness

import (
	"strings"
	"time"

	"linli/internal/effective"
	"linli/internal/geo"
	"linli/internal/platform/auth"
	"linli/internal/platform/clock"
	"linli/internal/platform/errs"
)

// Hazards are the kinds of emergency a list covers (自然灾害, 事故灾难,
// 公共卫生, 社会安全).
var Hazards = []string{"natural", "accident", "public_health", "social_security"}

// ContactKinds are the liaison log's kinds (走访, 电话, 会议).
var ContactKinds = []string{"visit", "call", "meeting"}

// yearBefore is the day a year before a day: a contact checked before it is
// stale, a drill held before it is not recent.
func yearBefore(day string) string {
	t, err := time.Parse("2006-01-02", day)
	if err != nil {
		return day
	}
	return t.AddDate(-1, 0, 0).Format("2006-01-02")
}

// Stale reports whether a contact checked on a day is older than a year.
func Stale(checkedOn, today string) bool { return checkedOn < yearBefore(today) }

// CurrentList reports whether a community's contacts (the latest check per
// hazard) cover every hazard kind within the last year.
func CurrentList(latest map[string]string, today string) bool {
	for _, h := range Hazards {
		d, ok := latest[h]
		if !ok || Stale(d, today) {
			return false
		}
	}
	return true
}

// RecentDrill reports whether a drill on a day lies in the 12 months up to today.
func RecentDrill(heldOn, today string) bool {
	return heldOn != "" && heldOn >= yearBefore(today) && heldOn <= today
}

// keeper: the officers, from the community committee up, keep the lists,
// drills and posts (the page shows them the forms).
func keeper(u *auth.User) bool { return u.IsOfficer() }

// canKeep: a keeper, for a community of their subtree.
func canKeep(u *auth.User, community string) bool { return u.OfficerIn(community) }

// readsReadiness: readiness is the divisions' business: neither an
// organization's leader nor a hub's staff reads it.
func readsReadiness(u *auth.User) bool { return u != nil && !u.ActsForOrg() }

// ContactInput is an emergency contact.
type ContactInput struct {
	CommunityCode string `json:"community_code"`
	Hazard        string `json:"hazard"`
	Name          string `json:"name"`
	OrgID         int64  `json:"org_id,omitempty"`
	Phone         string `json:"phone"`
	Duty          string `json:"duty"`
	CheckedOn     string `json:"checked_on"`
}

func planContact(u *auth.User, in *ContactInput, now time.Time, exists bool) error {
	in.Name, in.Duty, in.Phone = strings.TrimSpace(in.Name), strings.TrimSpace(in.Duty), strings.TrimSpace(in.Phone)
	if in.CheckedOn == "" {
		in.CheckedOn = clock.Day(now)
	}
	f := errs.Fields{}
	checkCommunity(u, in.CommunityCode, exists, f)
	f.OneOf("hazard", in.Hazard, Hazards, "err.choose_one")
	f.Length("name", in.Name, 2, 100)
	f.Length("duty", in.Duty, 0, 100)
	if n := len(in.Phone); n < 3 || n > 20 {
		f.Add("phone", "readiness.err.phone")
	}
	checkDate(in.CheckedOn, "checked_on", clock.Day(now), f)
	return f.Err()
}

// DrillInput is a drill.
type DrillInput struct {
	CommunityCode string  `json:"community_code"`
	Scenario      string  `json:"scenario"`
	HeldOn        string  `json:"held_on"`
	OrgIDs        []int64 `json:"org_ids"`
	Participants  int     `json:"participants"`
	Findings      string  `json:"findings"`
}

func planDrill(u *auth.User, in *DrillInput, now time.Time, exists bool) error {
	in.Scenario, in.Findings = strings.TrimSpace(in.Scenario), strings.TrimSpace(in.Findings)
	f := errs.Fields{}
	checkCommunity(u, in.CommunityCode, exists, f)
	f.Length("scenario", in.Scenario, 2, 200)
	checkDate(in.HeldOn, "held_on", clock.Day(now), f)
	if in.Participants < 1 || in.Participants > 100000 {
		f.Add("participants", "readiness.err.range", 1, 100000)
	}
	f.Length("findings", in.Findings, 0, 2000)
	return f.Err()
}

// LiaisonInput is a liaison post.
type LiaisonInput struct {
	CommunityCode string  `json:"community_code"`
	Holder        string  `json:"holder"`
	Since         string  `json:"since"`
	OrgIDs        []int64 `json:"org_ids"`
}

func planLiaison(u *auth.User, in *LiaisonInput, now time.Time, exists bool) error {
	in.Holder = strings.TrimSpace(in.Holder)
	f := errs.Fields{}
	checkCommunity(u, in.CommunityCode, exists, f)
	f.Length("holder", in.Holder, 2, 50)
	checkDate(in.Since, "since", clock.Day(now), f)
	return f.Err()
}

// ContactLogInput is one entry of a liaison's log.
type ContactLogInput struct {
	OnDate  string `json:"on_date"`
	Kind    string `json:"kind"`
	Summary string `json:"summary"`
}

func planLog(in *ContactLogInput, since string, now time.Time) error {
	in.Summary = strings.TrimSpace(in.Summary)
	f := errs.Fields{}
	checkDate(in.OnDate, "on_date", clock.Day(now), f)
	if in.OnDate != "" && in.OnDate < since {
		f.Add("on_date", "readiness.err.before_since")
	}
	f.OneOf("kind", in.Kind, ContactKinds, "err.choose_one")
	f.Length("summary", in.Summary, 2, 1000)
	return f.Err()
}

// checkCommunity is the unit rule (geo.Unit) for the community a record
// is kept for: a division, a community, of the keeper's subtree.
func checkCommunity(u *auth.User, code string, exists bool, f errs.Fields) {
	geo.Unit(f, "community_code", exists, geo.LevelOf(code) == geo.Community, canKeep(u, code), "err.community_code")
}

func checkDate(s, field, today string, f errs.Fields) {
	effective.Day(f, field, s, today, "readiness.err.date", "readiness.err.future")
}
