package bench

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"time"

	"linli/internal/activity"
	"linli/internal/platform/clock"
	"linli/internal/platform/db"
	"linli/internal/platform/pii"
	"linli/internal/registry"
)

// The activities of the dataset (issue 13): about 20 a year for each
// active organization, over the year before the window's end, with the
// organization's volunteers (two or three each) and their hours at about
// half of the activities. Rows go straight into the tables, as the rest of
// the dataset, in the chunk of their organizations.

var (
	activityCols = []string{"id", "org_id", "title", "theme", "kind", "fields", "starts_at", "ends_at", "starts_on", "community_code",
		"street_code", "district_code", "address", "groups_mask", "participants", "beneficiaries", "beneficiary_detail", "status",
		"major_rule", "volunteer_minutes", "hours_confirmed", "created_at", "updated_at"}
	activityOrgCols  = []string{"activity_id", "org_id"}
	volunteerCols    = []string{"id", "name", "phone", "phone_hash", "community_code", "district_code", "created_at"}
	volunteerOrgCols = []string{"volunteer_id", "org_id"}
	hoursCols        = []string{"id", "activity_id", "volunteer_id", "served_on", "minutes", "created_at"}
)

// ActivitiesPerYear is how many activities an active organization holds a
// year in the dataset.
const ActivitiesPerYear = 20

type activityRows struct {
	acts, actOrgs, vols, volOrgs, hours [][]any
	ids                                 struct{ act, vol, hours int64 }
}

var benchTitles = map[string][]string{
	"neighbourly_watch": {"探访独居长者", "困境儿童课业辅导", "空巢老人生日会"},
	"co_governance":     {"居民议事会", "小区停车议事"},
	"safety":            {"邻里纠纷调解", "夜间治安巡逻", "垃圾分类宣传"},
	"culture":           {"粤曲欣赏会", "亲子读书会", "书法练习"},
	"rural_revival":     {"村容村貌清洁日", "农技下乡培训"},
	"other":             {"组织年度总结会"},
}

// activities generates the year's activities of the chunk's active
// organizations.
func (g *generator) activities(orgs []*gorg) {
	a := &g.acts
	end := g.win.to
	start := end.AddDate(-1, 0, 0)
	themes := activity.Themes
	for _, o := range orgs {
		if o.status != registry.StatusActive {
			continue
		}
		first := maxTime(start, o.created)
		days := int(end.Sub(first).Hours() / 24)
		if days < 20 {
			continue
		}
		n := ActivitiesPerYear * days / 365
		var vols []int64
		for range 2 + g.ar.IntN(2) {
			a.ids.vol++
			vols = append(vols, a.ids.vol)
			// sealed as the registry writes it: plain phones made every
			// later start seal 3.8 million rows and VACUUM the file
			p := phone(g.ar)
			a.vols = append(a.vols, []any{a.ids.vol, person(g.ar), pii.Seal(p), pii.Hash(p), o.comm.code, o.comm.code[:6], first})
			a.volOrgs = append(a.volOrgs, []any{a.ids.vol, o.id})
		}
		step := days / max(n, 1)
		for i := range n {
			theme := themes[g.ar.IntN(len(themes))]
			fields := activity.ThemeFields[theme]
			titles := benchTitles[theme]
			day := first.AddDate(0, 0, i*step+g.ar.IntN(max(step, 1)))
			starts := time.Date(day.Year(), day.Month(), day.Day(), 8+g.ar.IntN(10), 0, 0, 0, clock.China)
			hours := 1 + g.ar.IntN(3)
			ends := starts.Add(time.Duration(hours) * time.Hour)
			participants := 8 + g.ar.IntN(50)
			benef := participants * (3 + g.ar.IntN(5)) / 10
			detail, _ := json.Marshal(activity.Beneficiaries{Total: benef, Other: benef})
			a.ids.act++
			minutes := 0
			if g.ar.IntN(2) == 0 {
				for _, v := range vols[:1+g.ar.IntN(len(vols))] {
					a.ids.hours++
					m := 60 * (1 + g.ar.IntN(hours))
					minutes += m
					a.hours = append(a.hours, []any{a.ids.hours, a.ids.act, v, starts.Format(time.DateOnly), int64(m), ends})
				}
			}
			a.acts = append(a.acts, []any{a.ids.act, o.id, titles[g.ar.IntN(len(titles))], theme, "service", fields[g.ar.IntN(len(fields))],
				starts.UTC(), ends.UTC(), starts.Format(time.DateOnly), o.comm.code, o.comm.code[:9], o.comm.code[:6], "社区党群服务中心",
				int64(0), int64(participants), int64(benef), string(detail), activity.StatusRecorded, "{}", int64(minutes),
				int64(b01i(minutes > 0)), ends.UTC(), ends.UTC()})
			a.actOrgs = append(a.actOrgs, []any{a.ids.act, o.id})
		}
	}
}

func b01i(b bool) int {
	if b {
		return 1
	}
	return 0
}

// writeActivities writes the chunk's activity rows.
func (g *generator) writeActivities(w func(table string, cols []string, rows [][]any) error) error {
	a := &g.acts
	for _, t := range []struct {
		table string
		cols  []string
		rows  *[][]any
	}{{"activities", activityCols, &a.acts}, {"activity_orgs", activityOrgCols, &a.actOrgs}, {"volunteers", volunteerCols, &a.vols},
		{"volunteer_orgs", volunteerOrgCols, &a.volOrgs}, {"volunteer_hours", hoursCols, &a.hours}} {
		for len(*t.rows) > 0 { // in parts, so one statement stays small
			part := (*t.rows)[:min(len(*t.rows), 50_000)]
			if err := w(t.table, t.cols, part); err != nil {
				return fmt.Errorf("bench: %s: %w", t.table, err)
			}
			*t.rows = (*t.rows)[len(part):]
		}
		*t.rows = nil
	}
	g.ds.Activities = a.ids.act
	g.ds.Volunteers = a.ids.vol
	g.ds.HourEntries = a.ids.hours
	return nil
}

// sampleVolunteers keeps up to 2,000 volunteers of the measured city.
func (m *measurer) sampleVolunteers(ctx context.Context, city string) error {
	lo, hi := db.PrefixRange(city)
	rows, err := m.t.DB.Read.QueryContext(ctx, `SELECT id FROM volunteers WHERE community_code >= $1 AND community_code < $2
		ORDER BY id LIMIT 2000`, lo, hi)
	if err != nil {
		return nil // a database without the activities' tables: nothing to measure
	}
	m.volunteers, err = db.Column[int64](rows)
	return err
}

// activitySpecs measure the campaign figures of the city and the district,
// the district's activity list, and one volunteer's hours over the year.
func (m *measurer) activitySpecs() []spec {
	city, dist := m.city, m.district
	theme := func(i int) string { return activity.Themes[i%5] }
	out := []spec{
		{name: "campaign figures, city, one theme this year (/api/v1/campaigns/{theme})", key: "activity_campaign_city",
			req: func(i int) (*http.Request, error) { return m.get(city, "/api/v1/campaigns/"+theme(i)) }},
		{name: "campaign figures, district, one theme this year", key: "activity_campaign_district",
			req: func(i int) (*http.Request, error) { return m.get(dist, "/api/v1/campaigns/"+theme(i)) }},
		{name: "activity list, district officer, first page", key: "activity_list_district",
			req: func(i int) (*http.Request, error) { return m.get(dist, "/api/v1/activities?per_page=20") }},
		{name: "activity list, district officer, one theme, page 5", key: "activity_list_theme",
			req: func(i int) (*http.Request, error) {
				return m.get(dist, "/api/v1/activities?per_page=20&page=5&theme="+theme(i))
			}},
	}
	if len(m.volunteers) > 0 {
		out = append(out, spec{name: "volunteer hours, one volunteer, one year", key: "activity_volunteer_hours",
			req: func(i int) (*http.Request, error) {
				id := m.volunteers[(i*7919)%len(m.volunteers)]
				return m.get(city, "/api/v1/volunteers/"+strconv.FormatInt(id, 10)+"/hours?from=2025-11-01&to=2026-10-31")
			}})
	}
	return out
}
