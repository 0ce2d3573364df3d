package activity

import (
	"context"
	"fmt"
	"math"
	"slices"
	"strings"
	"time"

	"linli/internal/platform/auth"
	"linli/internal/platform/clock"
	"linli/internal/platform/errs"
)

// Campaign computes a theme's figures over a place and period: activities
// (not refused), beneficiaries, volunteer hours, by district and by month,
// and the share of the place's active organizations that held an activity
// of the theme in the 90 days up to the period's end.
func (s *Service) Campaign(ctx context.Context, u *auth.User, theme, unit, from, to string) (*Campaign, error) {
	if !slices.Contains(Themes, theme) {
		return nil, errs.Missing()
	}
	if !readsPlace(u) {
		return nil, errs.Missing()
	}
	unit, ok := u.Narrow(unit)
	if !ok {
		return nil, errs.Missing()
	}
	if len(unit) > 2 {
		if ok, err := s.Exists(ctx, unit); err != nil || !ok {
			return nil, errs.Missing()
		}
	}
	if to == "" {
		to = clock.Day(s.now())
	}
	if from == "" {
		from = to[:4] + "-01-01"
	}
	from, to, err := dayRange(from, to)
	if err != nil {
		return nil, err
	}
	if from > to {
		return nil, errs.Field("to", "err.bad_date")
	}
	c := &Campaign{Theme: theme, Unit: unit, From: from, To: to, ByDistrict: []CampaignRow{}, ByMonth: []CampaignRow{}}
	place, pargs := placeCond("", unit, []any{theme, from, to, StatusRefused})
	rows, err := s.DB.Read.QueryContext(ctx, `SELECT district_code, substr(starts_on, 1, 7), COUNT(*), COALESCE(SUM(beneficiaries), 0),
		COALESCE(SUM(volunteer_minutes), 0) FROM activities WHERE theme = $1 AND starts_on >= $2 AND starts_on <= $3 AND status <> $4
		AND `+place+` GROUP BY district_code, substr(starts_on, 1, 7)`, pargs...)
	if err != nil {
		return nil, fmt.Errorf("activity: campaign: %w", err)
	}
	byDistrict, byMonth := map[string]*CampaignRow{}, map[string]*CampaignRow{}
	minutesOf := map[*CampaignRow]int64{}
	for rows.Next() {
		var district, month string
		var n, benef int
		var minutes int64
		if err := rows.Scan(&district, &month, &n, &benef, &minutes); err != nil {
			rows.Close()
			return nil, err
		}
		for _, k := range []struct {
			m   map[string]*CampaignRow
			key string
		}{{byDistrict, district}, {byMonth, month}} {
			r := k.m[k.key]
			if r == nil {
				r = &CampaignRow{Key: k.key}
				k.m[k.key] = r
			}
			r.Activities += n
			r.Beneficiaries += benef
			minutesOf[r] += minutes
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	for _, g := range []struct {
		m   map[string]*CampaignRow
		dst *[]CampaignRow
	}{{byDistrict, &c.ByDistrict}, {byMonth, &c.ByMonth}} {
		for _, r := range g.m {
			r.VolunteerHours = hours(minutesOf[r])
			*g.dst = append(*g.dst, *r)
		}
		slices.SortFunc(*g.dst, func(a, b CampaignRow) int { return strings.Compare(a.Key, b.Key) })
	}
	var minutes int64
	for r, m := range minutesOf {
		if _, ok := byDistrict[r.Key]; ok && byDistrict[r.Key] == r {
			c.Activities += r.Activities
			c.Beneficiaries += r.Beneficiaries
			minutes += m
		}
	}
	c.VolunteerHours = hours(minutes)
	// people, not visits: the registered beneficiaries served again and
	// again count once in the period (and once per district and month)
	total, byD, byM, err := distinctServed(ctx, s.DB.Read, theme, from, to, unit)
	if err != nil {
		return nil, err
	}
	c.RegisteredPeople = total.people
	c.Beneficiaries += total.people - total.entries
	for _, g := range []struct {
		rows []CampaignRow
		by   map[string]served
	}{{c.ByDistrict, byD}, {c.ByMonth, byM}} {
		for i := range g.rows {
			n := g.by[g.rows[i].Key]
			g.rows[i].Beneficiaries += n.people - n.entries
		}
	}
	end, _ := time.Parse(time.DateOnly, to)
	c.Active.Since = end.AddDate(0, 0, -89).Format(time.DateOnly)
	place, pargs = placeCond("a.", unit, []any{theme, c.Active.Since, to, StatusRefused})
	if err := s.DB.Read.QueryRowContext(ctx, `SELECT COUNT(DISTINCT ao.org_id) FROM activities a JOIN activity_orgs ao ON ao.activity_id = a.id
		WHERE a.theme = $1 AND a.starts_on >= $2 AND a.starts_on <= $3 AND a.status <> $4 AND `+place, pargs...).Scan(&c.Active.Active); err != nil {
		return nil, fmt.Errorf("activity: active orgs: %w", err)
	}
	sum, err := s.Orgs.Summarize(ctx, u, unit)
	if err != nil {
		return nil, err
	}
	c.Active.Orgs = sum.ByStatus["active"]
	if c.Active.Orgs > 0 {
		c.Active.Share = math.Round(float64(c.Active.Active)/float64(c.Active.Orgs)*1000) / 1000
	}
	return c, nil
}

func hours(minutes int64) float64 { return math.Round(float64(minutes)/60*100) / 100 }
