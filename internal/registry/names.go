package registry

import (
	"context"
	"fmt"

	"linli/internal/platform/auth"
	"linli/internal/platform/db"
)

// NamedIDs is the named read for imports that name organizations (the
// activity spreadsheet): the ids of the organizations of each exact name
// whose community lies in the user's scope, in id order, read in batches
// of 500 names. Whether the user may act for one is the caller's rule. It
// reads in the transaction ctx carries, if any.
func (s *Service) NamedIDs(ctx context.Context, u *auth.User, names []string) (map[string][]int64, error) {
	out := map[string][]int64{}
	in, scope := db.ScopeCond("community_code", u.ScopeCode, nil)
	q := s.DB.Q(ctx)
	for start := 0; start < len(names); start += 500 {
		part := names[start:min(start+500, len(names))]
		list, args := db.InList(part, append([]any{}, scope...))
		rows, err := q.QueryContext(ctx, `SELECT name, id FROM orgs WHERE `+in+`
			AND name IN `+list+` ORDER BY id`, args...)
		if err != nil {
			return nil, fmt.Errorf("registry: orgs by name: %w", err)
		}
		if err := db.Groups(rows, out); err != nil {
			return nil, err
		}
	}
	return out, nil
}
