package civic

import (
	"context"
	"fmt"

	"linli/internal/activity"
	"linli/internal/platform/clock"
	"linli/internal/platform/db"
	"linli/internal/platform/errs"
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
	start, err := clock.Parse("2006-01", month)
	if err != nil {
		return nil, errs.Missing()
	}
	end := start.AddDate(0, 1, 0)
	from, to := start.Format("2006-01-02"), end.Format("2006-01-02")
	d := &Digest{Code: code, Name: n.Name, Month: month, Cases: []*Case{}}
	names := map[string]string{}
	// an organization's first day as active, from its dated history (the registry's named read)
	acts, err := s.Orgs.FirstActive(ctx, code, start, end, 200)
	if err != nil {
		return nil, fmt.Errorf("civic: digest orgs: %w", err)
	}
	d.Orgs = []DigestItem{}
	for _, a := range acts {
		names[a.Community] = ""
		d.Orgs = append(d.Orgs, DigestItem{ID: a.ID, Name: a.Name, Place: a.Community, Day: clock.Day(a.At)})
	}
	lines, err := activity.Between(ctx, s.DB.Read, code, from, to, 200)
	if err != nil {
		return nil, fmt.Errorf("civic: digest: %w", err)
	}
	d.Activities = []DigestItem{}
	for _, l := range lines {
		names[l.Community] = ""
		d.Activities = append(d.Activities, DigestItem{ID: l.ID, Name: l.Title, Place: l.Community, Day: l.StartsOn})
	}
	in, args := db.ScopeCond("c.unit_code", code, nil)
	k := int64(len(args))
	if d.Cases, err = s.listCases(ctx, `c.status = 'published' AND `+in+` AND c.published_on >= $`+itoa(k+1)+` AND c.published_on < $`+itoa(k+2),
		append(args, from, to), 100); err != nil {
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
