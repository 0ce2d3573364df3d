package readiness

import (
	"context"
	"database/sql"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"

	"linli/internal/effective"
	"linli/internal/platform/audit"
	"linli/internal/platform/auth"
	"linli/internal/platform/clock"
	"linli/internal/platform/db"
	"linli/internal/platform/errs"
	"linli/internal/registry"
)

// Safety patrol groups (群防群治): an organization of a community that
// patrols an area on a weekly schedule, from an effective date.

// Shift is one line of a patrol group's weekly schedule.
type Shift struct {
	Weekday int    `json:"weekday"` // 1 Monday … 7 Sunday
	Starts  string `json:"starts"`  // HH:MM, China time
	Ends    string `json:"ends"`
	Route   string `json:"route"`
}

// PatrolInput is a patrol group as entered.
type PatrolInput struct {
	OrgID      int64   `json:"org_id"`
	Area       string  `json:"area"`
	Members    int     `json:"members"`
	StartedOn  string  `json:"started_on"` // effective date, default today
	LateReason string  `json:"late_reason"`
	Shifts     []Shift `json:"shifts"`
}

// Patrol is a patrol group.
type Patrol struct {
	ID            int64   `json:"id"`
	OrgID         int64   `json:"org_id"`
	OrgName       string  `json:"org_name"`
	CommunityCode string  `json:"community_code"`
	Area          string  `json:"area"`
	Members       int     `json:"members"`
	StartedOn     string  `json:"started_on"`
	EndedOn       string  `json:"ended_on,omitempty"`
	LateReason    string  `json:"late_reason,omitempty"`
	Shifts        []Shift `json:"shifts"`
}

var hhmm = regexp.MustCompile(`^([01][0-9]|2[0-3]):[0-5][0-9]$`)

// planPatrol validates a patrol group of an organization (org is nil when
// it does not exist).
func planPatrol(u *auth.User, in *PatrolInput, org *registry.Org, now time.Time) error {
	in.Area = strings.TrimSpace(in.Area)
	f := errs.Fields{}
	switch {
	case org == nil || !canKeep(u, org.CommunityCode): // outside the scope: as if absent
		f.Add("org_id", "err.not_found")
	case org.Status != "active":
		f.Add("org_id", "readiness.err.org_inactive")
	}
	f.Length("area", in.Area, 2, 200)
	if in.Members < 1 || in.Members > 10000 {
		f.Add("members", "readiness.err.range", 1, 10000)
	}
	if in.StartedOn == "" {
		in.StartedOn = clock.Day(now)
	}
	founded := ""
	if org != nil {
		founded = org.FoundedOn
	}
	late := effective.Check(f, "started_on", in.StartedOn, clock.Day(now), founded, "readiness.err.before_founded")
	in.LateReason = effective.Reason(f, late, in.LateReason)
	if len(in.Shifts) == 0 {
		f.Add("shifts", "readiness.err.no_shifts")
	}
	if len(in.Shifts) > 50 {
		f.Add("shifts", "err.too_long", 50)
	}
	for i := range in.Shifts {
		s := &in.Shifts[i]
		s.Route = strings.TrimSpace(s.Route)
		switch {
		case s.Weekday < 1 || s.Weekday > 7:
			f.Add("shifts", "readiness.err.weekday")
		case !hhmm.MatchString(s.Starts) || !hhmm.MatchString(s.Ends):
			f.Add("shifts", "readiness.err.time")
		case s.Ends <= s.Starts:
			f.Add("shifts", "readiness.err.shift_order")
		}
		f.Length("shifts", s.Route, 0, 200)
	}
	return f.Err()
}

// AddPatrol records an organization as a safety patrol group with its
// schedule.
func (s *Service) AddPatrol(ctx context.Context, u *auth.User, in PatrolInput) (*Patrol, error) {
	org, err := s.Orgs.Lookup(ctx, in.OrgID)
	if errs.Is(err, errs.NotFound) {
		org, err = nil, nil
	}
	if err != nil {
		return nil, err
	}
	now := s.now()
	if err := planPatrol(u, &in, org, now); err != nil {
		return nil, err
	}
	var id int64
	err = s.DB.Tx(ctx, func(tx *sql.Tx) error {
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM patrol_groups WHERE org_id = $1`, in.OrgID).Scan(&n); err != nil {
			return err
		}
		if n > 0 {
			return errs.FieldConflict("org_id", "readiness.err.patrol_exists")
		}
		if err := tx.QueryRowContext(ctx, `INSERT INTO patrol_groups (org_id, community_code, district_code, area, members,
			started_on, late_reason, created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id`,
			in.OrgID, org.CommunityCode, org.CommunityCode[:6], in.Area, in.Members, in.StartedOn, in.LateReason, u.ID, now).Scan(&id); err != nil {
			return fmt.Errorf("readiness: insert patrol: %w", err)
		}
		for _, sh := range in.Shifts {
			if _, err := tx.ExecContext(ctx, `INSERT INTO patrol_shifts (group_id, weekday, starts, ends, route) VALUES ($1, $2, $3, $4, $5)`,
				id, sh.Weekday, sh.Starts, sh.Ends, sh.Route); err != nil {
				return fmt.Errorf("readiness: insert shift: %w", err)
			}
		}
		return audit.Record(ctx, tx, now, u.Actor(), audit.Entry{Action: "readiness.patrol_add", ObjectType: "org",
			ObjectID: strconv.FormatInt(in.OrgID, 10), ScopeCode: org.CommunityCode, Detail: in})
	})
	if err != nil {
		return nil, err
	}
	list, err := listPatrols(ctx, s.DB.Read, "", id)
	if err != nil || len(list) == 0 {
		return nil, err
	}
	return &list[0], nil
}

// Patrols lists the patrol groups of a subtree.
func (s *Service) Patrols(ctx context.Context, u *auth.User, within string) ([]Patrol, error) {
	code, err := place(u, within)
	if err != nil {
		return nil, err
	}
	return listPatrols(ctx, s.DB.Read, code, 0)
}

// listPatrols reads the groups of a division's subtree (or the one group
// id), with their schedules; at most 1,000.
func listPatrols(ctx context.Context, q db.Querier, code string, id int64) ([]Patrol, error) {
	where, args := db.ScopeCond("g.community_code", code, nil)
	if id != 0 {
		where, args = "g.id = $1", []any{id}
	}
	rows, err := q.QueryContext(ctx, `SELECT g.id, g.org_id, o.name, g.community_code, g.area, g.members, g.started_on, g.ended_on,
		g.late_reason FROM patrol_groups g JOIN orgs o ON o.id = g.org_id WHERE `+where+` ORDER BY g.community_code, g.id LIMIT 1000`, args...)
	if err != nil {
		return nil, fmt.Errorf("readiness: patrols: %w", err)
	}
	out := []Patrol{}
	byID := map[int64]int{}
	for rows.Next() {
		var p Patrol
		if err := rows.Scan(&p.ID, &p.OrgID, &p.OrgName, &p.CommunityCode, &p.Area, &p.Members, &p.StartedOn, &p.EndedOn, &p.LateReason); err != nil {
			rows.Close()
			return nil, err
		}
		p.Shifts = []Shift{}
		byID[p.ID] = len(out)
		out = append(out, p)
	}
	rows.Close()
	if err := rows.Err(); err != nil || len(out) == 0 {
		return out, err
	}
	ids := make([]string, 0, len(out))
	for _, p := range out {
		ids = append(ids, strconv.FormatInt(p.ID, 10))
	}
	// ids are integers read from the database: safe to inline
	srows, err := q.QueryContext(ctx, `SELECT group_id, weekday, starts, ends, route FROM patrol_shifts WHERE group_id IN (`+
		strings.Join(ids, ",")+`) ORDER BY group_id, weekday, starts`)
	if err != nil {
		return nil, fmt.Errorf("readiness: shifts: %w", err)
	}
	type groupShift struct {
		gid int64
		sh  Shift
	}
	shifts, err := db.Collect(srows, func(r interface{ Scan(...any) error }) (*groupShift, error) {
		var g groupShift
		return &g, r.Scan(&g.gid, &g.sh.Weekday, &g.sh.Starts, &g.sh.Ends, &g.sh.Route)
	})
	if err != nil {
		return nil, err
	}
	for _, g := range shifts {
		out[byID[g.gid]].Shifts = append(out[byID[g.gid]].Shifts, g.sh)
	}
	return out, nil
}
