package activity

import (
	"testing"
	"time"

	"linli/internal/platform/auth"
	"linli/internal/platform/errs"
	"linli/internal/registry"
)

// Who may record, see, decide and set rules, as the pure decisions say.
func TestWhoMay(t *testing.T) {
	host := OrgRef{ID: 7, CommunityCode: "440106001001", DistrictCode: "440106", Tier: registry.TierCommunity}
	u := func(role, scope string, org int64) *auth.User {
		return &auth.User{ID: 1, Role: role, ScopeCode: scope, OrgID: org}
	}
	for _, c := range []struct {
		u      *auth.User
		serves bool
		want   bool
	}{
		{u(auth.OrgLeader, "440106001001", 7), false, true},
		{u(auth.OrgLeader, "440106001001", 8), false, false},
		{u(auth.HubStaff, "440106001", 3), true, true},
		{u(auth.HubStaff, "440106001", 3), false, false},
		{u(auth.CommunityCommittee, "440106001001", 0), false, true},
		{u(auth.CommunityCommittee, "440106001002", 0), false, false},
		{u(auth.StreetOfficer, "440106001", 0), false, true},
		{u(auth.StreetOfficer, "440106002", 0), false, false},
		{u(auth.DistrictOfficer, "440106", 0), false, true},
		{u(auth.CityAdmin, "4401", 0), false, true},
		{u(auth.Auditor, "4401", 0), false, false},
	} {
		if got := canRecord(c.u, host, c.serves); got != c.want {
			t.Errorf("%s at %s (serves %v) records: %v, want %v", c.u.Role, c.u.ScopeCode, c.serves, got, c.want)
		}
	}
	r := &Report{AckLevel: LevelStreet, StreetCode: "440106001", CommunityCode: "440106001001"}
	if !canDecide(u(auth.StreetOfficer, "440106001", 0), r) || canDecide(u(auth.DistrictOfficer, "440106", 0), r) ||
		canDecide(u(auth.CommunityCommittee, "440106001001", 0), r) {
		t.Error("a street-level report is decided by its street alone")
	}
	r.AckLevel = LevelCommunity
	if !canDecide(u(auth.CommunityCommittee, "440106001001", 0), r) || canDecide(u(auth.StreetOfficer, "440106001", 0), r) {
		t.Error("a community-level report is decided by its community committee alone")
	}
	if !canEditRule(u(auth.StreetOfficer, "440106001", 0), "440106001") || canEditRule(u(auth.StreetOfficer, "440106001", 0), "440106") ||
		!canEditRule(u(auth.DistrictOfficer, "440106", 0), "440106001") || canEditRule(u(auth.CommunityCommittee, "440106001001", 0), "440106001001") {
		t.Error("rule editing")
	}
	if p, masked := maskPhone(u(auth.StreetOfficer, "440106001", 0), "13912345678"); p != "139****5678" || !masked {
		t.Errorf("masked %q", p)
	}
}

// The major-activity rule: any one threshold makes an activity major.
func TestJudgeMajor(t *testing.T) {
	host := &OrgRef{ID: 1, CommunityCode: "440106001001", DistrictCode: "440106", Tier: registry.TierStreet, Status: registry.StatusActive}
	base := Input{OrgIDs: []int64{1}, Title: "活动", Theme: "culture", Kind: "service", StartsAt: "2023-05-10T09:00:00+08:00",
		EndsAt: "2023-05-10T11:00:00+08:00", CommunityCode: "440106001001", Participants: 20}
	rule := Rule{Kinds: []string{"festival"}, MinParticipants: 50, OutsideHome: true, Minors: true, DaysAhead: 3, CommunityAckTier: true}
	for _, c := range []struct {
		name  string
		edit  func(*Input)
		major bool
	}{
		{"a small service", func(*Input) {}, false},
		{"a small festival", func(in *Input) { in.Kind = "festival" }, false},
		{"a 50-person festival", func(in *Input) { in.Kind, in.Participants = "festival", 50 }, true},
		{"outside the home community", func(in *Input) { in.CommunityCode = "440106001002" }, true},
		{"with minors", func(in *Input) { in.Minors = true }, true},
		{"overnight (not a threshold here)", func(in *Input) { in.Overnight = true }, false},
	} {
		in := base
		c.edit(&in)
		a, err := planActivity(in, []*OrgRef{host}, true, rule)
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		if a.Major != c.major {
			t.Errorf("%s: major %v", c.name, a.Major)
		}
		if a.Major && (a.ReportDueOn != "2023-05-07" || a.AckLevel != LevelStreet) {
			t.Errorf("%s: due %s, level %s", c.name, a.ReportDueOn, a.AckLevel)
		}
	}
	// an activity starting at 01:00 China time belongs to that China day
	in := base
	in.StartsAt, in.EndsAt = "2023-05-09T17:30:00Z", "2023-05-09T19:00:00Z"
	a, _ := planActivity(in, []*OrgRef{host}, true, rule)
	if a.StartsOn != "2023-05-10" {
		t.Errorf("starts on %s", a.StartsOn)
	}
	// hours: inside the activity, 12 a day, not overlapping
	a.Status, a.DistrictCode = StatusRecorded, "440106"
	v := &Volunteer{Person: Person{ID: 1, DistrictCode: "440106"}}
	if _, err := planHours(a, v, HoursInput{VolunteerID: 1, Hours: 1.5}, 0, 0, false); err != nil {
		t.Errorf("1.5 h: %v", err)
	}
	for _, c := range []struct {
		hours      float64
		day        int
		overlap    bool
		field, key string
	}{
		{2, 0, false, "hours", "err.hours_outside"},
		{1, 11*60 + 30, false, "hours", "err.hours_day"},
		{1, 0, true, "volunteer_id", "err.hours_overlap"},
		{0, 0, false, "hours", "err.hours_invalid"},
	} {
		_, err := planHours(a, v, HoursInput{VolunteerID: 1, Hours: c.hours}, c.day, 0, c.overlap)
		e, ok := errs.As(err)
		if !ok || e.Fields[c.field].Key != c.key {
			t.Errorf("%v h (day %d, overlap %v): %v, want %s on %s", c.hours, c.day, c.overlap, err, c.key, c.field)
		}
	}
	_ = time.Now
}
