package training

import (
	"slices"
	"strings"
	"time"

	"linli/internal/effective"
	"linli/internal/geo"
	"linli/internal/platform/auth"
	"linli/internal/platform/clock"
	"linli/internal/platform/errs"
	"linli/internal/registry"
)

// Pure decisions of the room: who may do what, and what is valid. No
// context, no SQL, no I/O.

// Forms of a session (示范培训, 线上课堂, 实地走访, 其他).
var Forms = []string{"demonstration", "online", "field_visit", "other"}

// Topics of a session (党的建设, 培育发展, 能力建设, 项目设计, 财务管理, 应急, 其他).
var Topics = []string{"party_building", "cultivation", "capacity", "project_design", "finance", "emergency", "other"}

// Audiences (民政工作人员, 城乡社区工作者, 儿童主任, 社区社会组织负责人, 社区社会工作者, 社区志愿者).
var Audiences = []string{"civil_affairs_staff", "community_workers", "children_directors", "cso_leaders", "social_workers", "volunteers"}

// Qualifications of the national social-work exam (助理社工师, 社工师, 高级社工师).
var Qualifications = []string{"assistant", "social_worker", "senior"}

// TrainingInput is what a form or the API sets on a session.
type TrainingInput struct {
	Title     string    `json:"title"`
	Programme string    `json:"programme"`
	Form      string    `json:"form"`
	Topics    []string  `json:"topics"`
	Audiences []string  `json:"audiences"`
	UnitCode  string    `json:"unit_code"`
	HubOrgID  int64     `json:"hub_org_id,omitempty"`
	StartsAt  time.Time `json:"starts_at"`
	EndsAt    time.Time `json:"ends_at"`
	Capacity  int       `json:"capacity"`
	Trainer   string    `json:"trainer"`
	Place     string    `json:"place"`
	Link      string    `json:"link"`
}

// organizerRole reports the roles that run sessions: the city, a district, a
// street, and a hub's staff for their hub.
func organizerRole(u *auth.User) bool {
	if u == nil || u.ReadOnly() {
		return false
	}
	switch u.Role {
	case auth.CityAdmin, auth.DistrictOfficer, auth.StreetOfficer, auth.HubStaff:
		return true
	}
	return false
}

// canOrganize reports whether the user runs (edits, shows the code of, keeps
// the attendance of, certifies) a session of the unit (and hub).
func canOrganize(u *auth.User, unitCode string, hubOrgID int64) bool {
	if !organizerRole(u) {
		return false
	}
	if runsAsHub(u) {
		return hubOrgID != 0 && u.OrgID == hubOrgID
	}
	return u.InScope(unitCode)
}

// runsAsHub: a hub's staff run sessions as their hub (their OrgID), in its
// street, not as a division (the form offers no other unit).
func runsAsHub(u *auth.User) bool { return u != nil && u.Role == auth.HubStaff }

// namesHub: a hub's staff name their hub (canOrganize then holds them to
// it), an officer any hub of their subtree.
func namesHub(u *auth.User, hubCommunity string) bool { return runsAsHub(u) || u.InScope(hubCommunity) }

// namesProgramme: a district officer (or the city) names a new programme
// for its district; the others choose among the existing ones.
func namesProgramme(u *auth.User) bool { return u.IsDistrictOrAbove() }

// seesSession: a session the user sees (canSeeTraining), or one their hub
// runs.
func seesSession(u *auth.User, t *Training) bool {
	return canSeeTraining(u, t.UnitCode) || (runsAsHub(u) && t.HubOrgID != 0 && u.OrgID == t.HubOrgID)
}

// seesPerson: key personnel of the user's subtree; a leader sees none but
// their own record, through self-enrolment.
func seesPerson(u *auth.User, community string) bool { return !u.OwnOrgOnly() && u.InScope(community) }

// canSeeTraining: sessions of the user's subtree, and those run above it
// (the city's and the district's sessions are open to the levels below).
func canSeeTraining(u *auth.User, unitCode string) bool {
	return u != nil && u.ScopeCode != "" && u.Overlaps(unitCode)
}

// enrolsWhileOpen: the officers (and hub staff) who see the session enrol
// people into it while it is open (sessionOpen).
func enrolsWhileOpen(u *auth.User, unitCode string) bool {
	return keeperRole(u) && canSeeTraining(u, unitCode)
}

// sessionOpen: a session takes enrolments of everyone entitled until it
// ends (self-enrolment, planSelf, too).
func sessionOpen(t *Training, now time.Time) bool { return now.Before(t.EndsAt) }

// enrolsInto: whether the user enrols people into the session now (the
// session page shows them the enrolment form). Those who keep its
// attendance (canOrganize) still enrol after it ended: the plan's sessions
// of 2021–2023 are entered from their paper sign-in sheets (补录),
// enrolment first, then attendance. For everyone else enrolment closes
// when the session ends.
func enrolsInto(u *auth.User, t *Training, now time.Time) bool {
	return enrolsWhileOpen(u, t.UnitCode) && (sessionOpen(t, now) || canOrganize(u, t.UnitCode, t.HubOrgID))
}

// planEnrol: those who enrol into the session (enrolsInto) enrol the
// people of their own subtree. A session over is a conflict for those who
// enrolled into it while it was open, a refusal for the others.
func planEnrol(u *auth.User, t *Training, now time.Time, personCommunity string) error {
	switch {
	case !enrolsWhileOpen(u, t.UnitCode) || !u.InScope(personCommunity):
		return errs.E(errs.Forbidden, "err.forbidden")
	case !enrolsInto(u, t, now):
		return errs.E(errs.Conflict, "training.err.over")
	}
	return nil
}

// selfEnrols: an organization's leader with an organization enrols
// themself (planSelf; the session page's button).
func selfEnrols(u *auth.User) bool { return u.OwnOrgOnly() && !u.ReadOnly() && u.OrgID != 0 }

// keeperRole reports the roles that record key personnel (in their subtree).
func keeperRole(u *auth.User) bool {
	if u == nil || u.ReadOnly() {
		return false
	}
	switch u.Role {
	case auth.CityAdmin, auth.DistrictOfficer, auth.StreetOfficer, auth.CommunityCommittee, auth.HubStaff:
		return true
	}
	return false
}

// canKeepPeople: officers and hub staff record the key personnel of their
// subtree.
func canKeepPeople(u *auth.User, community string) bool {
	return keeperRole(u) && u.InScope(community)
}

// planTraining validates a session. unitLen is the code length of the unit
// (0 if it does not exist).
func planTraining(u *auth.User, in *TrainingInput, unitExists bool) error {
	in.Title, in.Programme = strings.TrimSpace(in.Title), strings.TrimSpace(in.Programme)
	in.UnitCode, in.Trainer = strings.TrimSpace(in.UnitCode), strings.TrimSpace(in.Trainer)
	in.Place, in.Link = strings.TrimSpace(in.Place), strings.TrimSpace(in.Link)
	f := errs.Fields{}
	f.Length("title", in.Title, 2, 100)
	f.Length("programme", in.Programme, 2, 50)
	f.OneOf("form", in.Form, Forms, "err.choose_one")
	checkSet(in.Topics, Topics, "topics", f)
	checkSet(in.Audiences, Audiences, "audiences", f)
	lv := geo.LevelOf(in.UnitCode)
	geo.Unit(f, "unit_code", unitExists, lv == geo.City || lv == geo.District || lv == geo.Street,
		canOrganize(u, in.UnitCode, in.HubOrgID), "training.err.unit_level")
	if in.StartsAt.IsZero() {
		f.Add("starts_at", "err.required")
	}
	if in.EndsAt.IsZero() {
		f.Add("ends_at", "err.required")
	} else if !in.EndsAt.After(in.StartsAt) {
		f.Add("ends_at", "training.err.ends_before_start")
	} else if in.EndsAt.Sub(in.StartsAt) > 14*24*time.Hour {
		f.Add("ends_at", "training.err.too_long")
	}
	if in.Capacity < 1 || in.Capacity > 10000 {
		f.Add("capacity", "training.err.range", 1, 10000)
	}
	f.Length("trainer", in.Trainer, 0, 100)
	f.Length("place", in.Place, 0, 200)
	f.Length("link", in.Link, 0, 300)
	if in.Place == "" && in.Link == "" {
		f.Add("place", "training.err.place_or_link")
	}
	if in.Link != "" && !strings.HasPrefix(in.Link, "https://") && !strings.HasPrefix(in.Link, "http://") {
		f.Add("link", "training.err.link")
	}
	return f.Err()
}

// sessionMinutes is a session's length counted as training time.
func sessionMinutes(start, end time.Time) int { return int(end.Sub(start) / time.Minute) }

// districtOf is the district a unit lies in (” for the city).
func districtOf(unit string) string {
	if len(unit) >= 6 {
		return unit[:6]
	}
	return ""
}

// checkinOpen reports whether a code may be used now: only inside the
// session's window.
func checkinOpen(start, end, now time.Time) bool { return !now.Before(start) && now.Before(end) }

// PersonInput is what a form or the API sets on a person.
type PersonInput struct {
	Name          string `json:"name"`
	Phone         string `json:"phone"`
	IDNumber      string `json:"id_number"`
	Role          string `json:"role"`
	OrgID         int64  `json:"org_id,omitempty"`
	CommunityCode string `json:"community_code"`
	Qualification string `json:"qualification"`
	QualYear      int    `json:"qualification_year"`
}

// NormalizePhone keeps the digits of a mainland number (no +86, spaces, dashes).
func NormalizePhone(p string) string {
	var b strings.Builder
	for _, r := range p {
		if r >= '0' && r <= '9' {
			b.WriteRune(r)
		}
	}
	s := b.String()
	if len(s) == 13 && strings.HasPrefix(s, "86") {
		s = s[2:]
	}
	return s
}

func planPerson(u *auth.User, in *PersonInput, now time.Time, communityExists bool) error {
	f := checkPerson(in, now, communityExists)
	if _, bad := f["community_code"]; !bad && !canKeepPeople(u, in.CommunityCode) {
		f.Add("community_code", "err.outside_scope")
	}
	return f.Err()
}

// planSelf is the key person an organization's leader enrols as: their own
// record, made from the organization's (leader's name and phone), in its
// community. A leader without an organization, or a session not open to
// them or already over, is refused.
func planSelf(u *auth.User, org *registry.Org, t *Training, now time.Time) (PersonInput, error) {
	if !selfEnrols(u) || org == nil || org.ID != u.OrgID {
		return PersonInput{}, errs.E(errs.Forbidden, "err.forbidden")
	}
	if !canSeeTraining(u, t.UnitCode) {
		return PersonInput{}, errs.Missing()
	}
	if !sessionOpen(t, now) {
		return PersonInput{}, errs.E(errs.Conflict, "training.err.over")
	}
	name := strings.TrimSpace(org.LeaderName)
	if name == "" {
		name = u.DisplayName
	}
	in := PersonInput{Name: name, Phone: org.LeaderPhone, Role: "负责人", OrgID: org.ID, CommunityCode: org.CommunityCode}
	if f := checkPerson(&in, now, true); len(f) > 0 {
		// the organization's record lacks what a person needs (a phone to
		// check in with): the leader is told what to complete
		return in, &errs.Error{Code: errs.Invalid, Message: errs.M("training.err.self_record"), Fields: f}
	}
	return in, nil
}

// checkPerson normalizes and validates a person's fields.
func checkPerson(in *PersonInput, now time.Time, communityExists bool) errs.Fields {
	in.Name, in.Role = strings.TrimSpace(in.Name), strings.TrimSpace(in.Role)
	in.Phone, in.IDNumber = NormalizePhone(in.Phone), strings.ToUpper(strings.TrimSpace(in.IDNumber))
	in.CommunityCode = strings.TrimSpace(in.CommunityCode)
	f := errs.Fields{}
	f.Length("name", in.Name, 2, 30)
	f.Length("role", in.Role, 1, 50)
	if len(in.Phone) < 7 || len(in.Phone) > 12 {
		f.Add("phone", "training.err.phone")
	}
	if in.IDNumber != "" && !validIDNumber(in.IDNumber) {
		f.Add("id_number", "training.err.id_number")
	}
	if len(in.CommunityCode) != 12 || !communityExists {
		f.Add("community_code", "err.unknown_division")
	}
	switch {
	case in.Qualification == "":
		if in.QualYear != 0 {
			f.Add("qualification_year", "training.err.no_qualification")
		}
	case !slices.Contains(Qualifications, in.Qualification):
		f.Add("qualification", "err.choose_one")
	case in.QualYear < 2008: // the national exam began in 2008
		f.Add("qualification_year", "training.err.qual_year", 2008, clock.Year(now))
	case in.QualYear > clock.Year(now):
		f.Add("qualification_year", "training.err.qual_year_future")
	}
	return f
}

// validIDNumber checks an 18-character resident ID number's check digit.
func validIDNumber(s string) bool {
	if len(s) != 18 {
		return false
	}
	weights := []int{7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2}
	sum := 0
	for i := 0; i < 17; i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
		sum += int(s[i]-'0') * weights[i]
	}
	return "10X98765432"[sum%11] == s[17]
}

// MaskPhone keeps the first three and the last four digits.
func MaskPhone(p string) string {
	if len(p) < 8 {
		return strings.Repeat("*", len(p))
	}
	return p[:3] + strings.Repeat("*", len(p)-7) + p[len(p)-4:]
}

// MaskID keeps the first and last two characters of an ID number.
func MaskID(s string) string {
	if len(s) < 5 {
		return strings.Repeat("*", len(s))
	}
	return s[:2] + strings.Repeat("*", len(s)-4) + s[len(s)-2:]
}

// MaskName keeps a name's family name: what the public verification shows.
func MaskName(n string) string {
	r := []rune(n)
	if len(r) <= 1 {
		return n
	}
	return string(r[0]) + strings.Repeat("*", len(r)-1)
}

// Certificate states on the public verification page.
const (
	CertGenuine  = "genuine"
	CertRevoked  = "revoked"
	CertNotFound = "not_found"
)

// attendanceEdit validates an organizer's change of attendance.
func attendanceEdit(reason string) error {
	f := errs.Fields{}
	f.Length("reason", strings.TrimSpace(reason), 2, 200)
	return f.Err()
}

func checkSet(vals, allowed []string, field string, f errs.Fields) {
	if len(vals) == 0 {
		f.Add(field, "err.choose_at_least_one")
	}
	for _, v := range vals {
		f.OneOf(field, v, allowed, "err.unknown_value", v)
	}
}

func checkDate(s, field, today string, f errs.Fields) {
	effective.Day(f, field, s, today, "training.err.date", "training.err.future_date")
}
