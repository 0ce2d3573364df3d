package registry

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"

	"linli/internal/platform/audit"
	"linli/internal/platform/auth"
	"linli/internal/platform/errs"
)

// Lookup returns an organization without any viewer's scope or masking: for
// other capabilities that apply their own access rules, never to be shown
// as it is.
func (s *Service) Lookup(ctx context.Context, id int64) (*Org, error) {
	return getOrg(ctx, s.DB.Read, id, "")
}

// SetHub designates an active organization as a hub of its street, or ends
// the designation, with a reason in the dated history. Only the street (and
// the officers above it) decide; the organization must be in their subtree.
func (s *Service) SetHub(ctx context.Context, u *auth.User, id int64, on bool, reason string) (*Org, error) {
	reason = strings.TrimSpace(reason)
	if utf8.RuneCountInString(reason) > 500 {
		return nil, &errs.Error{Code: errs.Invalid, Message: errs.M("err.invalid_input"),
			Fields: map[string]errs.Msg{"reason": errs.M("err.too_long", 500)}}
	}
	now := s.now()
	var out *Org
	err := s.DB.Tx(ctx, func(tx *sql.Tx) error {
		o, err := getOrg(ctx, tx, id, s.DB.Dialect.ForUpdate())
		if err != nil {
			return err
		}
		if !visible(u, o) {
			return errs.E(errs.NotFound, "err.not_found")
		}
		if u.ReadOnly() || !setsFlag(u, "hub") || !u.InScope(o.CommunityCode) {
			return errs.E(errs.Forbidden, "err.forbidden")
		}
		if on && o.Status != StatusActive {
			return &errs.Error{Code: errs.Conflict, Message: errs.M("err.hub_needs_active"),
				Fields: map[string]errs.Msg{"hub": errs.M("err.hub_needs_active")}}
		}
		if o.Hub == on {
			out = o
			return nil
		}
		if _, err := tx.ExecContext(ctx, `UPDATE orgs SET hub = $1, updated_at = $2, version = version + 1 WHERE id = $3`,
			b2i(on), now, id); err != nil {
			return fmt.Errorf("set hub: %w", err)
		}
		old, val := strconv.Itoa(b2i(o.Hub)), strconv.Itoa(b2i(on))
		if err := s.recordHistory(ctx, tx, u, id, now, []Event{{Field: "hub", OldValue: old, Value: val, Reason: reason}}); err != nil {
			return err
		}
		if err := audit.Record(ctx, tx, now, u.Actor(), audit.Entry{Action: "org.hub", ObjectType: "org",
			ObjectID: strconv.FormatInt(id, 10), ScopeCode: o.CommunityCode,
			Detail: map[string]string{"hub": val, "reason": reason}}); err != nil {
			return err
		}
		out, err = getOrg(ctx, tx, id, "")
		return err
	})
	if err != nil {
		return nil, err
	}
	maskFor(u, out)
	return out, nil
}
