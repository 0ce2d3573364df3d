package points

import "linli/internal/platform/i18n"

// Messages are the points' texts.
var Messages = i18n.Messages{
	"nav.points":                   {i18n.ZH: "示范点", i18n.EN: "Demonstration points"},
	"points.title":                 {i18n.ZH: "社区社会组织示范点", i18n.EN: "Demonstration points"},
	"points.intro":                 {i18n.ZH: "每区每年至少创建1个示范点（三(二)）。撤销的示范点保留记录，不再计入任何日期。", i18n.EN: "At least one point per district each year (plan 三(二)). A cancelled point is kept on record and counts for no date."},
	"points.none":                  {i18n.ZH: "暂无示范点。", i18n.EN: "No demonstration points yet."},
	"points.kind":                  {i18n.ZH: "类型", i18n.EN: "Kind"},
	"points.kind.point":            {i18n.ZH: "示范点", i18n.EN: "Demonstration point"},
	"points.kind.provincial_pilot": {i18n.ZH: "全省示范点试点单位", i18n.EN: "Provincial pilot unit"},
	"points.district":              {i18n.ZH: "区", i18n.EN: "District"},
	"points.year":                  {i18n.ZH: "年度", i18n.EN: "Year"},
	"points.subject":               {i18n.ZH: "组织或社区", i18n.EN: "Organization or community"},
	"points.org_id":                {i18n.ZH: "组织（或填社区）", i18n.EN: "Organization (or a community)"},
	"points.community_code":        {i18n.ZH: "社区", i18n.EN: "Community"},
	"points.reason":                {i18n.ZH: "认定理由", i18n.EN: "Reason"},
	"points.approved":              {i18n.ZH: "审批", i18n.EN: "Approved"},
	"points.approved_on":           {i18n.ZH: "审批日期", i18n.EN: "Approved on"},
	"points.status":                {i18n.ZH: "状态", i18n.EN: "Status"},
	"points.status.active":         {i18n.ZH: "有效", i18n.EN: "Active"},
	"points.status.cancelled":      {i18n.ZH: "已撤销", i18n.EN: "Cancelled"},
	"points.add":                   {i18n.ZH: "登记示范点", i18n.EN: "Record a point"},
	"points.cancel":                {i18n.ZH: "撤销", i18n.EN: "Cancel"},
	"points.created":               {i18n.ZH: "示范点已登记。", i18n.EN: "Point recorded."},
	"points.cancelled":             {i18n.ZH: "示范点已撤销。", i18n.EN: "Point cancelled."},
	"points.err.district":          {i18n.ZH: "请选择一个区（6位代码）。", i18n.EN: "Choose a district (6-digit code)."},
	"points.err.year":              {i18n.ZH: "年度应在 %d 至 %d 之间。", i18n.EN: "The year must be from %d to %d."},
	"points.err.year_future":       {i18n.ZH: "不能登记明年以后的示范点。", i18n.EN: "Not for a year after next year."},
	"points.err.org_or_community":  {i18n.ZH: "请填写组织或社区（二选一）。", i18n.EN: "Give an organization or a community (one of them)."},
	"points.err.community":         {i18n.ZH: "应为本区的社区（12位代码）。", i18n.EN: "A community (12-digit code) of the district."},
	"points.err.org_district":      {i18n.ZH: "该组织不在本区。", i18n.EN: "The organization is not in this district."},
	"points.err.duplicate":         {i18n.ZH: "该组织或社区本年度已是示范点。", i18n.EN: "Already a point for this year."},
	"points.err.cancelled":         {i18n.ZH: "该示范点已撤销。", i18n.EN: "This point is already cancelled."},
}
