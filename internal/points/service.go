package points

import (
	"context"
	"database/sql"
	"strconv"
	"strings"
	"time"

	"linli/internal/geo"
	"linli/internal/platform/audit"
	"linli/internal/platform/auth"
	"linli/internal/platform/clock"
	"linli/internal/platform/db"
	"linli/internal/platform/errs"
	"linli/internal/registry"
)

// Orgs is what points need from the registry.
type Orgs interface {
	Get(ctx context.Context, u *auth.User, id int64) (*registry.Org, error)
	registry.Lister // the organization picker
}

// Service records and lists demonstration points.
type Service struct {
	DB   *db.DB
	Geo  *geo.Store
	Orgs Orgs
	Now  func() time.Time
}

func (s *Service) now() time.Time { return clock.Now(s.Now) }

// Today is the current date in China.
func (s *Service) Today() string { return clock.Day(s.now()) }

// List lists the points in the user's scope (within a division, if set),
// cancelled ones included; year 0 is every year.
func (s *Service) List(ctx context.Context, u *auth.User, within string, year int) ([]*Point, error) {
	within, ok := u.Narrow(within)
	if !ok {
		return nil, errs.Missing()
	}
	// points are kept per district: a street officer sees its district's
	// points only when the point sits in the street
	items, err := list(ctx, s.DB.Read, within[:min(len(within), 6)], year)
	if err != nil || len(within) <= 6 {
		return items, err
	}
	out := items[:0]
	for _, p := range items {
		if strings.HasPrefix(p.CommunityCode, within) {
			out = append(out, p)
		}
	}
	return out, nil
}

// Get reads one point in scope.
func (s *Service) Get(ctx context.Context, u *auth.User, id int64) (*Point, error) {
	p, err := get(ctx, s.DB.Read, id)
	return auth.Visible(u, p, err, visible)
}

func visible(u *auth.User, p *Point) bool {
	code := p.DistrictCode
	if p.CommunityCode != "" {
		code = p.CommunityCode
	}
	return u.InScope(code)
}

// Create records a point approved by the user (a district officer, or the
// city for a district).
func (s *Service) Create(ctx context.Context, u *auth.User, in Input) (*Point, error) {
	if !CanApprove(u) {
		return nil, errs.E(errs.Forbidden, "err.forbidden")
	}
	today := s.Today()
	in.normalize(today)
	f := errs.Fields{}
	late, lateReason := in.validate(f, today)
	r := row{in: in, orgID: in.OrgID, approverID: u.ID, approver: u.Username, lateReason: lateReason}
	if len(in.DistrictCode) == 6 {
		if _, err := s.Geo.Check(ctx, u, f, "district_code", in.DistrictCode, geo.District, "points.err.district"); err != nil {
			return nil, err
		}
	}
	if in.OrgID != 0 {
		o, err := s.Orgs.Get(ctx, u, in.OrgID)
		switch {
		case errs.Is(err, errs.NotFound):
			f.Add("org_id", "err.not_found")
		case err != nil:
			return nil, err
		case o.DistrictCode != in.DistrictCode:
			f.Add("org_id", "points.err.org_district")
		default:
			r.community, r.street = o.CommunityCode, o.StreetCode
		}
	}
	if in.CommunityCode != "" && f["community_code"].Key == "" {
		n, err := s.Geo.Check(ctx, u, f, "community_code", in.CommunityCode, geo.Community, "points.err.community")
		if err != nil {
			return nil, err
		}
		if n != nil {
			r.community, r.street = n.Code, n.Code[:9]
		}
	}
	if err := f.Err(); err != nil {
		return nil, err
	}
	now := s.now()
	return db.Do(ctx, s.DB, func(tx *sql.Tx) (*Point, error) {
		dup, err := duplicate(ctx, tx, r)
		if err != nil {
			return nil, err
		}
		if dup {
			return nil, errs.FieldConflict("year", "points.err.duplicate")
		}
		ids, err := insert(ctx, tx, []row{r}, now)
		if err != nil {
			return nil, err
		}
		out, err := get(ctx, tx, ids[0])
		if err != nil {
			return nil, err
		}
		detail := map[string]any{"input": in, "late": late}
		return out, audit.Record(ctx, tx, now, u.Actor(), audit.Entry{Action: "demonstration_point.create",
			ObjectType: "demonstration_point", ObjectID: strconv.FormatInt(out.ID, 10), ScopeCode: in.DistrictCode, Detail: detail})
	})
}

// Cancel cancels a point: it counts for no date from now on, and stays,
// marked, with its reason (a known_on answer before now still sees it).
func (s *Service) Cancel(ctx context.Context, u *auth.User, id int64, reason string) (*Point, error) {
	if !CanApprove(u) {
		return nil, errs.E(errs.Forbidden, "err.forbidden")
	}
	reason = strings.TrimSpace(reason)
	now := s.now()
	return db.Do(ctx, s.DB, func(tx *sql.Tx) (*Point, error) {
		p, err := get(ctx, tx, id)
		if err != nil {
			return nil, err
		}
		if !visible(u, p) {
			return nil, errs.Missing()
		}
		if err := validateCancel(p, reason); err != nil {
			return nil, err
		}
		if err := cancel(ctx, tx, id, reason, u.ID, now); err != nil {
			return nil, err
		}
		out, err := get(ctx, tx, id)
		if err != nil {
			return nil, err
		}
		return out, audit.Record(ctx, tx, now, u.Actor(), audit.Entry{Action: "demonstration_point.cancel",
			ObjectType: "demonstration_point", ObjectID: strconv.FormatInt(id, 10), ScopeCode: p.DistrictCode,
			Detail: map[string]string{"reason": reason}})
	})
}
