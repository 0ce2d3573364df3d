package registry_test

import (
	"strconv"
	"strings"
	"testing"

	"linli/internal/platform/errs"
	"linli/internal/registry"
)

// TestPickAndResolve: the organization picker finds by Chinese, pinyin and
// initials within the user's scope, and a typed name resolves to its
// organization, or to a field error naming the candidates.
func TestPickAndResolve(t *testing.T) {
	f := setup(t)
	dance := f.create(t, f.admin, input("夕阳红舞蹈队", yulei))
	f.create(t, f.admin, input("育蕾街坊互助队", yulei))
	other := f.create(t, f.admin, input("直街街坊互助队", zhijie))
	twinA := f.create(t, f.admin, input("书法协会", yulei))
	twinB := f.create(t, f.admin, input("书法协会", zhijie))
	for _, c := range []struct{ q, want string }{{"舞蹈", "夕阳红舞蹈队"}, {"wudao", "夕阳红舞蹈队"}, {"xyh", "夕阳红舞蹈队"}} {
		cs, err := registry.Pick(f.ctx, f.reg, f.admin, registry.PickFilter{Q: c.q})
		if err != nil {
			t.Fatal(err)
		}
		if len(cs) == 0 || cs[0].Name != c.want || cs[0].Value != c.want+" #"+strconv.FormatInt(dance.ID, 10) {
			t.Errorf("pick %q: %+v, want %s first", c.q, cs, c.want)
		}
	}
	// Scope: the 育蕾 committee does not see 直街's organization.
	cs, err := registry.Pick(f.ctx, f.reg, f.committee, registry.PickFilter{Q: "互助队"})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range cs {
		if c.ID == other.ID {
			t.Errorf("the 育蕾 committee picks %s of 直街", c.Name)
		}
	}
	resolve := func(u string, text string) (int64, error) {
		if u == "committee" {
			return registry.Resolve(f.ctx, f.reg, f.committee, "org_id", text, registry.PickFilter{})
		}
		return registry.Resolve(f.ctx, f.reg, f.admin, "org_id", text, registry.PickFilter{})
	}
	for _, c := range []struct {
		who, text string
		want      int64
		msg       string
	}{
		{"admin", "夕阳红舞蹈队", dance.ID, ""},
		{"admin", "舞蹈", dance.ID, ""}, // the only match
		{"admin", registry.PickValue("书法协会", twinB.ID), twinB.ID, ""},
		{"admin", "书法协会", 0, "err.pick_many"},
		{"committee", "书法协会", twinA.ID, ""}, // the other one is outside the committee's scope
		{"committee", "直街街坊互助队", 0, "err.pick_none"},
		{"admin", "不存在的组织", 0, "err.pick_none"},
		{"admin", "", 0, "err.required"},
	} {
		id, err := resolve(c.who, c.text)
		if c.msg == "" {
			if err != nil || id != c.want {
				t.Errorf("%s resolves %q to %d, %v; want %d", c.who, c.text, id, err, c.want)
			}
			continue
		}
		e, ok := errs.As(err)
		if !ok || e.Fields["org_id"].Key != c.msg {
			t.Errorf("%s resolves %q: %v, want %s", c.who, c.text, err, c.msg)
			continue
		}
		if c.msg == "err.pick_many" {
			names := e.Fields["org_id"].Args[1].(string)
			if !strings.Contains(names, "#"+strconv.FormatInt(twinA.ID, 10)) || !strings.Contains(names, "#"+strconv.FormatInt(twinB.ID, 10)) {
				t.Errorf("the ambiguity names %q, want both 书法协会", names)
			}
		}
	}
}
