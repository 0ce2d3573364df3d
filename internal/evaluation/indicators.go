package evaluation

import (
	"linli/internal/geo"
	"linli/internal/kpi"
)

// Indicators are the room's indicators, as data (the demo adds them the
// way a city administrator would): party_coverage, the share of active
// organizations with a party organization or an instructor;
// party_contacted, the share contacted in the last quarter; graded_orgs,
// registered organizations with a valid grade. The targets are examples a
// district may set (the plan names none).
func Indicators() []kpi.Input {
	t := true
	return []kpi.Input{
		{Key: "party_coverage", NameZH: "社区社会组织党的组织和工作覆盖率", NameEN: "Organizations with a party organization or instructor",
			Level: kpi.LevelDistrict, ScopeCode: geo.GuangzhouCode, Target: 0.6, StartOn: "2021-09-01", Deadline: "2023-12-31",
			Clause: "二(四)1：加强社区社会组织党建工作，推进党的组织和党的工作有效覆盖（各区自定目标示例）",
			Rule:   kpi.Rule{Kind: kpi.KindRecordShare, Source: kpi.SourceParty, NumeratorFilter: &kpi.Filter{PartyCovered: &t}}},
		{Key: "party_contacted", NameZH: "近一季度与社区党组织有联系的社区社会组织比例", NameEN: "Organizations contacted by the community party organization in the last quarter",
			Level: kpi.LevelDistrict, ScopeCode: geo.GuangzhouCode, Target: 0.8, StartOn: "2021-09-01", Deadline: "2023-12-31",
			Clause: "二(四)1：社区党组织与社区社会组织经常性联系（各区自定目标示例）",
			Rule:   kpi.Rule{Kind: kpi.KindRecordShare, Source: kpi.SourceParty, NumeratorFilter: &kpi.Filter{ContactedDays: 92}}},
		{Key: "graded_orgs", NameZH: "获得有效评估等级的依法登记社会组织", NameEN: "Registered organizations with a valid grade",
			Level: kpi.LevelDistrict, ScopeCode: geo.GuangzhouCode, Target: 5, StartOn: "2021-09-01", Deadline: "2023-12-31",
			Clause: "二(四)4：依法登记的社区社会组织参加社会组织等级评估（各区自定目标示例）",
			Rule:   kpi.Rule{Kind: kpi.KindCount, Source: kpi.SourceGrades}},
	}
}
