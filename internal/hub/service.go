// Package hub is the hub organizations (枢纽型社区社会组织, C5): a street
// designates active organizations as hubs; a hub takes organizations of its
// street into custody with their consent (their money is then held in the
// custody ledger) and releases them; it records its social workers.
package hub

import (
	"cmp"
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"linli/internal/effective"
	"linli/internal/ledger"
	"linli/internal/orgroll"
	"linli/internal/platform/audit"
	"linli/internal/platform/auth"
	"linli/internal/platform/clock"
	"linli/internal/platform/db"
	"linli/internal/platform/errs"
	"linli/internal/platform/idem"
	"linli/internal/registry"
)

// Registry is what hubs need from the organization registry.
type Registry interface {
	Lookup(ctx context.Context, id int64) (*registry.Org, error)
	SetHub(ctx context.Context, u *auth.User, id int64, on bool, reason string) (*registry.Org, error)
	List(ctx context.Context, u *auth.User, f registry.Filter) (*registry.Page, error)
}

// Custody is what hubs need from the ledger: an account opened when an
// organization comes into custody, closed (empty) when it leaves.
type Custody interface {
	OpenAccount(ctx context.Context, tx *sql.Tx, hubID, orgID int64) error
	CloseAccount(ctx context.Context, tx *sql.Tx, hubID, orgID int64) error
	Balances(ctx context.Context, hubID int64) (map[int64]ledger.Fen, error)
}

// Service is the hubs' rules over their tables.
type Service struct {
	DB      *db.DB
	Reg     Registry
	Custody Custody
	Now     func() time.Time

	moved orgroll.Retries // writes run again: a hub moved meanwhile
}

func (s *Service) now() time.Time { return clock.Now(s.Now) }

// Member statuses.
const (
	MemberActive   = "active"
	MemberReleased = "released"
)

// Worker kinds.
var WorkerKinds = []string{"full_time", "part_time"}

// Member is an organization a hub serves (or served).
type Member struct {
	ID            int64      `json:"id"`
	HubID         int64      `json:"hub_org_id"`
	OrgID         int64      `json:"org_id"`
	OrgName       string     `json:"org_name"`
	CommunityCode string     `json:"community_code"`
	Status        string     `json:"status"`
	ConsentBy     string     `json:"consent_by"`
	ConsentOn     string     `json:"consent_on"`
	ConsentNote   string     `json:"consent_note,omitempty"`
	JoinedOn      string     `json:"joined_on"`
	ReleasedOn    string     `json:"released_on,omitempty"`
	ReleaseReason string     `json:"release_reason,omitempty"`
	LateReason    string     `json:"late_reason,omitempty"` // a late entry's reason (补录)
	Balance       ledger.Fen `json:"balance_fen"`
}

// Worker is a hub's social worker.
type Worker struct {
	ID        int64  `json:"id"`
	HubID     int64  `json:"hub_org_id"`
	Name      string `json:"name"`
	Kind      string `json:"kind"`
	Qualified bool   `json:"qualified"`
	StartedOn string `json:"started_on"`
	EndedOn   string `json:"ended_on,omitempty"`
	// LateReason: the start or the end was entered over 30 days late.
	LateReason string `json:"late_reason,omitempty"`
}

// Hub is a hub organization with the organizations it serves and its workers.
type Hub struct {
	Org       *registry.Org `json:"org"`
	Members   []Member      `json:"members"`
	Workers   []Worker      `json:"workers"`
	Serving   int           `json:"serving"`
	Staffed   int           `json:"social_workers"`
	CanManage bool          `json:"-"`
	CanBooks  bool          `json:"-"`
}

// member reports whether an organization is served by the hub now.
func (s *Service) member(ctx context.Context, q db.Querier, hubID, orgID int64) (bool, error) {
	var n int
	err := q.QueryRowContext(ctx, `SELECT COUNT(*) FROM hub_members WHERE hub_org_id = $1 AND org_id = $2 AND status = $3`,
		hubID, orgID, MemberActive).Scan(&n)
	return n > 0, err
}

// Serves reports whether a hub serves an organization now (for other rooms'
// rules: a hub's staff record the activities of the organizations it serves).
func (s *Service) Serves(ctx context.Context, hubID, orgID int64) (bool, error) {
	return s.member(ctx, s.DB.Read, hubID, orgID)
}

// canSee reports who sees a hub (seesHub), reading whether the hub serves
// the viewer's organization only when the rule asks.
func (s *Service) canSee(ctx context.Context, u *auth.User, h *registry.Org) (bool, error) {
	served := false
	if asksServed(u, h) {
		var err error
		if served, err = s.member(ctx, s.DB.Read, h.ID, u.OrgID); err != nil {
			return false, err
		}
	}
	return seesHub(u, h, served), nil
}

// hub finds a hub the viewer may see.
func (s *Service) hub(ctx context.Context, u *auth.User, id int64) (*registry.Org, error) {
	h, err := s.Reg.Lookup(ctx, id)
	if errs.Is(err, errs.NotFound) {
		return nil, errs.Missing()
	}
	if err != nil {
		return nil, err
	}
	ok, err := s.canSee(ctx, u, h)
	if err != nil {
		return nil, err
	}
	if !ok || !h.Hub {
		return nil, errs.Missing()
	}
	return h, nil
}

// managedHub is a hub the user may see and manage (members, workers).
func (s *Service) managedHub(ctx context.Context, u *auth.User, id int64) (*registry.Org, error) {
	h, err := s.hub(ctx, u, id)
	return auth.Permit(u, h, err, canManage)
}

// Designate makes an active organization a hub of its street (the
// registry decides, in this transaction, which also holds the request's
// idempotency key, and is run again if the organization moved meanwhile).
func (s *Service) Designate(ctx context.Context, u *auth.User, orgID int64, reason string) (*registry.Org, error) {
	var o *registry.Org
	err := s.writeHub(ctx, s.now(), nil, func(tx *sql.Tx) (any, error) {
		var err error
		o, err = s.Reg.SetHub(db.WithTx(ctx, tx), u, orgID, true, reason)
		return o, err
	})
	return o, err
}

// Revoke ends a hub's designation; it must serve no organization first
// (the registry counts them with ActiveMembers in the transaction that
// clears the flag).
func (s *Service) Revoke(ctx context.Context, u *auth.User, hubID int64, reason string) (*registry.Org, error) {
	h, err := s.hub(ctx, u, hubID)
	if err != nil {
		return nil, err
	}
	var o *registry.Org
	err = s.writeHub(ctx, s.now(), nil, func(tx *sql.Tx) (any, error) {
		var err error
		o, err = s.Reg.SetHub(db.WithTx(ctx, tx), u, h.ID, false, reason)
		return o, err
	})
	return o, err
}

// ActiveMembers counts the organizations a hub serves now: the hub room's
// answer to the registry (registry.Service.HubMembers), which may not end a
// designation while it is above zero, however the flag is changed.
func ActiveMembers(ctx context.Context, q db.Querier, hubID int64) (int, error) {
	var n int
	if err := q.QueryRowContext(ctx, `SELECT COUNT(*) FROM hub_members WHERE hub_org_id = $1 AND status = $2`,
		hubID, MemberActive).Scan(&n); err != nil {
		return 0, fmt.Errorf("hub: count members: %w", err)
	}
	return n, nil
}

// Summary is a hub in a list.
type Summary struct {
	Org     *registry.Org `json:"org"`
	Serving int           `json:"serving"`
	Staffed int           `json:"social_workers"`
}

// Hubs lists the hubs the viewer sees, within a division.
func (s *Service) Hubs(ctx context.Context, u *auth.User, within string) ([]Summary, error) {
	p, err := s.Reg.List(ctx, u, registry.Filter{Within: within, Hub: true, PerPage: 200, Sort: "code"})
	if err != nil {
		return nil, err
	}
	out := []Summary{}
	var ids []string
	for _, o := range p.Items {
		if ok, err := s.canSee(ctx, u, o); err != nil || !ok {
			if err != nil {
				return nil, err
			}
			continue
		}
		out = append(out, Summary{Org: o})
		ids = append(ids, strconv.FormatInt(o.ID, 10))
	}
	if len(out) == 0 {
		return out, nil
	}
	// one read of every hub's counts (ids are integers read from the
	// database: safe to inline), not one per hub
	in := strings.Join(ids, ",")
	rows, err := s.DB.Read.QueryContext(ctx, `SELECT hub_org_id, 0, COUNT(*) FROM hub_members
		WHERE hub_org_id IN (`+in+`) AND status = 'active' GROUP BY hub_org_id
		UNION ALL SELECT hub_org_id, 1, COUNT(*) FROM hub_workers WHERE hub_org_id IN (`+in+`) AND ended_on = '' GROUP BY hub_org_id`)
	if err != nil {
		return nil, fmt.Errorf("hub: counts: %w", err)
	}
	defer rows.Close()
	at := make(map[int64]*Summary, len(out))
	for i := range out {
		at[out[i].Org.ID] = &out[i]
	}
	for rows.Next() {
		var id int64
		var workers, n int
		if err := rows.Scan(&id, &workers, &n); err != nil {
			return nil, fmt.Errorf("hub: counts: %w", err)
		}
		if workers == 1 {
			at[id].Staffed = n
		} else {
			at[id].Serving = n
		}
	}
	return out, rows.Err()
}

// Get returns a hub with what it serves and who works there.
func (s *Service) Get(ctx context.Context, u *auth.User, id int64) (*Hub, error) {
	h, err := s.hub(ctx, u, id)
	if err != nil {
		return nil, err
	}
	out := &Hub{Org: h, CanManage: canManage(u, h), CanBooks: ledger.ReadsHubBooks(u, h)}
	if out.Members, err = s.members(ctx, id); err != nil {
		return nil, err
	}
	bal, err := s.Custody.Balances(ctx, id)
	if err != nil {
		return nil, err
	}
	for i := range out.Members {
		m := &out.Members[i]
		m.Balance = bal[m.OrgID]
		if m.Status == MemberActive {
			out.Serving++
		}
	}
	if out.Workers, err = s.workers(ctx, id); err != nil {
		return nil, err
	}
	for _, w := range out.Workers {
		if w.EndedOn == "" {
			out.Staffed++
		}
	}
	if seesOwnLineOnly(u) {
		var mine []Member
		for _, m := range out.Members {
			if m.OrgID == u.OrgID {
				mine = append(mine, m)
			}
		}
		out.Members = mine
	}
	h.LeaderPhone = registry.MaskPhone(h.LeaderPhone)
	return out, nil
}

const memberColumns = `m.id, m.hub_org_id, m.org_id, m.status, m.consent_by, m.consent_on,
	m.consent_note, m.joined_on, m.released_on, m.release_reason, m.late_reason`

func scanMember(sc interface{ Scan(...any) error }) (*Member, error) {
	var m Member
	err := sc.Scan(&m.ID, &m.HubID, &m.OrgID, &m.Status, &m.ConsentBy, &m.ConsentOn,
		&m.ConsentNote, &m.JoinedOn, &m.ReleasedOn, &m.ReleaseReason, &m.LateReason)
	return &m, err
}

// members lists a hub's members (current first), each organization named
// by the registry's named read (registry.Briefs), in its name order.
func (s *Service) members(ctx context.Context, hubID int64) ([]Member, error) {
	rows, err := s.DB.Read.QueryContext(ctx, `SELECT `+memberColumns+` FROM hub_members m WHERE m.hub_org_id = $1`, hubID)
	if err != nil {
		return nil, fmt.Errorf("hub: members: %w", err)
	}
	ms, err := db.Collect(rows, scanMember)
	if err != nil {
		return nil, err
	}
	return named(ctx, s.DB.Read, ms)
}

// named fills in the members' organization names and communities from
// the registry and orders them by status, name, newest first (a member
// whose organization is gone is left out).
func named(ctx context.Context, q db.Querier, ms []Member) ([]Member, error) {
	ids := make([]int64, len(ms))
	for i, m := range ms {
		ids[i] = m.OrgID
	}
	bs, err := registry.Briefs(ctx, q, slices.Compact(slices.Sorted(slices.Values(ids))))
	if err != nil {
		return nil, err
	}
	at, rank := make(map[int64]int, len(bs)), make(map[int64]int, len(bs)) // rank: equal names rank equal
	for i, b := range bs {
		at[b.ID], rank[b.ID] = i, i
		if i > 0 && b.Name == bs[i-1].Name {
			rank[b.ID] = rank[bs[i-1].ID]
		}
	}
	out := make([]Member, 0, len(ms))
	for _, m := range ms {
		if i, ok := at[m.OrgID]; ok {
			m.OrgName, m.CommunityCode = bs[i].Name, bs[i].CommunityCode
			out = append(out, m)
		}
	}
	slices.SortFunc(out, func(a, b Member) int {
		return cmp.Or(cmp.Compare(a.Status, b.Status), cmp.Compare(rank[a.OrgID], rank[b.OrgID]), cmp.Compare(b.ID, a.ID))
	})
	return out, nil
}

// MemberInput takes an organization into custody, with its consent.
type MemberInput struct {
	OrgID int64 `json:"org_id"`
	// ConsentBy is who gave the organization's consent; the registered
	// leader when empty. ConsentOn is when; today when empty.
	ConsentBy   string `json:"consent_by,omitempty"`
	ConsentOn   string `json:"consent_on,omitempty"`
	ConsentNote string `json:"consent_note,omitempty"`
	// JoinedOn is when the custody took effect (today when empty): not in
	// the future, not before the consent. More than 30 days ago is a late
	// entry and needs LateReason.
	JoinedOn   string `json:"joined_on,omitempty"`
	LateReason string `json:"late_reason,omitempty"`
}

// ReleaseInput ends a custody from a date (today when empty), with the
// reason; a release more than 30 days ago needs LateReason.
type ReleaseInput struct {
	Reason     string `json:"reason"`
	ReleasedOn string `json:"released_on,omitempty"`
	LateReason string `json:"late_reason,omitempty"`
}

// TakeIntoCustody makes the hub hold an organization's money: an active
// organization of the hub's street, not a hub itself, not in custody
// elsewhere; its consent is recorded and its account opened in the ledger.
func (s *Service) TakeIntoCustody(ctx context.Context, u *auth.User, hubID int64, in MemberInput) (*Member, error) {
	h, err := s.managedHub(ctx, u, hubID)
	if err != nil {
		return nil, err
	}
	now := s.now()
	today := ledger.Today(now)
	f := errs.Fields{}
	o, err := s.Reg.Lookup(ctx, in.OrgID)
	switch {
	case errs.Is(err, errs.NotFound) || (err == nil && o.StreetCode != h.StreetCode):
		f.Add("org_id", "err.hub_org_not_in_street")
	case err != nil:
		return nil, err
	case o.ID == h.ID || o.Hub:
		f.Add("org_id", "err.hub_cannot_be_member")
	case o.Status != registry.StatusActive:
		f.Add("org_id", "err.hub_member_active")
	}
	in.ConsentBy, in.ConsentOn, in.ConsentNote = strings.TrimSpace(in.ConsentBy), strings.TrimSpace(in.ConsentOn), strings.TrimSpace(in.ConsentNote)
	if in.ConsentBy == "" && o != nil {
		in.ConsentBy = o.LeaderName
	}
	if in.ConsentOn == "" {
		in.ConsentOn = today
	}
	f.Length("consent_by", in.ConsentBy, 1, 50)
	f.Length("consent_note", in.ConsentNote, 0, 500)
	checkDate(in.ConsentOn, "consent_on", today, f)
	if in.JoinedOn = strings.TrimSpace(in.JoinedOn); in.JoinedOn == "" {
		in.JoinedOn = today
	}
	late := effective.Check(f, "joined_on", in.JoinedOn, today, in.ConsentOn, "hub.err.joined_before_consent")
	in.LateReason = effective.Reason(f, late, in.LateReason)
	if err := f.Err(); err != nil {
		return nil, err
	}
	return idem.Do(ctx, s.DB, now, func(tx *sql.Tx) (*Member, error) {
		var id int64
		err := tx.QueryRowContext(ctx, `INSERT INTO hub_members (hub_org_id, org_id, status, consent_by, consent_on, consent_note,
			joined_on, created_by, created_at, updated_at, late_reason) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9, $10) RETURNING id`,
			hubID, in.OrgID, MemberActive, in.ConsentBy, in.ConsentOn, in.ConsentNote, in.JoinedOn, u.ID, now, in.LateReason).Scan(&id)
		if s.DB.Dialect.IsUniqueViolation(err) {
			return nil, errs.FieldConflict("org_id", "err.hub_already_member")
		}
		if err != nil {
			return nil, fmt.Errorf("hub: add member: %w", err)
		}
		if err := s.Custody.OpenAccount(ctx, tx, hubID, in.OrgID); err != nil {
			return nil, err
		}
		out, err := scanMember(tx.QueryRowContext(ctx, `SELECT `+memberColumns+` FROM hub_members m WHERE m.id = $1`, id))
		if err != nil {
			return nil, err
		}
		out.OrgName, out.CommunityCode = o.Name, o.CommunityCode
		return out, audit.Record(ctx, tx, now, u.Actor(), audit.Entry{Action: "hub.take_custody", ObjectType: "org",
			ObjectID: strconv.FormatInt(in.OrgID, 10), ScopeCode: o.CommunityCode,
			Detail: map[string]any{"hub_org_id": hubID, "consent_by": in.ConsentBy, "consent_on": in.ConsentOn, "consent_note": in.ConsentNote,
				"joined_on": in.JoinedOn, "late": late, "late_reason": in.LateReason}})
	})
}

// Release ends the custody of an organization today; its account must be
// empty.
func (s *Service) Release(ctx context.Context, u *auth.User, hubID, orgID int64, reason string) (*Member, error) {
	return s.ReleaseOn(ctx, u, hubID, orgID, ReleaseInput{Reason: reason})
}

// ReleaseOn ends the custody of an organization from a date: not in the
// future, not before it joined; its account must be empty.
func (s *Service) ReleaseOn(ctx context.Context, u *auth.User, hubID, orgID int64, in ReleaseInput) (*Member, error) {
	reason := in.Reason
	_, err := s.managedHub(ctx, u, hubID)
	if err != nil {
		return nil, err
	}
	reason = strings.TrimSpace(reason)
	f := errs.Fields{}
	if reason == "" {
		f.Add("reason", "err.reason_required")
	}
	f.Length("reason", reason, 0, 500)
	now := s.now()
	today := ledger.Today(now)
	if in.ReleasedOn = strings.TrimSpace(in.ReleasedOn); in.ReleasedOn == "" {
		in.ReleasedOn = today
	}
	late := effective.Check(f, "released_on", in.ReleasedOn, today, "", "")
	in.LateReason = effective.Reason(f, late, in.LateReason)
	if err := f.Err(); err != nil {
		return nil, err
	}
	return idem.Do(ctx, s.DB, now, func(tx *sql.Tx) (*Member, error) {
		var id int64
		var joined string
		err := tx.QueryRowContext(ctx, `SELECT id, joined_on FROM hub_members WHERE hub_org_id = $1 AND org_id = $2 AND status = $3`+
			s.DB.Dialect.ForUpdate(), hubID, orgID, MemberActive).Scan(&id, &joined)
		if err != nil {
			return nil, db.Found(err, "hub: find member")
		}
		if in.ReleasedOn < joined {
			return nil, errs.Field("released_on", "effective.err.order", joined)
		}
		if err := s.Custody.CloseAccount(ctx, tx, hubID, orgID); err != nil {
			return nil, err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE hub_members SET status = $1, released_on = $2, release_reason = $3, updated_at = $4,
			late_reason = CASE WHEN $6 <> '' THEN $6 ELSE late_reason END WHERE id = $5`,
			MemberReleased, in.ReleasedOn, reason, now, id, in.LateReason); err != nil {
			return nil, fmt.Errorf("hub: release: %w", err)
		}
		m, err := scanMember(tx.QueryRowContext(ctx, `SELECT `+memberColumns+` FROM hub_members m WHERE m.id = $1`, id))
		if err != nil {
			return nil, err
		}
		ms, err := named(ctx, tx, []Member{*m})
		if err != nil || len(ms) == 0 {
			return nil, cmp.Or(err, errs.Missing())
		}
		out := &ms[0]
		return out, audit.Record(ctx, tx, now, u.Actor(), audit.Entry{Action: "hub.release", ObjectType: "org",
			ObjectID: strconv.FormatInt(orgID, 10), ScopeCode: out.CommunityCode,
			Detail: map[string]any{"hub_org_id": hubID, "reason": reason, "released_on": in.ReleasedOn, "late": late, "late_reason": in.LateReason}})
	})
}

func checkDate(s, field, today string, f errs.Fields) {
	effective.Day(f, field, s, today, "err.date_format", "err.date_future")
}
