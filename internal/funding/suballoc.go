package funding

import (
	"context"
	"database/sql"
	"fmt"
	"sort"
	"strings"

	"linli/internal/ledger"
	"linli/internal/platform/auth"
	"linli/internal/platform/clock"
	"linli/internal/platform/db"
	"linli/internal/platform/errs"
	"linli/internal/registry"
)

// 统一承接: a hub or a lead organization undertakes a project (it is the
// awarded organization) and passes parts of the award to member
// organizations. A part is a dated entry; it is never edited: a mistake is
// a reversing entry (negative, with its reason) that releases what of the
// part was not paid yet. Each payment of a part is income into the
// member's custody account through the ledger (idempotent with a key).
// Sums: the parts never exceed the award, a part's payments never exceed
// the part, and the payments to members never exceed what the lead was paid.

// SuballocationInput is a part given to a member organization.
type SuballocationInput struct {
	OrgID       int64  `json:"org_id"`
	Part        string `json:"part"`
	AmountFen   int64  `json:"amount_fen"`
	EffectiveOn string `json:"effective_on"`
}

// Suballocation is a part as it stands: its amount net of a reversal and
// what was paid of it.
type Suballocation struct {
	ID          int64  `json:"id"`
	ProjectID   int64  `json:"project_id"`
	OrgID       int64  `json:"org_id"`
	OrgName     string `json:"org_name"`
	Part        string `json:"part"`
	AmountFen   int64  `json:"amount_fen"`
	GrantedFen  int64  `json:"granted_fen"`
	PaidFen     int64  `json:"paid_fen"`
	Reversed    bool   `json:"reversed"`
	Reason      string `json:"reason,omitempty"`
	EffectiveOn string `json:"effective_on"`
}

// validateSuballocation checks a part against the award and the parts
// already given (net of reversals).
func validateSuballocation(in *SuballocationInput, leadOrg, award, allocated int64, day string) errs.Fields {
	in.Part, in.EffectiveOn = strings.TrimSpace(in.Part), strings.TrimSpace(in.EffectiveOn)
	if in.EffectiveOn == "" {
		in.EffectiveOn = day
	}
	f := errs.Fields{}
	if in.OrgID <= 0 || in.OrgID == leadOrg {
		f.Add("org_id", "err.fund.member_unknown")
	}
	f.Length("part", in.Part, 1, 200)
	checkFen(in.AmountFen, "amount_fen", f)
	if in.AmountFen > 0 && allocated+in.AmountFen > award {
		f.Add("amount_fen", "err.fund.beyond_suballoc", award-allocated)
	}
	checkDate(in.EffectiveOn, "effective_on", true, f)
	if in.EffectiveOn > day {
		f.Add("effective_on", "err.date_future")
	}
	return f
}

// validateSubTranche checks a payment of a part: within the part and
// within what the lead was paid and has not passed on yet.
func validateSubTranche(in *TrancheInput, part, partPaid, leadPaid, passedOn int64, day string) errs.Fields {
	f := validateTranche(in, part, partPaid, day)
	if in.AmountFen > 0 && passedOn+in.AmountFen > leadPaid {
		f.Add("amount_fen", "err.fund.beyond_received", max(leadPaid-passedOn, 0))
	}
	return f
}

// suballocating is a project whose parts the user may manage.
func (s *Service) suballocating(ctx context.Context, u *auth.User, projectID int64) (*Project, *Call, error) {
	p, c, _, err := s.project(ctx, u, projectID)
	if err == nil && !canSuballocate(u, &c.CallInput, p.OrgID) {
		err = errs.E(errs.Forbidden, "err.forbidden")
	}
	return p, c, err
}

func suballocations(ctx context.Context, q db.Querier, projectID int64) ([]*Suballocation, error) {
	return db.ListPtrs(ctx, q, "funding: suballocations", func(r interface{ Scan(...any) error }) (*Suballocation, error) {
		var s Suballocation
		var rev int64
		err := r.Scan(&s.ID, &s.ProjectID, &s.OrgID, &s.OrgName, &s.Part, &s.GrantedFen, &s.EffectiveOn, &rev, &s.Reason, &s.PaidFen)
		s.AmountFen, s.Reversed = s.GrantedFen+rev, rev != 0
		return &s, err
	}, `SELECT s.id, s.project_id, s.org_id, o.name, s.part, s.amount_fen, s.effective_on,
		COALESCE((SELECT r.amount_fen FROM fund_suballocations r WHERE r.reverses_id = s.id AND r.reverses_id <> 0), 0),
		COALESCE((SELECT r.reason FROM fund_suballocations r WHERE r.reverses_id = s.id AND r.reverses_id <> 0), ''),
		COALESCE((SELECT SUM(t.amount_fen) FROM fund_sub_tranches t WHERE t.suballocation_id = s.id), 0)
		FROM fund_suballocations s JOIN orgs o ON o.id = s.org_id
		WHERE s.project_id = $1 AND s.reverses_id = 0 ORDER BY s.id`, projectID)
}

// allocatedSum is the parts net of reversals (under the writer when q is a tx).
func allocatedSum(ctx context.Context, q db.Querier, projectID int64) (int64, error) {
	return db.Scalar[int64](ctx, q, `SELECT COALESCE(SUM(amount_fen), 0) FROM fund_suballocations WHERE project_id = $1`, projectID)
}

func passedOnSum(ctx context.Context, q db.Querier, projectID int64) (int64, error) {
	return db.Scalar[int64](ctx, q, `SELECT COALESCE(SUM(amount_fen), 0) FROM fund_sub_tranches WHERE project_id = $1`, projectID)
}

func (s *Service) lockProject(ctx context.Context, tx *sql.Tx, id int64) (int64, error) {
	var award int64
	if err := tx.QueryRowContext(ctx, `SELECT award_fen FROM fund_projects WHERE id = $1`+s.DB.Dialect.ForUpdate(), id).Scan(&award); err != nil {
		return 0, fmt.Errorf("funding: lock project: %w", err)
	}
	return award, nil
}

// Suballocations lists a project's parts (whoever may see the project).
func (s *Service) Suballocations(ctx context.Context, u *auth.User, projectID int64) ([]*Suballocation, error) {
	if _, _, _, err := s.project(ctx, u, projectID); err != nil {
		return nil, err
	}
	return suballocations(ctx, s.DB.Read, projectID)
}

// Members are the organizations a lead may pass parts to: those whose
// money it holds in custody, else those in custody in its street.
func (s *Service) Members(ctx context.Context, leadOrg int64) ([]OrgName, error) {
	// two indexed reads (the hub's accounts; the street's organizations),
	// never a walk of every custody account: the ledger's and the
	// registry's named reads
	held, err := s.Custody.Held(ctx, leadOrg, 0)
	if err != nil {
		return nil, fmt.Errorf("funding: members: %w", err)
	}
	orgs, err := s.Orgs.OrgLines(ctx, held)
	if err != nil {
		return nil, err
	}
	lead, err := s.Orgs.Lookup(ctx, leadOrg)
	if err != nil && !errs.Is(err, errs.NotFound) {
		return nil, err
	}
	if lead != nil && lead.StreetCode != "" {
		street, err := s.Orgs.OrgsIn(ctx, []string{lead.StreetCode})
		if err != nil {
			return nil, err
		}
		var ids []int64
		for _, o := range street {
			if o.Status == registry.StatusActive && o.ID != leadOrg {
				ids = append(ids, o.ID)
			}
		}
		inCustody, err := s.Custody.HubsOf(ctx, ids)
		if err != nil {
			return nil, err
		}
		for _, o := range street {
			if _, ok := inCustody[o.ID]; ok {
				orgs = append(orgs, o)
			}
		}
	}
	seen := map[int64]bool{}
	out := []OrgName{}
	for _, o := range orgs {
		if !seen[o.ID] {
			seen[o.ID] = true
			out = append(out, OrgName{ID: o.ID, Name: o.Name})
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out[:min(len(out), 200)], nil
}

// Suballocate gives a part of a project's award to a member organization
// in custody, in the call's place.
func (s *Service) Suballocate(ctx context.Context, u *auth.User, projectID int64, in SuballocationInput) (*Suballocation, error) {
	p, c, err := s.suballocating(ctx, u, projectID)
	if err != nil {
		return nil, err
	}
	if p.Status != ProjectActive {
		return nil, errs.E(errs.Conflict, "err.fund.project_closed")
	}
	allocated, err := allocatedSum(ctx, s.DB.Read, p.ID)
	if err != nil {
		return nil, err
	}
	now := s.now()
	f := validateSuballocation(&in, p.OrgID, p.AwardFen, allocated, clock.Day(now))
	var name string
	if in.OrgID > 0 && in.OrgID != p.OrgID {
		o, err := s.Orgs.Lookup(ctx, in.OrgID)
		switch {
		case errs.Is(err, errs.NotFound):
			f.Add("org_id", "err.fund.member_unknown")
		case err != nil:
			return nil, err
		default:
			hub, err := s.Custody.HubOf(ctx, o.ID)
			if err != nil {
				return nil, err
			}
			if hub == 0 || !inPlace(&c.CallInput, o.CommunityCode) {
				f.Add("org_id", "err.fund.member_custody")
			}
			name = o.Name
		}
	}
	if err := f.Err(); err != nil {
		return nil, err
	}
	out := &Suballocation{ProjectID: p.ID, OrgID: in.OrgID, OrgName: name, Part: in.Part, AmountFen: in.AmountFen,
		GrantedFen: in.AmountFen, EffectiveOn: in.EffectiveOn}
	err = s.write(ctx, now, func(tx *sql.Tx) (any, error) {
		award, err := s.lockProject(ctx, tx, p.ID)
		if err != nil {
			return nil, err
		}
		sum, err := allocatedSum(ctx, tx, p.ID)
		if err != nil {
			return nil, err
		}
		if sum+in.AmountFen > award {
			return nil, errs.Field("amount_fen", "err.fund.beyond_suballoc", award-sum)
		}
		if err := tx.QueryRowContext(ctx, `INSERT INTO fund_suballocations (project_id, org_id, part, amount_fen, effective_on, created_by, created_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`, p.ID, in.OrgID, in.Part, in.AmountFen, in.EffectiveOn, u.ID, now).Scan(&out.ID); err != nil {
			return nil, fmt.Errorf("funding: suballocate: %w", err)
		}
		return out, s.record(ctx, tx, now, u, "funding.suballocate", "project", p.ID, p.CommunityCode,
			map[string]any{"suballocation_id": out.ID, "org_id": in.OrgID, "part": in.Part, "amount_fen": in.AmountFen, "effective_on": in.EffectiveOn})
	})
	return out, err
}

func (s *Service) suballocation(ctx context.Context, projectID, id int64) (*Suballocation, error) {
	all, err := suballocations(ctx, s.DB.Read, projectID)
	if err != nil {
		return nil, err
	}
	for _, x := range all {
		if x.ID == id {
			return x, nil
		}
	}
	return nil, errs.Missing()
}

// ReverseSuballocation reverses what of a part was not paid yet: a new
// negative entry with its reason; the part's row is never changed.
func (s *Service) ReverseSuballocation(ctx context.Context, u *auth.User, projectID, id int64, reason string) (*Suballocation, error) {
	p, _, err := s.suballocating(ctx, u, projectID)
	if err != nil {
		return nil, err
	}
	x, err := s.suballocation(ctx, p.ID, id)
	if err != nil {
		return nil, err
	}
	reason = strings.TrimSpace(reason)
	f := errs.Fields{}
	f.Length("reason", reason, 1, 500)
	if x.Reversed {
		f.Add("reason", "err.fund.already_reversed")
	} else if x.PaidFen >= x.GrantedFen {
		f.Add("reason", "err.fund.nothing_to_reverse")
	}
	if err := f.Err(); err != nil {
		return nil, err
	}
	now := s.now()
	err = s.write(ctx, now, func(tx *sql.Tx) (any, error) {
		if _, err := s.lockProject(ctx, tx, p.ID); err != nil {
			return nil, err
		}
		var paid int64
		if err := tx.QueryRowContext(ctx, `SELECT COALESCE(SUM(amount_fen), 0) FROM fund_sub_tranches WHERE suballocation_id = $1`, x.ID).Scan(&paid); err != nil {
			return nil, err
		}
		release := x.GrantedFen - paid
		if _, err := tx.ExecContext(ctx, `INSERT INTO fund_suballocations (project_id, org_id, part, amount_fen, reverses_id, reason, effective_on,
			created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`, p.ID, x.OrgID, x.Part, -release, x.ID, reason, clock.Day(now), u.ID, now); err != nil {
			if s.DB.Dialect.IsUniqueViolation(err) {
				return nil, errs.E(errs.Conflict, "err.fund.already_reversed")
			}
			return nil, fmt.Errorf("funding: reverse: %w", err)
		}
		x.AmountFen, x.Reversed, x.Reason, x.PaidFen = paid, true, reason, paid
		return x, s.record(ctx, tx, now, u, "funding.suballoc_reverse", "project", p.ID, p.CommunityCode,
			map[string]any{"suballocation_id": x.ID, "released_fen": release, "reason": reason})
	})
	return x, err
}

// PaySubTranche pays a part's tranche into the member's custody account.
func (s *Service) PaySubTranche(ctx context.Context, u *auth.User, projectID, id int64, in TrancheInput) (*Tranche, error) {
	p, c, err := s.suballocating(ctx, u, projectID)
	if err != nil {
		return nil, err
	}
	if p.Status != ProjectActive {
		return nil, errs.E(errs.Conflict, "err.fund.project_closed")
	}
	x, err := s.suballocation(ctx, p.ID, id)
	if err != nil {
		return nil, err
	}
	hub, err := s.Custody.HubOf(ctx, x.OrgID)
	if err != nil {
		return nil, err
	}
	if hub == 0 {
		return nil, errs.E(errs.Conflict, "err.not_in_custody")
	}
	now := s.now()
	day := clock.Day(now)
	// the sums again under the writer, after a replay would have answered
	if err := validateTranche(&in, x.AmountFen, 0, day).Err(); err != nil {
		return nil, err
	}
	t := &Tranche{ProjectID: p.ID, AmountFen: in.AmountFen, PaidOn: in.PaidOn, HubID: hub}
	inc := ledger.IncomeInput{Amount: ledger.Fen(in.AmountFen), Source: incomeSource(c.Channel),
		Voucher: fmt.Sprintf("FUNDSUB-%d-%d-%d", p.ID, x.ID, x.PaidFen/100), ReceivedOn: in.PaidOn,
		Memo: truncate("统一承接 · "+p.Title+" · "+x.Part, 200)}
	_, err = s.Custody.RecordGrant(ctx, u, x.OrgID, inc, func(tx *sql.Tx, post *ledger.Posting) (any, error) {
		if _, err := s.lockProject(ctx, tx, p.ID); err != nil {
			return nil, err
		}
		var partPaid, leadPaid, passed, net int64
		if err := tx.QueryRowContext(ctx, `SELECT COALESCE(SUM(amount_fen), 0) FROM fund_sub_tranches WHERE suballocation_id = $1`, x.ID).Scan(&partPaid); err != nil {
			return nil, err
		}
		if err := tx.QueryRowContext(ctx, `SELECT COALESCE(SUM(amount_fen), 0) FROM fund_suballocations WHERE id = $1 OR reverses_id = $1`, x.ID).Scan(&net); err != nil {
			return nil, err
		}
		var err error
		if leadPaid, err = paidSum(ctx, tx, p.ID); err != nil {
			return nil, err
		}
		if passed, err = passedOnSum(ctx, tx, p.ID); err != nil {
			return nil, err
		}
		if err := validateSubTranche(&in, net, partPaid, leadPaid, passed, day).Err(); err != nil {
			return nil, err
		}
		t.PostingID = post.ID
		if err := tx.QueryRowContext(ctx, `INSERT INTO fund_sub_tranches (suballocation_id, project_id, org_id, amount_fen, paid_on, posting_id,
			hub_org_id, created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id`,
			x.ID, p.ID, x.OrgID, t.AmountFen, t.PaidOn, t.PostingID, hub, u.ID, now).Scan(&t.ID); err != nil {
			return nil, fmt.Errorf("funding: sub tranche: %w", err)
		}
		return t, s.record(ctx, tx, now, u, "funding.sub_tranche", "project", p.ID, p.CommunityCode,
			map[string]any{"suballocation_id": x.ID, "org_id": x.OrgID, "amount_fen": t.AmountFen, "paid_on": t.PaidOn, "posting_id": post.ID})
	})
	return t, err
}
