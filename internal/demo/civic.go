package demo

import (
	"context"
	"fmt"
	"time"

	"linli/internal/activity"
	"linli/internal/civic"
	"linli/internal/geo"
	"linli/internal/kpi"
	"linli/internal/platform/auth"
	"linli/internal/platform/clock"
	"linli/internal/platform/db"
	"linli/internal/platform/errs"
	"linli/internal/registry"
)

// The residents' side of the demonstration (issue 17): in each district a
// resident of its busiest community who signed up for an activity there
// and rated its organization, with more of them in the demonstration
// street; a recognition survey per district the residents answered; three
// typical cases of the demonstration street published (one featured). The
// residents' names and phones are personal data: they never appear on a
// public page (a test searches them).

// DemoResidents are the residents' display names and phones, for the test
// that searches every public page for them.
var DemoResidents = []struct{ Username, Name, Phone string }{
	{"resident", "林晓燕", "13600136001"}, {"resident2", "黄志强", "13600136002"}, {"resident3", "陈美玲", "13600136003"},
	{"res-440103", "梁文辉", "13600136103"}, {"res-440104", "何丽珍", "13600136104"}, {"res-440105", "罗国栋", "13600136105"},
	{"res-440111", "谢婉婷", "13600136111"}, {"res-440112", "冯建华", "13600136112"}, {"res-440113", "邓淑芬", "13600136113"},
	{"res-440114", "曾家豪", "13600136114"}, {"res-440115", "彭雅琴", "13600136115"}, {"res-440117", "苏永明", "13600136117"},
	{"res-440118", "卢嘉欣", "13600136118"},
}

func civicDemo(ctx context.Context, d *db.DB, st *geo.Store, reg *registry.Service, users *auth.Service, admin *auth.User,
	now time.Time, res *Result) error {
	simNow := now
	tick := func() time.Time { return simNow }
	acts := &activity.Service{DB: d, Orgs: reg, Exists: st.Exists, Now: tick}
	svc := &civic.Service{DB: d, Geo: st, Auth: users, Orgs: reg, Activity: acts, City: geo.GuangzhouCode, Now: tick}
	// each resident's community: the demonstration community for the first
	// three, else the district's community with the most activities
	rows, err := d.Read.QueryContext(ctx, `SELECT community_code, COUNT(*) FROM activities WHERE starts_at < $1 AND status <> 'refused'
		GROUP BY community_code ORDER BY COUNT(*) DESC, community_code`, now)
	if err != nil {
		return fmt.Errorf("demo: busy communities: %w", err)
	}
	busiest := map[string]string{}
	if err := db.EachPair(rows, func(c string, _ int) {
		if _, ok := busiest[c[:6]]; !ok {
			busiest[c[:6]] = c
		}
	}); err != nil {
		return err
	}
	yes := map[bool]string{true: "yes", false: "no"}
	surveys := map[string]int64{}
	for i, r := range DemoResidents {
		community := demoCommunity
		if i >= 3 {
			community = busiest[r.Username[4:]]
			if community == "" {
				continue
			}
		}
		district := community[:6]
		if _, ok := surveys[district]; !ok {
			n, err := st.Get(ctx, district)
			if err != nil {
				return err
			}
			simNow = now
			sv, err := svc.CreateSurvey(ctx, admin, civic.SurveyInput{Title: n.Name + "社会组织感知度和认可度调查",
				UnitCode: district, OpensOn: now.AddDate(0, 0, -30).In(clock.China).Format("2006-01-02"),
				ClosesOn: now.AddDate(0, 0, 60).In(clock.China).Format("2006-01-02")})
			if err != nil {
				return fmt.Errorf("demo: survey: %w", err)
			}
			surveys[district] = sv.ID
		}
		simNow = now.AddDate(0, 0, -400+i)
		out, err := svc.SignUp(ctx, civic.SignUp{Username: r.Username, Password: DemoPassword, CommunityCode: community, Phone: r.Phone,
			DisplayName: r.Name}, "")
		if err != nil {
			return fmt.Errorf("demo: resident %s: %w", r.Username, err)
		}
		u := &auth.User{ID: out.ID, Username: out.Username, DisplayName: r.Name, Role: auth.Resident, ScopeCode: community}
		n, _ := st.Get(ctx, community)
		res.Accounts = append(res.Accounts, Account{Username: u.Username, Role: u.Role, ScopeCode: community, ScopeName: n.Name, DisplayName: r.Name})
		// the last activities of the community before now: open them to
		// sign-ups the day before, sign up, rate the host after
		arows, err := d.Read.QueryContext(ctx, `SELECT id, org_id, starts_at FROM activities WHERE community_code = $1 AND starts_at < $2
			AND status <> 'refused' ORDER BY starts_at DESC, id LIMIT 2`, community, now.AddDate(0, 0, -7))
		if err != nil {
			return fmt.Errorf("demo: community activities: %w", err)
		}
		type act struct {
			id, org int64
			at      time.Time
		}
		var list []act
		for arows.Next() {
			var a act
			if err := arows.Scan(&a.id, &a.org, &a.at); err != nil {
				arows.Close()
				return err
			}
			list = append(list, a)
		}
		arows.Close()
		rated := map[int64]bool{}
		for j, a := range list {
			simNow = a.at.Add(-48 * time.Hour)
			if err := acts.SetSignups(ctx, admin, a.id, true, 0); err != nil {
				return fmt.Errorf("demo: open sign-ups: %w", err)
			}
			if err := svc.SignUpFor(ctx, u, a.id); errs.Is(err, errs.Invalid) || errs.Is(err, errs.NotFound) {
				continue
			} else if err != nil {
				return fmt.Errorf("demo: sign up: %w", err)
			}
			if i%4 == 3 || rated[a.org] {
				continue
			}
			rated[a.org] = true
			simNow = now.AddDate(0, 0, -3)
			comment := ""
			if j == 0 {
				comment = []string{"活动组织得很用心，老人家都很开心。", "志愿者很耐心，希望多办几次。", "场地有点小，其他都很好。"}[i%3]
			}
			if _, err := svc.Rate(ctx, u, a.org, civic.RatingInput{Stars: 3 + (i+j)%3, Comment: comment}); errs.Is(err, errs.Invalid) {
				continue // the organization is no longer active
			} else if err != nil {
				return fmt.Errorf("demo: rate: %w", err)
			}
		}
		simNow = now.AddDate(0, 0, -2)
		if err := svc.AnswerSurvey(ctx, u, surveys[district], civic.AnswerInput{Answers: map[string]string{
			"knows": yes[i%5 != 4], "took_part": yes[len(list) > 0], "satisfaction": fmt.Sprint(3 + i%3)}}); err != nil {
			return fmt.Errorf("demo: answer: %w", err)
		}
	}
	// the committee publishes the comments of the demonstration community
	committee, err := users.UserByName(ctx, "community")
	if err != nil {
		return err
	}
	simNow = now.AddDate(0, 0, -1)
	pending, err := svc.Ratings(ctx, committee, civic.CommentPending)
	if err != nil {
		return err
	}
	for _, r := range pending {
		if _, err := svc.Moderate(ctx, committee, r.ID, civic.Moderation{Decision: "publish"}); err != nil {
			return fmt.Errorf("demo: moderate: %w", err)
		}
	}
	if err := demoCases(ctx, d, users, admin, svc, &simNow, now); err != nil {
		return err
	}
	ks := &kpi.Service{DB: d, Geo: st, Now: func() time.Time { return now }}
	for i, in := range recognitionIndicators {
		in.Position = 300 + i
		if _, err := ks.Create(ctx, admin, in); err != nil {
			return fmt.Errorf("demo: indicator %s: %w", in.Key, err)
		}
	}
	return nil
}

// recognitionIndicators read the recognition surveys (C16) as data: the
// shares of residents' answers of the last 12 months that know an
// organization, took part, and are satisfied.
var recognitionIndicators = func() []kpi.Input {
	mk := func(key, zh, en, reading string, target float64) kpi.Input {
		return kpi.Input{Key: key, NameZH: zh, NameEN: en, Level: kpi.LevelDistrict, ScopeCode: geo.GuangzhouCode, Target: target,
			StartOn: "2021-09-01", Deadline: "2023-12-31", Clause: "二(三)：提升居民对社区社会组织的感知度和认可度",
			Rule: kpi.Rule{Kind: kpi.KindRecordShare, Source: kpi.SourceSurveys, NumeratorFilter: &kpi.Filter{SurveyReadings: []string{reading}}}}
	}
	return []kpi.Input{
		mk("resident_awareness", "居民对社区社会组织的知晓率", "Residents who know a community organization", "aware", 0.6),
		mk("resident_participation", "居民参与社区社会组织活动的比例", "Residents who took part in the last year", "took_part", 0.4),
		mk("resident_satisfaction", "居民对社区社会组织的满意率", "Residents satisfied with the organizations", "satisfied", 0.8),
	}
}()

var demoCaseTexts = []struct{ kind, title, story string }{
	{civic.KindCase, "“邻里守望”让独居长者不再孤单",
		"街道依托枢纽型社会组织，组织社区志愿者与独居长者结对，每周上门探访。\n一年来，志愿者队伍从十几人发展到数十人，社区形成了互帮互助的风气。"},
	{civic.KindExperience, "共建共治共享：小区停车难题的协商经验",
		"社区居委会牵头，业委会、物业和居民代表共同议事，三次协商形成停车公约。\n经验：议题由居民提出，方案由居民讨论，结果由居民监督。"},
	{civic.KindCase, "文化活动凝聚人心：社区粤曲社的成长",
		"粤曲社从几位退休老人自发组织起步，在社区社会组织孵化培育下登记备案，定期开展展演和教学。"},
}

// demoCases writes the demonstration street's cases, has the district
// approve them, and the city feature the first.
func demoCases(ctx context.Context, d *db.DB, users *auth.Service, admin *auth.User, svc *civic.Service, simNow *time.Time, now time.Time) error {
	street, err := users.UserByName(ctx, "street")
	if err != nil {
		return err
	}
	district, err := users.UserByName(ctx, "tianhe")
	if err != nil {
		return err
	}
	rows, err := d.Read.QueryContext(ctx, `SELECT id FROM activities WHERE street_code = $1 AND starts_at < $2 AND status <> 'refused'
		ORDER BY starts_at DESC, id LIMIT 6`, demoStreet, now)
	if err != nil {
		return fmt.Errorf("demo: street activities: %w", err)
	}
	acts, err := db.Column[int64](rows)
	if err != nil {
		return err
	}
	for i, x := range demoCaseTexts {
		*simNow = now.AddDate(0, 0, -20+i*5)
		var linked []int64
		if len(acts) >= 2*(i+1) {
			linked = acts[2*i : 2*i+2]
		}
		themes := [][]string{{"neighbourly_watch"}, {"co_governance"}, {"culture"}}[i]
		c, err := svc.CreateCase(ctx, street, civic.CaseInput{Kind: x.kind, Title: x.title, Story: x.story, Themes: themes, ActivityIDs: linked})
		if err != nil {
			return fmt.Errorf("demo: case: %w", err)
		}
		for _, step := range []struct {
			u *auth.User
			d string
		}{{street, "submit"}, {district, "approve"}} {
			if _, err := svc.Decide(ctx, step.u, c.ID, civic.Decision{Decision: step.d}); err != nil {
				return fmt.Errorf("demo: case %s: %w", step.d, err)
			}
		}
		if i == 0 {
			if _, err := svc.Decide(ctx, admin, c.ID, civic.Decision{Decision: "feature"}); err != nil {
				return fmt.Errorf("demo: feature: %w", err)
			}
		}
	}
	return nil
}
