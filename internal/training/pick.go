package training

import (
	"context"
	"fmt"
	"strings"

	"linli/internal/platform/auth"
	"linli/internal/platform/db"
	"linli/internal/platform/pick"
	"linli/internal/platform/web"
)

// The person picker: the enrolment form names a key person by name, and
// GET /api/v1/people/pick suggests the people of the user's subtree as they
// type (static/app.js, input[data-pick]). Without script a typed name is
// resolved in the same scope; none or several is a field error naming the
// candidates (pick.Resolve, the organization picker's rule).

var personWords = pick.Words{None: "training.err.pick_none", Many: "training.err.pick_many"}

// PickPeople lists up to pick.Limit people of the user's subtree whose name
// contains q, the exact name first, then those it begins, then by name.
func (s *Service) PickPeople(ctx context.Context, u *auth.User, q string) ([]pick.Item, error) {
	if u.OwnOrgOnly() {
		return []pick.Item{}, nil
	}
	items, codes, err := pickPeople(ctx, s.DB.Read, u.ScopeCode, strings.TrimSpace(q), pick.Limit)
	if err != nil {
		return nil, err
	}
	names, err := s.Geo.Names(ctx, codes)
	if err != nil {
		return nil, err
	}
	for i := range items {
		if n := names[codes[i]]; n != "" {
			items[i].Place = n + " · " + items[i].Place
		}
	}
	return items, nil
}

// ResolvePerson reads a person picker field into a person's id.
func (s *Service) ResolvePerson(ctx context.Context, u *auth.User, field, text string) (int64, error) {
	return pick.Resolve(ctx, field, text, func(ctx context.Context, q string) ([]pick.Item, error) {
		return s.PickPeople(ctx, u, q)
	}, personWords)
}

// pickPeople reads the picker's page of people: each with the role in
// Place, and the community codes beside.
func pickPeople(ctx context.Context, q db.Querier, scope, text string, limit int) ([]pick.Item, []string, error) {
	in, args := db.ScopeCond("community_code", scope, nil)
	match, rank, args := pick.Match("name", text, args)
	lim, args := db.Arg(args, limit)
	rows, err := q.QueryContext(ctx, `SELECT id, name, role, community_code FROM people
		WHERE `+in+` AND `+match+` ORDER BY `+rank+`, name, id LIMIT `+lim, args...)
	if err != nil {
		return nil, nil, fmt.Errorf("training: pick people: %w", err)
	}
	defer rows.Close()
	items, codes := []pick.Item{}, []string{}
	for rows.Next() {
		var it pick.Item
		var code string
		if err := rows.Scan(&it.ID, &it.Name, &it.Place, &code); err != nil {
			return nil, nil, fmt.Errorf("training: pick people: %w", err)
		}
		it.Value = pick.Value(it.Name, it.ID)
		items, codes = append(items, it), append(codes, code)
	}
	return items, codes, rows.Err()
}

// pickSchema documents a picker's answer.
func pickSchema() map[string]any {
	return web.Obj(map[string]any{"items": web.Arr(web.SchemaOf(pick.Item{}, nil))}, "items")
}
