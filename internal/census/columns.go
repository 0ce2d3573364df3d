// Package census is the census (全面摸底) by spreadsheet: the template, the
// import of .xlsx and .csv files through the registry's own rules, the export
// in the same shape, and the census rounds a district runs with its streets.
package census

import (
	"strings"

	"golang.org/x/text/unicode/norm"

	"linli/internal/platform/errs"
	"linli/internal/platform/i18n"
	"linli/internal/registry"
)

// kind says how a column's cells are read and written.
type kind int

const (
	kText  kind = iota
	kCode       // digits and capitals: spaces dropped, full-width folded
	kPhone      // as kCode, and numbers Excel wrote as floats
	kInt
	kDate
	kBool
	kEnum  // one code, or its Chinese or English label
	kMulti // several, separated by 、 , ; / or spaces
	kInfo  // exported for people to read, ignored on import
	kPlace // a community by name, where the code is not given
)

// column is one column of the census sheet.
type column struct {
	Field    string // registry field ("" for kInfo)
	Kind     kind
	Required bool
	Codes    []string // kEnum, kMulti: the codes
	Prefix   string   // kEnum, kMulti: message key prefix of the labels
	Aliases  []string // other headers people write
	Hint     string   // message key of the format hint
}

// Columns of the template, the export and the import, in order. Headers are
// the registry's field names in Chinese ("field."+Field).
var columns = []column{
	{Field: "name", Kind: kText, Required: true, Aliases: []string{"名称", "组织名", "社会组织名称", "社区社会组织名称"}},
	{Field: "credit_code", Kind: kCode, Aliases: []string{"信用代码", "社会信用代码"}, Hint: "census.hint.credit_code"},
	{Field: "tier", Kind: kEnum, Required: true, Codes: registry.Tiers, Prefix: "tier.", Aliases: []string{"层级", "管理类别"}},
	{Field: "types", Kind: kMulti, Required: true, Codes: registry.Types, Prefix: "type.", Aliases: []string{"类型", "组织类别"}},
	{Field: "target_groups", Kind: kMulti, Codes: registry.TargetGroups, Prefix: "group.", Aliases: []string{"服务群体"}},
	{Field: "community_code", Kind: kCode, Aliases: []string{"社区代码", "社区(村)代码", "所属社区代码", "村(居)代码", "区划代码"}, Hint: "census.hint.community_code"},
	// A file gives the community by code, by name, or both (then they must
	// agree): one of the two columns is required.
	{Field: "community", Kind: kPlace, Aliases: []string{"社区名称", "所属社区", "社区(村)", "社区（村）名称", "所属社区（村）"}, Hint: "census.hint.community"},
	{Field: "address", Kind: kText, Aliases: []string{"地址", "办公地址", "活动场所"}},
	{Field: "founded_on", Kind: kDate, Aliases: []string{"成立时间"}, Hint: "census.hint.date"},
	{Field: "members", Kind: kInt, Aliases: []string{"成员数", "人数", "会员人数"}},
	{Field: "leader_name", Kind: kText, Required: true, Aliases: []string{"负责人姓名", "姓名"}},
	{Field: "leader_phone", Kind: kPhone, Required: true, Aliases: []string{"联系电话", "电话", "手机", "负责人联系电话", "联系方式"}, Hint: "census.hint.phone"},
	{Field: "party_org", Kind: kEnum, Codes: registry.PartyOrgs, Prefix: "party.", Aliases: []string{"党组织", "党组织情况"}},
	{Field: "party_instructor", Kind: kText, Aliases: []string{"党建指导员姓名"}},
	{Field: "hub", Kind: kBool, Aliases: []string{"是否枢纽型组织", "枢纽型"}},
	{Field: "brand", Kind: kBool, Aliases: []string{"是否品牌组织"}},
	{Field: "demonstration_year", Kind: kInt, Aliases: []string{"示范点"}},
	{Field: "volunteer_mark", Kind: kBool, Aliases: []string{"志愿服务标识"}},
	{Field: "status", Kind: kEnum, Codes: registry.Statuses, Prefix: "status.", Aliases: []string{"组织状态", "活动状态"}},
	// Effective dates (生效日期) of each flag; a new organization's status
	// takes effect on its 成立日期 (founded_on). A row that records a fact
	// more than 30 days after it took effect is a late entry (补录): its
	// reason, or else the import's own (the file), is kept in the history.
	{Field: "hub_on", Kind: kDate, Aliases: []string{"枢纽认定时间", "枢纽型认定日期"}, Hint: "census.hint.date"},
	{Field: "brand_on", Kind: kDate, Aliases: []string{"品牌认定时间"}, Hint: "census.hint.date"},
	{Field: "demonstration_year_on", Kind: kDate, Aliases: []string{"示范点认定时间"}, Hint: "census.hint.date"},
	{Field: "volunteer_mark_on", Kind: kDate, Aliases: []string{"志愿服务标识日期"}, Hint: "census.hint.date"},
	{Field: "late_reason", Kind: kText, Aliases: []string{"补录说明"}},
}

// statusAliases are other words people use for a status.
var statusAliases = map[string]string{"正常": registry.StatusActive, "活跃": registry.StatusActive, "活动": registry.StatusActive,
	"审核中": registry.StatusPending, "暂停": registry.StatusSuspended, "注销": registry.StatusDeregistered}

// header is the Chinese header of a column.
func (c column) header(cat *i18n.Catalog) string { return text(cat, i18n.ZH, "field."+c.Field) }

// text is a message without arguments.
func text(cat *i18n.Catalog, lang, key string) string { return cat.Msg(lang, errs.M(key)) }

// label is the Chinese label of a code.
func (c column) label(cat *i18n.Catalog, code string) string {
	return text(cat, i18n.ZH, c.Prefix+code)
}

// labels lists the Chinese labels of a column's codes.
func (c column) labels(cat *i18n.Catalog) []string {
	out := make([]string, len(c.Codes))
	for i, code := range c.Codes {
		out[i] = c.label(cat, code)
	}
	return out
}

// headerKey folds a header for matching: full-width to half-width, no
// spaces, no required-field stars or "(必填)" notes, lower case.
func headerKey(s string) string {
	s = strings.ToLower(norm.NFKC.String(s))
	return headerNoise.Replace(s)
}

// headerNoise is what headerKey drops (built once: it is called for every
// coded cell of an import).
var headerNoise = strings.NewReplacer(" ", "", "\t", "", "\n", "", "\r", "", "*", "", "(必填)", "", "(选填)", "", "必填", "")

// headerIndex maps every accepted header to its column.
func headerIndex(cat *i18n.Catalog) map[string]int {
	m := map[string]int{}
	for i, c := range columns {
		m[headerKey(c.header(cat))] = i
		m[headerKey(text(cat, i18n.EN, "field."+c.Field))] = i
		m[headerKey(c.Field)] = i
		for _, a := range c.Aliases {
			m[headerKey(a)] = i
		}
	}
	return m
}

// valueIndex maps the codes and labels of an enumerated column to codes.
func valueIndex(cat *i18n.Catalog, c column) map[string]string {
	m := map[string]string{}
	for _, code := range c.Codes {
		m[headerKey(code)] = code
		m[headerKey(c.label(cat, code))] = code
		m[headerKey(text(cat, i18n.EN, c.Prefix+code))] = code
	}
	switch c.Field {
	case "status":
		for k, v := range statusAliases {
			m[k] = v
		}
	case "party_org":
		for _, k := range []string{"无", "否", "没有", "未建"} {
			m[k] = registry.PartyNone
		}
		m["独立"], m["联合"] = registry.PartyIndependent, registry.PartyJoint
	case "tier":
		m[headerKey("街道管理")] = registry.TierStreet
		m[headerKey("乡镇管理")] = registry.TierStreet
		m[headerKey("登记")] = registry.TierRegistered
	}
	return m
}
