package kpi

import "strings"

// projects are the brand projects (品牌项目) designated by the districts
// (the funding room's brand_designations of kind project), each counted
// from its effective date until revoked, in its organization's community.
// A designation carries no late reason yet, so none counts as a late entry.
func (m *match) projects(q *query) string {
	col := func(n int) string {
		if n >= 12 {
			return "b.community_code"
		}
		return "b.street_code"
	}
	d := q.arg(m.When.Day)
	conds := []string{"b.kind = 'project'", rangeCond(q, col, m.Spans), "b.effective_on <= " + d,
		"(b.revoked_on = '' OR b.revoked_on > " + d + ")"}
	if m.When.Known != "" {
		conds = append(conds, "b.created_at < "+q.arg(m.When.KnownCut))
	}
	return `SELECT b.id AS rid, b.name AS label, b.community_code AS ucode, b.district_code AS dcode,
		b.street_code AS scode, substr(b.effective_on, 1, 4) AS ryear, 0 AS late
		FROM brand_designations b WHERE ` + strings.Join(conds, " AND ")
}
