package registry

import (
	"context"
	"fmt"
	"strconv"

	"linli/internal/platform/auth"
	"linli/internal/platform/db"
)

// Summary counts the organizations in the viewer's scope below a division.
type Summary struct {
	Total    int            `json:"total"`
	ByStatus map[string]int `json:"by_status"`
	ByTier   map[string]int `json:"by_tier"`
	Hubs     int            `json:"hubs"`
	Brands   int            `json:"brands"`
}

// Summarize counts by status and tier.
func (s *Service) Summarize(ctx context.Context, u *auth.User, within string) (*Summary, error) {
	w, args := where(s.DB.Dialect, u, &Filter{Within: within})
	rows, err := s.DB.Read.QueryContext(ctx, `SELECT o.status, o.tier, COUNT(*), SUM(o.hub), SUM(o.brand)
		FROM orgs o WHERE `+w+` GROUP BY o.status, o.tier`, args...)
	if err != nil {
		return nil, fmt.Errorf("summarize orgs: %w", err)
	}
	defer rows.Close()
	sum := &Summary{ByStatus: map[string]int{}, ByTier: map[string]int{}}
	for rows.Next() {
		var st, tier string
		var n, hubs, brands int
		if err := rows.Scan(&st, &tier, &n, &hubs, &brands); err != nil {
			return nil, err
		}
		sum.ByStatus[st] += n
		if st != StatusDeregistered {
			sum.Total += n
			sum.ByTier[tier] += n
			sum.Hubs += hubs
			sum.Brands += brands
		}
	}
	return sum, rows.Err()
}

// ChildCounts counts the organizations (not deregistered) the viewer may see
// under each child of a division, keyed by the child's code.
func (s *Service) ChildCounts(ctx context.Context, u *auth.User, code string, childLen int) (map[string]int, error) {
	out := map[string]int{}
	if childLen == 0 || childLen > 12 {
		return out, nil
	}
	var args []any
	w, args := scopeWhere(u, args)
	lo, hi := db.PrefixRange(code)
	args = append(args, lo, hi, StatusDeregistered)
	n := len(args)
	rows, err := s.DB.Read.QueryContext(ctx, `SELECT substr(o.community_code, 1, `+strconv.Itoa(childLen)+`) AS c, COUNT(*)
		FROM orgs o WHERE `+w+` AND o.community_code >= `+ph(n-2)+` AND o.community_code < `+ph(n-1)+
		` AND o.status <> `+ph(n)+` GROUP BY c`, args...)
	if err != nil {
		return nil, fmt.Errorf("child counts: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var c string
		var k int
		if err := rows.Scan(&c, &k); err != nil {
			return nil, err
		}
		out[c] = k
	}
	return out, rows.Err()
}
