package civic

import (
	"math"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"linli/internal/effective"
	"linli/internal/platform/auth"
	"linli/internal/platform/errs"
)

// Who may do what to this room's records, as pure decisions.

var phoneRE = regexp.MustCompile(`^1[3-9][0-9]{9}$`)

// validateSignUp checks a resident's sign-up (the username and password
// rules are the accounts' own, checked again by auth).
func validateSignUp(in *SignUp, communityExists bool) errs.Fields {
	in.Username, in.CommunityCode = strings.TrimSpace(in.Username), strings.TrimSpace(in.CommunityCode)
	in.Phone = strings.ReplaceAll(strings.TrimSpace(in.Phone), " ", "")
	f := errs.Fields{}
	if len(in.CommunityCode) != 12 || !communityExists {
		f.Add("community_code", "err.civic.community")
	}
	if in.Phone != "" && !phoneRE.MatchString(in.Phone) {
		f.Add("phone", "err.civic.phone")
	}
	if utf8.RuneCountInString(in.Password) < auth.MinPasswordLen {
		f.Add("password", "err.password_short", auth.MinPasswordLen)
	}
	return f
}

// isResident reports a resident account.
func isResident(u *auth.User) bool {
	return u != nil && u.Role == auth.Resident && len(u.ScopeCode) == 12
}

// ratingFacts are what planRating needs to know.
type ratingFacts struct {
	orgCommunity, orgStatus string
	tookPart                bool
}

// planRating decides a rating: by a resident, of an active organization of
// the resident's own city that they took part with; stars 1..5, a comment
// of at most 500 characters, which then waits for the community committee.
// The one-per-year rule is the table's (409).
func planRating(u *auth.User, in *RatingInput, o ratingFacts) error {
	if !isResident(u) {
		return errs.E(errs.Forbidden, "err.civic.residents_only")
	}
	in.Comment = strings.TrimSpace(in.Comment)
	f := errs.Fields{}
	if len(o.orgCommunity) < 4 || o.orgCommunity[:4] != u.ScopeCode[:4] {
		f.Add("org_id", "err.civic.other_city")
	} else if o.orgStatus != "active" {
		f.Add("org_id", "err.civic.org_inactive")
	} else if !o.tookPart {
		f.Add("org_id", "err.civic.not_participant")
	}
	if in.Stars < 1 || in.Stars > 5 {
		f.Add("stars", "err.civic.stars")
	}
	f.Length("comment", in.Comment, 0, 500)
	return f.Err()
}

// canModerate: the community committee of the organization's community, or
// the street above it.
func canModerate(u *auth.User, community string) bool {
	return u != nil && !u.ReadOnly() && (u.Role == auth.CommunityCommittee || u.Role == auth.StreetOfficer) && u.InScope(community)
}

// canAnswer: the organization's own leader or hub staff.
func canAnswer(u *auth.User, orgID int64) bool {
	return u.ActsForOrg() && u.OrgID == orgID
}

// canReadRatings: who lists the ratings of a place (with pending comments).
func canReadRatings(u *auth.User, community string, orgID int64) bool {
	return canModerate(u, community) || canAnswer(u, orgID) ||
		(u != nil && (u.Role == auth.DistrictOfficer || u.Role == auth.CityAdmin || u.Role == auth.Auditor) && u.InScope(community))
}

// DefaultQuestions is the recognition instrument used when a survey names
// none: awareness, participation and satisfaction, and a free remark.
func DefaultQuestions() []Question {
	return []Question{
		{Key: "knows", TextZH: "您是否知道社区里至少一个社会组织？", TextEN: "Do you know at least one community organization?", Scale: "yes_no", Reading: "awareness"},
		{Key: "took_part", TextZH: "过去一年您是否参加过社会组织的活动？", TextEN: "Did you take part in an organization's activity in the last year?", Scale: "yes_no", Reading: "participation"},
		{Key: "satisfaction", TextZH: "您对社区社会组织的服务满意吗？（1–5）", TextEN: "How satisfied are you with their services? (1–5)", Scale: "stars5", Reading: "satisfaction"},
		{Key: "remark", TextZH: "您还有什么建议？", TextEN: "Anything else you would suggest?", Scale: "text"},
	}
}

var keyRE = regexp.MustCompile(`^[a-z][a-z0-9_]{0,31}$`)

// runsSurveys reports the roles that run surveys: a district or street
// officer, or the city; never read-only.
func runsSurveys(u *auth.User) bool {
	return u.IsStreetOrAbove()
}

// canRunSurvey: a district or street officer (or the city), for a district
// or street in their subtree.
func canRunSurvey(u *auth.User, unit string) bool {
	return runsSurveys(u) && u.InScope(unit)
}

// seesSurveyResults reports who reads a survey's results inside the
// platform: anyone but a resident whose scope lies on the survey unit's
// branch (the unit is in their scope, or encloses it).
func seesSurveyResults(u *auth.User, sv *Survey) bool {
	return u != nil && u.Role != auth.Resident && u.Overlaps(sv.UnitCode)
}

// validateSurvey checks a survey: a district or street, a period, and an
// instrument whose readings each appear at most once, on a fitting scale.
func validateSurvey(in *SurveyInput, unitExists bool) errs.Fields {
	in.Title, in.UnitCode = strings.TrimSpace(in.Title), strings.TrimSpace(in.UnitCode)
	f := errs.Fields{}
	f.Length("title", in.Title, 1, 200)
	if (len(in.UnitCode) != 6 && len(in.UnitCode) != 9) || !unitExists {
		f.Add("unit_code", "err.civic.survey_unit")
	}
	if !effective.Valid(in.OpensOn) {
		f.Add("opens_on", "err.date_format")
	}
	if !effective.Valid(in.ClosesOn) {
		f.Add("closes_on", "err.date_format")
	} else if in.ClosesOn < in.OpensOn {
		f.Add("closes_on", "err.civic.period")
	}
	if len(in.Questions) == 0 {
		in.Questions = DefaultQuestions()
	}
	if len(in.Questions) > 30 {
		f.Add("questions", "err.too_long", 30)
	}
	checkQuestions(in.Questions, f)
	return f
}

// checkQuestions names each faulty question's field
// (questions.N.key|text_zh|text_en|scale|reading|options, and
// questions.N.options.M for a choice question's Mth option, N and M from
// 0) and adds one summary message under "questions".
func checkQuestions(qs []Question, f errs.Fields) {
	keys, readings := map[string]bool{}, map[string]bool{}
	bad := false
	for i, q := range qs {
		at := "questions." + strconv.Itoa(i) + "."
		add := func(field, key string, args ...any) {
			f.Add(at+field, key, args...)
			bad = true
		}
		switch {
		case !keyRE.MatchString(q.Key):
			add("key", "err.civic.question_key")
		case keys[q.Key]:
			add("key", "err.civic.question_key_twice")
		}
		keys[q.Key] = true
		if strings.TrimSpace(q.TextZH) == "" {
			add("text_zh", "err.required")
		} else if utf8.RuneCountInString(q.TextZH) > 300 {
			add("text_zh", "err.too_long", 300)
		}
		if utf8.RuneCountInString(q.TextEN) > 300 {
			add("text_en", "err.too_long", 300)
		}
		if !slices.Contains(Scales, q.Scale) {
			add("scale", "err.choose_one")
		}
		switch {
		case q.Scale == ScaleChoice && (len(q.Options) < minChoices || len(q.Options) > maxChoices):
			add("options", "err.civic.choices", minChoices, maxChoices)
		case q.Scale != ScaleChoice && len(q.Options) > 0:
			add("options", "err.civic.choices_scale")
		}
		labels := map[string]bool{}
		for j, o := range q.Options {
			l := strings.TrimSpace(o.Label)
			q.Options[j].Label = l // the options share the input's array: stored trimmed
			switch {
			case l == "":
				add("options."+strconv.Itoa(j), "err.required")
			case utf8.RuneCountInString(l) > maxChoiceLen:
				add("options."+strconv.Itoa(j), "err.too_long", maxChoiceLen)
			case labels[l]:
				add("options."+strconv.Itoa(j), "err.civic.choice_twice")
			}
			labels[l] = true
		}
		if q.Reading != "" {
			switch {
			case !slices.Contains(Readings, q.Reading):
				add("reading", "err.choose_one")
			case readings[q.Reading]:
				add("reading", "err.civic.reading_twice")
			case q.Scale == "text" || q.Scale == ScaleChoice || (q.Scale == "yes_no") != (q.Reading != "satisfaction"):
				add("reading", "err.civic.reading_scale")
			}
			readings[q.Reading] = true
		}
	}
	if bad {
		f.Add("questions", "err.civic.questions")
	}
}

// planSurveyEdit checks an edit of a stored survey: once residents have
// answered it, its questions and its place stay as they are (the answers
// were given to them); the title and period may still change.
func planSurveyEdit(old *Survey, in *SurveyInput) errs.Fields {
	f := errs.Fields{}
	if old.Answers == 0 {
		return f
	}
	if in.UnitCode != old.UnitCode {
		f.Add("unit_code", "err.civic.survey_answered_place", old.Answers)
	}
	if !slices.EqualFunc(in.Questions, old.Questions, sameQuestion) {
		f.Add("questions", "err.civic.survey_answered_questions", old.Answers)
	}
	return f
}

// sameQuestion: the same key, texts, scale, reading and options.
func sameQuestion(a, b Question) bool {
	return a.Key == b.Key && a.TextZH == b.TextZH && a.TextEN == b.TextEN && a.Scale == b.Scale && a.Reading == b.Reading &&
		slices.Equal(a.Options, b.Options)
}

// reading is one resident's three readings of a survey.
type reading struct {
	knows, tookPart bool
	satisfaction    int
}

// planAnswer checks a resident's answers against the instrument and the
// period, and derives the readings. A question left out is no answer; a
// reading question must be answered.
func planAnswer(u *auth.User, s *Survey, in AnswerInput, day string) (reading, errs.Fields, error) {
	var r reading
	if !isResident(u) || !strings.HasPrefix(u.ScopeCode, s.UnitCode) {
		return r, nil, errs.Missing()
	}
	f := errs.Fields{}
	if day < s.OpensOn || day > s.ClosesOn {
		f.Add("survey", "err.civic.survey_closed")
		return r, f, nil
	}
	known := map[string]bool{}
	for _, q := range s.Questions {
		known[q.Key] = true
		a := strings.TrimSpace(in.Answers[q.Key])
		switch q.Scale {
		case "yes_no":
			if a != "yes" && a != "no" && !(a == "" && q.Reading == "") {
				f.Add("answers."+q.Key, "err.choose_one")
			}
			switch q.Reading {
			case "awareness":
				r.knows = a == "yes"
			case "participation":
				r.tookPart = a == "yes"
			}
		case "stars5":
			n, err := strconv.Atoi(a)
			if (err != nil || n < 1 || n > 5) && !(a == "" && q.Reading == "") {
				f.Add("answers."+q.Key, "err.civic.stars")
			}
			if q.Reading == "satisfaction" && err == nil && n >= 1 && n <= 5 {
				r.satisfaction = n
			}
		case "text":
			f.Length("answers."+q.Key, a, 0, 500)
		case ScaleChoice:
			if n, err := strconv.Atoi(a); (err != nil || n < 1 || n > len(q.Options)) && a != "" {
				f.Add("answers."+q.Key, "err.choose_one")
			}
		}
	}
	for k := range in.Answers {
		if !known[k] {
			f.Add("answers."+k, "err.civic.unknown_question")
		}
	}
	return r, f, nil
}

// caseAuthorUnit is where a case written by u sits by default and whether
// u may write one there: an organization's leader (its community), a hub
// (its street) or a street officer (their street or a community in it).
func caseAuthorUnit(u *auth.User, unit, orgCommunity string) (string, bool) {
	if u == nil || u.ReadOnly() {
		return "", false
	}
	switch u.Role {
	case auth.OrgLeader:
		return orgCommunity, u.OrgID != 0 && orgCommunity != "" && (unit == "" || unit == orgCommunity)
	case auth.HubStaff:
		if unit == "" {
			unit = u.ScopeCode
		}
		return unit, u.OrgID != 0 && u.InScope(unit) && (len(unit) == 9 || len(unit) == 12)
	case auth.StreetOfficer:
		if unit == "" {
			unit = u.ScopeCode
		}
		return unit, u.InScope(unit) && (len(unit) == 9 || len(unit) == 12)
	}
	return "", false
}

// validateCase checks a case's text, kind and themes.
func validateCase(in *CaseInput, themes []string) errs.Fields {
	in.Title, in.Story, in.Kind = strings.TrimSpace(in.Title), strings.TrimSpace(in.Story), strings.TrimSpace(in.Kind)
	if in.Kind == "" {
		in.Kind = KindCase
	}
	f := errs.Fields{}
	f.OneOf("kind", in.Kind, Kinds, "err.choose_one")
	f.Length("title", in.Title, 1, 200)
	f.Length("story", in.Story, 1, 20000)
	for _, t := range in.Themes {
		if !slices.Contains(themes, t) {
			f.Add("themes", "err.choose_one")
			break
		}
	}
	if len(in.ActivityIDs) > 50 || len(in.ProjectIDs) > 50 {
		f.Add("activity_ids", "err.too_long", 50)
	}
	return f
}

// canSeeCase: a published case is public; a draft (new, or returned to be
// revised) is its author's alone; a case waiting for a decision is seen by
// its author and the officers whose scope holds it. Cases lists exactly
// these.
func canSeeCase(u *auth.User, c *Case) bool {
	if c.Status == CasePublished {
		return true
	}
	if !listsCases(u) {
		return false
	}
	if c.createdBy == u.ID {
		return true
	}
	return c.Status != CaseDraft && readsScopeCases(u) && u.InScope(c.UnitCode)
}

// listsCases reports who has a list of the cases they work on (Cases):
// every signed-in account but a resident, who reads the published ones on
// the public portal.
func listsCases(u *auth.User) bool { return u != nil && u.Role != auth.Resident }

// readsScopeCases reports who reads, besides their own, the cases of their
// scope not yet published: the street and the levels above it (and the
// read-only accounts), not an organization's leader, a hub's staff or a
// community committee, who see only the cases they wrote.
func readsScopeCases(u *auth.User) bool {
	if !listsCases(u) {
		return false
	}
	switch u.Role {
	case auth.OrgLeader, auth.HubStaff, auth.CommunityCommittee:
		return false
	}
	return true
}

// planDecision decides a case's next status: the author submits a draft
// (a street's own case goes straight to the district); the street officer
// approves or returns what waits for the street, the district officer
// what waits for the district (approval publishes it); the city features
// a published case. A return needs a reason.
func planDecision(u *auth.User, c *Case, d *Decision) (status string, featured bool, err error) {
	d.Decision, d.Reason = strings.TrimSpace(d.Decision), strings.TrimSpace(d.Reason)
	if !slices.Contains(Decisions, d.Decision) {
		return "", false, invalid("decision", "err.choose_one")
	}
	if u == nil || u.ReadOnly() {
		return "", false, errs.E(errs.Forbidden, "err.forbidden")
	}
	if utf8.RuneCountInString(d.Reason) > 1000 {
		return "", false, invalid("reason", "err.too_long", 1000)
	}
	if !mayDecideCase(u, c, d.Decision) {
		return "", false, invalid("decision", "err.civic.decision")
	}
	switch d.Decision {
	case "submit":
		if u.Role == auth.StreetOfficer {
			return CaseDistrict, c.Featured, nil
		}
		return CaseStreet, c.Featured, nil
	case "approve", "return":
		if d.Decision == "return" {
			if d.Reason == "" {
				return "", false, invalid("reason", "err.required")
			}
			return CaseDraft, false, nil
		}
		if c.Status == CaseStreet {
			return CaseDistrict, false, nil
		}
		return CasePublished, false, nil
	default: // feature, unfeature
		return c.Status, d.Decision == "feature", nil
	}
}

// mayDecideCase reports whether u may take a decision on c: its author
// submits it while a draft; the street officer of its street approves or
// returns it while it waits for the street, the district officer of its
// district while it waits for the district; the city administrator
// features or unfeatures it once published. The case page offers exactly
// these (planDecision enforces them).
func mayDecideCase(u *auth.User, c *Case, decision string) bool {
	if u == nil || u.ReadOnly() {
		return false
	}
	switch decision {
	case "submit":
		return c.createdBy == u.ID && c.Status == CaseDraft
	case "approve", "return":
		return c.Status == CaseStreet && u.Role == auth.StreetOfficer && u.InScope(c.StreetCode) ||
			c.Status == CaseDistrict && u.Role == auth.DistrictOfficer && u.InScope(c.DistrictCode)
	case "feature", "unfeature":
		return u.Role == auth.CityAdmin && c.Status == CasePublished
	}
	return false
}

// mayAddCasePhoto reports whether u may add a photo to c: its author, while
// it is a draft.
func mayAddCasePhoto(u *auth.User, c *Case) bool {
	return u != nil && c.createdBy == u.ID && c.Status == CaseDraft
}

// worksOnCase reports whether u opens c among the cases they work on (its
// page, its decisions): one they may see (canSeeCase) that, once
// published, lies in their scope, is theirs, or is the city's to feature;
// other published cases they read on the public portal.
func worksOnCase(u *auth.User, c *Case) bool {
	if !canSeeCase(u, c) {
		return false
	}
	return c.Status != CasePublished || u != nil && (u.Role == auth.CityAdmin || u.InScope(c.UnitCode) || c.createdBy == u.ID)
}

// writesCases reports the roles that write cases at all: an organization's
// leader, a hub and a street officer (caseAuthorUnit decides where). To
// them a case in the wrong place is an invalid place, to everyone else the
// writing is forbidden.
func writesCases(u *auth.User) bool {
	return u.ActsForOrg() || u != nil && u.Role == auth.StreetOfficer
}

// writesForOrg reports whether u writes cases for an organization (its
// community is the case's place): its leader or a hub's staff.
func writesForOrg(u *auth.User) bool {
	return u.ActsForOrg() && u.OrgID != 0
}

// invalid is an Invalid error on one field.
func invalid(field, key string, args ...any) error {
	f := errs.Fields{}
	f.Add(field, key, args...)
	return f.Err()
}

// tallyQuestions counts a survey's answers question by question: for a
// yes/no question the yes and no answers, for a 1–5 scale each star and
// the mean, for free text only how many answered (the texts are never
// tallied or shown). Shares are of those who answered the question.
func tallyQuestions(qs []Question, answers []map[string]string) []QuestionResult {
	out := make([]QuestionResult, 0, len(qs))
	for _, q := range qs {
		r := QuestionResult{Key: q.Key, TextZH: q.TextZH, TextEN: q.TextEN, Scale: q.Scale, Reading: q.Reading, Options: []OptionCount{}}
		var values []string
		switch q.Scale {
		case "yes_no":
			values = []string{"yes", "no"}
		case "stars5":
			values = []string{"1", "2", "3", "4", "5"}
		case ScaleChoice:
			for j := range q.Options {
				values = append(values, strconv.Itoa(j+1))
			}
		}
		counts := make([]int, len(values))
		sum := 0
		for _, a := range answers {
			v := strings.TrimSpace(a[q.Key])
			if v == "" {
				continue
			}
			if q.Scale == "text" {
				r.Answered++
				continue
			}
			if i := slices.Index(values, v); i >= 0 {
				counts[i]++
				r.Answered++
				if q.Scale == "stars5" {
					sum += i + 1
				}
			}
		}
		for i, v := range values {
			o := OptionCount{Value: v, Count: counts[i], Share: share(counts[i], r.Answered)}
			if q.Scale == ScaleChoice {
				o.Label = q.Options[i].Label
			}
			r.Options = append(r.Options, o)
		}
		if q.Scale == "stars5" && r.Answered > 0 {
			r.Mean = math.Round(float64(sum)/float64(r.Answered)*100) / 100
		}
		out = append(out, r)
	}
	return out
}

// canPublishResults: the survey's owner publishes or withdraws its results
// on the portal: an officer who may run a survey in its unit (its unit's
// officers or those above), not a read-only account.
func canPublishResults(u *auth.User, s *Survey) bool { return canRunSurvey(u, s.UnitCode) }
