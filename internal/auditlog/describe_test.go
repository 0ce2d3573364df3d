package auditlog

import (
	"encoding/json"
	"testing"

	"linli/internal/platform/audit"
)

func TestDescribe(t *testing.T) {
	names := map[string]string{
		"audit.action.ledger.expense_submit": "提交支出申请",
		"audit.object.org":                   "组织",
		"audit.field.amount_fen":             "金额",
		"field.tier":                         "管理层级",
		"tier.street":                        "街道（乡镇）管理",
		"tier.community":                     "社区管理",
		"field.status":                       "状态",
		"status.active":                      "正常活动",
		"status.suspended":                   "暂停活动",
		"common.yes":                         "是",
	}
	label := func(k string) (string, bool) { s, ok := names[k]; return s, ok }
	row := func(action, kind, id, detail string) audit.Row {
		return audit.Row{Action: action, ObjectType: kind, ObjectID: id, Detail: json.RawMessage(detail)}
	}
	cases := []struct {
		name  string
		row   audit.Row
		want  []Item
		act   string
		link  string
		label string
	}{
		{"amount in yuan", row("ledger.expense_submit", "org", "7", `{"amount_fen":123456789,"hub":true}`),
			[]Item{{Label: "金额", Value: "¥1,234,567.89"}, {Label: "hub", Value: "是"}}, "提交支出申请", "/orgs/7", "组织"},
		{"changes as before and after", row("org.update", "org", "8", `{"tier":["community","street"]}`),
			[]Item{{Label: "管理层级", Old: "社区管理", New: "街道（乡镇）管理", Changed: true}}, "org.update", "/orgs/8", "组织"},
		{"transition", row("org.transition", "org", "9", `{"action":"suspend","from":"active","to":"suspended"}`),
			[]Item{{Label: "状态", Old: "正常活动", New: "暂停活动", Changed: true}, {Label: "action", Value: "suspend"}}, "org.transition", "/orgs/9", "组织"},
		{"before/after objects show only what differs", row("base.update", "base", "3", `{"before":{"name":"甲","x":1},"after":{"name":"乙","x":1}}`),
			[]Item{{Label: "name", Old: "甲", New: "乙", Changed: true}}, "base.update", "/bases/3", "base"},
		{"not an object", row("x", "user", "abc", `[1,2]`), nil, "x", "", "user"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			v := describe(label, c.row)
			if v.ActionLabel != c.act || v.Link != c.link || v.ObjectLabel != c.label {
				t.Errorf("action %q link %q object %q; want %q %q %q", v.ActionLabel, v.Link, v.ObjectLabel, c.act, c.link, c.label)
			}
			if len(v.Items) != len(c.want) {
				t.Fatalf("items %+v; want %+v", v.Items, c.want)
			}
			for i := range c.want {
				if v.Items[i] != c.want[i] {
					t.Errorf("item %d = %+v; want %+v", i, v.Items[i], c.want[i])
				}
			}
			if v.Raw != string(c.row.Detail) {
				t.Errorf("raw %q", v.Raw)
			}
		})
	}
	if got := yuan(-5); got != "-¥0.05" {
		t.Errorf("yuan(-5) = %q", got)
	}
}
