package activity

import (
	"math"
	"slices"
	"strings"
	"time"

	"linli/internal/platform/auth"
	"linli/internal/platform/clock"
	"linli/internal/platform/errs"
	"linli/internal/registry"
)

// This file holds every decision of the room: who may record, see, decide
// and edit; what makes an activity major; whether hours are believable. No
// context, no SQL, no I/O.

// MaxDayMinutes is the most a volunteer may serve in one day.
const MaxDayMinutes = 12 * 60

// recordsAny reports who records activities for some organization (the
// list page's "new activity" and import links, the new-activity page, the
// import): an organization's leader or a hub's staff with an organization,
// the community committee and the officers above it. canRecord adds the
// host.
func recordsAny(u *auth.User) bool {
	if u == nil || u.ReadOnly() {
		return false
	}
	switch u.Role {
	case auth.OrgLeader, auth.HubStaff:
		return u.OrgID != 0
	case auth.CommunityCommittee, auth.StreetOfficer, auth.DistrictOfficer, auth.CityAdmin:
		return u.ScopeCode != ""
	}
	return false
}

// canRecord reports who records an activity for its host organization: the
// organization's leader, the staff of a hub serving it, the community
// committee of its community, and the officers above it.
func canRecord(u *auth.User, host OrgRef, hubServes bool) bool {
	if !recordsAny(u) {
		return false
	}
	switch u.Role {
	case auth.OrgLeader:
		return u.OrgID == host.ID
	case auth.HubStaff:
		return hubServes
	}
	return u.InScope(host.CommunityCode)
}

// hidesHost reports, for a user who may not record for a host
// organization (canRecord false), whether the organization is hidden from
// them (not found) rather than refused (forbidden): it is not their own, or
// not served by their hub, or outside their scope.
func hidesHost(u *auth.User, host OrgRef, hubServes bool) bool {
	return u == nil || u.Role == auth.OrgLeader && u.OrgID != host.ID || u.Role == auth.HubStaff && !hubServes || !u.InScope(host.CommunityCode)
}

// canReport reports who submits a major activity's report, once: whoever
// may record for its host organization (canRecord). The activity page
// offers the report form exactly then (Service.mayReport); Submit refuses
// each part with its own error (recordable, not major, already reported).
func canReport(u *auth.User, a *Activity, host OrgRef, hubServes, reported bool) bool {
	return a.Major && !reported && canRecord(u, host, hubServes)
}

// hidesSignups reports who may not even learn that an activity's sign-up
// settings exist (not found): no user, a resident, a read-only account.
// Everyone else sets them when they may record for the host (canRecord).
func hidesSignups(u *auth.User) bool {
	return u == nil || u.ReadOnly() || u.Role == auth.Resident
}

// readsPlace reports whether the user reads place-wide views (a street's
// or district's rule, campaigns, associations): everyone but an
// organization's leader, who sees only their organization's records.
func readsPlace(u *auth.User) bool {
	return u != nil && !u.OwnOrgOnly()
}

// seesRule reports who reads the major-activity rule of a street or
// district: a place-wide reader on its branch of the tree.
func seesRule(u *auth.User, unit string) bool {
	return (len(unit) == 6 || len(unit) == 9) && readsPlace(u) && u.Overlaps(unit)
}

// seesAssociation reports who reads a street's association: a place-wide
// reader whose scope holds the street.
func seesAssociation(u *auth.User, street string) bool {
	return len(street) == 9 && readsPlace(u) && u.InScope(street)
}

// reportsOf is whose reports the user reads: hub staff their hub's (ok
// false: none, an account without an organization, or a leader).
func reportsOf(u *auth.User) (hub int64, ok bool) {
	if !readsPlace(u) || u.ScopeCode == "" {
		return 0, false
	}
	if u.Role == auth.HubStaff {
		return u.OrgID, u.OrgID != 0
	}
	return 0, true
}

// addsBeneficiaries reports who registers beneficiaries somewhere (the
// beneficiaries page's form): anyone not read-only with a place, a leader
// only with an organization (whose district is theirs).
func addsBeneficiaries(u *auth.User) bool {
	if u == nil || u.ReadOnly() {
		return false
	}
	if u.OwnOrgOnly() {
		return u.OrgID != 0
	}
	return u.ScopeCode != ""
}

// canAddBeneficiary reports whether the user registers a beneficiary of a
// community (in district): a leader in their organization's district
// (leaderDistrict; "" when they have none), everyone else in their scope.
func canAddBeneficiary(u *auth.User, community, district, leaderDistrict string) bool {
	if !addsBeneficiaries(u) {
		return false
	}
	if u.OwnOrgOnly() {
		return leaderDistrict != "" && leaderDistrict == district
	}
	return u.InScope(community)
}

// canSee reports who sees an activity: the leader of one of its
// organizations, the staff of a hub serving one of them (served: the hub
// is one of them or serves one), and everyone else whose subtree holds its
// place.
func canSee(u *auth.User, a *Activity, served bool) bool {
	if u == nil {
		return false
	}
	switch u.Role {
	case auth.OrgLeader:
		return u.OrgID != 0 && slices.Contains(a.OrgIDs, u.OrgID)
	case auth.HubStaff:
		return u.OrgID != 0 && served && u.InScope(a.CommunityCode)
	}
	return u.InScope(a.CommunityCode)
}

// decidesAny reports whether canDecide can be true of any report for u:
// only a street's officer and a community committee decide.
func decidesAny(u *auth.User) bool {
	return u != nil && !u.ReadOnly() && (u.Role == auth.StreetOfficer || u.Role == auth.CommunityCommittee)
}

// canDecide reports whether the user is the level that acknowledges the
// report: the street's officer, or the community committee of the
// activity's community for community-tier organizations. Nobody else, not
// even the district: the seed gives the decision to the street.
func canDecide(u *auth.User, r *Report) bool {
	if !decidesAny(u) {
		return false
	}
	switch r.AckLevel {
	case LevelStreet:
		return u.Role == auth.StreetOfficer && u.ScopeCode == r.StreetCode
	case LevelCommunity:
		return u.Role == auth.CommunityCommittee && u.ScopeCode == r.CommunityCode
	}
	return false
}

// canEditRule reports who sets a street's or a district's rule: the
// street's officer for the street, district officers (and the city) for
// their district and its streets.
func canEditRule(u *auth.User, unit string) bool {
	if u == nil || u.ReadOnly() || !u.InScope(unit) {
		return false
	}
	switch u.Role {
	case auth.StreetOfficer:
		return len(unit) == 9
	case auth.DistrictOfficer, auth.CityAdmin:
		return len(unit) == 6 || len(unit) == 9
	}
	return false
}

// canManageVolunteers reports who records volunteers: everyone who may
// record activities, in their own place.
func canManageVolunteers(u *auth.User, community string, orgs []OrgRef) bool {
	if u == nil || u.ReadOnly() {
		return false
	}
	switch u.Role {
	case auth.OrgLeader:
		return slices.ContainsFunc(orgs, func(o OrgRef) bool { return o.ID == u.OrgID })
	case auth.HubStaff, auth.CommunityCommittee, auth.StreetOfficer, auth.DistrictOfficer, auth.CityAdmin:
		return u.InScope(community)
	}
	return false
}

// seesVolunteer reports who sees a volunteer: leaders of the volunteer's
// organizations, and those whose subtree holds the volunteer's community.
func seesVolunteer(u *auth.User, v *Volunteer) bool {
	if u == nil {
		return false
	}
	if u.Role == auth.OrgLeader {
		return u.OrgID != 0 && slices.Contains(v.OrgIDs, u.OrgID)
	}
	return u.InScope(v.CommunityCode)
}

// maskPhone hides a volunteer's phone from everyone but the leaders and
// staff who call them: 139****9000.
func maskPhone(u *auth.User, phone string) (string, bool) {
	if u != nil && (u.Role == auth.OrgLeader || u.Role == auth.HubStaff || u.Role == auth.CommunityCommittee) {
		return phone, false
	}
	r := []rune(phone)
	if len(r) < 7 {
		return strings.Repeat("*", len(r)), phone != ""
	}
	return string(r[:3]) + "****" + string(r[len(r)-4:]), true
}

// planActivity checks an input and builds the activity it records. orgs
// are the input's organizations in order (nil where one does not exist);
// rule is the major-activity rule in force for the place now.
func planActivity(in Input, orgs []*OrgRef, communityOK bool, rule Rule) (*Activity, error) {
	f := errs.Fields{}
	in.Title = strings.TrimSpace(in.Title)
	in.Address = strings.TrimSpace(in.Address)
	in.WriteUp = strings.TrimSpace(in.WriteUp)
	f.Length("title", in.Title, 1, 100)
	f.Length("address", in.Address, 0, 200)
	f.Length("write_up", in.WriteUp, 0, 4000)
	f.OneOf("theme", in.Theme, Themes, "err.activity_theme")
	f.OneOf("kind", in.Kind, Kinds, "err.activity_kind")
	for _, x := range in.Fields {
		f.OneOf("fields", x, ThemeFields[in.Theme], "err.activity_field")
	}
	if len(in.OrgIDs) == 0 || len(in.OrgIDs) > 20 {
		f.Add("org_ids", "err.activity_orgs")
	}
	var host *OrgRef
	for i, o := range orgs {
		if o == nil || o.Status != registry.StatusActive || slices.Index(in.OrgIDs, in.OrgIDs[i]) != i {
			f.Add("org_ids", "err.activity_orgs")
			continue
		}
		if i == 0 {
			host = o
		} else if host != nil && o.DistrictCode != host.DistrictCode {
			f.Add("org_ids", "err.activity_orgs")
		}
	}
	starts, err1 := time.Parse(time.RFC3339, in.StartsAt)
	ends, err2 := time.Parse(time.RFC3339, in.EndsAt)
	if err1 != nil {
		f.Add("starts_at", "err.activity_time")
	}
	if err2 != nil {
		f.Add("ends_at", "err.activity_time")
	}
	if err1 == nil && err2 == nil {
		if !ends.After(starts) {
			f.Add("ends_at", "err.activity_ends_before")
		} else if ends.Sub(starts) > 31*24*time.Hour {
			f.Add("ends_at", "err.activity_too_long")
		}
	}
	if len(in.CommunityCode) != 12 || !communityOK {
		f.Add("community_code", "err.activity_community")
	} else if host != nil && !strings.HasPrefix(in.CommunityCode, host.DistrictCode) {
		f.Add("community_code", "err.activity_community_district")
	}
	var groups int64
	for _, g := range in.TargetGroups {
		i := slices.Index(registry.TargetGroups, g)
		if i < 0 {
			f.Add("target_groups", "err.activity_group")
			continue
		}
		groups |= 1 << i
	}
	if in.Participants < 0 || in.Participants > 1_000_000 {
		f.Add("participants", "err.activity_count")
	}
	b := in.Beneficiaries
	if b.Total < 0 || b.Other < 0 || b.Total > 1_000_000 {
		f.Add("beneficiaries", "err.activity_count")
	}
	sum := b.Other
	for g, n := range b.ByGroup {
		if n < 0 {
			f.Add("beneficiaries", "err.activity_count")
		}
		f.OneOf("beneficiaries", g, in.TargetGroups, "err.beneficiaries_group")
		sum += n
	}
	if sum != b.Total {
		f.Add("beneficiaries", "err.beneficiaries_sum")
	}
	if err := f.Err(); err != nil {
		return nil, err
	}
	a := &Activity{OrgIDs: slices.Clone(in.OrgIDs), Title: in.Title, Theme: in.Theme, Kind: in.Kind,
		Fields: nonNil(in.Fields), StartsAt: starts.UTC().Truncate(time.Minute), EndsAt: ends.UTC().Truncate(time.Minute),
		StartsOn: clock.Day(starts), CommunityCode: in.CommunityCode,
		StreetCode: in.CommunityCode[:9], DistrictCode: in.CommunityCode[:6], Address: in.Address,
		TargetGroups: nonNil(in.TargetGroups), Participants: in.Participants, Beneficiaries: b,
		FundRaising: in.FundRaising, Minors: in.Minors, Overnight: in.Overnight, WriteUp: in.WriteUp,
		rule: rule, input: in}
	for _, o := range orgs {
		a.orgs = append(a.orgs, *o)
		a.OrgNames = append(a.OrgNames, o.Name)
	}
	judgeMajor(a, host)
	return a, nil
}

// judgeMajor decides, by the activity's own rule, whether it is major, who
// acknowledges its report and by when. A rule changed later does not
// reach an activity already entered: its rule is stored with it.
func judgeMajor(a *Activity, host *OrgRef) {
	r := a.rule
	a.Major = (slices.Contains(r.Kinds, a.Kind) && a.Participants >= r.MinParticipants) ||
		(r.OutsideHome && host != nil && a.CommunityCode != host.CommunityCode) ||
		(r.FundRaising && a.FundRaising) || (r.Minors && a.Minors) || (r.Overnight && a.Overnight)
	a.AckLevel, a.ReportDueOn = "", ""
	if !a.Major {
		return
	}
	a.AckLevel = LevelStreet
	if r.CommunityAckTier && host != nil && host.Tier == registry.TierCommunity {
		a.AckLevel = LevelCommunity
	}
	a.ReportDueOn = a.StartsAt.In(clock.China).AddDate(0, 0, -r.DaysAhead).Format(time.DateOnly)
}

// statusOf is an activity's status from its report: a major activity is
// held until its report is acknowledged, and blocked once refused.
func statusOf(major bool, report string) string {
	switch {
	case !major || report == ReportAcknowledged:
		return StatusRecorded
	case report == ReportRefused:
		return StatusRefused
	}
	return StatusAwaiting
}

// checkRule validates a rule a street or district sets.
func checkRule(r Rule) error {
	f := errs.Fields{}
	for _, k := range r.Kinds {
		f.OneOf("kinds", k, Kinds, "err.activity_kind")
	}
	if r.MinParticipants < 1 || r.MinParticipants > 1_000_000 {
		f.Add("min_participants", "err.activity_count")
	}
	if r.DaysAhead < 0 || r.DaysAhead > 90 {
		f.Add("days_ahead", "err.rule_days")
	}
	return f.Err()
}

// planHours checks one volunteer's hours at an activity. dayMinutes is what
// the volunteer already served that day elsewhere and here; overlap tells
// whether the volunteer served another activity at an overlapping time.
func planHours(a *Activity, v *Volunteer, in HoursInput, dayMinutes, ownMinutes int, overlap bool) (int, error) {
	f := errs.Fields{}
	if a.Status == StatusRefused {
		return 0, errs.E(errs.Conflict, "err.activity_refused")
	}
	if v == nil {
		f.Add("volunteer_id", "err.not_found")
		return 0, f.Err()
	}
	if v.DistrictCode != a.DistrictCode {
		f.Add("volunteer_id", "err.volunteer_district")
	}
	if math.IsNaN(in.Hours) || math.IsInf(in.Hours, 0) {
		f.Add("hours", "err.hours_invalid")
		return 0, f.Err()
	}
	minutes := int(math.Round(in.Hours * 60))
	reason := strings.TrimSpace(in.Reason)
	if a.HoursConfirmed {
		// a correction: any sign, a reason, and the total stays possible
		if reason == "" {
			f.Add("reason", "err.hours_reason")
		}
		if minutes == 0 || ownMinutes+minutes < 0 {
			f.Add("hours", "err.hours_invalid")
		}
	} else if minutes <= 0 {
		f.Add("hours", "err.hours_invalid")
	}
	if overlap {
		f.Add("volunteer_id", "err.hours_overlap")
	}
	if ownMinutes+minutes > int(a.EndsAt.Sub(a.StartsAt)/time.Minute) {
		f.Add("hours", "err.hours_outside")
	}
	if minutes > 0 && dayMinutes+minutes > MaxDayMinutes {
		f.Add("hours", "err.hours_day")
	}
	return minutes, f.Err()
}

// planPerson checks the fields a volunteer and a beneficiary share: a
// name, a phone (optional) and an existing community, whose district is
// theirs.
func planPerson(in PersonInput, communityOK bool, f errs.Fields) Person {
	in.Name, in.Phone = strings.TrimSpace(in.Name), strings.TrimSpace(in.Phone)
	f.Length("name", in.Name, 1, 50)
	if in.Phone != "" && (len(in.Phone) < 7 || len(in.Phone) > 20 || strings.Trim(in.Phone, "0123456789-+ ") != "") {
		f.Add("phone", "err.volunteer_phone")
	}
	p := Person{Name: in.Name, Phone: in.Phone, CommunityCode: in.CommunityCode}
	if len(in.CommunityCode) != 12 || !communityOK {
		f.Add("community_code", "err.activity_community")
	} else {
		p.DistrictCode = in.CommunityCode[:6]
	}
	return p
}

// maskFor masks the person's phone unless the user calls them (maskPhone).
func (p *Person) maskFor(u *auth.User) {
	p.Phone, p.PhoneMasked = maskPhone(u, p.Phone)
}

// planVolunteer checks a new volunteer.
func planVolunteer(in VolunteerInput, communityOK bool, orgs []*OrgRef) (*Volunteer, error) {
	f := errs.Fields{}
	p := planPerson(in.PersonInput, communityOK, f)
	for _, o := range orgs {
		if o == nil || (len(in.CommunityCode) == 12 && o.DistrictCode != in.CommunityCode[:6]) {
			f.Add("org_ids", "err.activity_orgs")
		}
	}
	if err := f.Err(); err != nil {
		return nil, err
	}
	return &Volunteer{Person: p, OrgIDs: nonNil(in.OrgIDs)}, nil
}

// planConsultation checks a consultation and builds its co_governance
// activity: held at the first meeting, participants the sum of its counts.
func planConsultation(in ConsultationInput) (Input, error) {
	f := errs.Fields{}
	in.Topic = strings.TrimSpace(in.Topic)
	f.Length("topic", in.Topic, 1, 200)
	f.Length("follow_up", in.FollowUp, 0, 4000)
	f.OneOf("topic_kind", in.TopicKind, TopicKinds, "err.consult_kind")
	f.OneOf("raised_by", in.RaisedBy, RaisedBy, "err.consult_raised_by")
	if in.RaisedBy == "organization" && in.RaisedByOrgID == 0 {
		f.Add("raised_by_org_id", "err.activity_orgs")
	}
	if len(in.Meetings) == 0 || len(in.Meetings) > 50 {
		f.Add("meetings", "err.consult_meetings")
	}
	for _, m := range in.Meetings {
		if _, err := time.Parse(time.DateOnly, m.HeldOn); err != nil {
			f.Add("meetings", "err.consult_meetings")
		}
		if m.Residents < 0 || m.Committee < 0 || m.Organizations < 0 || m.PropertyMgmt < 0 {
			f.Add("meetings", "err.activity_count")
		}
		f.Length("meetings", m.Minutes, 0, 8000)
		f.Length("meetings", m.Decisions, 0, 4000)
	}
	if err := f.Err(); err != nil {
		return Input{}, err
	}
	first := in.Meetings[0]
	day, _ := clock.Parse(time.DateOnly, first.HeldOn)
	field := map[string]string{"parking": "parking", "elevator": "elevator", "renovation": "renovation",
		"charity_fund": "charity_fund", "left_behind_care": "left_behind_care"}[in.TopicKind]
	fields := []string{"deliberation"}
	if field != "" {
		fields = append(fields, field)
	}
	return Input{OrgIDs: in.OrgIDs, Title: in.Topic, Theme: ThemeCoGovernance, Kind: "meeting", Fields: fields,
		StartsAt: day.Add(19 * time.Hour).Format(time.RFC3339), EndsAt: day.Add(21 * time.Hour).Format(time.RFC3339),
		CommunityCode: in.CommunityCode, Participants: first.Residents + first.Committee + first.Organizations + first.PropertyMgmt,
		WriteUp: first.Decisions}, nil
}

func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}

// planBeneficiary checks a registered beneficiary: a person served again
// and again, counted once per period.
func planBeneficiary(in BeneficiaryInput, communityOK bool) (*Beneficiary, error) {
	f := errs.Fields{}
	p := planPerson(in.PersonInput, communityOK, f)
	for _, g := range in.Groups {
		f.OneOf("groups", g, registry.TargetGroups, "err.activity_group")
	}
	if err := f.Err(); err != nil {
		return nil, err
	}
	return &Beneficiary{Person: p, Groups: nonNil(in.Groups)}, nil
}

// planServed checks the registered people said to be served at an
// activity: each exists, lives in the activity's district, is not already
// recorded there; and the registered are no more than the activity's
// beneficiaries (they are among them).
func planServed(a *Activity, ids []int64, people map[int64]*Beneficiary, already map[int64]bool) error {
	if a.Status == StatusRefused {
		return errs.E(errs.Conflict, "err.activity_refused")
	}
	f := errs.Fields{}
	if len(ids) == 0 || len(ids) > 1000 {
		f.Add("beneficiary_ids", "err.required")
	}
	seen := map[int64]bool{}
	for _, id := range ids {
		p := people[id]
		switch {
		case p == nil:
			f.Add("beneficiary_ids", "err.not_found")
		case p.DistrictCode != a.DistrictCode:
			f.Add("beneficiary_ids", "err.beneficiary_district")
		case already[id] || seen[id]:
			f.Add("beneficiary_ids", "err.beneficiary_twice")
		}
		seen[id] = true
	}
	if len(already)+len(ids) > a.Beneficiaries.Total {
		f.Add("beneficiary_ids", "err.beneficiary_more", a.Beneficiaries.Total)
	}
	return f.Err()
}

// planSurvey checks a consultation's resident survey: one question and its
// choices.
func planSurvey(in SurveyInput) (SurveyInput, error) {
	f := errs.Fields{}
	in.Question = strings.TrimSpace(in.Question)
	f.Length("question", in.Question, 1, 200)
	if len(in.Options) < 2 || len(in.Options) > 10 {
		f.Add("options", "err.survey_options")
	}
	for i, o := range in.Options {
		in.Options[i] = strings.TrimSpace(o)
		f.Length("options", in.Options[i], 1, 100)
	}
	return in, f.Err()
}

// residentKey is who answered: one answer per resident, told by phone
// (digits only), kept as a hash.
func residentKey(phone string) (string, bool) {
	var b strings.Builder
	for _, r := range phone {
		if r >= '0' && r <= '9' {
			b.WriteRune(r)
		} else if !strings.ContainsRune("-+ ", r) {
			return "", false
		}
	}
	d := b.String()
	if len(d) < 7 || len(d) > 20 {
		return "", false
	}
	return d, true
}

// planAnswer checks one resident's answer.
func planAnswer(s *Survey, in AnswerInput) (string, error) {
	f := errs.Fields{}
	key, ok := residentKey(in.Phone)
	if !ok {
		f.Add("phone", "err.volunteer_phone")
	}
	if in.Choice < 0 || in.Choice >= len(s.Options) {
		f.Add("choice", "err.choose_one")
	}
	return key, f.Err()
}

// canManageAssociation reports who names a street's association and its
// members: the street's officer and the officers above it.
func canManageAssociation(u *auth.User, street string) bool {
	if u == nil || u.ReadOnly() || !u.InScope(street) {
		return false
	}
	switch u.Role {
	case auth.StreetOfficer, auth.DistrictOfficer, auth.CityAdmin:
		return true
	}
	return false
}

// planAssociation checks the organization named a street's association.
func planAssociation(street string, o *registry.Org) error {
	f := errs.Fields{}
	if o == nil || o.Status != registry.StatusActive || o.StreetCode != street {
		f.Add("org_id", "err.association_org")
	}
	return f.Err()
}

// planMember checks a team joining a street's association (C7): an active
// volunteer-service organization of the same street, not a member already,
// joining on a day not in the future.
func planMember(assoc *registry.Org, o *registry.Org, joinedOn, today string, member bool) error {
	f := errs.Fields{}
	switch {
	case o == nil || o.Status != registry.StatusActive:
		f.Add("org_id", "err.activity_orgs")
	case !slices.Contains(o.Types, "volunteer"):
		f.Add("org_id", "err.member_not_volunteer")
	case o.StreetCode != assoc.StreetCode || o.ID == assoc.ID:
		f.Add("org_id", "err.member_street")
	case member:
		f.Add("org_id", "err.member_twice")
	}
	if d, err := time.Parse(time.DateOnly, joinedOn); err != nil || joinedOn > today || d.Year() < 2000 {
		f.Add("joined_on", "err.bad_date")
	}
	return f.Err()
}
