package demo

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"linli/internal/funding"
	"linli/internal/geo"
	"linli/internal/ledger"
	"linli/internal/platform/auth"
	"linli/internal/platform/clock"
	"linli/internal/platform/db"
	"linli/internal/registry"
)

// fundingPlan is the demonstration's calls for projects: one a year in
// five districts, and how many of each district's projects became brand
// projects (天河 and 越秀 reach the plan's three, 番禺 two, 海珠 one, 从化
// none), so brand_projects has districts met and districts behind.
var fundingPlan = []struct {
	district string
	name     string
	channel  string
	brands   int
}{
	{"440106", "天河区", funding.ChannelVenture, 3},
	{"440104", "越秀区", funding.ChannelGovernment, 3},
	{"440105", "海珠区", funding.ChannelVenture, 1},
	{"440113", "番禺区", funding.ChannelContest, 2},
	{"440117", "从化区", funding.ChannelCommunity, 0},
}

// fundingDemo runs the calls through the funding service on their dates:
// opened, applied to, scored by three reviewers, awarded in rank order
// within the budget, paid in two tranches (into custody, or directly to a
// registered organization), reported on and accepted, and some projects
// designated brand projects.
func fundingDemo(ctx context.Context, d *db.DB, st *geo.Store, reg *registry.Service, users *auth.Service,
	admin *auth.User, plans []*planned, now time.Time, seed int64) error {
	at := now
	atNow := func() time.Time { return at }
	led := &ledger.Service{DB: d, Orgs: reg, Now: atNow}
	svc := &funding.Service{DB: d, Orgs: reg, Custody: led, Users: users, Geo: st, Now: atNow}
	led.ProjectCheck = svc.CheckExpenseTag
	r := newRand(seed + 7)
	var reviewers []int64
	for i, name := range []string{"评审专家甲（示例）", "评审专家乙（示例）", "评审专家丙（示例）"} {
		u, err := users.CreateUser(ctx, nil, auth.NewUser{Username: fmt.Sprintf("reviewer%d", i+1), DisplayName: name,
			Role: auth.Auditor, ScopeCode: geo.GuangzhouCode, Password: DemoPassword})
		if err != nil {
			return fmt.Errorf("demo: reviewer: %w", err)
		}
		reviewers = append(reviewers, u.ID)
	}
	leaders := map[int64]*auth.User{}
	leaderOf := func(o *planned) (*auth.User, error) {
		if u := leaders[o.id]; u != nil {
			return u, nil
		}
		u, err := users.CreateUser(ctx, nil, auth.NewUser{Username: fmt.Sprintf("fund-leader-%d", o.id), DisplayName: o.in.LeaderName,
			Role: auth.OrgLeader, ScopeCode: o.in.CommunityCode, OrgID: o.id, Password: DemoPassword})
		leaders[o.id] = u
		return u, err
	}
	titles := []string{"长者助餐与探访", "四点半课堂", "邻里守望互助", "残障人士康乐小组", "社区环境微更新", "困境家庭结对帮扶", "青少年成长营", "社区议事会培育"}
	items := []string{"活动物资", "场地与设备", "专业服务", "宣传与培训"}
	for _, fp := range fundingPlan {
		var pool []*planned
		for _, o := range plans {
			if o.district != fp.district || o.final != registry.StatusActive {
				continue
			}
			hub, err := led.HubOf(ctx, o.id)
			if err != nil {
				return err
			}
			if o.in.Tier == registry.TierRegistered || hub != 0 {
				pool = append(pool, o)
			}
		}
		if len(pool) < 5 {
			continue
		}
		r.Shuffle(len(pool), func(i, j int) { pool[i], pool[j] = pool[j], pool[i] })
		var projects []*funding.Project
		for y, year := range []int{2021, 2022, 2023} {
			opens := day(year, time.April, 6)
			if year == 2021 {
				opens = day(year, time.October, 11)
			}
			closes := opens.AddDate(0, 1, 0)
			if opens.After(now) {
				continue
			}
			at = opens
			c, err := svc.CreateCall(ctx, admin, funding.CallInput{Title: fmt.Sprintf("%d年%s社区社会组织公益创投（示例）", year, fp.name),
				Channel: fp.channel, UnitCode: fp.district, BudgetFen: 30_000_000, Fields: []string{"elderly", "governance", "children"},
				Eligibility: funding.Eligibility{Statuses: []string{registry.StatusActive}, CustodyRequired: true},
				OpensOn:     opens.Format(time.DateOnly), ClosesOn: closes.Format(time.DateOnly),
				ReviewOn: closes.AddDate(0, 0, 10).Format(time.DateOnly), AwardOn: closes.AddDate(0, 0, 20).Format(time.DateOnly),
				Criteria: []funding.Criterion{{Key: "need", Name: "需求契合度", Weight: 40, Max: 10},
					{Key: "design", Name: "方案设计", Weight: 30, Max: 10}, {Key: "capacity", Name: "执行能力", Weight: 30, Max: 10}},
				Bonus: []funding.Bonus{{Rule: funding.RuleParty, Points: 2}}, TieBreaks: []string{funding.RuleWellRun}})
			if err != nil {
				return fmt.Errorf("demo: call: %w", err)
			}
			at = opens.AddDate(0, 0, 10)
			var apps []int64
			for k := range 6 {
				o := pool[(y*4+k)%len(pool)]
				u, err := leaderOf(o)
				if err != nil {
					return fmt.Errorf("demo: leader: %w", err)
				}
				req := int64(20_000+r.IntN(30_000)) * 100
				lines := []funding.BudgetLine{}
				left := req
				for i, it := range items {
					amt := req / 4
					if i == len(items)-1 {
						amt = left
					}
					left -= amt
					lines = append(lines, funding.BudgetLine{Item: it, AmountFen: amt})
				}
				a, err := svc.Apply(ctx, u, c.ID, funding.ApplicationInput{OrgID: o.id, Title: titles[(y*3+k)%len(titles)],
					Need: "社区走访中居民反映的需求", TargetGroups: "社区居民", Beneficiaries: 50 + r.IntN(200),
					Activities: "每月开展主题活动，结项时形成服务报告", RequestFen: req, Budget: lines})
				if err != nil {
					return fmt.Errorf("demo: apply: %w", err)
				}
				if _, err := svc.Submit(ctx, u, a.ID); err != nil {
					continue // an ineligible organization stays a draft
				}
				apps = append(apps, a.ID)
			}
			if at = closes.AddDate(0, 0, 10); at.After(now) || len(apps) == 0 {
				continue
			}
			if _, err := svc.AssignReviewers(ctx, admin, c.ID, reviewers, nil); err != nil {
				return fmt.Errorf("demo: reviewers: %w", err)
			}
			for _, a := range apps {
				for _, rv := range reviewers {
					sc := map[string]int{"need": 5 + r.IntN(6), "design": 4 + r.IntN(7), "capacity": 5 + r.IntN(6)}
					if _, err := svc.Score(ctx, admin, a, funding.ScoreInput{ReviewerID: rv, Scores: sc}); err != nil {
						return fmt.Errorf("demo: score: %w", err)
					}
				}
			}
			ranking, err := svc.Ranking(ctx, admin, c.ID)
			if err != nil {
				return err
			}
			at = closes.AddDate(0, 0, 20)
			var awards []funding.AwardInput
			var total int64
			for _, it := range ranking {
				if total+it.RequestFen > c.BudgetFen || len(awards) == 4 {
					break
				}
				awards = append(awards, funding.AwardInput{ApplicationID: it.ApplicationID, AmountFen: it.RequestFen})
				total += it.RequestFen
			}
			ps, err := svc.Award(ctx, admin, c.ID, awards)
			if err != nil {
				return fmt.Errorf("demo: award: %w", err)
			}
			for _, p := range ps {
				first := p.AwardFen * 6 / 10
				for i, t := range []struct {
					at  time.Time
					fen int64
				}{{at.AddDate(0, 0, 3), first}, {at.AddDate(0, 6, 3), p.AwardFen - first}} {
					if t.at.After(now) {
						break
					}
					at = t.at
					if _, err := svc.PayTranche(ctx, admin, p.ID, funding.TrancheInput{AmountFen: t.fen, PaidOn: t.at.Format(time.DateOnly)}); err != nil {
						return fmt.Errorf("demo: tranche %d: %w", i+1, err)
					}
				}
				full, err := svc.Project(ctx, admin, p.ID)
				if err != nil {
					return err
				}
				u := leaders[p.OrgID]
				for _, m := range full.Milestones {
					due, _ := clock.Parse(time.DateOnly, m.DueOn)
					rep := due.AddDate(0, 0, -r.IntN(10)).Add(10 * time.Hour)
					if rep.AddDate(0, 0, 7).After(now) {
						break
					}
					at = rep
					if _, err := svc.Report(ctx, u, p.ID, m.ID, funding.ReportInput{Report: "按计划完成服务，服务对象满意度良好（示例）"}); err != nil {
						return fmt.Errorf("demo: report: %w", err)
					}
					at = rep.AddDate(0, 0, 7)
					if _, err := svc.Accept(ctx, admin, p.ID, m.ID); err != nil {
						return fmt.Errorf("demo: accept: %w", err)
					}
				}
				projects = append(projects, p)
			}
		}
		// brand projects: the earliest projects of the district, designated
		// a year after their award
		slices.SortStableFunc(projects, func(a, b *funding.Project) int { return strings.Compare(a.AwardedOn, b.AwardedOn) })
		for i := 0; i < fp.brands && i < len(projects); i++ {
			awarded, _ := clock.Parse(time.DateOnly, projects[i].AwardedOn)
			on := awarded.AddDate(1, 0, 0).Add(10 * time.Hour)
			if on.After(now) {
				continue
			}
			at = on
			if _, err := svc.Brand(ctx, admin, projects[i].ID, funding.DesignationInput{Reason: "服务成效显著、居民认可度高，经区评审认定为品牌项目（示例）",
				EffectiveOn: on.Format(time.DateOnly)}); err != nil {
				return fmt.Errorf("demo: brand: %w", err)
			}
		}
	}
	return nil
}
