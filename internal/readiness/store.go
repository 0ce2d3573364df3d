package readiness

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"linli/internal/geo"
	"linli/internal/platform/db"
	"linli/internal/platform/pii"
)

// Every statement on the room's tables.

// Contact is an emergency contact as recorded (its input and its id);
// Stale when checked over a year ago.
type Contact struct {
	ID int64 `json:"id"`
	ContactInput
	Stale bool `json:"stale"`
}

// Drill is an emergency drill as recorded: its input and its id.
type Drill struct {
	ID int64 `json:"id"`
	DrillInput
}

// Liaison is a liaison post with its log.
type Liaison struct {
	ID            int64        `json:"id"`
	CommunityCode string       `json:"community_code"`
	Holder        string       `json:"holder"`
	Since         string       `json:"since"`
	OrgIDs        []int64      `json:"org_ids"`
	Log           []ContactLog `json:"log"`
}

// ContactLog is one contact of a liaison with the organizations.
type ContactLog struct {
	ID      int64  `json:"id"`
	OnDate  string `json:"on_date"`
	Kind    string `json:"kind"`
	Summary string `json:"summary"`
}

func insertContacts(ctx context.Context, tx *sql.Tx, now time.Time, in []ContactInput) ([]int64, error) {
	var ids []int64
	for _, c := range in {
		var id int64
		if err := tx.QueryRowContext(ctx, `INSERT INTO emergency_contacts (community_code, hazard, name, org_id, phone, duty, checked_on, created_at, phone_hash)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id`, c.CommunityCode, c.Hazard, c.Name, db.NullID(c.OrgID), pii.Seal(c.Phone), c.Duty,
			c.CheckedOn, now, pii.Hash(c.Phone)).Scan(&id); err != nil {
			return nil, fmt.Errorf("readiness: insert contact: %w", err)
		}
		ids = append(ids, id)
	}
	return ids, nil
}

func listContacts(ctx context.Context, q db.Querier, code, today string) ([]Contact, error) {
	in, args := db.ScopeCond("community_code", code, nil)
	rows, err := q.QueryContext(ctx, `SELECT id, community_code, hazard, name, COALESCE(org_id, 0), phone, duty, checked_on
		FROM emergency_contacts WHERE `+in+` ORDER BY community_code, hazard, id LIMIT 2000`, args...)
	if err != nil {
		return nil, fmt.Errorf("readiness: contacts: %w", err)
	}
	return db.Collect(rows, func(r interface{ Scan(...any) error }) (*Contact, error) {
		var c Contact
		if err := r.Scan(&c.ID, &c.CommunityCode, &c.Hazard, &c.Name, &c.OrgID, &c.Phone, &c.Duty, &c.CheckedOn); err != nil {
			return nil, err
		}
		c.Phone = pii.Open(c.Phone)
		c.Stale = Stale(c.CheckedOn, today)
		return &c, nil
	})
}

func insertDrills(ctx context.Context, tx *sql.Tx, now time.Time, in []DrillInput) ([]int64, error) {
	var ids []int64
	for _, d := range in {
		var id int64
		if err := tx.QueryRowContext(ctx, `INSERT INTO drills (community_code, district_code, scenario, held_on, org_ids, participants, findings, created_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id`, d.CommunityCode, d.CommunityCode[:6], d.Scenario, d.HeldOn, db.JoinIDs(d.OrgIDs), d.Participants,
			d.Findings, now).Scan(&id); err != nil {
			return nil, fmt.Errorf("readiness: insert drill: %w", err)
		}
		ids = append(ids, id)
	}
	return ids, nil
}

func listDrills(ctx context.Context, q db.Querier, code string) ([]Drill, error) {
	in, args := db.ScopeCond("community_code", code, nil)
	rows, err := q.QueryContext(ctx, `SELECT id, community_code, scenario, held_on, org_ids, participants, findings
		FROM drills WHERE `+in+` ORDER BY held_on DESC, id DESC LIMIT 2000`, args...)
	if err != nil {
		return nil, fmt.Errorf("readiness: drills: %w", err)
	}
	return db.Collect(rows, func(r interface{ Scan(...any) error }) (*Drill, error) {
		var d Drill
		var orgs string
		if err := r.Scan(&d.ID, &d.CommunityCode, &d.Scenario, &d.HeldOn, &orgs, &d.Participants, &d.Findings); err != nil {
			return nil, err
		}
		d.OrgIDs = db.SplitIDs(orgs)
		return &d, nil
	})
}

func insertLiaisons(ctx context.Context, tx *sql.Tx, now time.Time, in []LiaisonInput) ([]int64, error) {
	var ids []int64
	for _, l := range in {
		var id int64
		if err := tx.QueryRowContext(ctx, `INSERT INTO liaisons (community_code, holder, since, org_ids, created_at)
			VALUES ($1, $2, $3, $4, $5) RETURNING id`, l.CommunityCode, l.Holder, l.Since, db.JoinIDs(l.OrgIDs), now).Scan(&id); err != nil {
			return nil, fmt.Errorf("readiness: insert liaison: %w", err)
		}
		ids = append(ids, id)
	}
	return ids, nil
}

func insertLogs(ctx context.Context, tx *sql.Tx, now time.Time, liaisonID int64, in []ContactLogInput) error {
	for _, c := range in {
		if _, err := tx.ExecContext(ctx, `INSERT INTO liaison_contacts (liaison_id, on_date, kind, summary, created_at)
			VALUES ($1, $2, $3, $4, $5)`, liaisonID, c.OnDate, c.Kind, c.Summary, now); err != nil {
			return fmt.Errorf("readiness: insert contact log: %w", err)
		}
	}
	return nil
}

func getLiaison(ctx context.Context, q db.Querier, id int64) (*Liaison, error) {
	var l Liaison
	var orgs string
	err := q.QueryRowContext(ctx, `SELECT id, community_code, holder, since, org_ids FROM liaisons WHERE id = $1`, id).
		Scan(&l.ID, &l.CommunityCode, &l.Holder, &l.Since, &orgs)
	if err != nil {
		return nil, db.Found(err, "readiness: liaison")
	}
	l.OrgIDs, l.Log = db.SplitIDs(orgs), []ContactLog{}
	return &l, nil
}

func listLiaisons(ctx context.Context, q db.Querier, code string) ([]Liaison, error) {
	in, args := db.ScopeCond("l.community_code", code, nil)
	rows, err := q.QueryContext(ctx, `SELECT l.id, l.community_code, l.holder, l.since, l.org_ids, c.id, c.on_date, c.kind, c.summary
		FROM liaisons l LEFT JOIN liaison_contacts c ON c.liaison_id = l.id
		WHERE `+in+` ORDER BY l.community_code, l.id, c.on_date, c.id`, args...)
	if err != nil {
		return nil, fmt.Errorf("readiness: liaisons: %w", err)
	}
	defer rows.Close()
	out := []Liaison{}
	for rows.Next() {
		var l Liaison
		var orgs string
		var cid sql.NullInt64
		var on, kind, summary sql.NullString
		if err := rows.Scan(&l.ID, &l.CommunityCode, &l.Holder, &l.Since, &orgs, &cid, &on, &kind, &summary); err != nil {
			return nil, err
		}
		if len(out) == 0 || out[len(out)-1].ID != l.ID {
			l.OrgIDs, l.Log = db.SplitIDs(orgs), []ContactLog{}
			out = append(out, l)
		}
		if cid.Valid {
			last := &out[len(out)-1]
			last.Log = append(last.Log, ContactLog{ID: cid.Int64, OnDate: on.String, Kind: kind.String, Summary: summary.String})
		}
	}
	return out, rows.Err()
}

// communityFacts are, per community of a range, its name, the latest check
// of its contacts per hazard, its latest drill up to today, and whether it
// has a liaison.
type communityFacts struct {
	Code, Name string
	Latest     map[string]string
	LastDrill  string
	Liaison    bool
}

// readFacts reads the facts of the communities of a place (geo's named
// read, geo.Store.Under): three grouped reads of the room's tables over the
// place's range.
func readFacts(ctx context.Context, q db.Querier, comms []geo.Node, code, today string) ([]*communityFacts, error) {
	var out []*communityFacts
	by := map[string]*communityFacts{}
	for _, n := range comms {
		c := &communityFacts{Code: n.Code, Name: n.Name, Latest: map[string]string{}}
		out = append(out, c)
		by[c.Code] = c
	}
	in, args := db.ScopeCond("community_code", code, nil)
	on, args := db.Arg(args, today)
	read := func(query string, fn func(code, a, b string)) error {
		rows, err := q.QueryContext(ctx, query, args...)
		if err != nil {
			return fmt.Errorf("readiness: facts: %w", err)
		}
		defer rows.Close()
		for rows.Next() {
			var code, a, b string
			if err := rows.Scan(&code, &a, &b); err != nil {
				return err
			}
			if by[code] != nil {
				fn(code, a, b)
			}
		}
		return rows.Err()
	}
	if err := read(`SELECT community_code, hazard, MAX(checked_on) FROM emergency_contacts
		WHERE `+in+` AND checked_on <= `+on+` GROUP BY community_code, hazard`,
		func(code, h, d string) { by[code].Latest[h] = d }); err != nil {
		return nil, err
	}
	if err := read(`SELECT community_code, '', MAX(held_on) FROM drills
		WHERE `+in+` AND held_on <= `+on+` GROUP BY community_code`,
		func(code, _, d string) { by[code].LastDrill = d }); err != nil {
		return nil, err
	}
	if err := read(`SELECT community_code, '', MIN(since) FROM liaisons
		WHERE `+in+` AND since <= `+on+` GROUP BY community_code`,
		func(code, _, _ string) { by[code].Liaison = true }); err != nil {
		return nil, err
	}
	return out, nil
}
