package demo

import (
	"context"
	"fmt"
	"time"

	"linli/internal/evaluation"
	"linli/internal/geo"
	"linli/internal/kpi"
	"linli/internal/platform/auth"
	"linli/internal/platform/clock"
	"linli/internal/platform/db"
	"linli/internal/platform/errs"
	"linli/internal/registry"
)

// The evaluation records of the demonstration (issue 16): grades for
// about half the registered organizations (awarded 2016–2023, some
// expired), party-building instructors for a share of the organizations
// without a party organization, contacts with the community party
// organization, appraisals (评估评议) for 2022 and 2023 in a sample of
// communities, and one evaluation round per district in 2023 with the
// default tree (Tianhe's left open for scoring, the others published).
// Every record goes through the evaluation service on its own date.
func evaluationDemo(ctx context.Context, d *db.DB, st *geo.Store, reg *registry.Service, users *auth.Service, admin *auth.User,
	plans []*planned, now time.Time, seed int64) error {
	var simNow time.Time
	svc := &evaluation.Service{DB: d, Orgs: lateRegistry{reg}, Users: users, Geo: st, Now: func() time.Time { return simNow }}
	r := newRand(seed + 16)
	on := func(day string) bool { // set the clock to a day (10:00 China); false if it is not past yet
		t, err := time.ParseInLocation(time.DateOnly, day, clock.China)
		if err != nil {
			return false
		}
		simNow = t.Add(10 * time.Hour).UTC()
		return simNow.Before(now)
	}
	skip := func(err error) error { // a fact the record refuses (dates against the organization's history) is left out
		if errs.Is(err, errs.Invalid) {
			return nil
		}
		return err
	}
	kpis := &kpi.Service{DB: d, Geo: st, Now: func() time.Time { return now }}
	for i, in := range evaluation.Indicators() {
		in.Position = 300 + i
		if _, err := kpis.Create(ctx, admin, in); err != nil {
			return fmt.Errorf("demo: evaluation indicator %s: %w", in.Key, err)
		}
	}
	byDistrict := map[string][]*planned{}
	for _, o := range plans {
		if o.final != registry.StatusActive || o.id == 0 {
			continue
		}
		byDistrict[o.district] = append(byDistrict[o.district], o)
		founded := max(o.in.FoundedOn, "2016-01-01")
		// grades: half the registered organizations
		if o.in.Tier == registry.TierRegistered && r.IntN(2) == 0 {
			day := dayAfter(founded, 60+r.IntN(2200))
			if day < "2023-12-20" && on(dayAfter(day, 5)) {
				g := evaluation.Grades[min(4, 1+r.IntN(4))]
				if _, err := svc.AwardGrade(ctx, admin, o.id, evaluation.GradeInput{Grade: g, AwardedOn: day, Evaluator: "广州市社会组织评估委员会"}); skip(err) != nil {
					return fmt.Errorf("demo: grade: %w", err)
				}
			}
		}
		// instructors for a share of those without a party organization
		if o.in.PartyOrg == registry.PartyNone && r.IntN(4) == 0 {
			day := dayAfter(max(founded, "2021-10-01"), 30+r.IntN(500))
			if on(dayAfter(day, 3)) {
				if _, err := svc.SetForm(ctx, admin, evaluation.FormInput{OrgID: o.id, Form: evaluation.FormInstructor,
					LinkName: instructorNames[r.IntN(len(instructorNames))] + "（党建指导员）", EffectiveOn: day}); skip(err) != nil {
					return fmt.Errorf("demo: party form: %w", err)
				}
			}
		}
		// contacts: the demonstration district's organizations, and one in six elsewhere
		if o.district == demoDistrict || r.IntN(6) == 0 {
			for k := r.IntN(4); k > 0; k-- {
				day := dayAfter("2022-01-01", r.IntN(720))
				if day < founded || !on(day) {
					continue
				}
				if _, err := svc.AddContact(ctx, admin, evaluation.ContactInput{OrgID: o.id, On: day, Kind: evaluation.ContactKinds[r.IntN(4)],
					Topic: contactTopics[r.IntN(len(contactTopics))]}); skip(err) != nil {
					return fmt.Errorf("demo: contact: %w", err)
				}
			}
		}
		// appraisals 2022 and 2023 in the demonstration street and one community in eight elsewhere
		if o.street == demoStreet || o.in.CommunityCode[9:] == "001" && r.IntN(2) == 0 {
			for _, year := range []int{2022, 2023} {
				if founded > fmt.Sprintf("%d-10-01", year) || !on(fmt.Sprintf("%d-01-%02d", year+1, 10+r.IntN(15))) {
					continue
				}
				var forms []evaluation.MemberForm
				for _, m := range []string{"书记", "主任", "委员"} {
					forms = append(forms, evaluation.MemberForm{Member: m, Scores: map[string]int{"service": 18 + r.IntN(13),
						"participation": 12 + r.IntN(9), "conduct": 15 + r.IntN(11), "cooperation": 15 + r.IntN(11)}})
				}
				n := 20 + r.IntN(60)
				sat := n * (50 + r.IntN(45)) / 100
				basic := (n - sat) * 3 / 4
				if _, err := svc.Appraise(ctx, admin, evaluation.AppraisalInput{OrgID: o.id, Year: year, Forms: forms,
					Satisfied: sat, Basically: basic, Dissatisfied: n - sat - basic}); skip(err) != nil {
					return fmt.Errorf("demo: appraisal: %w", err)
				}
			}
		}
	}
	// one round per district in 2023, with the default tree: in January
	// 2024, or in progress when the demonstration's clock is earlier
	published := on("2024-01-20")
	if !published {
		if now.In(clock.China).Year() < 2023 {
			return nil
		}
		simNow = now.Add(-time.Hour)
	}
	tianhe, err := users.UserByName(ctx, "tianhe")
	if err != nil {
		return fmt.Errorf("demo: evaluation: %w", err)
	}
	for _, dc := range districts {
		orgs := byDistrict[dc.code]
		if len(orgs) > 30 {
			orgs = orgs[:30]
		}
		if len(orgs) == 0 {
			continue
		}
		tree, err := svc.SaveTree(ctx, admin, evaluation.TreeInput{UnitCode: dc.code, Name: "社区社会组织评价指标体系"})
		if err != nil {
			return fmt.Errorf("demo: tree: %w", err)
		}
		ids := make([]int64, len(orgs))
		for i, o := range orgs {
			ids[i] = o.id
		}
		scorers := []int64{admin.ID}
		if dc.code == demoDistrict {
			scorers = append(scorers, tianhe.ID)
		}
		round, err := svc.CreateRound(ctx, admin, evaluation.RoundInput{TreeID: tree.ID, Name: "2023年度社区社会组织评价", Year: 2023,
			OrgIDs: ids, Scorers: scorers})
		if err != nil {
			return fmt.Errorf("demo: round: %w", err)
		}
		var manual []evaluation.Node
		for _, l := range evaluation.Leaves(tree.Nodes) {
			if l.Evidence == "" {
				manual = append(manual, l.Node)
			}
		}
		for i, id := range ids {
			if dc.code == demoDistrict && i%3 == 0 {
				continue // left for the district's scorer
			}
			s := map[string]float64{}
			for _, l := range manual {
				s[l.Key] = float64(int(l.Max)/2 + r.IntN(int(l.Max)/2+1))
			}
			if _, err := svc.Score(ctx, admin, round.ID, evaluation.ScoreInput{OrgID: id, Scores: s}); err != nil {
				return fmt.Errorf("demo: score: %w", err)
			}
		}
		if dc.code != demoDistrict && published {
			if _, err := svc.Publish(ctx, admin, round.ID); err != nil {
				return fmt.Errorf("demo: publish: %w", err)
			}
		}
	}
	return nil
}

// lateRegistry is the registry as a district starting on linli today
// meets it: a party form's change of the party organization is entered
// now, effective on the form's date, as a late entry (补录) with the
// demonstration's reason.
// Its reads are the registry's own.
type lateRegistry struct{ *registry.Service }

func (c lateRegistry) Update(ctx context.Context, u *auth.User, id int64, in registry.Input) (*registry.Org, error) {
	if in.LateReason == "" {
		in.LateReason = lateReason
	}
	return c.Service.Update(ctx, u, id, in)
}

var instructorNames = []string{"陈建华", "李秀梅", "黄志强", "张丽娟", "梁国平", "何婉仪"}

var contactTopics = []string{"学习党的二十大精神", "了解组织活动计划", "共建社区志愿服务", "指导建立党员联系制度", "走访了解困难和需求", "组织党员参加主题党日"}

// dayAfter is the day n days after a day.
func dayAfter(day string, n int) string {
	t, err := time.Parse(time.DateOnly, day)
	if err != nil {
		return day
	}
	return t.AddDate(0, 0, n).Format(time.DateOnly)
}
