package civic

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"sort"
	"strconv"
	"time"

	"linli/internal/activity"
	"linli/internal/funding"
	"linli/internal/geo"
	"linli/internal/platform/audit"
	"linli/internal/platform/auth"
	"linli/internal/platform/clock"
	"linli/internal/platform/db"
	"linli/internal/platform/errs"
	"linli/internal/registry"
)

// Orgs is what this room needs of the registry.
type Orgs interface {
	Lookup(ctx context.Context, id int64) (*registry.Org, error)
	// the registry's named reads: names by id, and the organizations that
	// first became active in a period (the digest)
	OrgNames(ctx context.Context, ids []int64) (map[int64]string, error)
	OrgLines(ctx context.Context, ids []int64) ([]registry.OrgLine, error)
	OrgsIn(ctx context.Context, communities []string) ([]registry.OrgLine, error)
	FirstActive(ctx context.Context, within string, from, to time.Time, limit int) ([]registry.Activated, error)
}

// Service is the room's transactions.
type Service struct {
	DB       *db.DB
	Geo      *geo.Store
	Auth     *auth.Service
	Orgs     Orgs
	Activity *activity.Service
	// Needs records a resident's need (the funding room's POST /api/v1/needs).
	Needs *funding.Service
	// City is the code of the city residents choose a community in.
	City string
	// Projects reports whether the user sees a funded project (not found otherwise).
	Projects func(ctx context.Context, u *auth.User, id int64) error
	Now      func() time.Time
	// PhoneKey keys the phones' hash; nil: a key made once and kept in civic_keys.
	PhoneKey []byte
}

func (s *Service) now() time.Time { return clock.Now(s.Now) }

func itoa(id int64) string { return strconv.FormatInt(id, 10) }

func (s *Service) record(ctx context.Context, tx *sql.Tx, now time.Time, u *auth.User, action, typ string, id int64, scope string, detail any) error {
	return audit.Record(ctx, tx, now, u.Actor(), audit.Entry{Action: action, ObjectType: typ, ObjectID: itoa(id), ScopeCode: scope, Detail: detail})
}

// phoneKey returns the key of the phones' keyed hash.
func (s *Service) phoneKey(ctx context.Context, tx *sql.Tx) ([]byte, error) {
	if s.PhoneKey != nil {
		return s.PhoneKey, nil
	}
	var v string
	err := tx.QueryRowContext(ctx, `SELECT value FROM civic_keys WHERE name = 'phone'`).Scan(&v)
	if errors.Is(err, sql.ErrNoRows) {
		b := make([]byte, 32)
		rand.Read(b)
		v = hex.EncodeToString(b)
		if _, err := tx.ExecContext(ctx, `INSERT INTO civic_keys (name, value) VALUES ('phone', $1)`, v); err != nil {
			return nil, fmt.Errorf("civic: phone key: %w", err)
		}
	} else if err != nil {
		return nil, fmt.Errorf("civic: phone key: %w", err)
	}
	return hex.DecodeString(v)
}

// SignUp creates a resident account in the chosen community (no one signed
// in does it: the rate limits of sign-ups guard it).
func (s *Service) SignUp(ctx context.Context, in SignUp, ip string) (*Resident, error) {
	exists := false
	if len(in.CommunityCode) == 12 {
		var err error
		if exists, err = s.Geo.Exists(ctx, in.CommunityCode); err != nil {
			return nil, err
		}
	}
	if err := validateSignUp(&in, exists).Err(); err != nil {
		return nil, err
	}
	now := s.now()
	var out *Resident
	err := s.DB.InTx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		name := in.DisplayName
		if name == "" {
			name = in.Username
		}
		u, err := s.Auth.CreateUser(ctx, nil, auth.NewUser{Username: in.Username, DisplayName: name, Role: auth.Resident,
			ScopeCode: in.CommunityCode, Password: in.Password})
		if err != nil {
			return err
		}
		hash, last4 := "", ""
		if in.Phone != "" {
			key, err := s.phoneKey(ctx, tx)
			if err != nil {
				return err
			}
			m := hmac.New(sha256.New, key)
			m.Write([]byte(in.Phone))
			hash, last4 = hex.EncodeToString(m.Sum(nil)), in.Phone[len(in.Phone)-4:]
		}
		c := in.CommunityCode
		if _, err := tx.ExecContext(ctx, `INSERT INTO resident_profiles (user_id, community_code, street_code, district_code,
			phone_hash, phone_last4, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7)`, u.ID, c, c[:9], c[:6], hash, last4, now); err != nil {
			return fmt.Errorf("civic: profile: %w", err)
		}
		out = &Resident{ID: u.ID, Username: u.Username, CommunityCode: c, PhoneLast4: last4}
		u.IP = ip
		return s.record(ctx, tx, now, u, "resident.sign_up", "user", u.ID, c, map[string]any{"community_code": c, "phone": last4 != ""})
	})
	return out, err
}

// Me is a resident's own profile.
func (s *Service) Me(ctx context.Context, u *auth.User) (*Resident, error) {
	if !isResident(u) {
		return nil, errs.Missing()
	}
	r := &Resident{ID: u.ID, Username: u.Username, CommunityCode: u.ScopeCode}
	err := s.DB.Read.QueryRowContext(ctx, `SELECT phone_last4 FROM resident_profiles WHERE user_id = $1`, u.ID).Scan(&r.PhoneLast4)
	if err := db.Optional(err, "civic: me"); err != nil {
		return nil, err
	}
	if n, err := s.Geo.Get(ctx, u.ScopeCode); err == nil {
		r.CommunityName = n.Name
	}
	return r, nil
}

// publicOrg returns an active organization or not found.
func (s *Service) publicOrg(ctx context.Context, id int64) (*registry.Org, error) {
	o, err := s.Orgs.Lookup(ctx, id)
	if err != nil {
		return nil, err
	}
	if o.Status != "active" {
		return nil, errs.Missing()
	}
	return o, nil
}

// Follow makes a resident follow (or stop following) an active organization.
func (s *Service) Follow(ctx context.Context, u *auth.User, orgID int64, on bool) error {
	if !isResident(u) {
		return errs.E(errs.Forbidden, "err.civic.residents_only")
	}
	o, err := s.publicOrg(ctx, orgID)
	if err != nil {
		return err
	}
	now := s.now()
	return s.DB.Tx(ctx, func(tx *sql.Tx) error {
		var res sql.Result
		if on {
			res, err = tx.ExecContext(ctx, `INSERT INTO org_follows (user_id, org_id, created_at) VALUES ($1, $2, $3)
				ON CONFLICT DO NOTHING`, u.ID, orgID, now)
		} else {
			res, err = tx.ExecContext(ctx, `DELETE FROM org_follows WHERE user_id = $1 AND org_id = $2`, u.ID, orgID)
		}
		if err != nil {
			return fmt.Errorf("civic: follow: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return nil
		}
		return s.record(ctx, tx, now, u, "resident.follow", "org", orgID, o.CommunityCode, map[string]any{"on": on})
	})
}

// Followed lists the organizations a resident follows.
func (s *Service) Followed(ctx context.Context, u *auth.User) ([]OrgLine, error) {
	if !isResident(u) {
		return nil, errs.Missing()
	}
	ids, err := db.ListColumn[int64](ctx, s.DB.Read, "civic: followed", `SELECT org_id FROM org_follows WHERE user_id = $1`, u.ID)
	if err != nil {
		return nil, err
	}
	orgs, err := s.Orgs.OrgLines(ctx, ids)
	if err != nil {
		return nil, err
	}
	return activeByName(orgs, 200), nil
}

// Nearby lists active organizations of the resident's community, to follow
// and rate.
func (s *Service) Nearby(ctx context.Context, u *auth.User) ([]OrgLine, error) {
	if !isResident(u) {
		return nil, errs.Missing()
	}
	orgs, err := s.Orgs.OrgsIn(ctx, []string{u.ScopeCode})
	if err != nil {
		return nil, err
	}
	return activeByName(orgs, 100), nil
}

// activeByName keeps the active organizations, by name (then id), at most
// limit, as the resident's lists show them.
func activeByName(orgs []registry.OrgLine, limit int) []OrgLine {
	out := []OrgLine{}
	for _, o := range orgs {
		if o.Status == registry.StatusActive {
			out = append(out, OrgLine{ID: o.ID, Name: o.Name, CommunityCode: o.Community})
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out[:min(len(out), limit)]
}

// SignUpFor signs a resident up for an activity that accepts sign-ups,
// within its capacity, before it starts.
func (s *Service) SignUpFor(ctx context.Context, u *auth.User, activityID int64) error {
	if !isResident(u) {
		return errs.E(errs.Forbidden, "err.civic.residents_only")
	}
	now := s.now()
	return s.DB.Tx(ctx, func(tx *sql.Tx) error {
		a, err := activity.Signups(ctx, tx, activityID)
		if err != nil {
			return err
		}
		if !a.AcceptsSignups || a.Status == activity.StatusRefused || a.CommunityCode[:4] != u.ScopeCode[:4] {
			return errs.Missing()
		}
		if !a.StartsAt.After(now) {
			return invalid("activity_id", "err.civic.started")
		}
		// the activity's row is the lock: sign-ups are counted after it
		if _, err := tx.ExecContext(ctx, `UPDATE activities SET signup_capacity = signup_capacity WHERE id = $1`, activityID); err != nil {
			return fmt.Errorf("civic: lock activity: %w", err)
		}
		var n, mine int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*), COALESCE(SUM(CASE WHEN user_id = $2 THEN 1 ELSE 0 END), 0)
			FROM activity_signups WHERE activity_id = $1`, activityID, u.ID).Scan(&n, &mine); err != nil {
			return fmt.Errorf("civic: count sign-ups: %w", err)
		}
		if mine > 0 {
			return errs.FieldConflict("activity_id", "err.civic.signed_up")
		}
		if a.Capacity > 0 && n >= a.Capacity {
			return invalid("activity_id", "err.civic.full")
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO activity_signups (activity_id, user_id, created_at) VALUES ($1, $2, $3)`,
			activityID, u.ID, now); err != nil {
			return fmt.Errorf("civic: sign up: %w", err)
		}
		return s.record(ctx, tx, now, u, "resident.signup", "activity", activityID, a.CommunityCode, nil)
	})
}

// OpenActivities lists the coming activities of the resident's street that
// accept sign-ups, with whether the resident signed up.
func (s *Service) OpenActivities(ctx context.Context, u *auth.User) ([]ActivityLine, error) {
	if !isResident(u) {
		return nil, errs.Missing()
	}
	lines, err := activity.OpenForSignups(ctx, s.DB.Read, u.ScopeCode[:9], clock.Day(s.now()), 50)
	if err != nil {
		return nil, fmt.Errorf("civic: open activities: %w", err)
	}
	ids := make([]int64, len(lines))
	for i, l := range lines {
		ids[i] = l.ID
	}
	signed, mine, err := signupCounts(ctx, s.DB.Read, ids, u.ID)
	if err != nil {
		return nil, err
	}
	out := make([]ActivityLine, 0, len(lines))
	for _, l := range lines {
		out = append(out, ActivityLine{ID: l.ID, Title: l.Title, StartsAt: l.StartsAt, Address: l.Address, Capacity: l.Capacity,
			Signed: signed[l.ID], Mine: mine[l.ID]})
	}
	return out, nil
}

// signupCounts counts the sign-ups of some activities, and tells which
// the user signed up for.
func signupCounts(ctx context.Context, q db.Querier, ids []int64, userID int64) (map[int64]int, map[int64]bool, error) {
	n, mine := map[int64]int{}, map[int64]bool{}
	if len(ids) == 0 {
		return n, mine, nil
	}
	in, args := db.InList(ids, []any{userID})
	rows, err := q.QueryContext(ctx, `SELECT activity_id, COUNT(*), COALESCE(SUM(CASE WHEN user_id = $1 THEN 1 ELSE 0 END), 0)
		FROM activity_signups WHERE activity_id IN `+in+` GROUP BY activity_id`, args...)
	if err != nil {
		return nil, nil, fmt.Errorf("civic: sign-up counts: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var c, m int
		if err := rows.Scan(&id, &c, &m); err != nil {
			return nil, nil, err
		}
		n[id], mine[id] = c, m > 0
	}
	return n, mine, rows.Err()
}

// signedUp is the activities a resident signed up for.
func signedUp(ctx context.Context, q db.Querier, userID int64) ([]int64, error) {
	return db.ListColumn[int64](ctx, q, "civic: sign-ups", `SELECT activity_id FROM activity_signups WHERE user_id = $1`, userID)
}

// MySignups lists the activities a resident signed up for, with their organizations.
func (s *Service) MySignups(ctx context.Context, u *auth.User) ([]ActivityLine, error) {
	if !isResident(u) {
		return nil, errs.Missing()
	}
	ids, err := signedUp(ctx, s.DB.Read, u.ID)
	if err != nil {
		return nil, err
	}
	lines, err := activity.Lines(ctx, s.DB.Read, ids)
	if err != nil {
		return nil, err
	}
	sort.SliceStable(lines, func(i, j int) bool { return lines[i].StartsAt.After(lines[j].StartsAt) }) // latest first
	lines = lines[:min(len(lines), 100)]
	orgs := make([]int64, len(lines))
	for i, l := range lines {
		orgs[i] = l.OrgID
	}
	names, err := s.Orgs.OrgNames(ctx, orgs)
	if err != nil {
		return nil, err
	}
	out := make([]ActivityLine, 0, len(lines))
	for _, l := range lines {
		out = append(out, ActivityLine{ID: l.ID, Title: l.Title, StartsAt: l.StartsAt, Address: l.Address, OrgID: l.OrgID,
			OrgName: names[l.OrgID], Mine: true, Past: !l.StartsAt.After(s.now())})
	}
	return out, nil
}

// SetSignups opens or closes an activity to sign-ups (the activity room decides who).
func (s *Service) SetSignups(ctx context.Context, u *auth.User, activityID int64, in SignupSettings) error {
	return s.Activity.SetSignups(ctx, u, activityID, in.AcceptsSignups, in.Capacity)
}
