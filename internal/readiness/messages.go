package readiness

import "linli/internal/platform/i18n"

// Messages are the room's texts.
var Messages = i18n.Messages{
	"nav.readiness":               {i18n.ZH: "应急与联系", i18n.EN: "Readiness"},
	"readiness.title":             {i18n.ZH: "应急准备与联系指导", i18n.EN: "Emergency readiness and liaison"},
	"readiness.coverage":          {i18n.ZH: "各街道应急准备覆盖", i18n.EN: "Readiness by street"},
	"readiness.coverage_hint":     {i18n.ZH: "社区有一年内核实过的四类应急联络名单，并在近 12 个月内开展过演练，才算覆盖。", i18n.EN: "A community is covered when its contacts for all four hazard kinds were checked within a year and it held a drill in the last 12 months."},
	"readiness.street":            {i18n.ZH: "街道（乡镇）", i18n.EN: "Street"},
	"readiness.communities":       {i18n.ZH: "社区数", i18n.EN: "Communities"},
	"readiness.current_list":      {i18n.ZH: "名单有效", i18n.EN: "Current list"},
	"readiness.drilled":           {i18n.ZH: "近一年演练", i18n.EN: "Drilled"},
	"readiness.covered":           {i18n.ZH: "覆盖率", i18n.EN: "Covered"},
	"readiness.without_liaison":   {i18n.ZH: "尚无联系指导岗位的社区", i18n.EN: "Communities without a liaison"},
	"readiness.all_have_liaison":  {i18n.ZH: "每个社区都有联系指导岗位。", i18n.EN: "Every community has a liaison."},
	"readiness.none":              {i18n.ZH: "范围内没有社区。", i18n.EN: "No communities in scope."},
	"readiness.err.phone":         {i18n.ZH: "请填写联系电话。", i18n.EN: "Give a phone number."},
	"readiness.err.range":         {i18n.ZH: "须在 %d 到 %d 之间。", i18n.EN: "Between %d and %d."},
	"readiness.err.date":          {i18n.ZH: "日期格式为 YYYY-MM-DD。", i18n.EN: "A date is YYYY-MM-DD."},
	"readiness.err.future":        {i18n.ZH: "日期不能是将来。", i18n.EN: "The date cannot be in the future."},
	"readiness.err.before_since":  {i18n.ZH: "早于该岗位设立的日期。", i18n.EN: "Before the post began."},
	"readiness.err.org_elsewhere": {i18n.ZH: "组织须属于该社区。", i18n.EN: "The organization must belong to the community."},
}
