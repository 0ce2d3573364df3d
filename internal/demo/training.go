package demo

import (
	"context"
	"fmt"
	"math/rand/v2"
	"strconv"
	"time"

	"linli/internal/geo"
	"linli/internal/platform/auth"
	"linli/internal/platform/db"
	"linli/internal/readiness"
	"linli/internal/registry"
	"linli/internal/training"
)

// The demonstration's training (C8): in each district, sessions of the
// plan's programmes in 2021 (some districts only: the plan began that
// autumn), 2022 and 2023, run by the district or one of its streets; a few
// key people per district (fictional names and 1380000xxxx numbers) enrolled,
// checking in with the session's code during the session, and a certificate
// for some of them.
var trainingTitles = []struct {
	title, programme, form, topic, audience string
}{
	{"社区社会组织负责人能力提升班", "同行计划", "demonstration", "capacity", "cso_leaders"},
	{"社区社会组织党建工作实务", "社会组织党建红苗工程", "demonstration", "party_building", "cso_leaders"},
	{"公益项目设计与申报工作坊", "菁英计划", "demonstration", "project_design", "social_workers"},
	{"社区社会组织财务管理线上课堂", "善知学园", "online", "finance", "cso_leaders"},
	{"社区应急志愿服务实训", "聚善育才计划", "field_visit", "emergency", "volunteers"},
	{"城乡社区工作者培育发展专题培训", "同行计划", "demonstration", "cultivation", "community_workers"},
}

var demoPeople = []string{"陈嘉敏", "黄志华", "李秀兰", "梁伟强", "何丽娟", "林家豪", "吴静怡", "罗国栋"}

func trainings(ctx context.Context, d *db.DB, st *geo.Store, reg *registry.Service, admin *auth.User, areas []*area,
	now time.Time, seed int64) error {
	r := newRand(seed + 7)
	svcAt := func(t time.Time) *training.Service {
		return &training.Service{DB: d, Geo: st, Orgs: reg, Now: func() time.Time { return t }}
	}
	for i, a := range areas {
		if len(a.streets) == 0 || len(a.streets[0].comms) == 0 {
			continue
		}
		var people []trainee
		for j := 0; j < 4; j++ {
			s := a.streets[j%len(a.streets)]
			if len(s.comms) == 0 {
				continue
			}
			phone := fmt.Sprintf("1380000%02d%02d", i, j)
			in := training.PersonInput{Name: demoPeople[(i+j)%len(demoPeople)],
				Phone: phone, Role: "社区社会组织负责人", CommunityCode: s.comms[0].code,
				Qualification: []string{"", "assistant", "social_worker", ""}[j], QualYear: []int{0, 2019, 2021, 0}[j]}
			if j < 3 { // most are key people of an organization of their street
				id, comm, err := activeOrgOf(ctx, d, s.code, j)
				if err != nil {
					return err
				}
				if id != 0 {
					in.OrgID, in.CommunityCode = id, comm
				}
			}
			p, err := svcAt(day(2021, 9, 1)).CreatePerson(ctx, admin, in)
			if err != nil {
				return fmt.Errorf("demo: person: %w", err)
			}
			people = append(people, trainee{p.ID, phone})
		}
		var dates []time.Time
		if i%3 != 0 {
			dates = append(dates, between(r, day(2021, 10, 1), day(2021, 12, 20)))
		}
		dates = append(dates, between(r, day(2022, 3, 1), day(2022, 6, 30)), between(r, day(2022, 8, 1), day(2022, 11, 30)),
			between(r, day(2023, 3, 1), day(2023, 6, 30)))
		for k, start := range dates {
			start = time.Date(start.Year(), start.Month(), start.Day(), 9, 30, 0, 0, start.Location())
			if start.After(now) {
				continue
			}
			tt := trainingTitles[(i+k)%len(trainingTitles)]
			unit, place := a.code, a.name+"社会组织孵化基地"
			if k%2 == 1 {
				s := a.streets[r.IntN(len(a.streets))]
				unit, place = s.code, s.name+"党群服务中心"
			}
			in := training.TrainingInput{Title: tt.title, Programme: tt.programme, Form: tt.form, Topics: []string{tt.topic},
				Audiences: []string{tt.audience}, UnitCode: unit, StartsAt: start, EndsAt: start.Add(3 * time.Hour),
				Capacity: 40 + 10*r.IntN(4), Trainer: "区社会工作协会讲师", Place: place}
			if tt.form == "online" {
				in.Place, in.Link = "", "https://meeting.example.org/"+strconv.Itoa(i*10+k)
			}
			t, err := svcAt(start.Add(-7*24*time.Hour)).Create(ctx, admin, in)
			if err != nil {
				return fmt.Errorf("demo: training in %s: %w", unit, err)
			}
			if err := attend(ctx, svcAt, admin, t, people, r); err != nil {
				return err
			}
		}
	}
	if err := readinessDemo(ctx, d, st, reg, admin, areas, now, r); err != nil {
		return err
	}
	return capacityKPIs(ctx, d, st, admin, now)
}

// attend enrols the district's people, checks most of them in with the
// session's code during the session, and certifies the first one present.
func attend(ctx context.Context, svcAt func(time.Time) *training.Service, admin *auth.User, t *training.Training,
	people []trainee, r *rand.Rand) error {
	before := svcAt(t.StartsAt.Add(-24 * time.Hour))
	code, err := before.Code(ctx, admin, t.ID, "")
	if err != nil {
		return err
	}
	certified := false
	for j, p := range people {
		if _, err := before.Enrol(ctx, admin, t.ID, p.id); err != nil {
			return fmt.Errorf("demo: enrol: %w", err)
		}
		if r.IntN(5) == 0 {
			continue // did not come
		}
		if _, err := svcAt(t.StartsAt.Add(time.Duration(j*3)*time.Minute)).Checkin(ctx, code.Code, p.phone); err != nil {
			return fmt.Errorf("demo: check-in: %w", err)
		}
		if !certified {
			if _, err := svcAt(t.EndsAt.Add(24*time.Hour)).Issue(ctx, admin, t.ID, p.id); err != nil {
				return fmt.Errorf("demo: certificate: %w", err)
			}
			certified = true
		}
	}
	return nil
}

type trainee struct {
	id    int64
	phone string
}

// readinessDemo gives the first street of each district emergency contact
// lists (some not checked for over a year), drills over 2021–2023 and
// liaison posts with a few log entries, leaving communities without either
// so the coverage and the street's gaps show.
func readinessDemo(ctx context.Context, d *db.DB, st *geo.Store, reg *registry.Service, admin *auth.User, areas []*area,
	now time.Time, r *rand.Rand) error {
	svc := &readiness.Service{DB: d, Geo: st, Orgs: reg, Now: func() time.Time { return now }}
	scenarios := []string{"台风暴雨人员转移安置", "高层住宅火灾疏散", "燃气泄漏应急处置", "突发公共卫生事件处置", "大型活动人群疏导"}
	names := map[string]string{"natural": "社区三防工作组", "accident": "物业消防微型站", "public_health": "社区卫生服务站", "social_security": "治安巡逻队"}
	for i, a := range areas {
		s := a.streets[0]
		for j, c := range s.comms {
			if j >= 6 {
				break
			}
			if j%3 != 2 { // two in three keep a list
				checked := between(r, day(2022, 9, 1), day(2023, 5, 30))
				if j%4 == 1 {
					checked = between(r, day(2021, 10, 1), day(2022, 3, 1)) // not checked since: stale
				}
				for k, h := range readiness.Hazards {
					if checked.After(now) {
						continue
					}
					if _, err := svc.AddContact(ctx, admin, readiness.ContactInput{CommunityCode: c.code, Hazard: h,
						Name: c.name + names[h], Phone: fmt.Sprintf("020-8%03d%04d", i, j*10+k), Duty: "值班联络",
						CheckedOn: checked.Format(time.DateOnly)}); err != nil {
						return fmt.Errorf("demo: contact: %w", err)
					}
				}
			}
			for y := 2021; y <= 2023; y++ {
				held := between(r, day(y, 3, 1), day(y, 11, 30))
				if (i+j+y)%3 == 0 || held.After(now) {
					continue
				}
				if _, err := svc.AddDrill(ctx, admin, readiness.DrillInput{CommunityCode: c.code, Scenario: scenarios[(i+j+y)%len(scenarios)],
					HeldOn: held.Format(time.DateOnly), Participants: 30 + r.IntN(120), Findings: "疏散通道畅通，部分居民不熟悉集合点，已补充标识"}); err != nil {
					return fmt.Errorf("demo: drill: %w", err)
				}
			}
			if j%2 == 0 {
				l, err := svc.AddLiaison(ctx, admin, readiness.LiaisonInput{CommunityCode: c.code,
					Holder: "社工 " + demoPeople[(i+j+3)%len(demoPeople)], Since: "2021-11-01"})
				if err != nil {
					return fmt.Errorf("demo: liaison: %w", err)
				}
				for k, on := range []time.Time{day(2022, 4, 12), day(2022, 10, 20), day(2023, 4, 8)} {
					if on.After(now) {
						continue
					}
					if _, err := svc.LogContact(ctx, admin, l.ID, readiness.ContactLogInput{OnDate: on.Format(time.DateOnly),
						Kind: readiness.ContactKinds[k%len(readiness.ContactKinds)], Summary: "了解辖内社区社会组织活动开展情况和场地需求"}); err != nil {
						return fmt.Errorf("demo: liaison log: %w", err)
					}
				}
			}
		}
	}
	return patrolsDemo(ctx, d, svc, admin, areas)
}
