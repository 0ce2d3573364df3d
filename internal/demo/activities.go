package demo

import (
	"context"
	"fmt"
	"slices"
	"sort"
	"time"

	"linli/internal/activity"
	"linli/internal/geo"
	"linli/internal/kpi"
	"linli/internal/platform/auth"
	"linli/internal/platform/clock"
	"linli/internal/platform/db"
	"linli/internal/registry"
)

// The activities of the demonstration (C11–C15, C12, C18): two years,
// 2022 and 2023, of what a share of the active organizations did under the
// five campaigns, with volunteers and their hours, major activities
// reported to their street (acknowledged, refused, pending, late, never
// reported) and consultations. Every record goes through the activity
// service on its own date, as the staff concerned.

// themeOf is the campaign an organization's activity most likely belongs
// to, from its types.
func themeOf(o *planned, roll int) string {
	has := func(t string) bool { return slices.Contains(o.in.Types, t) }
	switch {
	case roll%10 == 9:
		return []string{"co_governance", "safety", "other"}[roll%3]
	case has("rural_technical"):
		return "rural_revival"
	case has("culture_sports"):
		return "culture"
	case has("mutual_aid"):
		return []string{"safety", "co_governance"}[roll%2]
	}
	return "neighbourly_watch"
}

var activityTitles = map[string][]string{
	"neighbourly_watch": {"探访独居长者", "困境儿童课业辅导", "残疾人康复陪伴", "空巢老人生日会", "留守儿童暑期营", "低保家庭上门服务"},
	"co_governance":     {"居民议事会", "小区停车议事", "加装电梯协商会", "楼道环境改造意见征集", "社区慈善基金议事"},
	"safety":            {"邻里纠纷调解", "夜间治安巡逻", "垃圾分类宣传", "应急救援演练", "普法讲座", "心理健康讲座"},
	"culture":           {"粤曲欣赏会", "亲子读书会", "书法练习", "广场舞展演", "非遗剪纸体验", "科普小课堂"},
	"rural_revival":     {"村容村貌清洁日", "农技下乡培训", "低收入户走访", "厕所改造宣传", "村民就业对接会"},
	"other":             {"志愿者培训", "组织年度总结会"},
}

type actEvent struct {
	at time.Time
	do func(ctx context.Context) error
}

// activities plays two years of activities. simNow is the activity
// service's clock, set to each event's time.
func activities(ctx context.Context, d *db.DB, st *geo.Store, reg *registry.Service, users *auth.Service, admin *auth.User,
	plans []*planned, now time.Time, seed int64) error {
	var simNow time.Time
	svc := &activity.Service{DB: d, Orgs: reg, Exists: st.Exists, Now: func() time.Time { return simNow }}
	r := newRand(seed + 14)
	people := &planner{r: newRand(seed + 15)}
	street := map[string]*auth.User{}
	for _, name := range []string{"street", "street2"} {
		u, err := users.UserByName(ctx, name)
		if err != nil {
			return fmt.Errorf("demo: activities: %w", err)
		}
		street[u.ScopeCode] = u
	}
	var evs []actEvent
	decided := 0
	add := func(at time.Time, do func(ctx context.Context) error) { evs = append(evs, actEvent{at, do}) }
	for _, o := range plans {
		if o.final != registry.StatusActive || r.IntN(10) >= 3 && o.street != demoStreet {
			continue
		}
		// between the organization's founding and a couple of days before now
		lo := time.Date(2022, 1, 10, 0, 0, 0, 0, clock.China)
		if f, err := time.ParseInLocation(time.DateOnly, o.in.FoundedOn, clock.China); err == nil && f.After(lo) {
			lo = f.AddDate(0, 0, 7)
		}
		hi := time.Date(2023, 12, 28, 0, 0, 0, 0, clock.China)
		if n := now.In(clock.China).AddDate(0, 0, -3); n.Before(hi) {
			hi = n
		}
		span := int(hi.Sub(lo).Hours() / 24)
		if span < 30 {
			continue
		}
		var vols []int64
		nvol := 1 + r.IntN(4)
		volNames := make([]string, nvol)
		for i := range volNames {
			volNames[i] = people.person()
		}
		first := lo.Add(-time.Hour)
		add(first, func(ctx context.Context) error {
			simNow = first.UTC()
			for i, n := range volNames {
				v, err := svc.CreateVolunteer(ctx, admin, activity.VolunteerInput{PersonInput: activity.PersonInput{Name: n,
					Phone: fmt.Sprintf("139%08d", (o.id*7+int64(i))%100000000), CommunityCode: o.in.CommunityCode}, OrgIDs: []int64{o.id}})
				if err != nil {
					return fmt.Errorf("demo: volunteer: %w", err)
				}
				vols = append(vols, v.ID)
			}
			return nil
		})
		used := map[int]bool{}
		for range 1 + span/90 + r.IntN(4) { // a few activities a year
			day := r.IntN(span)
			if used[day] {
				continue
			}
			used[day] = true
			start := lo.Add(time.Duration(8+r.IntN(8))*time.Hour).AddDate(0, 0, day)
			roll := r.IntN(1000)
			theme := themeOf(o, roll)
			titles := activityTitles[theme]
			title := titles[r.IntN(len(titles))]
			fields := activity.ThemeFields[theme]
			kind, participants := "service", 8+r.IntN(40)
			if theme == "co_governance" {
				kind = "meeting"
			}
			major := theme == "culture" && roll%7 == 0 || (o.street == demoStreet || o.street == otherStreet) && roll%11 == 0
			if major {
				theme, fields = "culture", activity.ThemeFields["culture"]
				kind, participants = []string{"festival", "performance", "sports", "gathering"}[roll%4], 100+r.IntN(300)
				title = []string{"社区邻里节", "迎春文艺汇演", "社区运动会", "重阳敬老聚会"}[roll%4]
			}
			in := activity.Input{OrgIDs: []int64{o.id}, Title: title, Theme: theme, Kind: kind,
				Fields: []string{fields[r.IntN(len(fields))]}, StartsAt: start.Format(time.RFC3339),
				EndsAt: start.Add(time.Duration(1+r.IntN(3)) * time.Hour).Format(time.RFC3339), CommunityCode: o.in.CommunityCode,
				Address: "社区党群服务中心", Participants: participants, WriteUp: "（演示数据）" + title + "，由组织成员和志愿者共同开展。"}
			benef := participants * (3 + r.IntN(5)) / 10
			groups := o.in.TargetGroups
			in.TargetGroups = slices.Clone(groups)
			in.Beneficiaries = activity.Beneficiaries{Total: benef, ByGroup: map[string]int{}}
			left := benef
			for i, g := range groups {
				n := left / (len(groups) - i + 1)
				in.Beneficiaries.ByGroup[g] = n
				left -= n
			}
			in.Beneficiaries.Other = left
			hours := make([]float64, 3)
			for i := range hours {
				hours[i] = float64(1 + r.IntN(2))
			}
			decide := r.IntN(20)
			consult := theme == "co_governance" && roll%3 == 0
			recordAt := start.Add(26 * time.Hour)
			if recordAt.After(now) {
				recordAt = now.Add(-time.Hour)
			}
			if major {
				recordAt = start.AddDate(0, 0, -(3 + r.IntN(14)))
			}
			add(recordAt, func(ctx context.Context) error {
				simNow = recordAt.UTC()
				if consult {
					_, err := svc.CreateConsultation(ctx, admin, activity.ConsultationInput{Topic: o.in.Name + title, TopicKind: "other",
						CommunityCode: o.in.CommunityCode, RaisedBy: "organization", RaisedByOrgID: o.id, OrgIDs: []int64{o.id},
						FollowUp: "（演示数据）居委会跟进落实，下次议事会通报进展。",
						Meetings: []activity.Meeting{{HeldOn: start.Format(time.DateOnly), Residents: participants, Committee: 2 + r.IntN(3),
							Organizations: 1, PropertyMgmt: r.IntN(2), Minutes: "（演示数据）居民逐一发言，形成初步方案。", Decisions: "按多数意见实施。"}}})
					if err != nil {
						return fmt.Errorf("demo: consultation: %w", err)
					}
					return nil
				}
				a, err := svc.Create(ctx, admin, in)
				if err != nil {
					return fmt.Errorf("demo: activity %q: %w", in.Title, err)
				}
				if !a.Major {
					for i, v := range vols {
						if i >= len(hours) {
							break
						}
						if _, err := svc.AddHours(ctx, admin, a.ID, activity.HoursInput{VolunteerID: v, Hours: min(hours[i], a.EndsAt.Sub(a.StartsAt).Hours())}); err != nil {
							return fmt.Errorf("demo: hours: %w", err)
						}
					}
					if start.Before(time.Date(2023, 12, 1, 0, 0, 0, 0, clock.China)) {
						if _, err := svc.Confirm(ctx, admin, a.ID); err != nil {
							return fmt.Errorf("demo: confirm: %w", err)
						}
					}
					return nil
				}
				if decide == 0 { // never reported
					return nil
				}
				rp, err := svc.Submit(ctx, admin, a.ID)
				if err != nil {
					return fmt.Errorf("demo: report: %w", err)
				}
				decider := street[a.StreetCode]
				if a.AckLevel != activity.LevelStreet || decider == nil || start.After(time.Date(2023, 12, 10, 0, 0, 0, 0, clock.China)) {
					return nil // pending: an inbox the demo accounts may not be
				}
				decision, reason := "acknowledge", ""
				decided++
				if decided%4 == 2 {
					decision, reason = "refuse", "（演示数据）场地容量不足，请改期或缩小规模。"
				}
				simNow = simNow.Add(30 * time.Hour)
				_, err = svc.Decide(ctx, decider, rp.ID, decision, reason)
				return err
			})
		}
	}
	sort.SliceStable(evs, func(i, j int) bool { return evs[i].at.Before(evs[j].at) })
	for _, e := range evs {
		if err := e.do(ctx); err != nil {
			return err
		}
	}
	return campaignKPIs(ctx, d, st, admin, now)
}

// campaignIndicators are the five campaigns as indicators, added as data
// the way a city administrator would: the plan sets no number for them, so
// the target is an example a city might set (an activity a month per
// district), read from the activities source.
func campaignIndicators() []kpi.Input {
	clauses := map[string]string{
		"neighbourly_watch": "二(三)1：开展“邻里守望”关爱行动", "co_governance": "二(三)2：开展“共建共治共享”协商行动",
		"safety": "二(三)3：开展“平安建设”服务行动", "culture": "二(三)4：开展“文化铸魂”宣传行动", "rural_revival": "二(三)5：开展“助力乡村振兴”行动",
	}
	names := map[string][2]string{
		"neighbourly_watch": {"邻里守望关爱行动活动", "Neighbourly watch activities"}, "co_governance": {"共建共治共享协商行动活动", "Co-governance activities"},
		"safety": {"平安建设服务行动活动", "Safety activities"}, "culture": {"文化铸魂宣传行动活动", "Culture activities"},
		"rural_revival": {"助力乡村振兴行动活动", "Rural revitalisation activities"},
	}
	var out []kpi.Input
	for _, th := range activity.Themes[:5] {
		out = append(out, kpi.Input{Key: "campaign_" + th, NameZH: names[th][0], NameEN: names[th][1], Level: kpi.LevelDistrict,
			ScopeCode: geo.GuangzhouCode, Target: 12, StartOn: "2022-01-01", Deadline: "2023-12-31",
			Clause: clauses[th] + "（各区每年至少 12 次活动，为目标示例）",
			Rule: kpi.Rule{Kind: kpi.KindCountPerYear, Source: kpi.SourceActivities, Years: []int{2022, 2023},
				Filter: kpi.Filter{ActivityThemes: []string{th}}}})
	}
	return out
}

func campaignKPIs(ctx context.Context, d *db.DB, st *geo.Store, admin *auth.User, now time.Time) error {
	svc := &kpi.Service{DB: d, Geo: st, Now: func() time.Time { return now }}
	for i, in := range campaignIndicators() {
		in.Position = 300 + i
		if _, err := svc.Create(ctx, admin, in); err != nil {
			return fmt.Errorf("demo: campaign indicator %s: %w", in.Key, err)
		}
	}
	return nil
}
