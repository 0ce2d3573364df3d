package demo

import (
	"bytes"
	"context"
	"encoding/csv"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"linli/internal/census"
	"linli/internal/geo"
	"linli/internal/platform/auth"
	"linli/internal/platform/clock"
	"linli/internal/platform/db"
	"linli/internal/platform/i18n"
	"linli/internal/registry"
)

// censusDemo runs 天河's census rounds, so the census pages and the street
// and district homes show real figures: a first round, closed, to which
// both demonstration streets (天河南, 猎德) submitted; and a review round,
// open until a month from now, to which 棠下 has submitted and the two
// demonstration streets have not yet (their homes, and 天河南's community
// committee's, show the round waiting). Each submission is the street's
// own organizations, exported and imported back as a clerk would.
func censusDemo(ctx context.Context, d *db.DB, geoStore *geo.Store, reg *registry.Service, users *auth.Service, now time.Time) error {
	svc := censusService(d, geoStore, reg, now)
	district, err := users.UserByName(ctx, "tianhe")
	if err != nil {
		return fmt.Errorf("demo: census: %w", err)
	}
	var streets []*auth.User
	for _, n := range []string{"street", "street2"} {
		u, err := users.UserByName(ctx, n)
		if err != nil {
			return fmt.Errorf("demo: census: %w", err)
		}
		streets = append(streets, u)
	}
	dir, err := os.MkdirTemp("", "linli-demo-census-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	deadline := now.In(clock.China).AddDate(0, 0, 30).Format(time.DateOnly)
	first, err := svc.OpenRound(ctx, district, census.RoundInput{Title: fmt.Sprintf("%d 年社区社会组织摸底", now.Year()-1), Deadline: deadline})
	if err != nil {
		return fmt.Errorf("demo: census round: %w", err)
	}
	for _, u := range streets {
		if err := submitCensus(ctx, svc, dir, first.ID, u); err != nil {
			return err
		}
	}
	if _, err := svc.CloseRound(ctx, district, first.ID); err != nil {
		return fmt.Errorf("demo: census close: %w", err)
	}
	review, err := svc.OpenRound(ctx, district, census.RoundInput{Title: fmt.Sprintf("%d 年社区社会组织复查", now.Year()), Deadline: deadline})
	if err != nil {
		return fmt.Errorf("demo: census round: %w", err)
	}
	// 棠下 has submitted; both demonstration streets have yet to (their
	// homes, and the community committee's, show the round waiting)
	return submitCensus(ctx, svc, dir, review.ID, streetClerk(tangXia, "棠下街道办事处"))
}

// tangXia is a street of 天河 besides the two demonstration streets.
const tangXia = "440106011"

// censusService is the census room as the demonstration's clerks use it.
func censusService(d *db.DB, geoStore *geo.Store, reg *registry.Service, now time.Time) *census.Service {
	return &census.Service{DB: d, Registry: reg, Geo: geoStore, Cat: i18n.New(i18n.Common, registry.Messages, census.Messages),
		Now: func() time.Time { return now }}
}

// streetClerk is a street office's clerk without a demonstration account
// (known by the office's name: the round's page shows who submitted).
func streetClerk(code, name string) *auth.User {
	return &auth.User{Username: name, DisplayName: name, Role: auth.StreetOfficer, ScopeCode: code}
}

// submitCensus submits a street's organizations into a round, exported and
// imported back as a clerk would.
func submitCensus(ctx context.Context, svc *census.Service, dir string, round int64, u *auth.User) error {
	path := filepath.Join(dir, fmt.Sprintf("%d-%s.csv", round, u.Username))
	fh, err := os.Create(path)
	if err != nil {
		return err
	}
	err = svc.Export(ctx, u, registry.Filter{}, census.FormatCSV, fh)
	if cerr := fh.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("demo: census export: %w", err)
	}
	// a clerk fixes or leaves out the rows a check refuses: the dry run
	// names them, and the file goes without them
	check, err := svc.Submit(ctx, u, round, path, "check.csv", census.Options{DryRun: true})
	if err != nil {
		return fmt.Errorf("demo: census check %s: %w", u.Username, err)
	}
	if check.ErrorCount > 0 {
		if err := dropRows(path, check.Errors); err != nil {
			return err
		}
	}
	rep, err := svc.Submit(ctx, u, round, path, u.DisplayName+"摸底.csv", census.Options{})
	if err != nil {
		return fmt.Errorf("demo: census submit %s: %w", u.Username, err)
	}
	if !rep.Committed {
		return fmt.Errorf("demo: census submit %s: %d row errors", u.Username, rep.ErrorCount)
	}
	return nil
}

// dropRows rewrites a CSV without the rows named (row 1 is the header).
func dropRows(path string, bad []census.RowError) error {
	b, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	r := csv.NewReader(bytes.NewReader(b))
	r.FieldsPerRecord = -1
	recs, err := r.ReadAll()
	if err != nil {
		return fmt.Errorf("demo: census file: %w", err)
	}
	drop := map[int]bool{}
	for _, e := range bad {
		drop[e.Row] = true
	}
	var out bytes.Buffer
	w := csv.NewWriter(&out)
	for i, rec := range recs {
		if i == 0 || !drop[i+1] {
			if err := w.Write(rec); err != nil {
				return err
			}
		}
	}
	w.Flush()
	if err := w.Error(); err != nil {
		return err
	}
	return os.WriteFile(path, out.Bytes(), 0o600)
}
