package governance

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"linli/internal/effective"
	"linli/internal/platform/auth"
	"linli/internal/platform/clock"
	"linli/internal/platform/errs"
)

// Pure decisions of the room: no context, no SQL, no I/O.

// CanEdit tells who records an organization's governance (charter,
// officers, decisions, work reports): its leader and the officers above it
// (hub staff and auditors only read). Officers submitting a work report on
// an organization's behalf is deliberate: the paper reports of past periods
// are entered by the committee or the street, so the organization's
// governance page offers them the report form as it offers the leader.
func CanEdit(u *auth.User) bool {
	return u != nil && (u.Role == auth.OrgLeader || u.IsOfficer())
}

// overseesReports: the officers, from the community committee up, review
// the work reports of their subtree and set its communities' reporting
// cycles (the reports page shows them the review and cycle forms).
func overseesReports(u *auth.User) bool { return u != nil && u.IsOfficer() }

// reviews: an overseer may receive or return a report still awaiting
// review (the page's buttons on its row), unless they submitted it
// themselves (ownSubmission).
func reviews(u *auth.User, r *Report) bool {
	return overseesReports(u) && r.Status == ReportSubmitted && !ownSubmission(u, r)
}

// ownSubmission: the account that submitted a report, an officer entering
// an organization's paper report among them, does not also receive or
// return it; another overseer of its place does (four eyes on what counts
// towards the reporting indicators).
func ownSubmission(u *auth.User, r *Report) bool {
	return u != nil && r.submittedBy != 0 && r.submittedBy == u.ID
}

// seesReport: a leader sees their own organization's reports, the others
// those of their subtree.
func seesReport(u *auth.User, r *Report) bool {
	if u.OwnOrgOnly() {
		return u.OrgID != 0 && u.OrgID == r.OrgID
	}
	return u.InScope(r.CommunityCode)
}

// Chapter is one chapter of a charter.
type Chapter struct {
	Key   string `json:"key"`
	Title string `json:"title"`
	Text  string `json:"text"`
}

// ChapterKeys are the chapters of the model text, in order.
var ChapterKeys = []string{"general", "business", "members", "organs", "assets", "amendment", "termination", "supplementary"}

// ChapterTitles are their titles.
var ChapterTitles = map[string]string{
	"general": "总则", "business": "业务范围", "members": "成员", "organs": "组织机构和负责人",
	"assets": "资产管理和使用", "amendment": "章程的修改", "termination": "终止", "supplementary": "附则",
}

// Clause is a mandatory clause: present when the charter's text holds all
// its words and no blank of the model text is left for it.
type Clause struct {
	Key   string
	Label string
	Words []string
}

// Clauses are the mandatory clauses a charter must contain to be adopted.
var Clauses = []Clause{
	{"purpose", "宗旨", []string{"宗旨"}},
	{"business_scope", "业务范围", []string{"业务范围"}},
	{"member_rights", "成员的权利义务", []string{"权利", "义务"}},
	{"officer_term", "负责人产生程序和任期", []string{"负责人", "产生", "任期"}},
	{"meeting_rules", "议事规则", []string{"议事规则"}},
	{"finance", "资金管理和使用", []string{"资金", "管理", "使用"}},
	{"disclosure", "信息公开", []string{"公开"}},
	{"dissolution", "终止和剩余财产处理", []string{"终止", "剩余财产"}},
}

// blank marks what the model text leaves to the organization.
const blank = "〔待填写："

func blankFor(label, hint string) string { return blank + label + "，" + hint + "〕" }

// MissingClauses lists the keys of the mandatory clauses a charter lacks,
// in the order of Clauses (never nil).
func MissingClauses(chapters []Chapter) []string {
	var all strings.Builder
	for _, c := range chapters {
		all.WriteString(c.Title)
		all.WriteString("\n")
		all.WriteString(c.Text)
		all.WriteString("\n")
	}
	text := all.String()
	missing := []string{}
	for _, cl := range Clauses {
		ok := !strings.Contains(text, blank+cl.Label)
		for _, w := range cl.Words {
			if !strings.Contains(text, w) {
				ok = false
			}
		}
		if !ok {
			missing = append(missing, cl.Key)
		}
	}
	return missing
}

// Record is what the model text reads from the organization's registry
// record (names already resolved).
type Record struct {
	Name      string
	Community string // the community's name
	Street    string
	District  string
	Address   string
	Types     []string // labels of its service fields
	Groups    []string // labels of the people it serves
	PartyOrg  string   // the supervising party organization, or its instructor
}

// ModelCharter is the model text of a community social organization's
// simple charter (written for linli from the chapters the issue lists and
// what such a charter must contain), filled in from the record. What the
// record cannot tell is left as a blank 〔待填写：…〕 the check reports.
func ModelCharter(r Record) []Chapter {
	place := r.District + r.Street + r.Community
	where := place
	if r.Address != "" {
		where += r.Address
	}
	purpose := blankFor("宗旨", "本会为谁、做什么")
	scope := blankFor("业务范围", "本会开展哪些活动")
	if len(r.Types) > 0 {
		who := "社区居民"
		if len(r.Groups) > 0 {
			who = "社区" + strings.Join(r.Groups, "、") + "等居民"
		}
		purpose = "为" + who + "提供" + strings.Join(r.Types, "、") + "服务，丰富社区居民生活，促进邻里互助和社区和谐"
		scope = "在" + r.Community + "范围内组织开展" + strings.Join(r.Types, "、") + "活动和服务"
	}
	party := blankFor("党建指导", "接受哪个党组织或党建指导员的指导")
	if r.PartyOrg != "" {
		party = r.PartyOrg
	}
	text := map[string]string{
		"general": "第一条　本会名称：" + r.Name + "。\n" +
			"第二条　本会是" + place + "居民自愿组成、在本社区范围内开展活动的非营利性社区社会组织。\n" +
			"第三条　本会的宗旨：" + purpose + "。本会遵守宪法、法律、法规和国家政策，践行社会主义核心价值观。\n" +
			"第四条　本会坚持中国共产党的领导，接受" + party + "的党建工作指导，在" + r.Street + "和" + r.Community + "居民委员会的指导下开展工作。\n" +
			"第五条　本会活动地点：" + where + "。",
		"business": "第六条　本会的业务范围：" + scope + "。\n" +
			"第七条　本会的活动不以营利为目的；重大活动事先向社区居民委员会报告。",
		"members": "第八条　居住或工作在本社区、认同本章程并自愿参加的居民，经本人申请、本会同意，成为本会成员。\n" +
			"第九条　成员享有下列权利：参加本会的活动；选举权和被选举权；对本会工作提出意见和监督；自愿退出本会。\n" +
			"第十条　成员履行下列义务：遵守本章程，执行本会的决议；维护本会的合法权益和声誉；参加本会组织的活动。",
		"organs": "第十一条　本会的最高权力机构是成员大会，负责制定和修改章程，选举和罢免负责人，审议工作报告和财务情况，决定重大事项。\n" +
			"第十二条　负责人产生程序和任期：" + blankFor("负责人产生程序和任期", "例如由成员大会选举产生，每届任期几年，可否连选连任") + "。\n" +
			"第十三条　议事规则：" + blankFor("议事规则", "例如成员大会须有多少成员出席方能召开，决议须经到会成员多少同意") + "。",
		"assets": "第十四条　本会经费来源于成员自愿捐赠、政府购买服务、公益资助和其他合法收入。\n" +
			"第十五条　资金管理和使用：" + blankFor("资金管理和使用", "例如经费由谁代管，如何审批支出，是否专款专用") + "。\n" +
			"第十六条　信息公开：" + blankFor("信息公开", "例如多久向成员和社区居民委员会公开一次活动和收支情况") + "。",
		"amendment": "第十七条　本章程的修改，由负责人或五分之一以上成员提议，经成员大会到会成员三分之二以上表决通过，报社区居民委员会备案。",
		"termination": "第十八条　本会完成宗旨、自行解散或者因其他原因需要终止的，由成员大会表决通过。\n" +
			"第十九条　本会终止前，在社区居民委员会指导下清理债权债务；终止后的剩余财产，在社区居民委员会监督下用于与本会宗旨相关的社区公益事业，不在成员中分配。",
		"supplementary": "第二十条　本章程经成员大会表决通过之日起生效。\n" +
			"第二十一条　本章程的解释权属于本会成员大会。",
	}
	out := make([]Chapter, 0, len(ChapterKeys))
	for _, k := range ChapterKeys {
		out = append(out, Chapter{Key: k, Title: ChapterTitles[k], Text: text[k]})
	}
	return out
}

var chapterKey = regexp.MustCompile(`^[a-z][a-z0-9_]{0,31}$`)

// CheckChapters validates a charter's chapters.
func CheckChapters(chs []Chapter) error {
	f := errs.Fields{}
	if len(chs) == 0 || len(chs) > 30 {
		f.Add("chapters", "gov.err.chapters")
	}
	seen := map[string]bool{}
	for i, c := range chs {
		p := "chapters[" + strconv.Itoa(i) + "]"
		if !chapterKey.MatchString(c.Key) || seen[c.Key] {
			f.Add(p+".key", "gov.err.chapter_key")
		}
		seen[c.Key] = true
		if strings.TrimSpace(c.Title) == "" || utf8.RuneCountInString(c.Title) > 50 {
			f.Add(p+".title", "err.required")
		}
		f.Length(p+".text", c.Text, 0, 20000)
	}
	return f.Err()
}

// Day is a China calendar day.
func Day(t time.Time) string { return clock.Day(t) }

// checkDay refuses a malformed day or one after today.
func checkDay(f errs.Fields, field, d, today string) {
	effective.Day(f, field, d, today, "gov.err.bad_date", "gov.err.future")
}

// checkMeeting checks what every meeting that votes records: its day (in
// dayField), not after today, and those present, at least one and no more
// than the members the registry records (0: unknown).
func checkMeeting(f errs.Fields, dayField, day string, present, members int, today string) {
	checkDay(f, dayField, day, today)
	if present < 1 {
		f.Add("present", "gov.err.present")
	} else if members > 0 && present > members {
		f.Add("present", "gov.err.present_over_members", members)
	}
}

// Vote is the outcome of a meeting's vote.
type Vote struct {
	MeetingOn string `json:"meeting_on"`
	Present   int    `json:"present"`
	For       int    `json:"for"`
	Against   int    `json:"against"`
	Abstain   int    `json:"abstain"`
}

// CheckVote validates a meeting's figures: members counts what the
// registry records (0: unknown).
func CheckVote(v Vote, members int, today string) errs.Fields {
	f := errs.Fields{}
	checkMeeting(f, "meeting_on", v.MeetingOn, v.Present, members, today)
	if v.For < 0 || v.Against < 0 || v.Abstain < 0 {
		f.Add("for", "err.bad_number")
	} else if v.For+v.Against+v.Abstain > v.Present {
		f.Add("for", "gov.err.votes_exceed", v.For+v.Against+v.Abstain, v.Present)
	}
	return f
}

// TwoThirds reports whether votes for reach two thirds of those present:
// what adopting or amending a charter and a major decision need.
func TwoThirds(forVotes, present int) bool { return present > 0 && forVotes*3 >= present*2 }

// CheckAdoption decides an adoption: the vote's figures, two thirds for,
// and no mandatory clause missing (the missing keys are returned).
func CheckAdoption(v Vote, members int, today string, chs []Chapter) (missing []string, err error) {
	f := CheckVote(v, members, today)
	if len(f) == 0 && !TwoThirds(v.For, v.Present) {
		f.Add("for", "gov.err.two_thirds")
	}
	missing = MissingClauses(chs)
	if len(missing) > 0 {
		f.Add("missing", "gov.err.missing", strings.Join(missing, ", "))
	}
	return missing, f.Err()
}

// Posts are the offices an election fills.
var Posts = []string{"leader", "deputy", "director", "supervisor"}

// Candidate is one person standing in an election.
type Candidate struct {
	Name    string `json:"name"`
	Post    string `json:"post"`
	Votes   int    `json:"votes"`
	Elected bool   `json:"elected"`
}

// ElectionInput is an election as recorded.
type ElectionInput struct {
	HeldOn     string      `json:"held_on"`
	Present    int         `json:"present"`
	TermYears  int         `json:"term_years"`
	Note       string      `json:"note"`
	Candidates []Candidate `json:"candidates"`
}

// CheckElection validates an election: each elected candidate had more
// than half the votes of those present, and exactly one leader is elected.
func CheckElection(in ElectionInput, members int, today string) error {
	f := errs.Fields{}
	checkMeeting(f, "held_on", in.HeldOn, in.Present, members, today)
	if in.TermYears < 1 || in.TermYears > 5 {
		f.Add("term_years", "gov.err.term_years")
	}
	f.Length("note", in.Note, 0, 2000)
	if len(in.Candidates) == 0 || len(in.Candidates) > 50 {
		f.Add("candidates", "gov.err.candidates")
	}
	leaders := 0
	for i, c := range in.Candidates {
		p := "candidates[" + strconv.Itoa(i) + "]"
		if n := utf8.RuneCountInString(strings.TrimSpace(c.Name)); n == 0 || n > 50 {
			f.Add(p+".name", "err.required")
		}
		f.OneOf(p+".post", c.Post, Posts, "err.unknown_value")
		if c.Votes < 0 || c.Votes > in.Present {
			f.Add(p+".votes", "gov.err.votes_exceed", c.Votes, in.Present)
		} else if c.Elected && c.Votes*2 <= in.Present {
			f.Add(p+".elected", "gov.err.majority")
		}
		if c.Elected && c.Post == "leader" {
			leaders++
		}
	}
	if len(in.Candidates) > 0 && leaders != 1 {
		f.Add("candidates", "gov.err.one_leader")
	}
	return f.Err()
}

// TermEnd is the last day of a term of years begun on day.
func TermEnd(day string, years int) string {
	t, err := time.Parse("2006-01-02", day)
	if err != nil {
		return ""
	}
	return t.AddDate(years, 0, -1).Format("2006-01-02")
}

// Majorities of a major decision.
var Majorities = []string{"two_thirds", "simple"}

// DecisionKinds are the kinds of major decision (重大事项).
var DecisionKinds = []string{"activity", "finance", "personnel", "cooperation", "other"}

// DecisionInput is a major decision taken at a meeting.
type DecisionInput struct {
	MeetingOn string `json:"meeting_on"`
	Title     string `json:"title"`
	Kind      string `json:"kind"`
	Detail    string `json:"detail"`
	Members   int    `json:"members"`
	Quorum    int    `json:"quorum"`
	Present   int    `json:"present"`
	For       int    `json:"for"`
	Against   int    `json:"against"`
	Abstain   int    `json:"abstain"`
	Majority  string `json:"majority"`
}

// CheckDecision validates a decision's meeting and tells whether it passed:
// the quorum lies within the members, those present reach it, the votes
// do not exceed those present.
func CheckDecision(in *DecisionInput, today string) (passed bool, err error) {
	f := errs.Fields{}
	checkDay(f, "meeting_on", in.MeetingOn, today)
	if n := utf8.RuneCountInString(strings.TrimSpace(in.Title)); n == 0 || n > 200 {
		f.Add("title", "err.required")
	}
	f.OneOf("kind", in.Kind, DecisionKinds, "err.unknown_value")
	f.Length("detail", in.Detail, 0, 5000)
	if in.Majority == "" {
		in.Majority = "two_thirds"
	}
	f.OneOf("majority", in.Majority, Majorities, "err.unknown_value")
	switch {
	case in.Members < 1:
		f.Add("members", "gov.err.present")
	case in.Quorum < 1 || in.Quorum > in.Members:
		f.Add("quorum", "gov.err.quorum_range", in.Members)
	case in.Present > in.Members:
		f.Add("present", "gov.err.present_over_members", in.Members)
	case in.Present < in.Quorum:
		f.Add("present", "gov.err.no_quorum", in.Quorum)
	}
	if in.For < 0 || in.Against < 0 || in.Abstain < 0 {
		f.Add("for", "err.bad_number")
	} else if in.For+in.Against+in.Abstain > in.Present {
		f.Add("for", "gov.err.votes_exceed", in.For+in.Against+in.Abstain, in.Present)
	}
	if err := f.Err(); err != nil {
		return false, err
	}
	if in.Majority == "simple" {
		return in.For*2 > in.Present, nil
	}
	return TwoThirds(in.For, in.Present), nil
}

// Reporting cycles a community committee sets.
const (
	Quarterly  = "quarterly"
	HalfYearly = "half_yearly"
	Yearly     = "yearly"
)

// Cycles lists them.
var Cycles = []string{Quarterly, HalfYearly, Yearly}

// DueDays is how long after its period a work report is due.
const DueDays = 15

// Period is a reporting period.
type Period struct {
	Key   string `json:"period"`
	Start string `json:"period_start"`
	End   string `json:"period_end"`
	DueOn string `json:"due_on"`
}

var periodKey = regexp.MustCompile(`^(\d{4})(?:-(Q[1-4]|H[12]))?$`)

// ParsePeriod reads "2023", "2023-H1" or "2023-Q3".
func ParsePeriod(key string) (Period, bool) {
	m := periodKey.FindStringSubmatch(key)
	if m == nil {
		return Period{}, false
	}
	y, _ := strconv.Atoi(m[1])
	if y < 2000 || y > 2100 {
		return Period{}, false
	}
	from, months := 1, 12
	switch {
	case strings.HasPrefix(m[2], "Q"):
		q := int(m[2][1] - '0')
		from, months = 3*(q-1)+1, 3
	case strings.HasPrefix(m[2], "H"):
		h := int(m[2][1] - '0')
		from, months = 6*(h-1)+1, 6
	}
	s := time.Date(y, time.Month(from), 1, 0, 0, 0, 0, time.UTC)
	e := s.AddDate(0, months, -1)
	return Period{Key: key, Start: s.Format("2006-01-02"), End: e.Format("2006-01-02"),
		DueOn: e.AddDate(0, 0, DueDays).Format("2006-01-02")}, true
}

// CycleOf tells the cycle a period key belongs to.
func CycleOf(key string) string {
	switch {
	case strings.Contains(key, "-Q"):
		return Quarterly
	case strings.Contains(key, "-H"):
		return HalfYearly
	}
	return Yearly
}

// PeriodsOfYear lists a cycle's periods in a year.
func PeriodsOfYear(cycle string, year int) []Period {
	var keys []string
	switch cycle {
	case Quarterly:
		for q := 1; q <= 4; q++ {
			keys = append(keys, fmt.Sprintf("%d-Q%d", year, q))
		}
	case HalfYearly:
		keys = []string{fmt.Sprintf("%d-H1", year), fmt.Sprintf("%d-H2", year)}
	default:
		keys = []string{strconv.Itoa(year)}
	}
	out := make([]Period, 0, len(keys))
	for _, k := range keys {
		p, _ := ParsePeriod(k)
		out = append(out, p)
	}
	return out
}

// DuePeriods lists the periods of a year an organization owes a report
// for under a cycle in force from effectiveOn: those that ended by today
// and ended on or after the cycle took effect.
func DuePeriods(cycle, effectiveOn string, year int, today string) []Period {
	var out []Period
	for _, p := range PeriodsOfYear(cycle, year) {
		if p.End < today && p.End >= effectiveOn {
			out = append(out, p)
		}
	}
	return out
}

// ReportInput is a work report as an organization submits it.
type ReportInput struct {
	OrgID  int64  `json:"org_id"`
	Period string `json:"period"`
	Body   string `json:"body"`
}

// CheckReport validates a submission against the cycle in force.
func CheckReport(in ReportInput, cycle, today string) (Period, error) {
	f := errs.Fields{}
	p, ok := ParsePeriod(in.Period)
	switch {
	case !ok:
		f.Add("period", "gov.err.period")
	case cycle == "":
		f.Add("period", "gov.err.no_cycle")
	case CycleOf(in.Period) != cycle:
		f.Add("period", "gov.err.period_cycle", cycle)
	case p.End >= today:
		f.Add("period", "gov.err.period_open")
	}
	if n := utf8.RuneCountInString(strings.TrimSpace(in.Body)); n == 0 || n > 10000 {
		f.Add("body", "err.required")
	}
	return p, f.Err()
}

// Report statuses.
const (
	ReportSubmitted = "submitted"
	ReportReturned  = "returned"
	ReportReceived  = "received"
)

// Review decisions of the committee.
var ReviewDecisions = []string{"receive", "return"}

// CheckReview validates a review: a return must say what more is needed.
func CheckReview(status, decision, comment string) error {
	f := errs.Fields{}
	f.OneOf("decision", decision, ReviewDecisions, "err.unknown_value")
	if decision == "return" && strings.TrimSpace(comment) == "" {
		f.Add("comment", "gov.err.comment")
	}
	f.Length("comment", comment, 0, 2000)
	if len(f) == 0 && status != ReportSubmitted {
		f.Add("decision", "gov.err.not_submitted")
	}
	return f.Err()
}

// Paras splits a chapter's text into its paragraphs, for pages.
func (c Chapter) Paras() []string {
	var out []string
	for _, p := range strings.Split(c.Text, "\n") {
		if strings.TrimSpace(p) != "" {
			out = append(out, p)
		}
	}
	return out
}

// FillBlanks replaces the model text's blanks with what text says for each
// clause label ("" leaves the blank).
func FillBlanks(chs []Chapter, text func(label string) string) []Chapter {
	out := make([]Chapter, len(chs))
	copy(out, chs)
	for i := range out {
		s := out[i].Text
		for from := 0; ; {
			j := strings.Index(s[from:], blank)
			if j < 0 {
				break
			}
			j += from
			k := strings.Index(s[j:], "〕")
			if k < 0 {
				break
			}
			k += j + len("〕")
			label, _, _ := strings.Cut(s[j+len(blank):k], "，")
			t := text(label)
			if t == "" {
				from = k
				continue
			}
			s = s[:j] + t + s[k:]
			from = j + len(t)
		}
		out[i].Text = s
	}
	return out
}
