package activity_test

import (
	"bytes"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"linli/internal/activity"
	"linli/internal/app/apptest"
	"linli/internal/platform/auth"
	"linli/internal/registry"
)

// book writes rows (the first is the header) to an .xlsx.
func book(t testing.TB, rows [][]any) []byte {
	t.Helper()
	f := excelize.NewFile()
	for i, r := range rows {
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		if err := f.SetSheetRow("Sheet1", cell, &r); err != nil {
			t.Fatal(err)
		}
	}
	var b bytes.Buffer
	if err := f.Write(&b); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

var importHeader = []any{"组织名称*", "活动名称*", "活动主题*", "活动类型*", "服务领域", "活动日期*", "开始时间*", "结束时间*",
	"活动社区", "活动地点", "服务对象", "参与人数", "受益人数*", "按服务对象受益人数", "志愿者及服务时长"}

func importRow(org, title, theme, kind, field, day, start, end, community, groups string, participants, benef int, byGroup, vols string) []any {
	return []any{org, title, theme, kind, field, day, start, end, community, "活动室", groups, participants, benef, byGroup, vols}
}

type importAnswer struct {
	activity.ImportReport
	Errors []struct {
		Row     int    `json:"row"`
		Column  string `json:"column"`
		Message string `json:"message"`
	} `json:"errors"`
}

func upload(t *testing.T, f *fixture, u *auth.User, data []byte, dry bool) (int, importAnswer) {
	t.Helper()
	fields := map[string]string{}
	if dry {
		fields["dry_run"] = "1"
	}
	r := f.a.As(u).Do("POST", "/api/v1/activities/import", apptest.Upload{Field: "file", Filename: "活动.xlsx", Data: data, Fields: fields})
	var a importAnswer
	r.Decode(&a)
	return r.Status, a
}

// The spreadsheet import: a file with bad rows writes nothing and names
// each problem by row and column in Chinese; corrected, every row is
// recorded through the form's rules (a major activity held, hours entered),
// and the figures equal what the file said.
func TestImportAllOrNothing(t *testing.T) {
	f := newFixture(t)
	st := f.street[wushan]
	a := f.org("五山长者服务队", wushanComm, registry.TierStreet)
	b := f.org("五山书画社", wushanComm, registry.TierStreet)
	f.org("员村舞蹈队", yuancunComm, registry.TierStreet) // outside the Wushan officer's street
	f.volunteer(t, st, "王志愿", wushanComm)

	tpl := f.a.As(st).Do("GET", "/activities/import/template.xlsx", nil)
	tb, err := excelize.OpenReader(bytes.NewReader(tpl.Body))
	if tpl.Status != 200 || err != nil {
		t.Fatalf("template: %d %v", tpl.Status, err)
	}
	head, _ := tb.GetRows(tb.GetSheetName(0))
	if len(head) < 2 || !strings.HasPrefix(head[0][0], "组织名称") || !strings.Contains(strings.Join(head[0], "|"), "按服务对象受益人数") {
		t.Fatalf("template header: %v", head)
	}
	words, _ := tb.GetRows(tb.GetSheetName(1))
	if !strings.Contains(fmt.Sprint(words), "五山长者服务队") || !strings.Contains(fmt.Sprint(words), "邻里守望") {
		t.Errorf("template's words: %v", words)
	}

	good := [][]any{importHeader,
		importRow("五山长者服务队", "探访独居长者", "邻里守望", "服务", "亲情陪伴", "2023-05-06", "09:00", "11:30", "", "老年人、空巢老人", 12, 8, "老年人:5、空巢老人:3", "王志愿:2"),
		importRow("五山书画社、五山长者服务队", "社区书法展", "文化铸魂", "演出", "书法", "2023/6/1", "14:00", "17:00", wushanComm, "", 150, 120, "", ""),
		importRow("五山书画社", "邻里议事", "共建共治共享", "会议", "议事协商", "2023年7月2日", "19:00", "21:00", "", "", 20, 0, "", "王志愿:1.5"),
	}
	bad := append([][]any{}, good...)
	bad = append(bad,
		importRow("员村舞蹈队", "广场舞", "文化铸魂", "演出", "", "2023-05-07", "09:00", "10:00", "", "", 30, 30, "", ""),
		importRow("五山书画社", "倒着的活动", "文化铸魂", "服务", "", "2023-05-08", "11:00", "09:00", "", "", 3, 3, "", ""),
		importRow("五山书画社", "没有的主题", "星际旅行", "服务", "", "2023-05-09", "09:00", "10:00", "", "", 3, 3, "", ""),
		importRow("五山长者服务队", "加总不对", "邻里守望", "服务", "", "2023-05-10", "09:00", "10:00", "", "老年人", 3, 3, "老年人:9", ""),
		// the same volunteer at the same time as row 2: the hours rule
		importRow("五山书画社", "重叠服务", "文化铸魂", "服务", "", "2023-05-06", "10:00", "12:00", "", "", 3, 3, "", "王志愿:1"),
	)
	status, rep := upload(t, f, st, book(t, bad), false)
	if status != http.StatusUnprocessableEntity || rep.Committed || f.a.Count("activities") != 0 || f.a.Count("volunteer_hours") != 0 {
		t.Fatalf("a file with bad rows: %d committed=%v, %d activities written", status, rep.Committed, f.a.Count("activities"))
	}
	want := map[int]string{5: "组织名称", 6: "结束时间", 7: "活动主题", 8: "受益人数", 9: "志愿者及服务时长"}
	got := map[int]string{}
	for _, e := range rep.Errors {
		got[e.Row] = e.Column
		if e.Message == "" || !strings.ContainsFunc(e.Message, func(r rune) bool { return r >= 0x4e00 && r <= 0x9fff }) {
			t.Errorf("row %d: message not in Chinese: %q", e.Row, e.Message)
		}
	}
	for row, col := range want {
		if !strings.HasPrefix(got[row], col) {
			t.Errorf("row %d: column %q, want %s (all: %+v)", row, got[row], col, rep.Errors)
		}
	}
	if rep.ErrorCount != len(want) || len(rep.Errors) != len(want) {
		t.Errorf("%d problems, want %d: %+v", rep.ErrorCount, len(want), rep.Errors)
	}

	// a dry run of the good file writes nothing either
	if status, rep = upload(t, f, st, book(t, good), true); status != 200 || rep.Committed || f.a.Count("activities") != 0 {
		t.Fatalf("dry run: %d %+v", status, rep)
	}
	status, rep = upload(t, f, st, book(t, good), false)
	if status != 200 || !rep.Committed || rep.Created != 3 || rep.Hours != 2 || len(rep.IDs) != 3 {
		t.Fatalf("the good file: %d %+v", status, rep)
	}
	if n := f.a.Count("activities"); n != 3 {
		t.Fatalf("%d activities written, want 3", n)
	}
	first := get(t, f, st, rep.IDs[0])
	if first.Beneficiaries.Total != 8 || first.Beneficiaries.ByGroup["elderly"] != 5 || first.Beneficiaries.ByGroup["empty_nest_elderly"] != 3 ||
		first.VolunteerHours != 2 || first.Theme != "neighbourly_watch" || first.Kind != "service" || first.Fields[0] != "companionship" ||
		first.StartsAt.Format("2006-01-02 15:04") != "2023-05-06 01:00" || first.OrgIDs[0] != a.ID {
		t.Errorf("first row recorded as %+v", first)
	}
	show := get(t, f, st, rep.IDs[1])
	if show.Status != activity.StatusAwaiting || len(show.OrgIDs) != 2 || show.OrgIDs[0] != b.ID || show.OrgIDs[1] != a.ID {
		t.Errorf("a 150-person performance is held for its report, with both organizations: %s %v", show.Status, show.OrgIDs)
	}
	var audits int
	f.a.DB.Read.QueryRow(`SELECT COUNT(*) FROM audit_log WHERE action = 'activity.import'`).Scan(&audits)
	if audits != 1 {
		t.Errorf("%d import audit rows", audits)
	}
	// the street next door cannot import for Wushan's organizations
	if status, rep = upload(t, f, f.street[yuancun], book(t, good[:2]), false); status != 422 || !strings.Contains(rep.Errors[0].Message, "五山长者服务队") {
		t.Errorf("another street's organization: %d %+v", status, rep.Errors)
	}
	// the page: the same report, in Chinese, row and column
	page := f.a.As(st).Do("POST", "/activities/import", apptest.Upload{Field: "file", Filename: "a.xlsx", Data: book(t, bad)})
	if page.Status != 422 || !strings.Contains(page.String(), "未导入任何活动") || !strings.Contains(page.String(), "星际旅行") {
		t.Errorf("the page's report: %d", page.Status)
	}
}

// A file of many bad rows answers with the first 1,000 problems and the
// count of all, and nothing is written; files over the limits are refused
// in Chinese.
func TestImportBounded(t *testing.T) {
	f := newFixture(t)
	st := f.street[wushan]
	f.org("五山长者服务队", wushanComm, registry.TierStreet)
	rows := [][]any{importHeader}
	for i := range 1200 {
		rows = append(rows, importRow("五山长者服务队", "活动"+strconv.Itoa(i), "星际旅行", "服务", "", "2023-05-06", "09:00", "10:00", "", "", 1, 1, "", ""))
	}
	status, rep := upload(t, f, st, book(t, rows), false)
	if status != 422 || rep.ErrorCount != 1200 || len(rep.Errors) != activity.MaxReportErrors || f.a.Count("activities") != 0 {
		t.Fatalf("1,200 bad rows: %d, count %d, listed %d", status, rep.ErrorCount, len(rep.Errors))
	}
	if rep.Errors[0].Row != 2 || rep.Errors[999].Row != 1001 {
		t.Errorf("the first problems in order: %d … %d", rep.Errors[0].Row, rep.Errors[999].Row)
	}
	page := f.a.As(st).Do("POST", "/activities/import", apptest.Upload{Field: "file", Filename: "a.xlsx", Data: book(t, rows)})
	if page.Status != 422 || !strings.Contains(page.String(), "另有 200 处错误未列出") || !strings.Contains(page.String(), `data-label="行"`) {
		t.Errorf("the page's report: %d", page.Status)
	}
	if status, rep = upload(t, f, st, []byte("not a spreadsheet"), false); status != 422 || !strings.Contains(rep.Errors[0].Message, "不是 Excel 工作簿") {
		t.Errorf("not an .xlsx: %d %+v", status, rep.Errors)
	}
	old := activity.ImportLimits
	activity.ImportLimits.Rows = 11
	defer func() { activity.ImportLimits = old }()
	if status, rep = upload(t, f, st, book(t, rows[:20]), false); status != 422 || !strings.Contains(rep.Errors[0].Message, "10 行") {
		t.Errorf("over the row limit: %d %+v", status, rep.Errors)
	}
}
