package app_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"testing"
	"time"

	"linli/internal/app/apptest"
	"linli/internal/training"
)

// The training room in the scope walk. The foreign objects: a session run
// by the 五山 street, a key person of a 五山 community enrolled and present,
// and the certificate issued to them. The public verification answers
// everyone, with the holder's family name only.
func init() {
	scopeSetups = append(scopeSetups, func(t *testing.T, w *world) {
		ctx := context.Background()
		svc := w.a.Training
		start := w.a.Clock.Now().Add(-time.Hour)
		tr, err := svc.Create(ctx, w.owner, training.TrainingInput{Title: "五山骨干培训班", Programme: "菁英计划", Form: "demonstration",
			Topics: []string{"capacity"}, Audiences: []string{"cso_leaders"}, UnitCode: wushan, StartsAt: start,
			EndsAt: start.Add(3 * time.Hour), Capacity: 20, Trainer: "王老师", Place: "五山街党群服务中心"})
		if err != nil {
			t.Fatal(err)
		}
		p, err := svc.CreatePerson(ctx, w.owner, training.PersonInput{Name: "郑秀英", Phone: "13800138123", Role: "负责人",
			CommunityCode: wushanComm})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := svc.Enrol(ctx, w.owner, tr.ID, p.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := svc.RegisterExam(ctx, w.owner, training.ExamInput{PersonID: p.ID, Year: 2022, Level: "assistant", HelpFen: 20000}); err != nil {
			t.Fatal(err)
		}
		if _, err := svc.EditAttendance(ctx, w.owner, tr.ID, training.AttendanceEdit{PersonID: p.ID, Present: true, Reason: "纸质签到补录"}); err != nil {
			t.Fatal(err)
		}
		c, err := svc.Issue(ctx, w.owner, tr.ID, p.ID)
		if err != nil {
			t.Fatal(err)
		}
		w.IDs["{training}"] = strconv.FormatInt(tr.ID, 10)
		w.IDs["{person}"] = strconv.FormatInt(p.ID, 10)
		w.IDs["{serial}"] = c.Serial
		w.Missing["{serial}"] = "LL2023-NOSUCHSERIAL"
	})
	scopeSnapshots = append(scopeSnapshots, func(t *testing.T, w *world) string {
		var title, revoked string
		var capacity int
		w.scan(t, `SELECT title, capacity FROM trainings WHERE id = $1`, []any{w.IDs["{training}"]}, &title, &capacity)
		w.scan(t, `SELECT revoked_on FROM certificates WHERE serial = $1`, []any{w.IDs["{serial}"]}, &revoked)
		return fmt.Sprintf("training %q cap %d; revoked %q; trainings %d people %d enrolments %d attendance %d certificates %d",
			title, capacity, revoked, w.a.Count("trainings"), w.a.Count("people"), w.a.Count("training_enrolments"),
			w.a.Count("training_attendance"), w.a.Count("certificates"))
	})
	nf, ok, inv := http.StatusNotFound, http.StatusOK, http.StatusUnprocessableEntity
	start := apptest.Start.Add(24 * time.Hour)
	session := map[string]any{"title": "入侵培训", "programme": "同行计划", "form": "online", "topics": []string{"capacity"},
		"audiences": []string{"volunteers"}, "unit_code": wushan, "starts_at": start, "ends_at": start.Add(time.Hour),
		"capacity": 5, "link": "https://example.org/x"}
	scopeTable = append(scopeTable,
		scopeCase{pattern: "GET /trainings", path: "/trainings", want: ok, check: hides("五山骨干培训班")},
		scopeCase{pattern: "GET /trainings/{id}", path: "/trainings/{training}", want: nf},
		scopeCase{pattern: "GET /public/checkin", path: "/public/checkin", want: ok},
		scopeCase{pattern: "POST /public/checkin", path: "/public/checkin", body: form("code", "FORGED0000", "phone", "13800138123"), want: inv},
		scopeCase{pattern: "GET /api/v1/trainings", path: "/api/v1/trainings", want: ok, check: hides("五山骨干培训班")},
		scopeCase{pattern: "POST /api/v1/trainings", path: "/api/v1/trainings", body: session, want: inv},
		scopeCase{pattern: "GET /api/v1/trainings/{id}", path: "/api/v1/trainings/{training}", want: nf},
		scopeCase{pattern: "PATCH /api/v1/trainings/{id}", path: "/api/v1/trainings/{training}", body: map[string]any{"capacity": 99}, want: nf},
		scopeCase{pattern: "POST /api/v1/trainings/{id}/enrolments", path: "/api/v1/trainings/{training}/enrolments", body: map[string]any{"person_id": 1}, want: nf},
		scopeCase{pattern: "GET /api/v1/trainings/{id}/checkin-code", path: "/api/v1/trainings/{training}/checkin-code", want: nf},
		scopeCase{pattern: "POST /api/v1/checkin", path: "/api/v1/checkin", body: map[string]string{"code": "FORGED0000", "phone": "13800138123"}, want: inv},
		scopeCase{pattern: "GET /api/v1/trainings/{id}/attendance", path: "/api/v1/trainings/{training}/attendance", want: nf},
		scopeCase{pattern: "POST /api/v1/trainings/{id}/attendance", path: "/api/v1/trainings/{training}/attendance",
			body: map[string]any{"person_id": 1, "present": false, "reason": "入侵"}, want: nf},
		scopeCase{pattern: "POST /api/v1/trainings/{id}/certificates", path: "/api/v1/trainings/{training}/certificates", body: map[string]any{"person_id": 1}, want: nf},
		scopeCase{pattern: "GET /api/v1/certificates/{file}", path: "/api/v1/certificates/{serial}.pdf", want: nf},
		scopeCase{pattern: "POST /api/v1/certificates/{serial}/revoke", path: "/api/v1/certificates/{serial}/revoke", body: map[string]string{"reason": "入侵撤销"}, want: nf},
		scopeCase{pattern: "GET /api/v1/public/certificates/{serial}", path: "/api/v1/public/certificates/{serial}", want: ok, check: hides("郑秀英", "13800138123")},
		scopeCase{pattern: "GET /api/v1/people", path: "/api/v1/people", want: ok, check: hides("郑秀英")},
		scopeCase{pattern: "GET /api/v1/people", path: "/api/v1/people?within=" + wushanComm, want: nf},
		scopeCase{pattern: "GET /api/v1/people/pick", path: "/api/v1/people/pick?q=" + url.QueryEscape("郑秀英"), want: ok, check: hides("郑秀英")},
		scopeCase{pattern: "GET /api/v1/people/pick", path: "/api/v1/people/pick?q=" + url.QueryEscape("秀"), want: ok, check: hides("郑秀英")},
		scopeCase{pattern: "GET /api/v1/training-hours", path: "/api/v1/training-hours?year=2023", want: ok, check: hides("person_hours\":3")},
		scopeCase{pattern: "GET /api/v1/exam-support", path: "/api/v1/exam-support", want: ok, check: hides(tianhe)},
		scopeCase{pattern: "POST /api/v1/exam-entries", path: "/api/v1/exam-entries", body: map[string]any{"person_id": 1,
			"year": 2023, "level": "assistant", "passed": true}, want: inv},
		scopeCase{pattern: "POST /api/v1/people", path: "/api/v1/people", body: map[string]any{"name": "入侵者", "phone": "13900000000",
			"role": "x", "community_code": wushanComm}, want: inv},
		// the pages' forms take the same paths
		scopeCase{pattern: "POST /trainings", path: "/trainings", body: form("title", "入侵培训", "programme", "同行计划", "form", "online",
			"unit_code", wushan, "starts_at", "2023-06-20T09:00", "ends_at", "2023-06-20T11:00", "capacity", "5", "link", "https://example.org/x",
			"topics", "capacity", "audiences", "volunteers"), want: inv},
		scopeCase{pattern: "POST /trainings/{id}/enrol", path: "/trainings/{training}/enrol", body: form("person_id", "1"), want: nf},
		scopeCase{pattern: "POST /trainings/{id}/self-enrol", path: "/trainings/{training}/self-enrol", body: form(), want: nf},
		scopeCase{pattern: "POST /trainings/{id}/attendance", path: "/trainings/{training}/attendance",
			body: form("person_id", "1", "present", "0", "reason", "入侵"), want: nf},
		scopeCase{pattern: "POST /trainings/{id}/certificates", path: "/trainings/{training}/certificates", body: form("person_id", "1"), want: nf},
		scopeCase{pattern: "GET /people", path: "/people", want: ok, check: hides("郑秀英")},
		scopeCase{pattern: "POST /people", path: "/people", body: form("name", "入侵者", "phone", "13900000000", "role", "x",
			"community_code", wushanComm), want: inv},
	)
}
