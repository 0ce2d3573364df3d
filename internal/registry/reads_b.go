package registry

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"linli/internal/platform/db"
)

// OrgAt is an organization as it stood at a moment: its community, tier,
// types and target groups (bit i is Types[i], TargetGroups[i]) and
// volunteer mark then.
type OrgAt struct {
	ID        int64
	Community string
	Tier      string
	Types     int64
	Groups    int64
	Mark      bool
}

// atFields are the historized fields EachActiveAt reads, in the order the
// read lists them.
var atFields = []string{"community", "groups", "status", "tier", "types", "volunteer_mark"}

// EachActiveAt is the named read of the organizations that were active at
// the cut in a community-code range [lo, hi), as they stood then (the
// coverage reports and indicators on a past date read it). The status is
// the dated history's (field "status"; no status before the cut means not
// yet filed); the community (a move is the history field "community"),
// tier, volunteer mark, types and groups (decimal masks) are the last
// change before the cut, else the value the first change after it
// replaced, else the current column. The organizations read are those in
// the range now and those that moved in or out of it; one statement joins
// each to its history rows, in order, and the rows are streamed to fn,
// never collected (one organization at a time).
func EachActiveAt(ctx context.Context, q db.Querier, lo, hi string, cut time.Time, fn func(OrgAt)) error {
	rows, err := q.QueryContext(ctx, `SELECT o.id, o.community_code, o.tier, o.types_mask, o.groups_mask, o.volunteer_mark,
			COALESCE(h.field, ''), COALESCE(h.value, ''), COALESCE(h.old_value, ''), CASE WHEN h.at < $3 THEN 1 ELSE 0 END
		FROM orgs o LEFT JOIN org_history h ON h.org_id = o.id
			AND h.field IN ('community', 'groups', 'status', 'tier', 'types', 'volunteer_mark')
		WHERE o.community_code >= $1 AND o.community_code < $2
			OR o.id IN (SELECT m.org_id FROM org_history m WHERE m.field = 'community'
				AND (m.value >= $1 AND m.value < $2 OR m.old_value >= $1 AND m.old_value < $2))
		ORDER BY o.id, h.at, h.id`, lo, hi, cut)
	if err != nil {
		return fmt.Errorf("registry: organizations at %s: %w", cut.Format(time.RFC3339), err)
	}
	defer rows.Close()
	var cur orgThen
	cur.id = -1
	for rows.Next() {
		var r orgThen
		var field, value, old string
		var before int
		if err := rows.Scan(&r.id, &r.community, &r.tier, &r.types, &r.groups, &r.mark, &field, &value, &old, &before); err != nil {
			return err
		}
		if r.id != cur.id {
			cur.emit(lo, hi, fn)
			cur = r
		}
		cur.see(field, value, old, before == 1)
	}
	if err := rows.Err(); err != nil {
		return err
	}
	cur.emit(lo, hi, fn)
	return nil
}

// orgThen is one organization's current columns and what its history
// says of each field at the cut.
type orgThen struct {
	id                  int64
	community, tier     string
	types, groups, mark int64
	before, after       [6]string // atFields' values: last before the cut, replaced by the first after
	hasBefore, hasAfter [6]bool
}

// see takes one history row (in order of effective time; each field is
// followed apart, so the rows need no order by field: no text sort).
func (p *orgThen) see(field, value, old string, before bool) {
	i := slices.Index(atFields, field)
	if i < 0 {
		return
	}
	switch {
	case before:
		p.before[i], p.hasBefore[i] = value, true
	case !p.hasAfter[i]:
		p.after[i], p.hasAfter[i] = old, true
	}
}

// at is a field's value at the cut, or the current one.
func (p *orgThen) at(i int, current string) string {
	switch {
	case p.hasBefore[i]:
		return p.before[i]
	case p.hasAfter[i] && p.after[i] != "":
		return p.after[i]
	case p.hasAfter[i] && atFields[i] == "volunteer_mark":
		return "0" // a flag first set by a change had none before it (as orgroll.Timeline)
	}
	return current
}

// emit passes the organization on if it was active in the range at the cut.
func (p *orgThen) emit(lo, hi string, fn func(OrgAt)) {
	if p.id < 0 || !p.hasBefore[2] || p.before[2] != StatusActive {
		return
	}
	o := OrgAt{ID: p.id, Community: p.at(0, p.community), Tier: p.at(3, p.tier)}
	if o.Community < lo || o.Community >= hi || len(o.Community) != 12 {
		return
	}
	o.Groups, _ = strconv.ParseInt(p.at(1, strconv.FormatInt(p.groups, 10)), 10, 64)
	o.Types, _ = strconv.ParseInt(p.at(4, strconv.FormatInt(p.types, 10)), 10, 64)
	o.Mark = p.at(5, strconv.FormatInt(p.mark, 10)) == "1"
	fn(o)
}

// Brief is an organization as a row of another room's list names it.
type Brief struct {
	ID            int64
	Name          string
	CommunityCode string
}

// Briefs is the named read of the given organizations' names and
// communities, in the order a list shows them (name, then id, in the
// database's collation); ids that are no organization are absent. One
// read whatever the number of ids (integers, inlined), in the transaction
// q may be.
func Briefs(ctx context.Context, q db.Querier, ids []int64) ([]Brief, error) {
	if len(ids) == 0 {
		return []Brief{}, nil
	}
	in := make([]string, len(ids))
	for i, id := range ids {
		in[i] = strconv.FormatInt(id, 10)
	}
	rows, err := q.QueryContext(ctx, `SELECT id, name, community_code FROM orgs WHERE id IN (`+strings.Join(in, ",")+`)
		ORDER BY name, id`)
	if err != nil {
		return nil, fmt.Errorf("registry: briefs: %w", err)
	}
	return db.Collect(rows, func(sc interface{ Scan(...any) error }) (*Brief, error) {
		var b Brief
		err := sc.Scan(&b.ID, &b.Name, &b.CommunityCode)
		return &b, err
	})
}
