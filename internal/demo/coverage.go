package demo

import (
	"context"
	"fmt"
	"slices"
	"time"

	"linli/internal/coverage"
	"linli/internal/geo"
	"linli/internal/kpi"
	"linli/internal/platform/auth"
	"linli/internal/platform/db"
	"linli/internal/registry"
)

// The coverage indicators of the demonstration, added as data the way a
// city administrator would (issue 20): they read the coverage rollup. The
// demonstration's organizations leave gaps worth seeing on their own: about
// 2,000 organizations for 2,851 communities, urban kinds only in residents'
// committees, the rarer groups (children of detained persons, the
// unemployed) covered in few districts.
var coverageIndicators = []kpi.Input{
	{Key: "elderly_coverage", NameZH: "为老服务社区社会组织村（居）覆盖率", NameEN: "Communities with an organization for the elderly",
		Level: kpi.LevelDistrict, ScopeCode: geo.GuangzhouCode, Target: 0.5, StartOn: "2021-09-01", Deadline: "2023-12-31",
		Clause: "二(一)1：提高社区社会组织在地域分布、服务对象、业务领域等方面的覆盖面（各区自定目标示例）",
		Rule:   kpi.Rule{Kind: kpi.KindUnitShare, Source: kpi.SourceCoverage, UnitLevel: kpi.LevelCommunity, MinCount: 1, Filter: kpi.Filter{TargetGroups: []string{"elderly"}}}},
	{Key: "marked_volunteer_streets", NameZH: "有志愿服务组织标识志愿服务队的街道（乡镇）比例", NameEN: "Streets with a volunteer team carrying the volunteer mark",
		Level: kpi.LevelDistrict, ScopeCode: geo.GuangzhouCode, Target: 0.8, StartOn: "2021-09-01", Deadline: "2023-12-31",
		Clause: "二(一)4：鼓励培育社区志愿服务类组织（团队），并按规定做好志愿服务组织标识工作",
		Rule:   kpi.Rule{Kind: kpi.KindUnitShare, Source: kpi.SourceCoverage, UnitLevel: kpi.LevelStreet, MinCount: 1, Filter: kpi.Filter{Types: []string{"volunteer"}, VolunteerMark: ptrTrue()}}},
	{Key: "left_behind_villages", NameZH: "有关爱农村“三留守”人员社区社会组织的村比例", NameEN: "Villages with an organization for the left-behind",
		Level: kpi.LevelDistrict, ScopeCode: geo.GuangzhouCode, Target: 0.3, StartOn: "2021-09-01", Deadline: "2023-12-31",
		Clause: "二(一)4：为农村“三留守”人员等特殊困难群众提供关爱服务",
		Rule: kpi.Rule{Kind: kpi.KindUnitShare, Source: kpi.SourceCoverage, UnitLevel: kpi.LevelCommunity, MinCount: 1,
			Filter: kpi.Filter{Rural: ptrTrue(), TargetGroups: []string{"rural_left_behind_children", "rural_left_behind_women", "rural_left_behind_elderly"}}}},
}

func ptrTrue() *bool { t := true; return &t }

// coverageKPIs adds the coverage indicators; one naming target groups the
// registry does not list (the 三留守 groups, where not yet added) is left
// out rather than counting nothing.
func coverageKPIs(ctx context.Context, d *db.DB, st *geo.Store, admin *auth.User, now time.Time) error {
	svc := &kpi.Service{DB: d, Geo: st, Now: func() time.Time { return now }, Coverage: &coverage.Service{DB: d, Geo: st, Now: func() time.Time { return now }}}
	for i, in := range coverageIndicators {
		known := true
		for _, g := range in.Rule.Filter.TargetGroups {
			known = known && slices.Contains(registry.TargetGroups, g)
		}
		if !known {
			continue
		}
		in.Position = 200 + i
		if _, err := svc.Create(ctx, admin, in); err != nil {
			return fmt.Errorf("demo: coverage indicator %s: %w", in.Key, err)
		}
	}
	return nil
}
