package governance_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"testing"
	"unicode/utf16"

	"rsc.io/pdf"

	"linli/internal/activity"
	"linli/internal/app/apptest"
	"linli/internal/governance"
	"linli/internal/platform/auth"
	"linli/internal/platform/auth/authtest"
	"linli/internal/registry"
)

const (
	tianhe      = "440106"
	wushan      = "440106001"
	wushanComm  = "440106001001"
	yuancunComm = "440106002008"
)

type fixture struct {
	a       *apptest.App
	street  *auth.User
	org     *registry.Org
	leader  *auth.User
	svc     *governance.Service
	charter string
}

func newFixture(t *testing.T) *fixture {
	a := apptest.New(t)
	f := &fixture{a: a, street: a.CreateUser("wushan-officer", auth.StreetOfficer, wushan, 0)}
	in := apptest.ActiveInput("五山夕阳红舞蹈队", wushanComm)
	in.Address, in.Members = "五山路 123 号", 30
	in.PartyInstructor = "李建国"
	f.org = a.CreateOrg(f.street, in)
	f.leader = a.CreateUser("wushan-leader", auth.OrgLeader, wushanComm, f.org.ID)
	f.svc = &governance.Service{DB: a.DB, Orgs: a.Registry, Geo: a.Geo, Now: a.Clock.Now}
	f.charter = "/api/v1/orgs/" + strconv.FormatInt(f.org.ID, 10) + "/charter"
	return f
}

func getCharter(t *testing.T, c *apptest.Client, path string) governance.Charter {
	t.Helper()
	var ch governance.Charter
	c.Do("GET", path, nil).Expect(http.StatusOK).Decode(&ch)
	return ch
}

// fill replaces every blank the model text leaves with an organization's
// own words, except for the clauses named.
func fill(chs []governance.Chapter, except ...string) []governance.Chapter {
	words := map[string]string{
		"负责人产生程序和任期": "负责人和理事由成员大会差额选举产生，每届任期三年，可连选连任",
		"议事规则":       "成员大会须有三分之二以上成员出席方能召开，决议须经到会成员过半数同意",
		"资金管理和使用":    "经费由五山街社区社会组织服务中心代管，支出经负责人审批，专款专用",
		"信息公开":       "每半年向成员和社区居民委员会公开一次活动和收支情况",
	}
	labels := map[string]string{"officer_term": "负责人产生程序和任期", "meeting_rules": "议事规则", "finance": "资金管理和使用", "disclosure": "信息公开"}
	skip := map[string]bool{}
	for _, k := range except {
		skip[labels[k]] = true
	}
	out := slices.Clone(chs)
	for i := range out {
		for label, text := range words {
			if skip[label] {
				continue
			}
			start := strings.Index(out[i].Text, "〔待填写："+label)
			if start < 0 {
				continue
			}
			end := strings.Index(out[i].Text[start:], "〕") + start + len("〕")
			out[i].Text = out[i].Text[:start] + text + out[i].Text[end:]
		}
	}
	return out
}

func vote(on string, present, yes, no, abstain int) map[string]any {
	return map[string]any{"meeting_on": on, "present": present, "for": yes, "against": no, "abstain": abstain}
}

// A charter built from an organization's record fails the check until the
// missing clauses are filled, is adopted, and a later amendment keeps the
// first version; votes above those present are refused with nothing written.
func TestCharterScenario(t *testing.T) {
	f := newFixture(t)
	c := f.a.As(f.leader)
	names, err := f.a.Geo.Names(context.Background(), []string{wushanComm, wushan})
	if err != nil {
		t.Fatal(err)
	}

	// the model text, filled from the record
	m := getCharter(t, c, f.charter)
	if m.Status != governance.CharterModel || m.Version != 0 || len(m.Versions) != 0 {
		t.Fatalf("model: %+v", m)
	}
	keys := []string{}
	for _, ch := range m.Chapters {
		keys = append(keys, ch.Key)
	}
	if !slices.Equal(keys, governance.ChapterKeys) || m.Chapters[0].Title != "总则" || m.Chapters[7].Title != "附则" {
		t.Errorf("chapters %v", keys)
	}
	general := m.Chapters[0].Text
	for _, want := range []string{"五山夕阳红舞蹈队", names[wushanComm], names[wushan], "五山路 123 号", "文体娱乐性", "老年人", "党建指导员李建国"} {
		if !strings.Contains(general+m.Chapters[1].Text, want) {
			t.Errorf("model text lacks %q:\n%s", want, general)
		}
	}
	wantMissing := []string{"officer_term", "meeting_rules", "finance", "disclosure"}
	if m.Complete || !slices.Equal(m.Missing, wantMissing) {
		t.Errorf("model check: complete %v missing %v", m.Complete, m.Missing)
	}
	var chk governance.Check
	c.Do("GET", f.charter+"/check", nil).Decode(&chk)
	if chk.Complete || !slices.Equal(chk.Missing, wantMissing) {
		t.Errorf("check %+v", chk)
	}

	// adopting now: 422 with the missing clauses, nothing written
	audits := f.a.Count("audit_log")
	r := c.Do("POST", f.charter+"/adopt", vote("2023-05-20", 25, 24, 1, 0))
	var refused struct {
		Missing []string          `json:"missing"`
		Error   apptest.APIError  `json:"error"`
		Fields  map[string]string `json:"fields"`
	}
	r.Decode(&refused)
	if r.Status != http.StatusUnprocessableEntity || !slices.Equal(refused.Missing, wantMissing) || refused.Error.Fields["missing"] == "" {
		t.Fatalf("adopt with clauses missing: %d %s", r.Status, r.Body)
	}
	if f.a.Count("charters") != 0 || f.a.Count("audit_log") != audits {
		t.Fatal("a refused adoption wrote something")
	}

	// filled but for disclosure: still missing that one
	var saved governance.Charter
	c.Do("PUT", f.charter, map[string]any{"chapters": fill(m.Chapters, "disclosure")}).Expect(http.StatusOK).Decode(&saved)
	if saved.Version != 1 || saved.Status != governance.CharterDraft || !slices.Equal(saved.Missing, []string{"disclosure"}) {
		t.Errorf("draft: v%d %s %v", saved.Version, saved.Status, saved.Missing)
	}
	// a clause deleted outright is missing too
	noRights := fill(m.Chapters)
	noRights[2].Text = "第八条　本社区居民自愿参加。"
	c.Do("PUT", f.charter, map[string]any{"chapters": noRights})
	c.Do("GET", f.charter+"/check", nil).Decode(&chk)
	if !slices.Equal(chk.Missing, []string{"member_rights"}) {
		t.Errorf("rights deleted: %v", chk.Missing)
	}
	first := fill(m.Chapters)
	c.Do("PUT", f.charter, map[string]any{"chapters": first})
	c.Do("GET", f.charter+"/check", nil).Decode(&chk)
	if !chk.Complete || len(chk.Missing) != 0 {
		t.Fatalf("filled: %+v", chk)
	}

	// votes above those present: refused, nothing written
	before := f.a.Count("audit_log")
	for _, v := range []map[string]any{vote("2023-05-20", 20, 18, 2, 1), vote("2023-05-20", 31, 30, 0, 0),
		vote("2099-01-01", 20, 20, 0, 0), vote("2023-05-20", 20, 10, 5, 5)} {
		r = c.Do("POST", f.charter+"/adopt", v)
		if r.Status != http.StatusUnprocessableEntity {
			t.Errorf("adopt %v: %d %s", v, r.Status, r.Body)
		}
	}
	if !strings.Contains(c.Do("POST", f.charter+"/adopt", vote("2023-05-20", 20, 18, 2, 1)).String(), `"for"`) {
		t.Error("votes > present: no error on for")
	}
	if ch := getCharter(t, c, f.charter); ch.Status != governance.CharterDraft || ch.AdoptedVersion != 0 || f.a.Count("audit_log") != before {
		t.Fatalf("refused adoptions changed the charter: %s, audit %d → %d", ch.Status, before, f.a.Count("audit_log"))
	}

	// adopted
	var adopted governance.Charter
	c.Do("POST", f.charter+"/adopt", vote("2023-05-20", 25, 22, 2, 1)).Expect(http.StatusOK).Decode(&adopted)
	if adopted.Status != governance.CharterAdopted || adopted.Version != 1 || adopted.AdoptedVersion != 1 || adopted.Present != 25 ||
		adopted.For != 22 || adopted.MeetingOn != "2023-05-20" {
		t.Errorf("adopted %+v", adopted)
	}
	// adopting again without a new draft is a conflict
	if r := c.Do("POST", f.charter+"/adopt", vote("2023-05-21", 25, 22, 2, 1)); r.Status != http.StatusConflict {
		t.Errorf("second adoption: %d", r.Status)
	}

	// an amendment makes version 2; version 1 stays readable as it was
	amended := slices.Clone(first)
	amended[1].Text += "\n第七条之一　本会可以组织成员参加街道举办的文体比赛。"
	r = c.Do("PUT", f.charter, map[string]any{"chapters": amended})
	r.Decode(&saved)
	if saved.Version != 2 || saved.Status != governance.CharterDraft || saved.AdoptedVersion != 1 {
		t.Fatalf("amendment: v%d %s in force %d", saved.Version, saved.Status, saved.AdoptedVersion)
	}
	if r := c.Do("POST", f.charter+"/adopt", vote("2023-06-14", 28, 27, 0, 1)); r.Status != http.StatusOK {
		t.Fatalf("adopt amendment: %d %s", r.Status, r.Body)
	}
	v1 := getCharter(t, c, f.charter+"?version=1")
	if v1.Status != governance.CharterSuperseded || v1.MeetingOn != "2023-05-20" || v1.Chapters[1].Text != first[1].Text {
		t.Errorf("version 1: %s %s %q", v1.Status, v1.MeetingOn, v1.Chapters[1].Text)
	}
	cur := getCharter(t, c, f.charter)
	if cur.Version != 2 || cur.Status != governance.CharterAdopted || len(cur.Versions) != 2 || !strings.Contains(cur.Chapters[1].Text, "第七条之一") {
		t.Errorf("current: v%d %s versions %d", cur.Version, cur.Status, len(cur.Versions))
	}
	if n := f.a.Count("charters"); n != 2 {
		t.Errorf("%d charter rows, want 2", n)
	}

	// the helpers for the other rooms
	ctx := context.Background()
	other := f.a.CreateOrg(f.street, apptest.OrgInput("五山书画社", wushanComm))
	ad, err := f.svc.CharterAdopted(ctx, []int64{f.org.ID, other.ID}, "2023-05-19")
	if err != nil || ad[f.org.ID] || ad[other.ID] {
		t.Errorf("adopted by 2023-05-19: %v %v", ad, err)
	}
	ad, _ = f.svc.CharterAdopted(ctx, []int64{f.org.ID, other.ID}, "2023-05-20")
	if !ad[f.org.ID] || ad[other.ID] || len(ad) != 2 {
		t.Errorf("adopted by 2023-05-20: %v", ad)
	}
	pc, err := f.svc.PublicCharter(ctx, f.org.ID)
	if err != nil || pc.Version != 2 || pc.Versions != nil {
		t.Errorf("public charter: %+v %v", pc, err)
	}
	if _, err := f.svc.PublicCharter(ctx, other.ID); err == nil {
		t.Error("public charter of an organization without one")
	}

	// printable page and PDF, with the Chinese text
	page := c.Do("GET", "/orgs/"+strconv.FormatInt(f.org.ID, 10)+"/charter?version=1", nil)
	if page.Status != 200 || !strings.Contains(page.String(), "第七条　本会的活动不以营利为目的") || strings.Contains(page.String(), "第七条之一") {
		t.Errorf("printable version 1: %d", page.Status)
	}
	r = c.Do("GET", "/api/v1/orgs/"+strconv.FormatInt(f.org.ID, 10)+"/charter.pdf", nil)
	if r.Status != 200 || r.Header.Get("Content-Type") != "application/pdf" {
		t.Fatalf("pdf: %d %s", r.Status, r.Header.Get("Content-Type"))
	}
	text := pdfText(t, r.Body)
	for _, want := range []string{"五山夕阳红舞蹈队章程", "第一章", "总则", "宗旨", "第七条之一", "2023-06-14", "每半年向成员和社区居民委员会公开"} {
		if !strings.Contains(text, want) {
			t.Errorf("the PDF lacks %q", want)
		}
	}
}

// pdfText reads a PDF's text, page by page, from its content streams.
// fpdf's UTF-8 fonts are Identity-H with the character codes as CIDs, so
// each string shown (Tj) is the UTF-16BE of its text; the font must be
// embedded.
func pdfText(t *testing.T, b []byte) string {
	t.Helper()
	rd, err := pdf.NewReader(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		t.Fatalf("pdf parse: %v", err)
	}
	var sb strings.Builder
	for i := 1; i <= rd.NumPage(); i++ {
		p := rd.Page(i)
		fonts := p.Resources().Key("Font")
		for _, k := range fonts.Keys() {
			if fonts.Key(k).Key("DescendantFonts").Index(0).Key("FontDescriptor").Key("FontFile2").Kind() != pdf.Stream {
				t.Errorf("page %d: font %s not embedded", i, k)
			}
		}
		c := p.V.Key("Contents")
		streams := []pdf.Value{c}
		if c.Kind() == pdf.Array {
			streams = nil
			for j := 0; j < c.Len(); j++ {
				streams = append(streams, c.Index(j))
			}
		}
		for _, st := range streams {
			data, err := io.ReadAll(st.Reader())
			if err != nil {
				t.Fatalf("page %d content: %v", i, err)
			}
			for _, raw := range shownStrings(data) {
				u := make([]uint16, len(raw)/2)
				for k := range u {
					u[k] = uint16(raw[2*k])<<8 | uint16(raw[2*k+1])
				}
				sb.WriteString(string(utf16.Decode(u)))
			}
		}
	}
	return sb.String()
}

// shownStrings returns the literal strings of a content stream's Tj
// operators, their escapes undone.
func shownStrings(data []byte) [][]byte {
	var out [][]byte
	for i := 0; i < len(data); i++ {
		if data[i] != '(' {
			continue
		}
		var s []byte
		depth := 1
		j := i + 1
		for ; j < len(data) && depth > 0; j++ {
			ch := data[j]
			switch {
			case ch == '\\' && j+1 < len(data):
				j++
				switch e := data[j]; e {
				case 'n':
					s = append(s, '\n')
				case 'r':
					s = append(s, '\r')
				case 't':
					s = append(s, '\t')
				case 'b':
					s = append(s, '\b')
				case 'f':
					s = append(s, '\f')
				default:
					if e >= '0' && e <= '7' {
						v, k := 0, 0
						for ; k < 3 && j+k < len(data) && data[j+k] >= '0' && data[j+k] <= '7'; k++ {
							v = v*8 + int(data[j+k]-'0')
						}
						s = append(s, byte(v))
						j += k - 1
					} else {
						s = append(s, e)
					}
				}
				continue
			case ch == '(':
				depth++
			case ch == ')':
				depth--
				if depth == 0 {
					continue
				}
			}
			s = append(s, ch)
		}
		if bytes.HasPrefix(bytes.TrimLeft(data[j:], " "), []byte("Tj")) {
			out = append(out, s)
		}
		i = j - 1
	}
	return out
}

// Elections and terms: a term that ended without a later election is
// overdue; a decision needs its quorum and votes within those present.
func TestElectionsAndDecisions(t *testing.T) {
	f := newFixture(t)
	c := f.a.As(f.leader)
	base := "/api/v1/orgs/" + strconv.FormatInt(f.org.ID, 10)
	el := map[string]any{"held_on": "2020-03-01", "present": 20, "term_years": 3, "candidates": []map[string]any{
		{"name": "陈大文", "post": "leader", "votes": 18, "elected": true},
		{"name": "黄小明", "post": "director", "votes": 15, "elected": true},
		{"name": "林一", "post": "director", "votes": 5}}}
	r := c.Do("POST", base+"/elections", el)
	if r.Status != http.StatusCreated {
		t.Fatalf("election: %d %s", r.Status, r.Body)
	}
	var b governance.Board
	r.Decode(&b)
	if !b.Overdue || b.TermEndsOn != "2023-02-28" || len(b.Officers) != 2 || b.Officers[0].Name != "陈大文" {
		t.Errorf("board %+v", b)
	}
	var ov struct{ Items []governance.OverdueTerm }
	f.a.As(f.street).Do("GET", "/api/v1/overdue-terms", nil).Decode(&ov)
	if len(ov.Items) != 1 || ov.Items[0].OrgID != f.org.ID {
		t.Errorf("overdue list %+v", ov.Items)
	}
	page := c.Do("GET", "/orgs/"+strconv.FormatInt(f.org.ID, 10)+"/governance", nil)
	if !strings.Contains(page.String(), `id="term-overdue"`) {
		t.Error("the governance page does not show the overdue term")
	}
	// bad elections: votes above present, elected without a majority, two leaders
	audits := f.a.Count("audit_log")
	for _, bad := range []map[string]any{
		{"held_on": "2023-03-01", "present": 10, "term_years": 3, "candidates": []map[string]any{{"name": "甲", "post": "leader", "votes": 11, "elected": true}}},
		{"held_on": "2023-03-01", "present": 10, "term_years": 3, "candidates": []map[string]any{{"name": "甲", "post": "leader", "votes": 5, "elected": true}}},
		{"held_on": "2023-03-01", "present": 10, "term_years": 3, "candidates": []map[string]any{{"name": "甲", "post": "leader", "votes": 8, "elected": true},
			{"name": "乙", "post": "leader", "votes": 7, "elected": true}}},
	} {
		if r := c.Do("POST", base+"/elections", bad); r.Status != http.StatusUnprocessableEntity {
			t.Errorf("bad election: %d %s", r.Status, r.Body)
		}
	}
	if f.a.Count("elections") != 1 || f.a.Count("audit_log") != audits {
		t.Error("a refused election wrote something")
	}
	el["held_on"] = "2023-03-05"
	c.Do("POST", base+"/elections", el).Decode(&b)
	if b.Overdue || b.TermEndsOn != "2026-03-04" || len(b.Elections) != 2 {
		t.Errorf("after the new election: %+v", b)
	}
	f.a.As(f.street).Do("GET", "/api/v1/overdue-terms", nil).Decode(&ov)
	if len(ov.Items) != 0 {
		t.Errorf("still overdue: %+v", ov.Items)
	}

	dec := map[string]any{"meeting_on": "2023-04-01", "title": "购置音响设备", "kind": "finance", "members": 30, "quorum": 16,
		"present": 20, "for": 14, "against": 4, "abstain": 2}
	r = c.Do("POST", base+"/decisions", dec)
	var d governance.Decision
	r.Decode(&d)
	if r.Status != http.StatusCreated || !d.Passed {
		t.Errorf("decision: %d %s", r.Status, r.Body)
	}
	for k, v := range map[string]int{"present": 15, "quorum": 31, "for": 15} {
		bad := map[string]any{}
		for kk, vv := range dec {
			bad[kk] = vv
		}
		bad[k] = v
		if r := c.Do("POST", base+"/decisions", bad); r.Status != http.StatusUnprocessableEntity || !strings.Contains(r.String(), `"`+k+`"`) {
			t.Errorf("decision with %s=%d: %d %s", k, v, r.Status, r.Body)
		}
	}
	dec["for"], dec["against"] = 13, 5
	c.Do("POST", base+"/decisions", dec).Decode(&d)
	if d.Passed {
		t.Error("13 of 20 is not two thirds")
	}
	var dl struct{ Items []governance.Decision }
	c.Do("GET", base+"/decisions", nil).Decode(&dl)
	if len(dl.Items) != 2 || f.a.Count("decisions") != 2 {
		t.Errorf("decisions %d", len(dl.Items))
	}
	off, _ := f.svc.Officers(context.Background(), f.org.ID)
	if len(off) != 2 || off[0].Post != "leader" {
		t.Errorf("officers %+v", off)
	}
}

// Work reports: the committee sets a quarterly cycle; the report's figures
// equal an independent count of the organization's activities in the
// quarter; the committee returns it, the leader resubmits, the committee
// receives it; an unsubmitted quarter is overdue; late ones are marked.
func TestWorkReports(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	committee := f.a.CreateUser("wushan-committee", auth.CommunityCommittee, wushanComm, 0)
	cc := f.a.As(committee)
	lc := f.a.As(f.leader)
	if r := lc.Do("POST", "/api/v1/work-reports", map[string]any{"org_id": f.org.ID, "period": "2023-Q1", "body": "一季度工作"}); r.Status != 422 ||
		!strings.Contains(r.String(), "period") {
		t.Errorf("report without a cycle: %d %s", r.Status, r.Body)
	}
	if r := cc.Do("POST", "/api/v1/report-cycles", map[string]any{"community_code": wushanComm, "cycle": "quarterly", "effective_on": "2023-01-01"}); r.Status != 200 {
		t.Fatalf("cycle: %d %s", r.Status, r.Body)
	}
	if r := cc.Do("POST", "/api/v1/report-cycles", map[string]any{"community_code": yuancunComm, "cycle": "yearly"}); r.Status != 422 {
		t.Errorf("another community's cycle: %d", r.Status)
	}

	// activities: three in Q1 (one refused would not count), one in Q2, one of another org
	other := f.a.CreateOrg(f.street, func() registry.Input {
		in := apptest.ActiveInput("五山书画社", wushanComm)
		return in
	}())
	type act struct {
		org          *registry.Org
		day          string
		participants int
		benef        int
	}
	acts := []act{{f.org, "2023-01-08", 30, 20}, {f.org, "2023-02-14", 45, 40}, {f.org, "2023-03-31", 12, 12},
		{f.org, "2023-04-02", 50, 50}, {other, "2023-02-01", 99, 99}}
	for i, a := range acts {
		_, err := f.a.Activity.Create(ctx, f.street, activity.Input{OrgIDs: []int64{a.org.ID}, Title: fmt.Sprintf("活动%d", i),
			Theme: "culture", Kind: "performance", Fields: activity.ThemeFields["culture"][:1],
			StartsAt: a.day + "T09:00:00+08:00", EndsAt: a.day + "T11:00:00+08:00", CommunityCode: wushanComm,
			TargetGroups: []string{"elderly"}, Participants: a.participants,
			Beneficiaries: activity.Beneficiaries{Total: a.benef, ByGroup: map[string]int{"elderly": a.benef}}})
		if err != nil {
			t.Fatalf("activity %d: %v", i, err)
		}
	}
	want := governance.Figures{}
	for _, a := range acts {
		if a.org.ID == f.org.ID && a.day >= "2023-01-01" && a.day <= "2023-03-31" {
			want.Activities++
			want.Participants += a.participants
			want.Beneficiaries += a.benef
		}
	}
	var sqlCount int
	f.a.DB.Read.QueryRow(`SELECT COUNT(*) FROM activities WHERE org_id = $1 AND starts_on BETWEEN '2023-01-01' AND '2023-03-31'`, f.org.ID).Scan(&sqlCount)
	if want.Activities != 3 || sqlCount != 3 {
		t.Fatalf("fixture: %d activities, SQL %d", want.Activities, sqlCount)
	}

	// on 2023-06-15 Q1 (due 2023-04-15) is overdue, Q2 not ended
	var l governance.ReportList
	cc.Do("GET", "/api/v1/work-reports?year=2023", nil).Decode(&l)
	if l.Overdue != 2 || len(l.Missing) != 2 || l.Missing[0].Key != "2023-Q1" || !l.Missing[0].Overdue {
		t.Errorf("owed before any report: %+v", l.Missing)
	}
	r := lc.Do("POST", "/api/v1/work-reports", map[string]any{"org_id": f.org.ID, "period": "2023-Q1", "body": "一季度开展了三场文艺活动。"})
	if r.Status != http.StatusCreated {
		t.Fatalf("submit: %d %s", r.Status, r.Body)
	}
	var rep governance.Report
	r.Decode(&rep)
	if rep.Activities != want.Activities || rep.Participants != want.Participants || rep.Beneficiaries != want.Beneficiaries ||
		!rep.Late || rep.DueOn != "2023-04-15" || rep.Status != governance.ReportSubmitted {
		t.Errorf("report figures %+v, want %+v", rep.Figures, want)
	}
	for _, bad := range []map[string]any{{"org_id": f.org.ID, "period": "2023-Q2", "body": "x"}, {"org_id": f.org.ID, "period": "2023-H1", "body": "x"},
		{"org_id": f.org.ID, "period": "2023-Q1", "body": "again"}} {
		if r := lc.Do("POST", "/api/v1/work-reports", bad); r.Status != 422 && r.Status != 409 {
			t.Errorf("bad report %v: %d", bad, r.Status)
		}
	}
	path := "/api/v1/work-reports/" + strconv.FormatInt(rep.ID, 10) + "/review"
	if r := lc.Do("POST", path, map[string]any{"decision": "receive"}); r.Status != http.StatusForbidden {
		t.Errorf("a leader reviews: %d", r.Status)
	}
	if r := cc.Do("POST", path, map[string]any{"decision": "return"}); r.Status != 422 {
		t.Errorf("return without comment: %d", r.Status)
	}
	if r := cc.Do("POST", path, map[string]any{"decision": "return", "comment": "请补充活动照片和居民反馈"}); r.Status != 200 {
		t.Fatalf("return: %d %s", r.Status, r.Body)
	}
	// an activity entered late is in the resubmission's figures
	if _, err := f.a.Activity.Create(ctx, f.street, activity.Input{OrgIDs: []int64{f.org.ID}, Title: "补录活动", Theme: "culture",
		Kind: "performance", Fields: activity.ThemeFields["culture"][:1], StartsAt: "2023-03-20T09:00:00+08:00",
		EndsAt: "2023-03-20T10:00:00+08:00", CommunityCode: wushanComm, TargetGroups: []string{"elderly"}, Participants: 7,
		Beneficiaries: activity.Beneficiaries{Total: 7, ByGroup: map[string]int{"elderly": 7}}}); err != nil {
		t.Fatal(err)
	}
	want.Activities, want.Participants, want.Beneficiaries = want.Activities+1, want.Participants+7, want.Beneficiaries+7
	r = lc.Do("POST", "/api/v1/work-reports", map[string]any{"org_id": f.org.ID, "period": "2023-Q1", "body": "已补充照片和反馈。"})
	r.Decode(&rep)
	if r.Status != http.StatusCreated || rep.Submissions != 2 || rep.Activities != want.Activities || rep.Participants != want.Participants {
		t.Errorf("resubmission: %d %+v", r.Status, rep)
	}
	if r := cc.Do("POST", path, map[string]any{"decision": "receive", "comment": "收悉"}); r.Status != 200 {
		t.Errorf("receive: %d %s", r.Status, r.Body)
	}
	cc.Do("GET", "/api/v1/work-reports?year=2023", nil).Decode(&l)
	if len(l.Items) != 1 || l.Items[0].Status != governance.ReportReceived || l.Late != 1 || l.Overdue != 1 || l.Missing[0].OrgID != other.ID {
		t.Errorf("after review: items %d late %d overdue %d missing %+v", len(l.Items), l.Late, l.Overdue, l.Missing)
	}
	// the street sees them; another street does not
	var sl governance.ReportList
	f.a.As(f.street).Do("GET", "/api/v1/work-reports?year=2023", nil).Decode(&sl)
	if len(sl.Items) != 1 || sl.Overdue != 1 {
		t.Errorf("street: %d items, %d overdue", len(sl.Items), sl.Overdue)
	}
	f.a.As(f.a.User(auth.StreetOfficer, "440106002")).Do("GET", "/api/v1/work-reports?year=2023", nil).Decode(&sl)
	if len(sl.Items) != 0 || len(sl.Missing) != 0 {
		t.Errorf("another street sees %d reports", len(sl.Items))
	}
	on, err := f.svc.ReportsOnTime(ctx, []int64{f.org.ID, other.ID}, 2023)
	if err != nil || on[f.org.ID] != 0 || on[other.ID] != 0 || len(on) != 2 {
		t.Errorf("on time %v %v", on, err)
	}
	// the home board counts the overdue report for the committee
	n, overdue, err := f.svc.WorkReportCounts(ctx, committee)
	if err != nil || n != 1 || overdue != 1 {
		t.Errorf("committee tasks: %d %d %v", n, overdue, err)
	}
	home := cc.Do("GET", "/", nil)
	if !strings.Contains(home.String(), "/work-reports") {
		t.Error("the home board does not link the work reports")
	}
	inbox := cc.Do("GET", "/work-reports?year=2023", nil)
	if inbox.Status != 200 || !strings.Contains(inbox.String(), "五山书画社") {
		t.Errorf("inbox: %d", inbox.Status)
	}

	// the committee enters the other organization's paper report: another
	// reviewer of the place receives it, not the committee that entered it
	r = cc.Do("POST", "/api/v1/work-reports", map[string]any{"org_id": other.ID, "period": "2023-Q1", "body": "纸质报告补录。"})
	if r.Status != http.StatusCreated {
		t.Fatalf("the committee enters a paper report: %d %s", r.Status, r.Body)
	}
	var paper governance.Report
	r.Decode(&paper)
	own := "/api/v1/work-reports/" + strconv.FormatInt(paper.ID, 10) + "/review"
	if r := cc.Do("POST", own, map[string]any{"decision": "receive"}); r.Status != 422 || !strings.Contains(r.String(), "decision") {
		t.Errorf("the committee receives the report it entered: %d %s", r.Status, r.Body)
	}
	// (nothing is overdue now: the entry was the missing report)
	if n, overdue, err := f.svc.WorkReportCounts(ctx, committee); err != nil || n != 0 || overdue != 0 {
		t.Errorf("committee tasks with its own entry waiting: %d (%d overdue) %v, want none", n, overdue, err)
	}
	if n, _, err := f.svc.WorkReportCounts(ctx, f.street); err != nil || n != 1 {
		t.Errorf("street tasks: %d %v, want the report to receive", n, err)
	}
	if page := cc.Do("GET", "/work-reports?year=2023", nil).String(); strings.Count(page, `value="receive"`) != 0 {
		t.Error("the reports page offers the committee its own report to receive")
	}
	if page := f.a.As(f.street).Do("GET", "/work-reports?year=2023", nil).String(); strings.Count(page, `value="receive"`) != 1 {
		t.Error("the reports page does not offer the street the report to receive")
	}
	if r := f.a.As(f.street).Do("POST", own, map[string]any{"decision": "receive", "comment": "收悉"}); r.Status != 200 {
		t.Errorf("the street receives the committee's entry: %d %s", r.Status, r.Body)
	}
}

// For every role, an organization's governance page offers the work-report
// form exactly when the service then files the report. Officers submitting
// on an organization's behalf is deliberate (CanEdit: the paper reports of
// past periods are entered by the committee or the street); the page used
// to offer the form to the leader alone, on the reports page.
func TestReportFormOfferedIffAccepted(t *testing.T) {
	f := newFixture(t)
	committee := f.a.CreateUser("wushan-committee", auth.CommunityCommittee, wushanComm, 0)
	if r := f.a.As(committee).Do("POST", "/api/v1/report-cycles", map[string]any{"community_code": wushanComm,
		"cycle": "quarterly", "effective_on": "2023-01-01"}); r.Status != http.StatusOK {
		t.Fatalf("cycle: %d %s", r.Status, r.Body)
	}
	want := map[string]bool{auth.OrgLeader: true, auth.CommunityCommittee: true, auth.StreetOfficer: true,
		auth.DistrictOfficer: true, auth.CityAdmin: true}
	for _, role := range auth.Roles {
		o := f.a.ActiveOrg(f.street, "五山"+role+"服务队", wushanComm)
		u := f.a.CreateUser("", role, authtest.Scope(role), o.ID)
		id := strconv.FormatInt(o.ID, 10)
		page := f.a.As(u).Do("GET", "/orgs/"+id+"/governance", nil)
		offered := page.Status == http.StatusOK && strings.Contains(page.String(), `id="report-form"`) &&
			strings.Contains(page.String(), `value="2023-Q1"`)
		r := f.a.As(u).Do("POST", "/api/v1/work-reports", map[string]any{"org_id": o.ID, "period": "2023-Q1", "body": "一季度纸质报告补录。"})
		accepted := r.Status == http.StatusCreated
		if offered != accepted || accepted != want[role] {
			t.Errorf("%s: the page (%d) offers the report form %v, the service answers %d; want both %v",
				role, page.Status, offered, r.Status, want[role])
		}
		if accepted {
			again := f.a.As(u).Do("GET", "/orgs/"+id+"/governance", nil)
			if strings.Contains(again.String(), `value="2023-Q1"`) {
				t.Errorf("%s: the period is offered again once reported", role)
			}
		}
	}
}
