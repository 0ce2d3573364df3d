package hub_test

import (
	"testing"

	"linli/internal/hub"
)

// TestMembersNamedAndCounted: a hub's members carry their organization's
// name and community (the registry's named read), current ones first, then
// by name; the hubs list counts each hub's current members and workers.
func TestMembersNamedAndCounted(t *testing.T) {
	f := setup(t)
	h := f.org(t, f.officer, "天河南社会组织服务中心", yulei, "active")
	if _, err := f.hubs.Designate(f.Ctx, f.officer, h.ID, ""); err != nil {
		t.Fatal(err)
	}
	// byte-wise 乙 (U+4E59) sorts before 甲 (U+7532): created 甲 first and
	// taken in after 乙, 甲 comes first by organization id and by newest
	// membership, second by name; 丙 is released, so comes last
	ids := map[string]int64{}
	for _, n := range []struct{ name, community string }{{"甲队", yulei}, {"乙队", zhijie}, {"丙队", yulei}} {
		ids[n.name] = f.org(t, f.officer, n.name, n.community, "active").ID
	}
	for _, n := range []struct{ name, community string }{{"乙队", zhijie}, {"甲队", yulei}, {"丙队", yulei}} {
		m, err := f.hubs.TakeIntoCustody(f.Ctx, f.officer, h.ID, hub.MemberInput{OrgID: ids[n.name]})
		if err != nil || m.OrgName != n.name || m.CommunityCode != n.community {
			t.Fatalf("take %s: %+v %v", n.name, m, err)
		}
	}
	m, err := f.hubs.Release(f.Ctx, f.officer, h.ID, ids["丙队"], "解散")
	if err != nil || m.OrgName != "丙队" || m.CommunityCode != yulei || m.Status != hub.MemberReleased {
		t.Fatalf("release: %+v %v", m, err)
	}
	if _, err := f.hubs.AddWorker(f.Ctx, f.officer, h.ID, hub.WorkerInput{Name: "社工甲", Kind: "full_time", StartedOn: "2023-06-01"}); err != nil {
		t.Fatal(err)
	}
	got, err := f.hubs.Get(f.Ctx, f.officer, h.ID)
	if err != nil {
		t.Fatal(err)
	}
	var order []string
	for _, m := range got.Members {
		order = append(order, m.OrgName+"/"+m.CommunityCode+"/"+m.Status)
	}
	wantOrder := []string{"乙队/" + zhijie + "/active", "甲队/" + yulei + "/active", "丙队/" + yulei + "/released"}
	if len(order) != 3 || order[0] != wantOrder[0] || order[1] != wantOrder[1] || order[2] != wantOrder[2] {
		t.Fatalf("members %v, want %v", order, wantOrder)
	}
	list, err := f.hubs.Hubs(f.Ctx, f.officer, "")
	if err != nil || len(list) != 1 || list[0].Serving != 2 || list[0].Staffed != 1 {
		t.Fatalf("hubs %+v %v, want one serving 2 with 1 worker", list, err)
	}
}
