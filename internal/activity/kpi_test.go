package activity_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"strconv"
	"testing"
	"time"

	"linli/internal/activity"
	"linli/internal/app/apptest"
	"linli/internal/kpi"
	"linli/internal/platform/auth"
	"linli/internal/registry"
)

// Activities as a kpi source: an indicator added as data (activities of a
// theme, or of a service field, per district per year) equals a count made
// here of what was entered, year by year, at a district and a street; a
// refused major activity is not counted; known_on leaves out what was
// entered later; the records behind the number are the activities.
func TestActivityIndicatorsEqualIndependentCounts(t *testing.T) {
	f := newFixture(t)
	city := f.a.CreateUser("city-kpi", auth.CityAdmin, "4401", 0)
	haizhuOrg := func(name string) *registry.Org {
		in := apptest.ActiveInput(name, haizhuComm)
		in.Tier = registry.TierStreet
		return f.a.CreateOrg(city, in)
	}
	orgs := []*registry.Org{f.org("五山文化队", wushanComm, registry.TierStreet), f.org("员村书法社", yuancunComm, registry.TierStreet),
		haizhuOrg("海珠粤曲社")}
	creator := map[string]*auth.User{wushanComm: f.street[wushan], yuancunComm: f.street[yuancun], haizhuComm: city}
	type key struct {
		unit string
		year int
	}
	culture, calligraphy := map[key]int{}, map[key]int{}
	count := func(m map[key]int, a *activity.Activity) {
		y, _ := strconv.Atoi(a.StartsOn[:4])
		for _, u := range []string{a.DistrictCode, a.StreetCode} {
			m[key{u, y}]++
		}
	}
	r := rand.New(rand.NewPCG(24, 13))
	for i := range 40 {
		o := orgs[i%3]
		theme := []string{"culture", "safety"}[r.IntN(2)]
		in := input(o, fmt.Sprintf("指标活动%d", i), theme, "service", time.Date(2022, 1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, r.IntN(730)).Format(time.DateOnly),
			9, 11, 10, 4)
		if theme == "culture" && r.IntN(2) == 0 {
			in.Fields = []string{"calligraphy"}
		}
		a := f.create(t, creator[o.CommunityCode], in)
		if theme == "culture" {
			count(culture, a)
			if in.Fields[0] == "calligraphy" {
				count(calligraphy, a)
			}
		}
	}
	// 2023-12-31 23:30 in China is 2023's
	edge := input(orgs[0], "跨年夜", "culture", "service", "2023-12-31", 23, 23, 5, 2)
	edge.EndsAt = "2024-01-01T00:30:00+08:00"
	edge.StartsAt = "2023-12-31T23:30:00+08:00"
	count(culture, f.create(t, f.street[wushan], edge))
	// a refused performance did not take place; one awaiting its report did count
	refused := f.create(t, f.street[wushan], input(orgs[0], "被拒演出", "culture", "performance", "2023-08-01", 9, 12, 300, 0))
	var rp activity.Report
	f.post(t, f.street[wushan], "/api/v1/major-reports", map[string]any{"activity_id": refused.ID}, 201).Decode(&rp)
	f.post(t, f.street[wushan], "/api/v1/major-reports/"+strconv.FormatInt(rp.ID, 10)+"/decision", map[string]any{"decision": "refuse", "reason": "场地不足"}, 200)
	count(culture, f.create(t, f.street[wushan], input(orgs[0], "待报告演出", "culture", "performance", "2023-09-01", 9, 12, 300, 0)))

	for k, flt := range map[string]map[string]any{"campaign_culture": {"activity_themes": []string{"culture"}},
		"calligraphy_activities": {"activity_fields": []string{"calligraphy"}, "activity_kinds": []string{"service"}}} {
		f.post(t, city, "/api/v1/indicators", map[string]any{"key": k, "name_zh": k, "level": "district", "scope_code": "4401",
			"target": 6, "start_on": "2022-01-01", "deadline": "2023-12-31",
			"rule": map[string]any{"kind": "count_per_year", "source": "activities", "years": []int{2022, 2023}, "filter": flt}}, 201)
	}
	// an unknown theme is refused as data
	f.post(t, city, "/api/v1/indicators", map[string]any{"key": "bad", "name_zh": "坏", "level": "district", "scope_code": "4401",
		"target": 1, "deadline": "2023-12-31", "rule": map[string]any{"kind": "count", "source": "activities", "filter": map[string]any{"activity_themes": []string{"space"}}}}, 422)

	ctx := context.Background()
	check := func(ind string, want map[key]int, known string) {
		t.Helper()
		for _, unit := range []string{tianhe, "440105", wushan, yuancun} {
			res, err := f.a.KPI.EvaluateKnown(ctx, city, ind, unit, "2023-12-31", known)
			if err != nil {
				t.Fatal(err)
			}
			if len(unit) == 9 { // below the judged level: the value of the as-of year
				if res.Value == nil || int(*res.Value) != want[key{unit, 2023}] {
					t.Errorf("%s at %s: %v, want %d", ind, unit, res.Value, want[key{unit, 2023}])
				}
				continue
			}
			if len(res.Periods) != 2 {
				t.Fatalf("%s %s: periods %+v", ind, unit, res.Periods)
			}
			for _, p := range res.Periods {
				if p.Value != want[key{unit, p.Year}] {
					t.Errorf("%s at %s in %d: %d, want %d", ind, unit, p.Year, p.Value, want[key{unit, p.Year}])
				}
			}
		}
	}
	check("campaign_culture", culture, "")
	check("calligraphy_activities", calligraphy, "")
	if culture[key{tianhe, 2023}] == 0 || calligraphy[key{"440105", 2022}]+calligraphy[key{"440105", 2023}] == 0 {
		t.Fatalf("fixture too thin: %v %v", culture, calligraphy)
	}
	page, err := f.a.KPI.Records(ctx, city, "campaign_culture", tianhe, "2023-12-31", "", 2023, 1, 500)
	if err != nil {
		t.Fatal(err)
	}
	if page.Total != culture[key{tianhe, 2023}] || page.Items[0].Kind != "activity" || page.Items[0].Link == "" {
		t.Errorf("records: %d, want %d; %+v", page.Total, culture[key{tianhe, 2023}], page.Items[0])
	}
	// entered two days later: known_on the day before leaves it out
	before := map[key]int{}
	for k, v := range culture {
		before[k] = v
	}
	f.a.Clock.Advance(48 * time.Hour)
	count(culture, f.create(t, f.street[wushan], input(orgs[0], "补录活动", "culture", "service", "2022-05-05", 9, 11, 5, 2)))
	check("campaign_culture", culture, "")
	check("campaign_culture", before, f.a.Clock.Now().Add(-30*time.Hour).In(time.FixedZone("CST", 8*3600)).Format(time.DateOnly))
	_ = kpi.SourceActivities
}
