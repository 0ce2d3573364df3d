package registry

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"linli/internal/platform/auth"
	"linli/internal/platform/db"
	"linli/internal/platform/errs"
)

func ph(n int) string { return "$" + strconv.Itoa(n) }

const orgColumns = `o.id, o.name, o.tier, o.types_mask, o.groups_mask, o.community_code, o.street_code,
	o.district_code, COALESCE(o.credit_code, ''), o.address, o.founded_on, o.members, o.leader_name,
	o.leader_phone, o.party_org, o.party_instructor, o.hub, o.brand, COALESCE(o.demonstration_year, 0),
	o.volunteer_mark, o.status, o.return_reason, COALESCE(o.created_by, 0), o.created_at, o.updated_at, o.version`

func scanOrg(sc interface{ Scan(...any) error }) (*Org, error) {
	var o Org
	var types, groups int64
	var hub, brand, vm int
	err := sc.Scan(&o.ID, &o.Name, &o.Tier, &types, &groups, &o.CommunityCode, &o.StreetCode, &o.DistrictCode,
		&o.CreditCode, &o.Address, &o.FoundedOn, &o.Members, &o.LeaderName, &o.LeaderPhone, &o.PartyOrg,
		&o.PartyInstructor, &hub, &brand, &o.DemonstrationYear, &vm, &o.Status, &o.ReturnReason, &o.CreatedBy,
		&o.CreatedAt, &o.UpdatedAt, &o.Version)
	if err != nil {
		return nil, err
	}
	o.Types, o.TargetGroups = unmask(Types, types), unmask(TargetGroups, groups)
	o.Hub, o.Brand, o.VolunteerMark = hub != 0, brand != 0, vm != 0
	o.Demonstration = o.DemonstrationYear != 0
	o.CreatedAt, o.UpdatedAt = o.CreatedAt.UTC(), o.UpdatedAt.UTC()
	return &o, nil
}

func getOrg(ctx context.Context, q db.Querier, id int64, forUpdate string) (*Org, error) {
	o, err := scanOrg(q.QueryRowContext(ctx, `SELECT `+orgColumns+` FROM orgs o WHERE o.id = $1`+forUpdate, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, errs.E(errs.NotFound, "err.not_found")
	}
	if err != nil {
		return nil, fmt.Errorf("get org %d: %w", id, err)
	}
	return o, nil
}

func nullStr(s string) any {
	if s == "" {
		return nil
	}
	return s
}

func nullYear(y int) any {
	if y == 0 {
		return nil
	}
	return y
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

// where builds the WHERE clause of a list for the viewer and filter; d
// writes the engine's full-text condition for the search box, or, with
// scan set, a plain match suited to a small list (see searchList).
func where(d db.Dialect, u *auth.User, f *Filter) (string, []any) {
	var conds []string
	var args []any
	c, args := scopeWhere(u, args)
	// A division filter inside the viewer's scope replaces the scope
	// condition (it is the narrower of the two, and one condition lets the
	// engine use one index); one that overlaps nothing matches nothing.
	switch w := f.Within; {
	case w == "" || strings.HasPrefix(u.ScopeCode, w):
	case u.Role == auth.OrgLeader:
		lo, hi := db.PrefixRange(w)
		args = append(args, lo, hi)
		c += " AND o.community_code >= " + ph(len(args)-1) + " AND o.community_code < " + ph(len(args))
	case strings.HasPrefix(w, u.ScopeCode):
		args = args[:0]
		c, args = placeWhere(w, args)
	default:
		c = "1 = 0"
		args = args[:0]
	}
	conds = append(conds, c)
	add := func(cond string, v any) {
		args = append(args, v)
		conds = append(conds, strings.ReplaceAll(cond, "?", ph(len(args))))
	}
	if f.Tier != "" {
		add("o.tier = ?", f.Tier)
	}
	if i := indexOf(Types, f.Type); i >= 0 {
		add("(o.types_mask & ?) <> 0", int64(1)<<i)
	}
	if i := indexOf(TargetGroups, f.TargetGroup); i >= 0 {
		add("(o.groups_mask & ?) <> 0", int64(1)<<i)
	}
	if f.Status != "" {
		add("o.status = ?", f.Status)
	}
	if f.Hub {
		conds = append(conds, "o.hub = 1")
	}
	if f.Brand {
		conds = append(conds, "o.brand = 1")
	}
	if f.Demonstration {
		conds = append(conds, "o.demonstration_year IS NOT NULL")
	}
	if f.VolunteerMark {
		conds = append(conds, "o.volunteer_mark = 1")
	}
	if q := strings.TrimSpace(f.Q); q != "" {
		var c string
		c, args = searchCond(d, f.searchIn, q, args)
		conds = append(conds, "("+c+")")
	}
	return strings.Join(conds, " AND "), args
}

// sorts maps the accepted sort keys to ORDER BY clauses.
var sorts = map[string]string{
	"":           "o.id DESC",
	"newest":     "o.id DESC",
	"oldest":     "o.id",
	"name":       "o.name, o.id",
	"founded_on": "o.founded_on DESC, o.id DESC",
	"members":    "o.members DESC, o.id DESC",
	"code":       "o.community_code, o.id",
	"relevance":  "o.id", // with a search: exact name, prefix, substring, pinyin (searchOrder)
}

// orgInsertColumns are the columns of a new organization, 24 values
// (orgInsertArgs).
const orgInsertColumns = `name, name_key, tier, types_mask, groups_mask, community_code, street_code, district_code,
	credit_code, address, founded_on, members, leader_name, leader_phone, party_org, party_instructor, hub, brand,
	demonstration_year, volunteer_mark, status, created_by, created_at, updated_at`

// orgInsertArgs are the values of orgInsertColumns for a new organization.
func orgInsertArgs(o *Org) []any {
	return []any{o.Name, NameKey(o.Name), o.Tier, mask(Types, o.Types), mask(TargetGroups, o.TargetGroups),
		o.CommunityCode, o.StreetCode, o.DistrictCode, nullStr(o.CreditCode), o.Address, o.FoundedOn, o.Members,
		o.LeaderName, o.LeaderPhone, o.PartyOrg, o.PartyInstructor, b2i(o.Hub), b2i(o.Brand),
		nullYear(o.DemonstrationYear), b2i(o.VolunteerMark), o.Status, o.CreatedBy, o.CreatedAt, o.UpdatedAt}
}
