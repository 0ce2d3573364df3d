package app_test

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"strconv"
	"testing"

	"github.com/xuri/excelize/v2"

	"linli/internal/activity"
	"linli/internal/app/apptest"
	"linli/internal/platform/auth"
	"linli/internal/platform/upload"
)

// pngBytes is a 1×1 PNG.
var pngBytes = []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89" +
	"\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00\x00\x00IEND\xaeB`\x82")

// Activities, volunteers, major reports and consultations in the scope
// walk: an activity of a 五山 organization with a photo and hours, a major
// one reported and pending, a volunteer, 五山's rule and a consultation.
func init() {
	reportBody := map[string]any{}
	actBody := map[string]any{}
	consultBody := map[string]any{}
	pageFields := map[string]string{"title": "入侵", "theme": "culture", "kind": "service", "day": "2023-06-01", "start": "09:00", "end": "10:00"}
	scopeSetups = append(scopeSetups, func(t *testing.T, w *world) {
		ctx := context.Background()
		in := apptest.ActiveInput("五山长者关爱队", wushanComm)
		org := w.a.CreateOrg(w.owner, in)
		svc := w.a.Activity
		act := activity.Input{OrgIDs: []int64{org.ID}, Title: "五山探访独居长者", Theme: "neighbourly_watch", Kind: "service",
			Fields: []string{"companionship"}, StartsAt: "2023-05-06T09:00:00+08:00", EndsAt: "2023-05-06T12:00:00+08:00",
			CommunityCode: wushanComm, TargetGroups: []string{"elderly"}, Participants: 12,
			Beneficiaries: activity.Beneficiaries{Total: 8, ByGroup: map[string]int{"elderly": 8}}}
		a, err := svc.Create(ctx, w.owner, act)
		if err != nil {
			t.Fatal(err)
		}
		f, err := svc.AddFile(ctx, w.owner, a.ID, &upload.File{Filename: "p.png", Data: pngBytes})
		if err != nil {
			t.Fatal(err)
		}
		v, err := svc.CreateVolunteer(ctx, w.owner, activity.VolunteerInput{PersonInput: activity.PersonInput{Name: "五山志愿者甲",
			Phone: "13912345678", CommunityCode: wushanComm}})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := svc.AddHours(ctx, w.owner, a.ID, activity.HoursInput{VolunteerID: v.ID, Hours: 2}); err != nil {
			t.Fatal(err)
		}
		big := act
		big.Title, big.Theme, big.Kind, big.Fields, big.Participants = "五山广场文艺汇演", "culture", "performance", []string{"performance"}, 300
		in.Tier, in.Name = "street", "五山街道文艺协会"
		org2 := w.a.CreateOrg(w.owner, in)
		big.OrgIDs = []int64{org2.ID}
		m, err := svc.Create(ctx, w.owner, big)
		if err != nil {
			t.Fatal(err)
		}
		rp, err := svc.Submit(ctx, w.owner, m.ID)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := svc.PutRule(ctx, w.owner, wushan, activity.DefaultRule()); err != nil {
			t.Fatal(err)
		}
		c, err := svc.CreateConsultation(ctx, w.owner, activity.ConsultationInput{Topic: "五山小区加装电梯议事", TopicKind: "elevator",
			CommunityCode: wushanComm, RaisedBy: "residents", OrgIDs: []int64{org.ID},
			Meetings: []activity.Meeting{{HeldOn: "2023-04-01", Residents: 20, Committee: 3}}})
		if err != nil {
			t.Fatal(err)
		}
		// the registered beneficiaries, the survey and the association
		b, err := svc.CreateBeneficiary(ctx, w.owner, activity.BeneficiaryInput{PersonInput: activity.PersonInput{Name: "五山受益人甲",
			Phone: "13911112222", CommunityCode: wushanComm}})
		if err != nil {
			t.Fatal(err)
		}
		w.IDs["{beneficiary}"] = strconv.FormatInt(b.ID, 10)
		if _, err := svc.AddServed(ctx, w.owner, a.ID, []int64{b.ID}); err != nil {
			t.Fatal(err)
		}
		if _, err := svc.OpenSurvey(ctx, w.owner, c.ID, activity.SurveyInput{Question: "五山电梯问卷", Options: []string{"同意", "不同意"}}); err != nil {
			t.Fatal(err)
		}
		if _, err := svc.Answer(ctx, w.owner, c.ID, activity.AnswerInput{Phone: "13911113333", Choice: 0}); err != nil {
			t.Fatal(err)
		}
		vin := apptest.ActiveInput("五山青年志愿服务队", wushanComm)
		vin.Tier, vin.Types = "street", []string{"volunteer"}
		team := w.a.CreateOrg(w.owner, vin)
		if _, err := svc.PutAssociation(ctx, w.owner, wushan, org2.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := svc.AddMember(ctx, w.owner, wushan, team.ID, "2023-03-01"); err != nil {
			t.Fatal(err)
		}
		w.IDs["{consultation}"] = strconv.FormatInt(c.ID, 10)

		w.IDs["{activity}"] = strconv.FormatInt(a.ID, 10)
		w.IDs["{afile}"] = strconv.FormatInt(f.ID, 10)
		w.IDs["{volunteer}"] = strconv.FormatInt(v.ID, 10)
		w.IDs["{report}"] = strconv.FormatInt(rp.ID, 10)
		reportBody["activity_id"] = m.ID
		pageFields["org_id"] = strconv.FormatInt(org.ID, 10)
		for k, x := range map[string]any{"org_ids": []int64{org.ID}, "title": "入侵活动", "theme": "culture", "kind": "service",
			"starts_at": "2023-06-01T09:00:00+08:00", "ends_at": "2023-06-01T10:00:00+08:00", "community_code": wushanComm,
			"beneficiaries": map[string]int{"total": 0}} {
			actBody[k] = x
		}
		for k, x := range map[string]any{"topic": "入侵议题", "topic_kind": "parking", "community_code": wushanComm,
			"raised_by": "residents", "org_ids": []int64{org.ID}, "meetings": []map[string]any{{"held_on": "2023-06-01"}}} {
			consultBody[k] = x
		}
	})
	scopeSnapshots = append(scopeSnapshots, func(t *testing.T, w *world) string {
		return snapshotOf(t, w, "activities",
			`SELECT COUNT(*) || ':' || COALESCE(SUM(version), 0) || ':' || COALESCE(SUM(volunteer_minutes), 0) || ':' || COALESCE(SUM(hours_confirmed), 0) FROM activities`,
			`SELECT COUNT(*) || ':' || COALESCE(MAX(status), '') FROM major_reports`,
			`SELECT COUNT(*) || ':' || COALESCE(SUM(version), 0) FROM major_report_rules`,
			`SELECT COUNT(*) FROM volunteer_hours`, `SELECT COUNT(*) FROM volunteers`, `SELECT COUNT(*) FROM activity_files`,
			`SELECT COUNT(*) FROM consultations`, `SELECT COUNT(*) FROM beneficiaries`, `SELECT COUNT(*) FROM activity_beneficiaries`,
			`SELECT COUNT(*) FROM consultation_surveys`, `SELECT COUNT(*) FROM consultation_answers`,
			`SELECT COUNT(*) || ':' || COALESCE(MAX(org_id), 0) FROM volunteer_associations`, `SELECT COUNT(*) FROM association_members`,
		)
	})
	nf, ok := http.StatusNotFound, http.StatusOK
	photo := apptest.Upload{Field: "file", Filename: "x.png", Data: pngBytes}
	importUpload := apptest.Upload{Field: "file", Filename: "a.xlsx", Data: activityBook(nil, "五山长者关爱队")}
	scopeTable = append(scopeTable,
		scopeCase{pattern: "GET /api/v1/activities", path: "/api/v1/activities", want: ok, check: hides("五山探访独居长者", "五山广场文艺汇演")},
		scopeCase{pattern: "GET /api/v1/activities", path: "/api/v1/activities?within={code}", want: nf},
		scopeCase{pattern: "POST /api/v1/activities", path: "/api/v1/activities", body: actBody, want: nf},
		scopeCase{pattern: "GET /api/v1/activities/{id}", path: "/api/v1/activities/{activity}", want: nf},
		scopeCase{pattern: "PATCH /api/v1/activities/{id}", path: "/api/v1/activities/{activity}", body: map[string]any{"title": "入侵"}, want: nf},
		scopeCase{pattern: "POST /api/v1/activities/{id}/files", path: "/api/v1/activities/{activity}/files", body: photo, want: nf},
		scopeCase{pattern: "GET /api/v1/activities/{id}/files/{file_id}", path: "/api/v1/activities/{activity}/files/{afile}", want: nf},
		scopeCase{pattern: "GET /api/v1/activities/{id}/volunteers", path: "/api/v1/activities/{activity}/volunteers", want: nf},
		scopeCase{pattern: "POST /api/v1/activities/{id}/volunteers", path: "/api/v1/activities/{activity}/volunteers", body: map[string]any{"volunteer_id": 1, "hours": 1}, want: nf},
		scopeCase{pattern: "POST /api/v1/activities/{id}/confirm", path: "/api/v1/activities/{activity}/confirm", want: nf},
		scopeCase{pattern: "GET /api/v1/volunteers", path: "/api/v1/volunteers", want: ok, check: hides("五山志愿者甲")},
		scopeCase{pattern: "POST /api/v1/volunteers", path: "/api/v1/volunteers", body: map[string]any{"name": "入侵", "community_code": wushanComm}, want: 422},
		scopeCase{pattern: "GET /api/v1/volunteers/{id}/hours", path: "/api/v1/volunteers/{volunteer}/hours", want: nf},
		scopeCase{pattern: "GET /api/v1/major-reports", path: "/api/v1/major-reports", want: ok, check: hides("五山广场文艺汇演")},
		scopeCase{pattern: "POST /api/v1/major-reports", path: "/api/v1/major-reports", body: reportBody, want: nf},
		scopeCase{pattern: "POST /api/v1/major-reports/{id}/decision", path: "/api/v1/major-reports/{report}/decision", body: map[string]any{"decision": "acknowledge"}, want: nf},
		scopeCase{pattern: "GET /api/v1/major-report-rules", path: "/api/v1/major-report-rules?unit={code}", want: nf},
		scopeCase{pattern: "PUT /api/v1/major-report-rules", path: "/api/v1/major-report-rules?unit={code}", body: map[string]any{"kinds": []string{"festival"}, "min_participants": 5, "days_ahead": 1}, want: nf},
		scopeCase{pattern: "GET /api/v1/consultations", path: "/api/v1/consultations", want: ok, check: hides("五山小区加装电梯议事")},
		scopeCase{pattern: "GET /api/v1/consultations", path: "/api/v1/consultations?within={code}", want: nf},
		scopeCase{pattern: "POST /api/v1/consultations", path: "/api/v1/consultations", body: consultBody, want: nf},
		scopeCase{pattern: "GET /api/v1/campaigns/{theme}", path: "/api/v1/campaigns/culture?unit={code}", want: nf},
		scopeCase{pattern: "GET /static/activity/", path: "/static/activity/campaign.js", want: ok},
		scopeCase{pattern: "GET /activities", path: "/activities", want: ok, check: hides("五山探访独居长者", "五山广场文艺汇演")},
		scopeCase{pattern: "GET /activities", path: "/activities?view=calendar&month=2023-05", want: ok, check: hides("五山探访独居长者")},
		scopeCase{pattern: "GET /activities", path: "/activities?within={code}", want: nf},
		scopeCase{pattern: "GET /activities/new", path: "/activities/new", want: ok, check: hides("五山长者关爱队")},
		scopeCase{pattern: "POST /activities", path: "/activities", body: apptest.Upload{Fields: pageFields}, want: nf},
		scopeCase{pattern: "GET /activities/export.xlsx", path: "/activities/export.xlsx", want: ok, check: hides("五山探访独居长者")},
		scopeCase{pattern: "GET /activities/{id}", path: "/activities/{activity}", want: nf},
		scopeCase{pattern: "GET /activities/{id}/files/{file_id}", path: "/activities/{activity}/files/{afile}", want: nf},
		scopeCase{pattern: "GET /campaigns/{theme}", path: "/campaigns/neighbourly_watch?unit={code}", want: nf},
		scopeCase{pattern: "GET /campaigns/{theme}", path: "/campaigns/neighbourly_watch", want: ok, check: hides("五山探访独居长者")},
		scopeCase{pattern: "GET /major-reports", path: "/major-reports", want: ok, check: hides("五山广场文艺汇演")},
		scopeCase{pattern: "POST /major-reports/{id}/decision", path: "/major-reports/{report}/decision", body: form("decision", "acknowledge"), want: nf},
		scopeCase{pattern: "GET /volunteers/{id}/certificate", path: "/volunteers/{volunteer}/certificate", want: nf},
		scopeCase{pattern: "GET /volunteers/{id}/hours.xlsx", path: "/volunteers/{volunteer}/hours.xlsx", want: nf},
		scopeCase{pattern: "GET /activities/import", path: "/activities/import", want: ok},
		scopeCase{pattern: "POST /activities/import", path: "/activities/import", body: importUpload, want: 422},
		scopeCase{pattern: "GET /activities/import/template.xlsx", path: "/activities/import/template.xlsx", want: ok, check: hides("五山长者关爱队")},
		scopeCase{pattern: "GET /api/v1/activities/import/template.xlsx", path: "/api/v1/activities/import/template.xlsx", want: ok, check: hides("五山长者关爱队")},
		scopeCase{pattern: "POST /api/v1/activities/import", path: "/api/v1/activities/import", body: importUpload, want: 422},
		scopeCase{pattern: "POST /activities/{id}/report", path: "/activities/{activity}/report", body: form(), want: nf},
		scopeCase{pattern: "GET /api/v1/beneficiaries", path: "/api/v1/beneficiaries", want: ok, check: hides("五山受益人甲")},
		scopeCase{pattern: "GET /beneficiaries", path: "/beneficiaries", want: ok, check: hides("五山受益人甲", "1391111")},
		scopeCase{pattern: "POST /beneficiaries", path: "/beneficiaries", body: form("name", "入侵", "community_code", wushanComm), want: 422},
		scopeCase{pattern: "GET /beneficiaries/{id}", path: "/beneficiaries/{beneficiary}", want: nf},
		scopeCase{pattern: "GET /consultations", path: "/consultations", want: ok, check: hides("五山小区加装电梯议事")},
		scopeCase{pattern: "GET /consultations/{id}", path: "/consultations/{consultation}", want: nf},
		scopeCase{pattern: "POST /consultations/{id}/survey", path: "/consultations/{consultation}/survey", body: form("question", "入侵", "options", "a\nb"), want: nf},
		scopeCase{pattern: "POST /consultations/{id}/survey/answers", path: "/consultations/{consultation}/survey/answers", body: form("phone", "13800000000", "choice", "1"), want: nf},
		scopeCase{pattern: "GET /associations", path: "/associations", want: ok, check: hides("五山青年志愿服务队")},
		scopeCase{pattern: "GET /associations/{street}", path: "/associations/{code}", want: nf},
		scopeCase{pattern: "POST /associations/{street}", path: "/associations/{code}", body: form("org_id", "1"), want: nf},
		scopeCase{pattern: "POST /associations/{street}/members", path: "/associations/{code}/members", body: form("org_id", "1"), want: nf},
		scopeCase{pattern: "POST /api/v1/beneficiaries", path: "/api/v1/beneficiaries", body: map[string]any{"name": "入侵", "community_code": wushanComm}, want: 422},
		scopeCase{pattern: "POST /api/v1/activities/{id}/beneficiaries", path: "/api/v1/activities/{activity}/beneficiaries", body: map[string]any{"beneficiary_ids": []int64{1}}, want: nf},
		scopeCase{pattern: "GET /api/v1/consultations/{id}/survey", path: "/api/v1/consultations/{consultation}/survey", want: nf},
		scopeCase{pattern: "POST /api/v1/consultations/{id}/survey", path: "/api/v1/consultations/{consultation}/survey", body: map[string]any{"question": "入侵", "options": []string{"a", "b"}}, want: nf},
		scopeCase{pattern: "POST /api/v1/consultations/{id}/survey/answers", path: "/api/v1/consultations/{consultation}/survey/answers", body: map[string]any{"phone": "13800000000", "choice": 1}, want: nf},
		scopeCase{pattern: "GET /api/v1/volunteer-associations/{street}", path: "/api/v1/volunteer-associations/{code}", want: nf},
		scopeCase{pattern: "PUT /api/v1/volunteer-associations/{street}", path: "/api/v1/volunteer-associations/{code}", body: map[string]any{"org_id": 1}, want: nf},
		scopeCase{pattern: "POST /api/v1/volunteer-associations/{street}/members", path: "/api/v1/volunteer-associations/{code}/members", body: map[string]any{"org_id": 1}, want: nf},
	)
	_ = fmt.Sprint
	_ = auth.CityAdmin
}

// activityBook is an activities import naming an organization.
func activityBook(t *testing.T, org string) []byte {
	f := excelize.NewFile()
	for i, r := range [][]any{{"组织名称", "活动名称", "活动主题", "活动类型", "活动日期", "开始时间", "结束时间", "受益人数"},
		{org, "入侵导入", "文化铸魂", "服务", "2023-06-01", "09:00", "10:00", 1}} {
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		f.SetSheetRow("Sheet1", cell, &r)
	}
	var b bytes.Buffer
	f.Write(&b)
	return b.Bytes()
}
