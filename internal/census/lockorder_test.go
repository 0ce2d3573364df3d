package census_test

import (
	"fmt"
	"testing"

	"linli/internal/census"
	"linli/internal/census/censustest"
	"linli/internal/registry"
	"linli/internal/registry/registrytest"
)

// Census imports whose rows touch two districts in opposite orders, and a
// move between the same districts, run together many times: none may fail
// (on PostgreSQL, a deadlock between the districts' change counters would),
// every import writes both its rows, and afterwards each district's
// version (its counter, orgroll.Changes) has moved at least once per
// committed write that touched it.
func TestConcurrentImportsAcrossDistricts(t *testing.T) {
	f := setup(t)
	const haizhu = "440105001101" // 海珠区: its code sorts before 天河区's
	const rounds = 15
	ids := map[string]int64{}
	org := func(name, community string) registry.Input {
		t.Helper()
		in := registry.Input{Name: name, Tier: registry.TierCommunity, Types: []string{"culture_sports"},
			TargetGroups: []string{"elderly"}, CommunityCode: community, FoundedOn: "2019-05-01", Members: 20,
			LeaderName: "陈丽", LeaderPhone: "13812345678", Status: registry.StatusActive}
		o, err := f.reg.Create(f.ctx, f.admin, in)
		if err != nil {
			t.Fatal(err)
		}
		ids[name] = o.ID
		return in
	}
	// the first file's rows go 天河 then 海珠, the second's 海珠 then 天河
	files := [][]registry.Input{
		{org("天河舞蹈队", yulei), org("海珠舞蹈队", haizhu)},
		{org("海珠合唱团", haizhu), org("天河合唱团", yulei)},
	}
	// and an organization moving between them
	moving := org("天河书法社", yulei)

	before := registrytest.Versions(t, f.ctx, f.db, "440105", "440106")
	var writers []registrytest.Writer
	for fi, rows := range files {
		writers = append(writers, registrytest.Writer{Name: fmt.Sprintf("file %d", fi), Rounds: rounds, Write: func(i int) error {
			for j := range rows {
				rows[j].Members = 30 + i
			}
			rep, err := f.census.Import(f.ctx, f.admin, censustest.File(t, rows...), "摸底表.csv", census.Options{})
			if err == nil && (!rep.Committed || rep.Updated != len(rows)) {
				err = fmt.Errorf("%+v", rep)
			}
			return err
		}})
	}
	writers = append(writers, registrytest.Writer{Name: "move", Rounds: 2 * rounds, Write: func(i int) error {
		in := moving
		in.CommunityCode = []string{haizhu, yulei}[i%2]
		_, err := f.reg.Update(f.ctx, f.admin, ids[moving.Name], in)
		return err
	}})
	committed := registrytest.Race(t, writers...)
	registrytest.CheckMoved(t, f.ctx, f.db, before, map[string]int64{"440105": committed, "440106": committed})
	for _, rows := range files {
		for _, in := range rows {
			var members int
			if err := f.db.Read.QueryRowContext(f.ctx, `SELECT members FROM orgs WHERE id = $1`, ids[in.Name]).Scan(&members); err != nil {
				t.Fatal(err)
			}
			if members != 30+rounds-1 {
				t.Errorf("%s: %d members, the last import said %d", in.Name, members, 30+rounds-1)
			}
		}
	}
}
