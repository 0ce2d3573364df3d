package geo

import (
	"context"

	"linli/internal/platform/auth"
	"linli/internal/platform/errs"
)

// Check is the rule for a division code a form names as a unit of one
// level: it must name a division (err.unknown_division), of that level
// (levelMsg, the room's own words for the level it wants), inside the
// user's scope (err.outside_scope). The first reason that applies is
// added to f under field and the division is nil; otherwise the division
// is returned. err is only a failed lookup.
func (s *Store) Check(ctx context.Context, u *auth.User, f errs.Fields, field, code string, level int, levelMsg string) (*Node, error) {
	n, err := s.Get(ctx, code)
	switch {
	case errs.Is(err, errs.NotFound):
		f.Add(field, "err.unknown_division")
	case err != nil:
		return nil, err
	case n.Level != level:
		f.Add(field, levelMsg)
	case !u.InScope(n.Code):
		f.Add(field, "err.outside_scope")
	default:
		return n, nil
	}
	return nil, nil
}
