package demo

import (
	"context"
	"fmt"
	"time"

	"linli/internal/geo"
	"linli/internal/kpi"
	"linli/internal/platform/auth"
	"linli/internal/platform/db"
	"linli/internal/readiness"
)

// The capacity indicators of the demonstration (issue 15), added as data
// the way a city administrator would. The plan names no figure for them:
// the targets are examples a district would set for itself, and the clause
// says so.
var capacityIndicators = []kpi.Input{
	{Key: "trained_key_personnel", NameZH: "有近一年参训骨干的社区社会组织比例", NameEN: "Organizations with key personnel trained in the last 12 months",
		Level: kpi.LevelDistrict, ScopeCode: geo.GuangzhouCode, Target: 0.05, StartOn: "2021-09-01", Deadline: "2023-12-31",
		Clause: "二(二)1：加强社区社会组织骨干人才培训（各区自定目标示例）",
		Rule:   kpi.Rule{Kind: kpi.KindRecordShare, Source: kpi.SourceOrgs, NumeratorFilter: &kpi.Filter{TrainedPersonnel: ptrTrue()}}},
	{Key: "qualified_hub_workers", NameZH: "枢纽组织配备持证社会工作者比例", NameEN: "Hubs with a qualified social worker",
		Level: kpi.LevelDistrict, ScopeCode: geo.GuangzhouCode, Target: 0.5, StartOn: "2021-09-01", Deadline: "2023-12-31",
		Clause: "二(二)1：枢纽型社区社会组织配备社会工作者，鼓励取得社会工作者职业资格（各区自定目标示例）",
		Rule: kpi.Rule{Kind: kpi.KindRecordShare, Source: kpi.SourceHubs, Filter: kpi.Filter{Hub: ptrTrue()},
			NumeratorFilter: &kpi.Filter{MinWorkers: 1, QualifiedWorkers: true}}},
	{Key: "drill_communities", NameZH: "近 12 个月开展应急演练的社区比例", NameEN: "Communities with a drill in the last 12 months",
		Level: kpi.LevelDistrict, ScopeCode: geo.GuangzhouCode, Target: 0.3, StartOn: "2021-09-01", Deadline: "2023-12-31",
		Clause: "二(二)3：提升社区社会组织参与应急处置能力（各区自定目标示例）",
		Rule:   kpi.Rule{Kind: kpi.KindUnitShare, Source: kpi.SourceDrills, UnitLevel: kpi.LevelCommunity, MinCount: 1}},
}

func capacityKPIs(ctx context.Context, d *db.DB, st *geo.Store, admin *auth.User, now time.Time) error {
	svc := &kpi.Service{DB: d, Geo: st, Now: func() time.Time { return now }}
	for i, in := range capacityIndicators {
		in.Position = 300 + i
		if _, err := svc.Create(ctx, admin, in); err != nil {
			return fmt.Errorf("demo: capacity indicator %s: %w", in.Key, err)
		}
	}
	return nil
}

// activeOrgOf returns an organization of a street active on a day, its
// community, or 0 when there is none.
func activeOrgOf(ctx context.Context, d *db.DB, streetCode string, skip int) (int64, string, error) {
	id, comm, _, err := activeOrg(ctx, d, streetCode, skip)
	return id, comm, err
}

// activeOrg is activeOrgOf with the organization's founding date.
func activeOrg(ctx context.Context, d *db.DB, streetCode string, skip int) (id int64, comm, founded string, err error) {
	err = d.Read.QueryRowContext(ctx, `SELECT id, community_code, founded_on FROM orgs WHERE street_code = $1 AND status = 'active'
		ORDER BY id LIMIT 1 OFFSET $2`, streetCode, skip).Scan(&id, &comm, &founded)
	return id, comm, founded, db.Optional(err, "demo: active org")
}

// patrolsDemo records, in the first street of each district, up to two of
// its active organizations as safety patrol groups, patrolling since 2022
// (entered late, with the reason), on two evenings a week.
func patrolsDemo(ctx context.Context, d *db.DB, svc *readiness.Service, admin *auth.User, areas []*area) error {
	for i, a := range areas {
		if len(a.streets) == 0 {
			continue
		}
		for k := 0; k < 2; k++ {
			id, _, founded, err := activeOrg(ctx, d, a.streets[0].code, k*3)
			if err != nil {
				return err
			}
			if id == 0 {
				break
			}
			started := day(2022, time.Month(3+i%6), 1+k).Format(time.DateOnly)
			if founded > started {
				started = founded
			}
			if _, err := svc.AddPatrol(ctx, admin, readiness.PatrolInput{OrgID: id, Area: a.streets[0].name + "主要街巷和小区出入口",
				Members: 10 + 3*i + k, StartedOn: started, LateReason: "系统启用前已组建，按台账补录",
				Shifts: []readiness.Shift{{Weekday: 2 + k, Starts: "19:30", Ends: "21:30", Route: "主干道—农贸市场—学校周边"},
					{Weekday: 6, Starts: "20:00", Ends: "22:00", Route: "小区出入口—公园"}}}); err != nil {
				return fmt.Errorf("demo: patrol: %w", err)
			}
		}
	}
	return nil
}
