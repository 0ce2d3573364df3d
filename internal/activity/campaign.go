package activity

import (
	"context"
	"fmt"
	"math"
	"slices"
	"time"

	"linli/internal/platform/auth"
	"linli/internal/platform/db"
	"linli/internal/platform/errs"
)

// Campaign computes a theme's figures over a place and period: activities
// (not refused), beneficiaries, volunteer hours, by district and by month,
// and the share of the place's active organizations that held an activity
// of the theme in the 90 days up to the period's end.
func (s *Service) Campaign(ctx context.Context, u *auth.User, theme, unit, from, to string) (*Campaign, error) {
	if !slices.Contains(Themes, theme) {
		return nil, notFound()
	}
	if u.Role == auth.OrgLeader {
		return nil, notFound()
	}
	if unit == "" {
		unit = u.ScopeCode
	}
	if !u.InScope(unit) {
		return nil, notFound()
	}
	if len(unit) > 2 {
		if ok, err := s.Exists(ctx, unit); err != nil || !ok {
			return nil, notFound()
		}
	}
	if to == "" {
		to = s.now().In(chinaTime).Format(time.DateOnly)
	}
	if from == "" {
		from = to[:4] + "-01-01"
	}
	from, to, err := dayRange(from, to)
	if err != nil {
		return nil, err
	}
	if from > to {
		return nil, &errs.Error{Code: errs.Invalid, Message: errs.M("err.invalid_input"), Fields: map[string]errs.Msg{"to": errs.M("err.bad_date")}}
	}
	c := &Campaign{Theme: theme, Unit: unit, From: from, To: to, ByDistrict: []CampaignRow{}, ByMonth: []CampaignRow{}}
	lo, hi := db.PrefixRange(unit)
	const where = ` FROM activities WHERE theme = $1 AND community_code >= $2 AND community_code < $3
		AND starts_on >= $4 AND starts_on <= $5 AND status <> $6`
	args := []any{theme, lo, hi, from, to, StatusRefused}
	for _, g := range []struct {
		key string
		dst *[]CampaignRow
	}{{"district_code", &c.ByDistrict}, {"substr(starts_on, 1, 7)", &c.ByMonth}} {
		rows, err := s.DB.Read.QueryContext(ctx, `SELECT `+g.key+`, COUNT(*), COALESCE(SUM(beneficiaries), 0), COALESCE(SUM(volunteer_minutes), 0)`+
			where+` GROUP BY `+g.key+` ORDER BY `+g.key, args...)
		if err != nil {
			return nil, fmt.Errorf("activity: campaign: %w", err)
		}
		for rows.Next() {
			var r CampaignRow
			var minutes int64
			if err := rows.Scan(&r.Key, &r.Activities, &r.Beneficiaries, &minutes); err != nil {
				rows.Close()
				return nil, err
			}
			r.VolunteerHours = hours(minutes)
			*g.dst = append(*g.dst, r)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
	}
	var minutes int64
	for _, r := range c.ByDistrict {
		c.Activities += r.Activities
		c.Beneficiaries += r.Beneficiaries
		minutes += int64(math.Round(r.VolunteerHours * 60))
	}
	c.VolunteerHours = hours(minutes)
	end, _ := time.Parse(time.DateOnly, to)
	c.Active.Since = end.AddDate(0, 0, -89).Format(time.DateOnly)
	if err := s.DB.Read.QueryRowContext(ctx, `SELECT COUNT(DISTINCT ao.org_id) FROM activities a JOIN activity_orgs ao ON ao.activity_id = a.id
		WHERE a.theme = $1 AND a.community_code >= $2 AND a.community_code < $3 AND a.starts_on >= $4 AND a.starts_on <= $5 AND a.status <> $6`,
		theme, lo, hi, c.Active.Since, to, StatusRefused).Scan(&c.Active.Active); err != nil {
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
