package activity

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"linli/internal/platform/db"
)

// Named reads for the public portal: the recorded activities of active
// organizations in a place and a period, as the public may see them (what,
// when, where, who hosts; no participant, volunteer or write-up). Which
// hosts show their activities is the caller's rule (the portal's
// publication settings), given as a condition on the host's id column.

// Listed is an activity as the public sees it.
type Listed struct {
	ID        int64
	Title     string
	Theme     string
	Kind      string
	StartsAt  time.Time
	EndsAt    time.Time
	Day       string
	Community string
	Address   string
	OrgID     int64
	OrgName   string
}

// PublicFilter selects public activities: a place, a period (inclusive
// days), an order and a page.
type PublicFilter struct {
	Within string
	// Districts of a city (Within of 4 digits): read district by district
	// (each a range of the activities' district-and-day index)
	Districts []string
	From, To  string
	Asc       bool
	NoCount   bool // the page only: the total is not wanted
	Limit     int
	Offset    int
	// Hosts is the caller's condition on the host's id column (e.g. an
	// EXISTS over its publication settings); "": every active host.
	Hosts func(orgID string) string
}

func publicWhere(f PublicFilter) (string, []any) {
	args := []any{StatusRecorded, "active"}
	conds := []string{"a.status = $1"}
	p := func(v any) (ph string) {
		ph, args = db.Arg(args, v)
		return ph
	}
	if len(f.Within) < 6 && len(f.Districts) > 0 {
		var in string
		in, args = db.InList(f.Districts, args)
		conds = append(conds, "a.district_code IN "+in)
	} else if len(f.Within) < 6 {
		var c string
		c, args = db.ScopeCond("a.district_code", f.Within, args)
		conds = append(conds, c)
	} else {
		// a street's or community's activities by day come from its own
		// index (activities_street_day, activities_community_day), not
		// from the district's
		switch len(f.Within) {
		case 9:
			conds = append(conds, "a.street_code = "+p(f.Within))
		case 12:
			conds = append(conds, "a.community_code = "+p(f.Within))
		default:
			conds = append(conds, "a.district_code = "+p(f.Within[:6]))
		}
	}
	if f.From != "" {
		conds = append(conds, "a.starts_on >= "+p(f.From))
	}
	if f.To != "" {
		conds = append(conds, "a.starts_on <= "+p(f.To))
	}
	if f.Hosts != nil {
		conds = append(conds, f.Hosts("a.org_id"))
	}
	// CROSS JOIN keeps SQLite's join order: a place's activities by day
	// (activities_district_day, _street_day, _community_day) first, each host looked up by its key
	// (PostgreSQL plans it as an inner join)
	conds = append(conds, "o.id = a.org_id", "o.status = $2")
	return `activities a CROSS JOIN orgs o WHERE ` + strings.Join(conds, " AND "), args
}

// PublicList lists a page of public activities and counts them (-1 when
// NoCount).
func PublicList(ctx context.Context, q db.Querier, f PublicFilter) ([]Listed, int, error) {
	from, args := publicWhere(f)
	total := -1
	if !f.NoCount {
		if err := q.QueryRowContext(ctx, `SELECT COUNT(*) FROM `+from, args...).Scan(&total); err != nil {
			return nil, 0, fmt.Errorf("activity: count public: %w", err)
		}
	}
	out := []Listed{}
	if total == 0 || total > 0 && f.Offset >= total {
		return out, total, nil
	}
	order := "a.starts_on DESC, a.id DESC"
	if f.Asc {
		order = "a.starts_on, a.id"
	}
	rows, err := q.QueryContext(ctx, `SELECT a.id, a.title, a.theme, a.kind, a.starts_at, a.ends_at, a.starts_on,
		a.community_code, a.address, a.org_id, o.name FROM `+from+` ORDER BY `+order+
		` LIMIT `+strconv.Itoa(f.Limit)+` OFFSET `+strconv.Itoa(f.Offset), args...)
	if err != nil {
		return nil, 0, fmt.Errorf("activity: public: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var a Listed
		if err := rows.Scan(&a.ID, &a.Title, &a.Theme, &a.Kind, &a.StartsAt, &a.EndsAt, &a.Day, &a.Community, &a.Address,
			&a.OrgID, &a.OrgName); err != nil {
			return nil, 0, fmt.Errorf("activity: public: %w", err)
		}
		out = append(out, a)
	}
	return out, total, rows.Err()
}

// PublicDays counts public activities per day over a period.
func PublicDays(ctx context.Context, q db.Querier, f PublicFilter) (map[string]int, error) {
	w, args := publicWhere(f)
	rows, err := q.QueryContext(ctx, `SELECT a.starts_on, COUNT(*) FROM `+w+` GROUP BY a.starts_on`, args...)
	if err != nil {
		return nil, fmt.Errorf("activity: public days: %w", err)
	}
	out := map[string]int{}
	return out, db.Pairs(rows, out)
}

// OrgLatest lists an organization's latest recorded activities (hosted
// by it), newest first, without the host's name.
func OrgLatest(ctx context.Context, q db.Querier, orgID int64, limit int) ([]Listed, error) {
	return db.List(ctx, q, "activity: org latest", func(r interface{ Scan(...any) error }) (*Listed, error) {
		var a Listed
		return &a, r.Scan(&a.ID, &a.Title, &a.Theme, &a.Kind, &a.StartsAt, &a.EndsAt, &a.Day, &a.Community, &a.Address, &a.OrgID)
	}, `SELECT a.id, a.title, a.theme, a.kind, a.starts_at, a.ends_at, a.starts_on,
		a.community_code, a.address, a.org_id FROM activities a WHERE a.org_id = $1 AND a.status = $2
		ORDER BY a.starts_on DESC, a.id DESC LIMIT `+strconv.Itoa(limit), orgID, StatusRecorded)
}
