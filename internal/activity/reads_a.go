package activity

import (
	"context"
	"fmt"
	"sort"
	"strconv"
	"time"

	"linli/internal/platform/db"
)

// Named reads for the other rooms (issue 10): what evaluation, governance,
// funding and civic know of activities, read here, in batches of ids.
// Each takes the caller's querier, so it reads in the caller's transaction
// when there is one; none applies a viewer's scope (the caller's rules do).

// readBatch is how many ids one statement of a named read carries.
const readBatch = 500

// Line is an activity as another room lists it.
type Line struct {
	ID        int64
	Title     string
	Community string
	StartsOn  string
	StartsAt  time.Time
	Address   string
	OrgID     int64 // the host
	Capacity  int   // sign-up capacity (0: no limit)
}

const lineCols = `a.id, a.title, a.community_code, a.starts_on, a.starts_at, a.address, a.org_id, a.signup_capacity`

func scanLines(rows interface {
	Next() bool
	Scan(...any) error
	Err() error
	Close() error
}, out []Line) ([]Line, error) {
	defer rows.Close()
	for rows.Next() {
		var l Line
		if err := rows.Scan(&l.ID, &l.Title, &l.Community, &l.StartsOn, &l.StartsAt, &l.Address, &l.OrgID, &l.Capacity); err != nil {
			return nil, fmt.Errorf("activity: line: %w", err)
		}
		l.StartsAt = l.StartsAt.UTC()
		out = append(out, l)
	}
	return out, rows.Err()
}

// Hosted is what an organization hosted in a period, refused activities
// aside: their number and the sums of what was recorded of them.
type Hosted struct {
	Activities       int64
	Participants     int64
	Beneficiaries    int64
	VolunteerMinutes int64
}

// HostedBy reads, for each organization, the activities it hosted (as the
// host, org_id) starting between from and to inclusive, refused ones
// aside. An organization with none is absent.
func HostedBy(ctx context.Context, q db.Querier, orgIDs []int64, from, to string) (map[int64]Hosted, error) {
	out := map[int64]Hosted{}
	for start := 0; start < len(orgIDs); start += readBatch {
		in, args := db.InList(orgIDs[start:min(start+readBatch, len(orgIDs))], []any{from, to})
		rows, err := q.QueryContext(ctx, `SELECT org_id, COUNT(*), COALESCE(SUM(participants), 0), COALESCE(SUM(beneficiaries), 0),
			COALESCE(SUM(volunteer_minutes), 0) FROM activities WHERE starts_on >= $1 AND starts_on <= $2
			AND status <> 'refused' AND org_id IN `+in+` GROUP BY org_id`, args...)
		if err != nil {
			return nil, fmt.Errorf("activity: hosted: %w", err)
		}
		for rows.Next() {
			var id int64
			var h Hosted
			if err := rows.Scan(&id, &h.Activities, &h.Participants, &h.Beneficiaries, &h.VolunteerMinutes); err != nil {
				rows.Close()
				return nil, err
			}
			out[id] = h
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// Shared tells which of some activities an organization hosted or
// co-organized, with each one's day (starts_on).
func Shared(ctx context.Context, q db.Querier, orgID int64, ids []int64) (map[int64]string, error) {
	out := map[int64]string{}
	for start := 0; start < len(ids); start += readBatch {
		in, args := db.InList(ids[start:min(start+readBatch, len(ids))], []any{orgID})
		rows, err := q.QueryContext(ctx, `SELECT a.id, a.starts_on FROM activities a WHERE a.id IN `+in+`
			AND (a.org_id = $1 OR EXISTS (SELECT 1 FROM activity_orgs ao WHERE ao.activity_id = a.id AND ao.org_id = $1))`, args...)
		if err != nil {
			return nil, fmt.Errorf("activity: shared: %w", err)
		}
		if err := db.Pairs(rows, out); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// Lines reads some activities, by day (starts_on, then id); missing ids
// are left out.
func Lines(ctx context.Context, q db.Querier, ids []int64) ([]Line, error) {
	out := []Line{}
	for start := 0; start < len(ids); start += readBatch {
		in, args := db.InList(ids[start:min(start+readBatch, len(ids))], nil)
		rows, err := q.QueryContext(ctx, `SELECT `+lineCols+` FROM activities a WHERE a.id IN `+in, args...)
		if err != nil {
			return nil, fmt.Errorf("activity: lines: %w", err)
		}
		if out, err = scanLines(rows, out); err != nil {
			return nil, err
		}
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].StartsOn != out[j].StartsOn {
			return out[i].StartsOn < out[j].StartsOn
		}
		return out[i].ID < out[j].ID
	})
	return out, nil
}

// OrgRecent lists the latest activities an organization hosted or
// co-organized, newest first (any status).
func OrgRecent(ctx context.Context, q db.Querier, orgID int64, limit int) ([]Line, error) {
	rows, err := q.QueryContext(ctx, `SELECT `+lineCols+` FROM activities a
		WHERE a.org_id = $1 OR a.id IN (SELECT ao.activity_id FROM activity_orgs ao WHERE ao.org_id = $1)
		ORDER BY a.starts_on DESC, a.id DESC LIMIT $2`, orgID, limit)
	if err != nil {
		return nil, fmt.Errorf("activity: org recent: %w", err)
	}
	return scanLines(rows, []Line{})
}

// Between lists the activities of a place (within's subtree) starting on
// a day in [from, to), refused ones aside, by day.
func Between(ctx context.Context, q db.Querier, within, from, to string, limit int) ([]Line, error) {
	cond, args := db.ScopeCond("a.community_code", within, []any{from, to})
	rows, err := q.QueryContext(ctx, `SELECT `+lineCols+` FROM activities a WHERE `+cond+`
		AND a.starts_on >= $1 AND a.starts_on < $2 AND a.status <> 'refused'
		ORDER BY a.starts_on, a.id LIMIT `+strconv.Itoa(limit), args...)
	if err != nil {
		return nil, fmt.Errorf("activity: between: %w", err)
	}
	return scanLines(rows, []Line{})
}

// OpenForSignups lists a street's activities that accept residents'
// sign-ups and start on or after a day, refused ones aside, soonest first.
func OpenForSignups(ctx context.Context, q db.Querier, street, fromDay string, limit int) ([]Line, error) {
	rows, err := q.QueryContext(ctx, `SELECT `+lineCols+` FROM activities a WHERE a.street_code = $1 AND a.accepts_signups = 1
		AND a.starts_on >= $2 AND a.status <> 'refused' ORDER BY a.starts_at LIMIT `+strconv.Itoa(limit), street, fromDay)
	if err != nil {
		return nil, fmt.Errorf("activity: open for sign-ups: %w", err)
	}
	return scanLines(rows, []Line{})
}
