package coverage

import "linli/internal/platform/i18n"

// Messages are the coverage report's texts.
var Messages = i18n.Messages{
	"nav.coverage": {i18n.ZH: "覆盖情况", i18n.EN: "Coverage"},

	"coverage.title":           {i18n.ZH: "社区社会组织覆盖情况", i18n.EN: "Coverage of community social organizations"},
	"coverage.intro":           {i18n.ZH: "每格为该单位正常活动的组织数量（按服务对象、类型或管理层级）；空格表示没有任何组织覆盖。覆盖率为有组织的下级单位所占比例（水库、林场等特殊区域不计入）。", i18n.EN: "Each cell is the number of active organizations in the unit (by target group, type or tier); an empty cell means none. Coverage is the share of units below with at least one (special areas such as reservoirs and farms are not counted)."},
	"coverage.by":              {i18n.ZH: "维度", i18n.EN: "By"},
	"coverage.by.target_group": {i18n.ZH: "服务对象", i18n.EN: "Target group"},
	"coverage.by.type":         {i18n.ZH: "组织类型", i18n.EN: "Type"},
	"coverage.by.tier":         {i18n.ZH: "管理层级", i18n.EN: "Tier"},
	"coverage.area":            {i18n.ZH: "城乡", i18n.EN: "Urban or rural"},
	"coverage.area.all":        {i18n.ZH: "全部村（居）", i18n.EN: "All communities"},
	"coverage.area.urban":      {i18n.ZH: "居委会（城市社区）", i18n.EN: "Residents' committees (urban)"},
	"coverage.area.rural":      {i18n.ZH: "村委会（农村社区）", i18n.EN: "Villagers' committees (rural)"},
	"coverage.area.other":      {i18n.ZH: "其他", i18n.EN: "Other"},
	"coverage.as_of":           {i18n.ZH: "截至日期", i18n.EN: "As of"},
	"coverage.show":            {i18n.ZH: "查看", i18n.EN: "Show"},
	"coverage.export":          {i18n.ZH: "导出 Excel", i18n.EN: "Export to Excel"},
	"coverage.unit":            {i18n.ZH: "单位", i18n.EN: "Unit"},
	"coverage.total":           {i18n.ZH: "组织总数", i18n.EN: "Organizations"},
	"coverage.totals":          {i18n.ZH: "合计", i18n.EN: "Total"},
	"coverage.covered":         {i18n.ZH: "覆盖率", i18n.EN: "Units covered"},
	"coverage.not_counted":     {i18n.ZH: "不计入", i18n.EN: "not counted"},
	"coverage.summary":         {i18n.ZH: "正常活动组织 %d 个；%d 个村（居）中 %d 个没有任何组织；下级单位有组织的占 %s。", i18n.EN: "%d active organizations; %d of %d communities have none at all; %s of the units below have at least one."},
	"coverage.empty.title":     {i18n.ZH: "没有任何组织的村（居）", i18n.EN: "Communities without any organization"},
	"coverage.empty.none":      {i18n.ZH: "每个村（居）都至少有一个正常活动的组织。", i18n.EN: "Every community has at least one active organization."},
	"coverage.empty.more":      {i18n.ZH: "另有 %d 个，见 Excel 导出。", i18n.EN: "%d more: see the Excel export."},
	"coverage.street":          {i18n.ZH: "街道（镇）", i18n.EN: "Street or town"},
	"coverage.kind":            {i18n.ZH: "类别", i18n.EN: "Kind"},
	"coverage.from_records":    {i18n.ZH: "历史日期：按生效日期从组织记录及其变更历史计算。", i18n.EN: "A past date: counted from the records and their dated history (by effective date)."},
	"coverage.map_none":        {i18n.ZH: "这一级暂无行政区划边界数据，故以表格显示。", i18n.EN: "No division boundaries for this level, so the report is a table."},
	"coverage.map":             {i18n.ZH: "覆盖地图", i18n.EN: "Coverage map"},
	"coverage.map.column":      {i18n.ZH: "着色依据", i18n.EN: "Colour by"},
	"coverage.map.missing":     {i18n.ZH: "另有 {n} 个单位无边界数据，见上表", i18n.EN: "{n} more units have no boundary: see the table"},
	"coverage.up":              {i18n.ZH: "上一级", i18n.EN: "Up"},
	"coverage.orgs":            {i18n.ZH: "查看组织", i18n.EN: "Organizations"},
	"coverage.err.date":        {i18n.ZH: "请填写 YYYY-MM-DD 格式的日期", i18n.EN: "A date as YYYY-MM-DD"},
	"coverage.sheet":           {i18n.ZH: "覆盖情况", i18n.EN: "Coverage"},
	"coverage.sheet.empty":     {i18n.ZH: "无组织村居", i18n.EN: "Without any"},

	// the indicators' coverage source (internal/kpi/coverage.go)
	"kpi.source.coverage":      {i18n.ZH: "组织覆盖（按服务对象、类型、标识）", i18n.EN: "Coverage (by target group, type, mark)"},
	"kpi.err.coverage_kind":    {i18n.ZH: "覆盖情况只能用于“单位占比”类指标", i18n.EN: "Coverage counts only as a share of units"},
	"kpi.filter.target_groups": {i18n.ZH: "服务对象（任一，仅组织覆盖来源；如 elderly,children）", i18n.EN: "Target groups (any of; coverage source only, e.g. elderly,children)"},
	"kpi.err.coverage_groups":  {i18n.ZH: "服务对象只能用于“组织覆盖”来源", i18n.EN: "Target groups are read only by the coverage source"},
}
