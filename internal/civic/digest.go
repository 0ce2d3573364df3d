package civic

import (
	"context"
	"fmt"
	"time"

	"linli/internal/activity"
	"linli/internal/platform/db"
)

func themes() []string { return activity.Themes }

// Digest is a place's month (a district's, usually): the organizations that
// became active, the activities held and the cases published — public facts
// only (names and places), for printing or pasting into an article.
func (s *Service) Digest(ctx context.Context, code, month string) (*Digest, error) {
	n, err := s.Geo.Get(ctx, code)
	if err != nil {
		return nil, err
	}
	start, err := time.ParseInLocation("2006-01", month, chinaTime)
	if err != nil {
		return nil, notFound()
	}
	end := start.AddDate(0, 1, 0)
	from, to := start.Format("2006-01-02"), end.Format("2006-01-02")
	lo, hi := db.PrefixRange(code)
	d := &Digest{Code: code, Name: n.Name, Month: month, Cases: []*Case{}}
	names := map[string]string{}
	read := func(q string, args ...any) ([]DigestItem, error) {
		rows, err := s.DB.Read.QueryContext(ctx, q, args...)
		if err != nil {
			return nil, fmt.Errorf("civic: digest: %w", err)
		}
		defer rows.Close()
		out := []DigestItem{}
		for rows.Next() {
			var it DigestItem
			if err := rows.Scan(&it.ID, &it.Name, &it.Place, &it.Day); err != nil {
				return nil, err
			}
			names[it.Place] = ""
			out = append(out, it)
		}
		return out, rows.Err()
	}
	// an organization's first day as active, from its dated history
	rows, err := s.DB.Read.QueryContext(ctx, `SELECT o.id, o.name, o.community_code, h.at FROM orgs o
		JOIN org_history h ON h.org_id = o.id AND h.field = 'status' AND h.value = 'active'
		WHERE o.status = 'active' AND o.community_code >= $1 AND o.community_code < $2 AND h.at >= $3 AND h.at < $4
		AND NOT EXISTS (SELECT 1 FROM org_history e WHERE e.org_id = o.id AND e.field = 'status' AND e.value = 'active' AND e.at < $3)
		ORDER BY h.at, o.id LIMIT 200`, lo, hi, start.UTC(), end.UTC())
	if err != nil {
		return nil, fmt.Errorf("civic: digest orgs: %w", err)
	}
	d.Orgs = []DigestItem{}
	for rows.Next() {
		var it DigestItem
		var at time.Time
		if err := rows.Scan(&it.ID, &it.Name, &it.Place, &at); err != nil {
			rows.Close()
			return nil, err
		}
		it.Day = at.In(chinaTime).Format("2006-01-02")
		if len(d.Orgs) > 0 && d.Orgs[len(d.Orgs)-1].ID == it.ID {
			continue
		}
		names[it.Place] = ""
		d.Orgs = append(d.Orgs, it)
	}
	rows.Close()
	if d.Activities, err = read(`SELECT a.id, a.title, a.community_code, a.starts_on FROM activities a
		WHERE a.community_code >= $1 AND a.community_code < $2 AND a.starts_on >= $3 AND a.starts_on < $4 AND a.status <> 'refused'
		ORDER BY a.starts_on, a.id LIMIT 200`, lo, hi, from, to); err != nil {
		return nil, err
	}
	if d.Cases, err = s.listCases(ctx, `c.status = 'published' AND c.unit_code >= $1 AND c.unit_code < $2 AND c.published_on >= $3 AND c.published_on < $4`,
		[]any{lo, hi, from, to}, 100); err != nil {
		return nil, err
	}
	codes := []string{}
	for c := range names {
		codes = append(codes, c)
	}
	nm, err := s.Geo.Names(ctx, codes)
	if err != nil {
		return nil, err
	}
	for i := range d.Orgs {
		d.Orgs[i].Place = nm[d.Orgs[i].Place]
	}
	for i := range d.Activities {
		d.Activities[i].Place = nm[d.Activities[i].Place]
	}
	return d, nil
}
