package census_test

import (
	"fmt"
	"sync"
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
	var mu sync.Mutex
	var failures []string
	committed := 0
	var wg sync.WaitGroup
	for fi, rows := range files {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range rounds {
				for j := range rows {
					rows[j].Members = 30 + i
				}
				rep, err := f.census.Import(f.ctx, f.admin, censustest.File(t, rows...), "摸底表.csv", census.Options{})
				mu.Lock()
				switch {
				case err != nil:
					failures = append(failures, fmt.Sprintf("file %d, round %d: %v", fi, i, err))
				case !rep.Committed || rep.Updated != len(rows):
					failures = append(failures, fmt.Sprintf("file %d, round %d: %+v", fi, i, rep))
				default:
					committed++
				}
				mu.Unlock()
			}
		}()
	}
	wg.Add(1)
	go func() {
		defer wg.Done()
		for i := range 2 * rounds {
			in := moving
			in.CommunityCode = []string{haizhu, yulei}[i%2]
			_, err := f.reg.Update(f.ctx, f.admin, ids[moving.Name], in)
			mu.Lock()
			if err != nil {
				failures = append(failures, fmt.Sprintf("move, round %d: %v", i, err))
			} else {
				committed++
			}
			mu.Unlock()
		}
	}()
	wg.Wait()
	if len(failures) > 0 {
		t.Fatalf("%d of %d writes failed, the first: %s", len(failures), 4*rounds, failures[0])
	}
	registrytest.CheckMoved(t, f.ctx, f.db, before, map[string]int64{"440105": int64(committed), "440106": int64(committed)})
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
