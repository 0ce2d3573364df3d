package registry

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"linli/internal/platform/db"
	"linli/internal/platform/errs"
)

// Named reads for the other rooms (issue 10): what evaluation, governance,
// funding, civic and incubation know of organizations, read here in
// batches. None applies a viewer's scope or masking (the caller's rules
// do); each reads in the transaction ctx carries, if any.

// readBatch is how many ids one statement of a named read carries.
const readBatch = 500

// OrgLine is an organization as another room's list shows it.
type OrgLine struct {
	ID        int64
	Name      string
	Community string
	Status    string
	Tier      string
	PartyOrg  string
}

func (s *Service) orgLines(ctx context.Context, where string, keys []any) ([]OrgLine, error) {
	out := []OrgLine{}
	q := s.DB.Q(ctx)
	for start := 0; start < len(keys); start += readBatch {
		in, args := db.InList(keys[start:min(start+readBatch, len(keys))], nil)
		rows, err := q.QueryContext(ctx, `SELECT id, name, community_code, status, tier, party_org FROM orgs WHERE `+where+
			` IN `+in+` ORDER BY id`, args...)
		if err != nil {
			return nil, fmt.Errorf("registry: org lines: %w", err)
		}
		for rows.Next() {
			var l OrgLine
			if err := rows.Scan(&l.ID, &l.Name, &l.Community, &l.Status, &l.Tier, &l.PartyOrg); err != nil {
				rows.Close()
				return nil, err
			}
			out = append(out, l)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// OrgLines reads organizations by id, in id order within each batch of
// 500 (a missing id is absent).
func (s *Service) OrgLines(ctx context.Context, ids []int64) ([]OrgLine, error) {
	keys := make([]any, len(ids))
	for i, id := range ids {
		keys[i] = id
	}
	return s.orgLines(ctx, "id", keys)
}

// OrgsIn reads the organizations of some places, every status, in id
// order within each batch of 500 codes: communities (12 digits) or
// streets (9 digits), all of one level.
func (s *Service) OrgsIn(ctx context.Context, places []string) ([]OrgLine, error) {
	keys := make([]any, len(places))
	col := ""
	for i, c := range places {
		keys[i] = c
		k := map[int]string{9: "street_code", 12: "community_code"}[len(c)]
		if k == "" || col != "" && k != col {
			return nil, fmt.Errorf("registry: orgs in %q: %w", c, errs.E(errs.Invalid, "err.invalid_input"))
		}
		col = k
	}
	return s.orgLines(ctx, col, keys)
}

// OrgNames reads the names of organizations by id (a missing id is absent).
func (s *Service) OrgNames(ctx context.Context, ids []int64) (map[int64]string, error) {
	lines, err := s.OrgLines(ctx, ids)
	if err != nil {
		return nil, err
	}
	out := make(map[int64]string, len(lines))
	for _, l := range lines {
		out[l.ID] = l.Name
	}
	return out, nil
}

// FieldHistory reads the dated history of one field of organizations:
// each organization's events in the order they took effect (at, then id).
// An organization whose field never changed is absent.
func (s *Service) FieldHistory(ctx context.Context, ids []int64, field string) (map[int64][]Event, error) {
	out := map[int64][]Event{}
	q := s.DB.Q(ctx)
	for start := 0; start < len(ids); start += readBatch {
		in, args := db.InList(ids[start:min(start+readBatch, len(ids))], []any{field})
		rows, err := q.QueryContext(ctx, `SELECT org_id, id, old_value, value, at FROM org_history WHERE field = $1 AND org_id IN `+in+
			` ORDER BY org_id, at, id`, args...)
		if err != nil {
			return nil, fmt.Errorf("registry: field history: %w", err)
		}
		for rows.Next() {
			var org int64
			e := Event{Field: field}
			if err := rows.Scan(&org, &e.ID, &e.OldValue, &e.Value, &e.At); err != nil {
				rows.Close()
				return nil, err
			}
			e.At = e.At.UTC()
			out[org] = append(out[org], e)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// OrgStatus is an organization's status on a day, with its community.
type OrgStatus struct {
	ID        int64
	Community string
	Status    string
}

// StatusesOn reads the organizations of a place (within's subtree) with
// their status before cut, in id order: the last status the dated history
// records before cut ("" when none), or the current column when current.
// An organization moved since keeps its current community.
func (s *Service) StatusesOn(ctx context.Context, within string, cut time.Time, current bool) ([]OrgStatus, error) {
	in, args := db.ScopeCond("o.community_code", within, nil)
	status := "o.status"
	if !current {
		var before string
		before, args = db.Arg(args, cut)
		status = `COALESCE((SELECT h.value FROM org_history h WHERE h.org_id = o.id AND h.field = 'status' AND h.at < ` + before + `
			ORDER BY h.at DESC, h.id DESC LIMIT 1), '')`
	}
	rows, err := s.DB.Q(ctx).QueryContext(ctx, `SELECT o.id, o.community_code, `+status+` FROM orgs o
		WHERE `+in+` ORDER BY o.id`, args...)
	if err != nil {
		return nil, fmt.Errorf("registry: statuses on a day: %w", err)
	}
	defer rows.Close()
	var out []OrgStatus
	for rows.Next() {
		var r OrgStatus
		if err := rows.Scan(&r.ID, &r.Community, &r.Status); err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// Activated is an organization that became active for the first time.
type Activated struct {
	ID        int64
	Name      string
	Community string
	At        time.Time
}

// FirstActive lists the organizations of a place (within's subtree),
// active now, whose dated history first makes them active in [from, to),
// by that moment (then id), at most limit: one row each, an organization
// suspended and resumed in the window counts at its first activation.
func (s *Service) FirstActive(ctx context.Context, within string, from, to time.Time, limit int) ([]Activated, error) {
	in, args := db.ScopeCond("o.community_code", within, nil)
	since, args := db.Arg(args, from.UTC())
	until, args := db.Arg(args, to.UTC())
	rows, err := s.DB.Q(ctx).QueryContext(ctx, `SELECT o.id, o.name, o.community_code, h.at FROM orgs o
		JOIN org_history h ON h.org_id = o.id AND h.field = 'status' AND h.value = 'active'
		WHERE o.status = 'active' AND `+in+` AND h.at >= `+since+` AND h.at < `+until+`
		AND NOT EXISTS (SELECT 1 FROM org_history e WHERE e.org_id = o.id AND e.field = 'status' AND e.value = 'active'
			AND (e.at < h.at OR e.at = h.at AND e.id < h.id))
		ORDER BY h.at, o.id LIMIT `+strconv.Itoa(limit), args...)
	if err != nil {
		return nil, fmt.Errorf("registry: first active: %w", err)
	}
	defer rows.Close()
	out := []Activated{}
	for rows.Next() {
		var a Activated
		if err := rows.Scan(&a.ID, &a.Name, &a.Community, &a.At); err != nil {
			return nil, err
		}
		out = append(out, a)
	}
	return out, rows.Err()
}
