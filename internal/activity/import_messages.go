package activity

import (
	"linli/internal/platform/errs"
	"linli/internal/platform/i18n"
)

// Translate fills the report's messages in a language (a message naming
// another, the volunteer's refusal, is translated inside).
func (r *ImportReport) Translate(cat *i18n.Catalog, lang string) {
	for i := range r.Errors {
		m := r.Errors[i].Msg
		args := make([]any, len(m.Args))
		for j, a := range m.Args {
			if inner, ok := a.(errs.Msg); ok {
				a = cat.Msg(lang, inner)
			}
			args[j] = a
		}
		r.Errors[i].Message = cat.Msg(lang, errs.M(m.Key, args...))
	}
}

// msgT is a message in a language.
func msgT(cat *i18n.Catalog, lang, key string, args ...any) string {
	return cat.Msg(lang, errs.M(key, args...))
}

func init() {
	for k, v := range importMessages {
		Messages[k] = v
	}
}

var importMessages = i18n.Messages{
	"act.submit_report":         {i18n.ZH: "提交重大活动报告", i18n.EN: "Report this major activity"},
	"act.reported":              {i18n.ZH: "重大活动报告已提交，等待街道（社区）同意。", i18n.EN: "Reported; awaiting acknowledgement."},
	"err.beneficiary_district":  {i18n.ZH: "受益人不属于活动所在的区。", i18n.EN: "The beneficiary lives in another district."},
	"err.beneficiary_twice":     {i18n.ZH: "该受益人已记录在本次活动中。", i18n.EN: "The beneficiary is already recorded at this activity."},
	"err.beneficiary_more":      {i18n.ZH: "登记受益人不能多于活动的受益人数（%d）。", i18n.EN: "More registered people than the activity's beneficiaries (%d)."},
	"err.survey_options":        {i18n.ZH: "请给出 2 至 10 个选项。", i18n.EN: "Give 2 to 10 choices."},
	"err.survey_exists":         {i18n.ZH: "该议事已有居民问卷。", i18n.EN: "The consultation already has a survey."},
	"err.survey_answered":       {i18n.ZH: "该居民已经作答，每位居民只能回答一次。", i18n.EN: "This resident has answered; one answer per resident."},
	"err.association_org":       {i18n.ZH: "协会须为本街道正常活动的组织，且不能同时是另一街道的协会。", i18n.EN: "The association is an active organization of the street, and no other street's."},
	"err.member_not_volunteer":  {i18n.ZH: "只有志愿服务类组织（团队）可以成为协会的团体会员。", i18n.EN: "Only volunteer-service organizations (teams) are group members."},
	"err.member_street":         {i18n.ZH: "团体会员须为本街道的其他组织。", i18n.EN: "A group member is another organization of the same street."},
	"err.member_twice":          {i18n.ZH: "该组织已是协会会员。", i18n.EN: "The organization is already a member."},
	"imp.col.orgs":              {i18n.ZH: "组织名称（联合举办用、分隔，第一个为主办）", i18n.EN: "Organizations (joint: separated by 、, host first)"},
	"imp.col.title":             {i18n.ZH: "活动名称", i18n.EN: "Title"},
	"imp.col.theme":             {i18n.ZH: "活动主题", i18n.EN: "Theme"},
	"imp.col.kind":              {i18n.ZH: "活动类型", i18n.EN: "Kind"},
	"imp.col.fields":            {i18n.ZH: "服务领域", i18n.EN: "Service fields"},
	"imp.col.day":               {i18n.ZH: "活动日期", i18n.EN: "Date"},
	"imp.col.start":             {i18n.ZH: "开始时间", i18n.EN: "Start"},
	"imp.col.end":               {i18n.ZH: "结束时间", i18n.EN: "End"},
	"imp.col.end_day":           {i18n.ZH: "结束日期（跨日活动填写）", i18n.EN: "End date (if another day)"},
	"imp.col.community":         {i18n.ZH: "活动社区（名称或代码，空则为主办组织所在社区）", i18n.EN: "Community (name or code; empty: the host's)"},
	"imp.col.address":           {i18n.ZH: "活动地点", i18n.EN: "Address"},
	"imp.col.groups":            {i18n.ZH: "服务对象", i18n.EN: "Target groups"},
	"imp.col.participants":      {i18n.ZH: "参与人数", i18n.EN: "Participants"},
	"imp.col.beneficiaries":     {i18n.ZH: "受益人数", i18n.EN: "Beneficiaries"},
	"imp.col.by_group":          {i18n.ZH: "按服务对象受益人数（如 老年人:8、残疾人:2）", i18n.EN: "Beneficiaries by group (e.g. 老年人:8、残疾人:2)"},
	"imp.col.fund_raising":      {i18n.ZH: "是否募捐", i18n.EN: "Fund-raising"},
	"imp.col.minors":            {i18n.ZH: "是否有未成年人参加", i18n.EN: "Minors"},
	"imp.col.overnight":         {i18n.ZH: "是否过夜", i18n.EN: "Overnight"},
	"imp.col.volunteers":        {i18n.ZH: "志愿者及服务时长（如 张三:2、李四:1.5）", i18n.EN: "Volunteers and hours (e.g. 张三:2、李四:1.5)"},
	"imp.col.write_up":          {i18n.ZH: "活动简介", i18n.EN: "Write-up"},
	"imp.sheet":                 {i18n.ZH: "活动", i18n.EN: "Activities"},
	"imp.words":                 {i18n.ZH: "可填写的值", i18n.EN: "Accepted values"},
	"imp.notes":                 {i18n.ZH: "说明：带 * 的列必填；日期写作 2023-05-06，时间写作 09:00；组织名称须为您管辖范围内的组织全称；志愿者须已在本区登记。任何一行有错误时，整个文件都不会导入。", i18n.EN: "Notes: columns marked * are required; dates as 2023-05-06, times as 09:00; organizations by their full names within your scope; volunteers must be registered in the district. If any row has a problem, nothing in the file is imported."},
	"imp.example_title":         {i18n.ZH: "探访独居长者", i18n.EN: "Visiting elderly living alone"},
	"imp.example_address":       {i18n.ZH: "社区党群服务中心", i18n.EN: "Community service centre"},
	"imp.title":                 {i18n.ZH: "批量导入活动", i18n.EN: "Import activities"},
	"imp.intro":                 {i18n.ZH: "下载模板，按列填写后上传 .xlsx 文件。每一行都按与表单相同的规则检查；任何一行有错误，整个文件都不导入，并列出每个错误所在的行和列。", i18n.EN: "Download the template, fill it in and upload the .xlsx. Every row is checked by the form's rules; if any row has a problem, nothing is imported and each problem is listed by row and column."},
	"imp.template":              {i18n.ZH: "下载导入模板", i18n.EN: "Download the template"},
	"imp.file":                  {i18n.ZH: "活动表格（.xlsx）", i18n.EN: "Activities spreadsheet (.xlsx)"},
	"imp.dry_run":               {i18n.ZH: "仅检查，不导入", i18n.EN: "Check only, import nothing"},
	"imp.upload":                {i18n.ZH: "上传并导入", i18n.EN: "Upload and import"},
	"imp.done":                  {i18n.ZH: "已导入 %d 条活动（%d 条志愿服务时长）。", i18n.EN: "%d activities imported (%d hour entries)."},
	"imp.checked":               {i18n.ZH: "检查通过：%d 行均可导入（未写入）。", i18n.EN: "Checked: all %d rows can be imported (nothing written)."},
	"imp.rejected":              {i18n.ZH: "文件有 %d 处错误，未导入任何活动。请修改后重新上传。", i18n.EN: "The file has %d problems; nothing was imported. Correct them and upload again."},
	"imp.more":                  {i18n.ZH: "另有 %d 处错误未列出（仅列出前 1000 处）。", i18n.EN: "%d more problems not listed (the first 1,000 are)."},
	"imp.row":                   {i18n.ZH: "行", i18n.EN: "Row"},
	"imp.column":                {i18n.ZH: "列", i18n.EN: "Column"},
	"imp.problem":               {i18n.ZH: "问题", i18n.EN: "Problem"},
	"imp.link":                  {i18n.ZH: "批量导入", i18n.EN: "Import"},
	"imp.err.unknown":           {i18n.ZH: "不认识“%s”，请使用模板“可填写的值”中的写法。", i18n.EN: "Unknown value “%s”; use the words on the template's list."},
	"imp.err.day":               {i18n.ZH: "日期无法识别，请写作 2023-05-06。", i18n.EN: "Unreadable date; write 2023-05-06."},
	"imp.err.clock":             {i18n.ZH: "时间无法识别，请写作 09:00。", i18n.EN: "Unreadable time; write 09:00."},
	"imp.err.number":            {i18n.ZH: "请填写不小于 0 的整数。", i18n.EN: "Write a whole number, 0 or more."},
	"imp.err.by_group":          {i18n.ZH: "“%s”无法识别，请写作 老年人:8。", i18n.EN: "Cannot read “%s”; write 老年人:8."},
	"imp.err.yes_no":            {i18n.ZH: "请填写“是”或“否”（而不是“%s”）。", i18n.EN: "Write 是 (yes) or 否 (no), not “%s”."},
	"imp.err.volunteer_hours":   {i18n.ZH: "“%s”无法识别，请写作 张三:2。", i18n.EN: "Cannot read “%s”; write 张三:2."},
	"imp.err.org_unknown":       {i18n.ZH: "您的管辖范围内没有名为“%s”的组织。", i18n.EN: "No organization named “%s” within your scope."},
	"imp.err.org_ambiguous":     {i18n.ZH: "您的管辖范围内有 %[2]d 个名为“%[1]s”的组织，请由所在街道分别导入。", i18n.EN: "%[2]d organizations are named “%[1]s” within your scope; import them street by street."},
	"imp.err.org_scope":         {i18n.ZH: "您不能为“%s”登记活动。", i18n.EN: "You cannot record activities for “%s”."},
	"imp.err.community":         {i18n.ZH: "主办组织所在区内没有社区（村）“%s”。", i18n.EN: "No community “%s” in the host's district."},
	"imp.err.volunteer_unknown": {i18n.ZH: "本区登记的志愿者中名为“%s”的有 %d 人，须恰好 1 人。", i18n.EN: "%[2]d registered volunteers of the district are named “%[1]s”; exactly one is needed."},
	"imp.err.volunteer":         {i18n.ZH: "志愿者“%s”：%s", i18n.EN: "Volunteer “%s”: %s"},
	"imp.err.no_header":         {i18n.ZH: "找不到表头：第一张工作表的前几行中应有“组织名称”“活动名称”等列名。请使用导入模板。", i18n.EN: "No header row: the first rows of the first sheet should hold 组织名称, 活动名称 and the other columns. Use the template."},
	"imp.err.missing_column":    {i18n.ZH: "缺少必填列。", i18n.EN: "This required column is missing."},
	"imp.err.empty":             {i18n.ZH: "文件中没有活动。", i18n.EN: "The file holds no activities."},
}
