package hub

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"strings"
	"time"

	"linli/internal/effective"
	"linli/internal/ledger"
	"linli/internal/orgroll"
	"linli/internal/platform/audit"
	"linli/internal/platform/auth"
	"linli/internal/platform/db"
	"linli/internal/platform/errs"
	"linli/internal/platform/idem"
)

// WorkerInput records a social worker of a hub.
type WorkerInput struct {
	Name      string `json:"name"`
	Kind      string `json:"kind"`
	Qualified bool   `json:"qualified"`
	StartedOn string `json:"started_on"`
	// LateReason is required when started_on is over 30 days before today.
	LateReason string `json:"late_reason,omitempty"`
}

const workerColumns = `id, hub_org_id, name, kind, qualified, started_on, ended_on, late_reason`

func scanWorker(sc interface{ Scan(...any) error }) (*Worker, error) {
	var w Worker
	var q int
	err := sc.Scan(&w.ID, &w.HubID, &w.Name, &w.Kind, &q, &w.StartedOn, &w.EndedOn, &w.LateReason)
	w.Qualified = q != 0
	return &w, err
}

func (s *Service) workers(ctx context.Context, hubID int64) ([]Worker, error) {
	return db.List(ctx, s.DB.Read, "hub: workers", scanWorker, `SELECT `+workerColumns+` FROM hub_workers WHERE hub_org_id = $1
		ORDER BY ended_on, started_on, id`, hubID)
}

// writeHub runs fn in an idempotent transaction (idem.Tx), run again as a
// whole if an organization moved meanwhile (orgroll.Retries). The
// transaction first takes the change counters of the districts that the
// timelines of the organizations named by lock reach (orgroll.LockOrgs),
// as a change to a hub's records that its dated rollup counts must; a
// registry call in fn takes its own (lock nil).
func (s *Service) writeHub(ctx context.Context, now time.Time, lock []int64, fn func(tx *sql.Tx) (any, error)) error {
	return s.moved.Run(ctx, func() error {
		return idem.Tx(ctx, s.DB, now, func(tx *sql.Tx) (any, error) {
			if len(lock) > 0 {
				if _, err := orgroll.LockOrgs(ctx, tx, s.DB.Dialect, lock); err != nil {
					return nil, err
				}
			}
			return fn(tx)
		})
	})
}

// AddWorker records a full- or part-time social worker of the hub.
func (s *Service) AddWorker(ctx context.Context, u *auth.User, hubID int64, in WorkerInput) (*Worker, error) {
	h, err := s.managedHub(ctx, u, hubID)
	if err != nil {
		return nil, err
	}
	now := s.now()
	in.Name, in.Kind, in.StartedOn = strings.TrimSpace(in.Name), strings.TrimSpace(in.Kind), strings.TrimSpace(in.StartedOn)
	f := errs.Fields{}
	f.Length("name", in.Name, 1, 50)
	f.OneOf("kind", in.Kind, WorkerKinds, "err.choose_one")
	checkDate(in.StartedOn, "started_on", ledger.Today(now), f)
	late := f["started_on"].Key == "" && effective.IsLate(in.StartedOn, ledger.Today(now))
	in.LateReason = effective.Reason(f, late, in.LateReason)
	if err := f.Err(); err != nil {
		return nil, err
	}
	var out *Worker
	err = s.writeHub(ctx, now, []int64{hubID}, func(tx *sql.Tx) (any, error) {
		var err error
		if out, err = scanWorker(tx.QueryRowContext(ctx, `INSERT INTO hub_workers (hub_org_id, name, kind, qualified, started_on, created_at, late_reason)
			VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING `+workerColumns, hubID, in.Name, in.Kind, db.BoolInt(in.Qualified), in.StartedOn, now, in.LateReason)); err != nil {
			return nil, fmt.Errorf("hub: add worker: %w", err)
		}
		// the hubs' dated rollup counts the hub's workers (kpi's record share)
		if err := orgroll.Refresh(ctx, tx, s.DB.Dialect, []int64{hubID}); err != nil {
			return nil, err
		}
		return out, audit.Record(ctx, tx, now, u.Actor(), audit.Entry{Action: "hub.worker_add", ObjectType: "hub_worker",
			ObjectID: strconv.FormatInt(out.ID, 10), ScopeCode: h.CommunityCode,
			Detail: map[string]any{"hub_org_id": hubID, "name": in.Name, "kind": in.Kind, "qualified": in.Qualified, "started_on": in.StartedOn,
				"late": late, "late_reason": in.LateReason}})
	})
	return out, err
}

// EndWorker records the day a social worker left the hub.
func (s *Service) EndWorker(ctx context.Context, u *auth.User, hubID, workerID int64, endedOn string) (*Worker, error) {
	return s.EndWorkerLate(ctx, u, hubID, workerID, endedOn, "")
}

// EndWorkerLate records the day a social worker left the hub, with the
// reason when that day is over 30 days before today (a late entry).
func (s *Service) EndWorkerLate(ctx context.Context, u *auth.User, hubID, workerID int64, endedOn, lateReason string) (*Worker, error) {
	h, err := s.managedHub(ctx, u, hubID)
	if err != nil {
		return nil, err
	}
	now := s.now()
	endedOn = strings.TrimSpace(endedOn)
	if endedOn == "" {
		endedOn = ledger.Today(now)
	}
	f := errs.Fields{}
	checkDate(endedOn, "ended_on", ledger.Today(now), f)
	late := f["ended_on"].Key == "" && effective.IsLate(endedOn, ledger.Today(now))
	lateReason = effective.Reason(f, late, lateReason)
	if err := f.Err(); err != nil {
		return nil, err
	}
	var out *Worker
	err = s.writeHub(ctx, now, []int64{hubID}, func(tx *sql.Tx) (any, error) {
		w, err := db.One(ctx, tx, "hub: worker", scanWorker, `SELECT `+workerColumns+` FROM hub_workers WHERE id = $1 AND hub_org_id = $2`+
			s.DB.Dialect.ForUpdate(), workerID, hubID)
		if err != nil {
			return nil, err
		}
		if w.EndedOn != "" {
			return nil, errs.E(errs.Conflict, "err.worker_ended")
		}
		if endedOn < w.StartedOn {
			return nil, errs.Field("ended_on", "err.period_order")
		}
		if _, err := tx.ExecContext(ctx, `UPDATE hub_workers SET ended_on = $1,
			late_reason = CASE WHEN $3 <> '' THEN $3 ELSE late_reason END WHERE id = $2`, endedOn, workerID, lateReason); err != nil {
			return nil, fmt.Errorf("hub: end worker: %w", err)
		}
		if err := orgroll.Refresh(ctx, tx, s.DB.Dialect, []int64{hubID}); err != nil {
			return nil, err
		}
		w.EndedOn = endedOn
		if lateReason != "" {
			w.LateReason = lateReason
		}
		out = w
		return w, audit.Record(ctx, tx, now, u.Actor(), audit.Entry{Action: "hub.worker_end", ObjectType: "hub_worker",
			ObjectID: strconv.FormatInt(workerID, 10), ScopeCode: h.CommunityCode,
			Detail: map[string]any{"hub_org_id": hubID, "ended_on": endedOn, "late": late, "late_reason": lateReason}})
	})
	return out, err
}
