package evaluation

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"strconv"
	"time"

	"linli/internal/platform/clock"
	"linli/internal/platform/db"
)

// Every statement on the room's tables.

func ph(n int) string { return "$" + strconv.Itoa(n) }

// chunks splits ids into slices of at most n.
func chunks(ids []int64, n int) [][]int64 {
	var out [][]int64
	for len(ids) > n {
		out = append(out, ids[:n])
		ids = ids[n:]
	}
	if len(ids) > 0 {
		out = append(out, ids)
	}
	return out
}

// grades

func insertGrade(ctx context.Context, tx *sql.Tx, now time.Time, orgID int64, community string, in GradeInput, by int64) (int64, error) {
	var id int64
	err := tx.QueryRowContext(ctx, `INSERT INTO org_grades (org_id, grade, awarded_on, valid_until, evaluator, community_code,
		district_code, late_reason, created_by, created_at) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10) RETURNING id`,
		orgID, in.Grade, in.AwardedOn, in.ValidUntil, in.Evaluator, community, community[:6], in.LateReason, db.NullID(by), now).Scan(&id)
	if err != nil {
		return 0, fmt.Errorf("evaluation: insert grade: %w", err)
	}
	return id, nil
}

const gradeColumns = `g.id, g.org_id, g.grade, g.awarded_on, g.valid_until, g.evaluator, g.late_reason, g.created_at, o.name`

func scanGrades(rows *sql.Rows, err error) ([]Grade, error) {
	if err != nil {
		return nil, fmt.Errorf("evaluation: grades: %w", err)
	}
	return db.Collect(rows, func(r interface{ Scan(...any) error }) (*Grade, error) {
		var g Grade
		err := r.Scan(&g.ID, &g.OrgID, &g.Grade, &g.AwardedOn, &g.ValidUntil, &g.Evaluator, &g.LateReason, &g.CreatedAt, &g.OrgName)
		g.CreatedAt = g.CreatedAt.UTC()
		return &g, err
	})
}

// gradesOf reads the grades of organizations, oldest first.
func gradesOf(ctx context.Context, q db.Querier, orgIDs []int64) ([]Grade, error) {
	var out []Grade
	for _, part := range chunks(orgIDs, 500) {
		in, args := db.InList(part, nil)
		gs, err := scanGrades(q.QueryContext(ctx, `SELECT `+gradeColumns+` FROM org_grades g JOIN orgs o ON o.id = g.org_id
			WHERE g.org_id IN `+in+` ORDER BY g.awarded_on, g.id`, args...))
		if err != nil {
			return nil, err
		}
		out = append(out, gs...)
	}
	return out, nil
}

// gradesIn reads the grades valid on a day in a place, best first.
func gradesIn(ctx context.Context, q db.Querier, scope, day string, limit int) ([]Grade, error) {
	in, args := db.ScopeCond("g.community_code", scope, nil)
	args = append(args, day, limit)
	return scanGrades(q.QueryContext(ctx, `SELECT `+gradeColumns+` FROM org_grades g JOIN orgs o ON o.id = g.org_id
		WHERE `+in+` AND g.awarded_on <= `+ph(len(args)-1)+` AND g.valid_until > `+ph(len(args)-1)+`
		ORDER BY g.grade DESC, o.name, g.id LIMIT `+ph(len(args)), args...))
}

// party forms

func insertForm(ctx context.Context, tx *sql.Tx, now time.Time, in FormInput, by int64) (int64, error) {
	var id int64
	err := tx.QueryRowContext(ctx, `INSERT INTO party_forms (org_id, form, link_name, effective_on, late_reason, created_by, created_at)
		VALUES ($1,$2,$3,$4,$5,$6,$7) RETURNING id`, in.OrgID, in.Form, in.LinkName, in.EffectiveOn, in.LateReason, db.NullID(by), now).Scan(&id)
	if err != nil {
		return 0, fmt.Errorf("evaluation: insert party form: %w", err)
	}
	return id, nil
}

// formEvents reads the dated party timeline of organizations: the
// registry's party_org history (its named read) and the forms recorded
// here, each in date order.
func formEvents(ctx context.Context, q db.Querier, reg Registry, orgIDs []int64) (map[int64][]FormEvent, error) {
	out := map[int64][]FormEvent{}
	hist, err := reg.FieldHistory(ctx, orgIDs, "party_org")
	if err != nil {
		return nil, fmt.Errorf("evaluation: party history: %w", err)
	}
	for id, evs := range hist {
		for _, e := range evs {
			out[id] = append(out[id], FormEvent{Form: e.Value, EffectiveOn: clock.Day(e.At), Source: "registry"})
		}
	}
	for _, part := range chunks(orgIDs, 500) {
		in, args := db.InList(part, nil)
		type form struct {
			id int64
			e  FormEvent
		}
		forms, err := db.List(ctx, q, "evaluation: party forms", func(r interface{ Scan(...any) error }) (*form, error) {
			f := form{e: FormEvent{Source: "form"}}
			return &f, r.Scan(&f.id, &f.e.Form, &f.e.LinkName, &f.e.EffectiveOn)
		}, `SELECT org_id, form, link_name, effective_on FROM party_forms WHERE org_id IN `+in+
			` ORDER BY org_id, effective_on, id`, args...)
		if err != nil {
			return nil, err
		}
		for _, f := range forms {
			out[f.id] = append(out[f.id], f.e)
		}
	}
	return out, nil
}

// contacts

func insertContact(ctx context.Context, tx *sql.Tx, now time.Time, in ContactInput, community string, by int64) (int64, error) {
	var id int64
	err := tx.QueryRowContext(ctx, `INSERT INTO party_contacts (org_id, contact_on, kind, topic, community_code, district_code, created_by, created_at)
		VALUES ($1,$2,$3,$4,$5,$6,$7,$8) RETURNING id`, in.OrgID, in.On, in.Kind, in.Topic, community, community[:6], db.NullID(by), now).Scan(&id)
	if err != nil {
		return 0, fmt.Errorf("evaluation: insert contact: %w", err)
	}
	return id, nil
}

func listContacts(ctx context.Context, q db.Querier, scope string, orgID int64, limit int) ([]Contact, error) {
	cond, args := db.ScopeCond("c.community_code", scope, nil)
	if orgID != 0 {
		args = append(args, orgID)
		cond += " AND c.org_id = " + ph(len(args))
	}
	args = append(args, limit)
	rows, err := q.QueryContext(ctx, `SELECT c.id, c.org_id, c.contact_on, c.kind, c.topic, c.community_code, c.created_at, o.name
		FROM party_contacts c JOIN orgs o ON o.id = c.org_id WHERE `+cond+
		` ORDER BY c.contact_on DESC, c.id DESC LIMIT `+ph(len(args)), args...)
	if err != nil {
		return nil, fmt.Errorf("evaluation: contacts: %w", err)
	}
	return db.Collect(rows, func(r interface{ Scan(...any) error }) (*Contact, error) {
		var c Contact
		if err := r.Scan(&c.ID, &c.OrgID, &c.On, &c.Kind, &c.Topic, &c.Community, &c.CreatedAt, &c.OrgName); err != nil {
			return nil, err
		}
		c.CreatedAt = c.CreatedAt.UTC()
		return &c, nil
	})
}

// countContacts counts each organization's contacts between two days.
func countContacts(ctx context.Context, q db.Querier, orgIDs []int64, from, to string) (map[int64]float64, error) {
	out := map[int64]float64{}
	for _, part := range chunks(orgIDs, 500) {
		in, args := db.InList(part, []any{from, to})
		rows, err := q.QueryContext(ctx, `SELECT org_id, COUNT(*) FROM party_contacts WHERE contact_on >= $1 AND contact_on <= $2
			AND org_id IN `+in+` GROUP BY org_id`, args...)
		if err != nil {
			return nil, fmt.Errorf("evaluation: count contacts: %w", err)
		}
		if err := db.Pairs(rows, out); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// appraisals

func insertAppraisal(ctx context.Context, tx *sql.Tx, now time.Time, a *Appraisal, community string, by int64) error {
	forms, _ := json.Marshal(a.Forms)
	err := tx.QueryRowContext(ctx, `INSERT INTO appraisals (org_id, year, appraised_on, forms, committee_score, satisfied, basically,
		dissatisfied, score, band, community_code, district_code, created_by, created_at)
		VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14) RETURNING id`,
		a.OrgID, a.Year, a.AppraisedOn, string(forms), centi(a.CommitteeScore), a.Satisfied, a.Basically, a.Dissatisfied,
		centi(a.Score), a.Band, community, community[:6], db.NullID(by), now).Scan(&a.ID)
	if err != nil {
		return fmt.Errorf("evaluation: insert appraisal: %w", err)
	}
	return nil
}

func centi(x float64) int64 { return int64(x*100 + 0.5) }

func fromCenti(n int64) float64 { return float64(n) / 100 }

// listAppraisals reads the appraisals of a place (a year, or all).
func listAppraisals(ctx context.Context, q db.Querier, scope string, orgIDs []int64, year int, limit int) ([]Appraisal, error) {
	cond, args := db.ScopeCond("a.community_code", scope, nil)
	if year != 0 {
		args = append(args, year)
		cond += " AND a.year = " + ph(len(args))
	}
	if len(orgIDs) > 0 {
		var in string
		in, args = db.InList(orgIDs, args)
		cond += " AND a.org_id IN " + in
	}
	args = append(args, limit)
	return db.List(ctx, q, "evaluation: appraisals", scanAppraisal, `SELECT a.id, a.org_id, a.year, a.appraised_on, a.forms,
		a.committee_score, a.satisfied, a.basically, a.dissatisfied, a.score, a.band, a.created_at, o.name
		FROM appraisals a JOIN orgs o ON o.id = a.org_id
		WHERE `+cond+` ORDER BY a.year DESC, a.score DESC, a.id LIMIT `+ph(len(args)), args...)
}

func scanAppraisal(r interface{ Scan(...any) error }) (*Appraisal, error) {
	var a Appraisal
	var forms string
	var committee, score int64
	if err := r.Scan(&a.ID, &a.OrgID, &a.Year, &a.AppraisedOn, &forms, &committee, &a.Satisfied, &a.Basically,
		&a.Dissatisfied, &score, &a.Band, &a.CreatedAt, &a.OrgName); err != nil {
		return nil, err
	}
	_ = json.Unmarshal([]byte(forms), &a.Forms)
	a.CommitteeScore, a.Score = fromCenti(committee), fromCenti(score)
	if n := a.Satisfied + a.Basically + a.Dissatisfied; n > 0 {
		r := round2(float64(100*a.Satisfied+60*a.Basically) / float64(n))
		a.ResidentScore = &r
	}
	a.CreatedAt = a.CreatedAt.UTC()
	return &a, nil
}

// appraisalScores reads each organization's appraisal score of a year.
func appraisalScores(ctx context.Context, q db.Querier, orgIDs []int64, year int) (map[int64]float64, error) {
	out := map[int64]float64{}
	for _, part := range chunks(orgIDs, 500) {
		in, args := db.InList(part, []any{year})
		rows, err := q.QueryContext(ctx, `SELECT org_id, score FROM appraisals WHERE year = $1 AND org_id IN `+in, args...)
		if err != nil {
			return nil, fmt.Errorf("evaluation: appraisal scores: %w", err)
		}
		if err := db.EachPair(rows, func(id, s int64) { out[id] = fromCenti(s) }); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// latestBand is the band of an organization's latest appraisal entered on
// or before a day.
func latestBand(ctx context.Context, q db.Querier, orgID int64, day string) (string, error) {
	var band string
	err := q.QueryRowContext(ctx, `SELECT band FROM appraisals WHERE org_id = $1 AND appraised_on <= $2
		ORDER BY year DESC, id DESC LIMIT 1`, orgID, day).Scan(&band)
	return band, db.Optional(err, "evaluation: latest band")
}

// trees

func insertTree(ctx context.Context, tx *sql.Tx, now time.Time, t *Tree, by int64) error {
	nodes, _ := json.Marshal(t.Nodes)
	err := tx.QueryRowContext(ctx, `INSERT INTO eval_trees (unit_code, name, version, nodes, frozen, created_by, created_at, updated_at)
		VALUES ($1,$2,$3,$4,0,$5,$6,$6) RETURNING id`, t.UnitCode, t.Name, t.Version, string(nodes), db.NullID(by), now).Scan(&t.ID)
	if err != nil {
		return fmt.Errorf("evaluation: insert tree: %w", err)
	}
	t.CreatedAt, t.UpdatedAt = now, now
	return nil
}

func updateTreeNodes(ctx context.Context, tx *sql.Tx, now time.Time, id int64, nodes []Node) error {
	b, _ := json.Marshal(nodes)
	_, err := tx.ExecContext(ctx, `UPDATE eval_trees SET nodes = $1, updated_at = $2 WHERE id = $3 AND frozen = 0`, string(b), now, id)
	return err
}

func freezeTree(ctx context.Context, tx *sql.Tx, id int64) error {
	_, err := tx.ExecContext(ctx, `UPDATE eval_trees SET frozen = 1 WHERE id = $1`, id)
	return err
}

const treeColumns = `id, unit_code, name, version, nodes, frozen, created_at, updated_at`

func scanTree(sc interface{ Scan(...any) error }) (*Tree, error) {
	var t Tree
	var nodes string
	var frozen int
	if err := sc.Scan(&t.ID, &t.UnitCode, &t.Name, &t.Version, &nodes, &frozen, &t.CreatedAt, &t.UpdatedAt); err != nil {
		return nil, err
	}
	if err := json.Unmarshal([]byte(nodes), &t.Nodes); err != nil {
		return nil, fmt.Errorf("evaluation: tree %d nodes: %w", t.ID, err)
	}
	t.Frozen = frozen == 1
	t.CreatedAt, t.UpdatedAt = t.CreatedAt.UTC(), t.UpdatedAt.UTC()
	return &t, nil
}

func getTree(ctx context.Context, q db.Querier, id int64, lock string) (*Tree, error) {
	return db.One(ctx, q, "evaluation: tree", scanTree, `SELECT `+treeColumns+` FROM eval_trees WHERE id = $1`+lock, id)
}

func nextVersion(ctx context.Context, q db.Querier, unit, name string) (int, error) {
	var v int
	err := q.QueryRowContext(ctx, `SELECT COALESCE(MAX(version), 0) + 1 FROM eval_trees WHERE unit_code = $1 AND name = $2`, unit, name).Scan(&v)
	return v, err
}

// listTrees reads the trees of a scope and of the units above it (trees
// are a city's or a district's: buildsTrees), seesUnit's SQL twin.
func listTrees(ctx context.Context, q db.Querier, scope string) ([]Tree, error) {
	cond, args := db.OverlapCond("unit_code", scope, nil)
	return db.List(ctx, q, "evaluation: trees", scanTree, `SELECT `+treeColumns+` FROM eval_trees WHERE `+cond+` ORDER BY unit_code, name, version DESC LIMIT 500`, args...)
}

// rounds

func insertRound(ctx context.Context, tx *sql.Tx, now time.Time, r *Round, by int64) error {
	err := tx.QueryRowContext(ctx, `INSERT INTO eval_rounds (tree_id, unit_code, name, year, created_by, created_at)
		VALUES ($1,$2,$3,$4,$5,$6) RETURNING id`, r.TreeID, r.UnitCode, r.Name, r.Year, db.NullID(by), now).Scan(&r.ID)
	if err != nil {
		return fmt.Errorf("evaluation: insert round: %w", err)
	}
	r.CreatedAt = now
	for _, id := range r.OrgIDs {
		if _, err := tx.ExecContext(ctx, `INSERT INTO eval_round_orgs (round_id, org_id) VALUES ($1, $2)`, r.ID, id); err != nil {
			return fmt.Errorf("evaluation: insert round org: %w", err)
		}
	}
	for _, id := range r.Scorers {
		if _, err := tx.ExecContext(ctx, `INSERT INTO eval_scorers (round_id, user_id) VALUES ($1, $2)`, r.ID, id); err != nil {
			return fmt.Errorf("evaluation: insert scorer: %w", err)
		}
	}
	return nil
}

func getRound(ctx context.Context, q db.Querier, id int64) (*Round, error) {
	var r Round
	err := q.QueryRowContext(ctx, `SELECT id, tree_id, unit_code, name, year, published_on, created_at FROM eval_rounds WHERE id = $1`, id).
		Scan(&r.ID, &r.TreeID, &r.UnitCode, &r.Name, &r.Year, &r.PublishedOn, &r.CreatedAt)
	if err != nil {
		return nil, db.Found(err, "evaluation: round")
	}
	r.CreatedAt = r.CreatedAt.UTC()
	if r.OrgIDs, err = ids(ctx, q, `SELECT org_id FROM eval_round_orgs WHERE round_id = $1 ORDER BY org_id`, id); err != nil {
		return nil, err
	}
	if r.Scorers, err = ids(ctx, q, `SELECT user_id FROM eval_scorers WHERE round_id = $1 ORDER BY user_id`, id); err != nil {
		return nil, err
	}
	return &r, nil
}

func ids(ctx context.Context, q db.Querier, query string, args ...any) ([]int64, error) {
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("evaluation: ids: %w", err)
	}
	return db.Collect(rows, func(r interface{ Scan(...any) error }) (*int64, error) {
		var id int64
		return &id, r.Scan(&id)
	})
}

// listRounds reads the rounds of a scope and those a scorer scores, or
// those that hold an organization (orgID).
func listRounds(ctx context.Context, q db.Querier, scope string, orgID, scorer int64) ([]Round, error) {
	var rs []int64
	var err error
	switch {
	case orgID != 0:
		rs, err = ids(ctx, q, `SELECT round_id FROM eval_round_orgs WHERE org_id = $1 ORDER BY round_id DESC LIMIT 200`, orgID)
	default:
		in, args := db.ScopeCond("unit_code", scope, nil)
		cond := "(" + in + ")"
		if scorer != 0 {
			args = append(args, scorer)
			cond += " OR id IN (SELECT round_id FROM eval_scorers WHERE user_id = " + ph(len(args)) + ")"
		}
		rs, err = ids(ctx, q, `SELECT id FROM eval_rounds WHERE `+cond+` ORDER BY year DESC, id DESC LIMIT 200`, args...)
	}
	if err != nil {
		return nil, err
	}
	out := []Round{}
	for _, id := range rs {
		r, err := getRound(ctx, q, id)
		if err != nil {
			return nil, err
		}
		out = append(out, *r)
	}
	return out, nil
}

// putScores replaces one scorer's scores of one organization's leaves.
func putScores(ctx context.Context, tx *sql.Tx, now time.Time, roundID, orgID, scorer int64, scores map[string]float64, raw map[string]string) error {
	for k, v := range scores {
		if _, err := tx.ExecContext(ctx, `DELETE FROM eval_scores WHERE round_id = $1 AND org_id = $2 AND leaf_key = $3 AND scorer_id = $4`,
			roundID, orgID, k, scorer); err != nil {
			return fmt.Errorf("evaluation: delete score: %w", err)
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO eval_scores (round_id, org_id, leaf_key, scorer_id, score, raw, created_at)
			VALUES ($1,$2,$3,$4,$5,$6,$7)`, roundID, orgID, k, scorer, centi(v), raw[k], now); err != nil {
			return fmt.Errorf("evaluation: insert score: %w", err)
		}
	}
	return nil
}

// cells reads a round's scores (of one organization when orgID is set).
func cells(ctx context.Context, q db.Querier, roundID, orgID int64) ([]Cell, error) {
	query, args := `SELECT org_id, leaf_key, scorer_id, score FROM eval_scores WHERE round_id = $1`, []any{roundID}
	if orgID != 0 {
		query, args = query+` AND org_id = $2`, append(args, orgID)
	}
	return db.List(ctx, q, "evaluation: scores", func(r interface{ Scan(...any) error }) (*Cell, error) {
		var c Cell
		var s int64
		err := r.Scan(&c.OrgID, &c.Leaf, &c.Scorer, &s)
		c.Score = fromCenti(s)
		return &c, err
	}, query, args...)
}
