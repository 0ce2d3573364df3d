package registry

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"linli/internal/geo"
	"linli/internal/orgroll"
	"linli/internal/platform/auth"
	"linli/internal/platform/clock"
	"linli/internal/platform/db"
	"linli/internal/platform/errs"
	"linli/internal/platform/flight"
)

// Service is the registry's rules over its store.
type Service struct {
	DB  *db.DB
	Geo *geo.Store
	Now func() time.Time
	// HubMembers, when set, counts the organizations a hub serves now (the
	// hub room's answer), read with q in the transaction that would end
	// the designation.
	HubMembers func(ctx context.Context, q db.Querier, hubID int64) (int, error)
	// UsersChanged, when set, is told after the registry changed an
	// account (an organization's leader bound to the organization it
	// registered), so that cached sessions read it again.
	UsersChanged func()

	moved orgroll.Retries // writes run again: an organization moved meanwhile

	lists      flight.Cache[*listed] // first pages of lists (listcache.go)
	listBuilds atomic.Int64          // first pages made for the cache

	placesOnce  sync.Once
	places      flight.Cache[*placeIndex]   // districts' search documents (searchindex.go)
	placeBuilds atomic.Int64                // district indexes read
	scopes      flight.Cache[*searchPlaces] // the districts of searched scopes
}

func (s *Service) now() time.Time { return clock.Now(s.Now) }

// Get returns an organization the viewer may see; any other answers not found.
func (s *Service) Get(ctx context.Context, u *auth.User, id int64) (*Org, error) {
	o, err := getOrg(ctx, s.DB.Read, id, "")
	if err != nil {
		return nil, err
	}
	if !visible(u, o) {
		return nil, errs.Missing()
	}
	maskFor(u, o)
	return o, nil
}

// OrgCommunity tells an organization's community (auth.OrgLookup).
func (s *Service) OrgCommunity(ctx context.Context, id int64) (string, error) {
	o, err := getOrg(ctx, s.DB.Read, id, "")
	if err != nil {
		return "", err
	}
	return o.CommunityCode, nil
}

// List returns one page of the organizations the viewer may see. A first
// page without a search comes from the list cache (see cachedList): the
// Page returned may be shared, and callers never change it.
func (s *Service) List(ctx context.Context, u *auth.User, f Filter) (*Page, error) {
	l, err := s.list(ctx, u, f)
	if err != nil {
		return nil, err
	}
	return l.page, nil
}

// list is List with the page's JSON, kept with a cached page.
func (s *Service) list(ctx context.Context, u *auth.User, f Filter) (*listed, error) {
	if f.PerPage <= 0 {
		f.PerPage = 20
	}
	f.PerPage = min(f.PerPage, MaxPerPage)
	f.Page = min(max(f.Page, 1), MaxPage)
	order, err := sortOrder(f.Sort)
	if err != nil {
		return nil, err
	}
	if strings.TrimSpace(f.Q) != "" {
		p, err := s.searchList(ctx, u, f, order)
		return &listed{page: p}, err
	}
	return s.cachedList(ctx, u, f, order)
}

// listPage reads one page of a list without a search from the records.
func (s *Service) listPage(ctx context.Context, u *auth.User, f Filter, order string) (*Page, error) {
	w, args := where(s.DB.Dialect, u, &f)
	p := &Page{Items: make([]*Org, 0, f.PerPage), Page: f.Page, PerPage: f.PerPage}
	// the page and its total in one statement (one round trip): the total
	// from the tally when it can answer, else counted, as a subquery that
	// runs once
	wargs := args
	total, targs, tallied := tallyQuery(u, f, len(args))
	if !tallied {
		total, targs = `SELECT COUNT(*) FROM orgs o WHERE `+w, nil
	}
	args = append(slices.Clip(args), targs...)
	limit, args := pageLimit(f, args)
	counted := false
	// on SQLite each row comes as one value (listrow.go), on PostgreSQL
	// by its columns (pgx reads them without a call per column)
	sel, read := orgColumns+`, (`+total+`)`, func(rows db.Scanner) (*Org, error) {
		return scanOrg(withTotal{rows, &p.Total})
	}
	switch s.DB.Engine {
	case db.SQLite:
		var row string
		dest := []any{&row} // one destination for every row
		sel, read = orgPacked(total), func(rows db.Scanner) (*Org, error) {
			if err := rows.Scan(dest...); err != nil {
				return nil, err
			}
			return packedOrg(row, &p.Total)
		}
	case db.Postgres:
		read = rawReader(read, &p.Total)
	}
	if err := s.DB.Each(ctx, `SELECT `+sel+` FROM orgs o WHERE `+w+
		` ORDER BY `+order+limit, args, func(rows db.Scanner) error {
		o, err := read(rows)
		if err != nil {
			return err
		}
		counted = true
		maskFor(u, o)
		p.Items = append(p.Items, o)
		return nil
	}); err != nil {
		return nil, fmt.Errorf("list orgs: %w", err)
	}
	if !counted { // an empty page (past the last, or nothing at all): the total alone
		var err error
		if tallied {
			p.Total, _, err = s.tallyTotal(ctx, u, f)
		} else {
			err = s.DB.QueryRow(ctx, `SELECT COUNT(*) FROM orgs o WHERE `+w, wargs...).Scan(&p.Total)
		}
		if err != nil {
			return nil, fmt.Errorf("count orgs: %w", err)
		}
	}
	return p, nil
}

// lookups reads what a plan needs: the division a community code names,
// when the organization is new (old nil) or moves, and the organizations a
// hub serves, when its designation would end.
func (s *Service) lookups(ctx context.Context, q db.Querier, old *Org, community string, hubOn bool) (lookups, error) {
	var lk lookups
	if old == nil || community != old.CommunityCode {
		n, err := s.Geo.Get(ctx, community)
		switch {
		case errs.Is(err, errs.NotFound):
		case err != nil:
			return lk, err
		default:
			lk.community = n
		}
	}
	if old != nil {
		last, err := lastChanges(ctx, q, old.ID)
		if err != nil {
			return lk, err
		}
		lk.last = last
	}
	if old != nil && old.Hub && !hubOn && s.HubMembers != nil {
		n, err := s.HubMembers(ctx, q, old.ID)
		if err != nil {
			return lk, err
		}
		lk.hubMembers = n
	}
	return lk, nil
}

// Create files a new organization (planCreate decides).
func (s *Service) Create(ctx context.Context, u *auth.User, in Input) (*Org, error) {
	now := s.now()
	in.normalize()
	var o *Org
	if filesFirst(u) && s.UsersChanged != nil {
		defer s.UsersChanged() // after the commit binding the leader
	}
	err := s.DB.Tx(ctx, func(tx *sql.Tx) error {
		lk, err := s.lookups(ctx, tx, nil, in.CommunityCode, in.Hub)
		if err != nil {
			return err
		}
		c, f, err := planCreate(u, in, now, lk)
		if err != nil {
			return err
		}
		if err := f.Err(); err != nil {
			return err
		}
		id, err := s.save(ctx, tx, u, now, c, true)
		if err != nil {
			return err
		}
		if filesFirst(u) {
			if _, err := tx.ExecContext(ctx, `UPDATE users SET org_id = $1, scope_code = $2 WHERE id = $3`, id, c.org.CommunityCode, u.ID); err != nil {
				return fmt.Errorf("bind leader: %w", err)
			}
			u.OrgID, u.ScopeCode = id, c.org.CommunityCode
		}
		o, err = getOrg(ctx, tx, id, "")
		return err
	})
	if err != nil {
		return nil, err
	}
	return o, nil
}

// save stores what a plan decided, a batch of one (saveChanges), and
// returns the organization's id.
func (s *Service) save(ctx context.Context, tx *sql.Tx, u *auth.User, now time.Time, c *change, create bool) (int64, error) {
	if err := s.saveChanges(ctx, tx, u, now, []*change{c}, create); err != nil {
		return 0, err
	}
	return c.org.ID, nil
}

// conflict turns a unique violation into a clear duplicate message.
func (s *Service) conflict(err error) error {
	if !s.DB.Dialect.IsUniqueViolation(err) {
		return fmt.Errorf("save org: %w", err)
	}
	msg := err.Error()
	if strings.Contains(msg, "credit_code") {
		return errs.FieldConflict("credit_code", "err.duplicate_credit")
	}
	return errs.FieldConflict("name", "err.duplicate_name")
}

// History returns an organization's dated changes, newest first.
func (s *Service) History(ctx context.Context, u *auth.User, id int64) ([]Event, error) {
	if _, err := s.Get(ctx, u, id); err != nil {
		return nil, err
	}
	return s.history(ctx, id)
}

// history is History for an organization the caller has already checked
// the viewer may see.
func (s *Service) history(ctx context.Context, id int64) ([]Event, error) {
	rows, err := s.DB.Query(ctx, `SELECT id, field, old_value, value, reason, at, entered_at, late_reason,
		COALESCE(user_id, 0), username FROM org_history WHERE org_id = $1 ORDER BY at DESC, id DESC`, id)
	if err != nil {
		return nil, fmt.Errorf("org history: %w", err)
	}
	return db.Collect(rows, func(r interface{ Scan(...any) error }) (*Event, error) {
		var e Event
		var entered sql.NullTime
		if err := r.Scan(&e.ID, &e.Field, &e.OldValue, &e.Value, &e.Reason, &e.At, &entered, &e.LateReason,
			&e.UserID, &e.Username); err != nil {
			return nil, err
		}
		e.At = e.At.UTC()
		if entered.Valid {
			t := entered.Time.UTC()
			e.EnteredAt = &t
			e.Late = t.Sub(e.At) > lateAfterDays*24*time.Hour
		}
		return &e, nil
	})
}
