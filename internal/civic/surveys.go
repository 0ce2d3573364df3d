package civic

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"math"
	"sort"
	"strings"

	"linli/internal/platform/auth"
	"linli/internal/platform/clock"
	"linli/internal/platform/db"
	"linli/internal/platform/errs"
)

// CreateSurvey runs a recognition survey in a district or street for a period.
func (s *Service) CreateSurvey(ctx context.Context, u *auth.User, in SurveyInput) (*Survey, error) {
	if !runsSurveys(u) {
		return nil, errs.E(errs.Forbidden, "err.forbidden")
	}
	exists, err := s.Geo.Exists(ctx, in.UnitCode)
	if err != nil {
		return nil, err
	}
	f := validateSurvey(&in, exists)
	if _, bad := f["unit_code"]; !bad && !canRunSurvey(u, in.UnitCode) {
		f.Add("unit_code", "err.outside_scope")
	}
	if err := f.Err(); err != nil {
		return nil, err
	}
	now := s.now()
	sv := &Survey{Title: in.Title, UnitCode: in.UnitCode, OpensOn: in.OpensOn, ClosesOn: in.ClosesOn, Questions: in.Questions}
	qs, _ := json.Marshal(in.Questions)
	err = s.DB.Tx(ctx, func(tx *sql.Tx) error {
		if err := tx.QueryRowContext(ctx, `INSERT INTO surveys (title, unit_code, district_code, opens_on, closes_on, questions, created_by, created_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id`, sv.Title, sv.UnitCode, sv.UnitCode[:6], sv.OpensOn, sv.ClosesOn, string(qs),
			u.ID, now).Scan(&sv.ID); err != nil {
			return fmt.Errorf("civic: create survey: %w", err)
		}
		return s.record(ctx, tx, now, u, "survey.create", "survey", sv.ID, sv.UnitCode, map[string]any{"title": sv.Title, "opens_on": sv.OpensOn, "closes_on": sv.ClosesOn})
	})
	return sv, err
}

// UpdateSurvey changes a survey, by the rules of CreateSurvey; once
// residents answered it, only its title and period (planSurveyEdit).
func (s *Service) UpdateSurvey(ctx context.Context, u *auth.User, id int64, in SurveyInput) (*Survey, error) {
	if !runsSurveys(u) {
		return nil, errs.E(errs.Forbidden, "err.forbidden")
	}
	exists, err := s.Geo.Exists(ctx, strings.TrimSpace(in.UnitCode))
	if err != nil {
		return nil, err
	}
	now := s.now()
	return db.Do(ctx, s.DB, func(tx *sql.Tx) (*Survey, error) {
		old, err := s.getSurvey(ctx, tx, id)
		if err != nil {
			return nil, err
		}
		if !canRunSurvey(u, old.UnitCode) {
			return nil, errs.Missing()
		}
		f := validateSurvey(&in, exists)
		if _, bad := f["unit_code"]; !bad && !canRunSurvey(u, in.UnitCode) {
			f.Add("unit_code", "err.outside_scope")
		}
		for k, m := range planSurveyEdit(old, &in) {
			f[k] = m
		}
		if err := f.Err(); err != nil {
			return nil, err
		}
		qs, _ := json.Marshal(in.Questions)
		if _, err := tx.ExecContext(ctx, `UPDATE surveys SET title = $1, unit_code = $2, district_code = $3, opens_on = $4, closes_on = $5, questions = $6
			WHERE id = $7`, in.Title, in.UnitCode, in.UnitCode[:6], in.OpensOn, in.ClosesOn, string(qs), id); err != nil {
			return nil, fmt.Errorf("civic: update survey: %w", err)
		}
		sv := *old
		sv.Title, sv.UnitCode, sv.OpensOn, sv.ClosesOn, sv.Questions = in.Title, in.UnitCode, in.OpensOn, in.ClosesOn, in.Questions
		return &sv, s.record(ctx, tx, now, u, "survey.update", "survey", id, sv.UnitCode, map[string]any{
			"before": map[string]any{"title": old.Title, "unit_code": old.UnitCode, "opens_on": old.OpensOn, "closes_on": old.ClosesOn, "questions": len(old.Questions)},
			"after":  map[string]any{"title": sv.Title, "unit_code": sv.UnitCode, "opens_on": sv.OpensOn, "closes_on": sv.ClosesOn, "questions": len(sv.Questions)}})
	})
}

// Survey is one survey as its officers read it (to edit it): those who
// may run a survey in its place.
func (s *Service) Survey(ctx context.Context, u *auth.User, id int64) (*Survey, error) {
	sv, err := s.getSurvey(ctx, s.DB.Read, id)
	if err != nil {
		return nil, err
	}
	if !canRunSurvey(u, sv.UnitCode) {
		return nil, errs.Missing()
	}
	if names, err := s.Geo.Names(ctx, []string{sv.UnitCode}); err == nil {
		sv.UnitName = names[sv.UnitCode]
	}
	return sv, nil
}

const surveyCols = `s.id, s.title, s.unit_code, s.opens_on, s.closes_on, s.questions, (SELECT COUNT(*) FROM survey_answers a WHERE a.survey_id = s.id), s.published_at`

func scanSurvey(sc interface{ Scan(...any) error }) (*Survey, error) {
	var sv Survey
	var qs string
	var pub sql.NullTime
	if err := sc.Scan(&sv.ID, &sv.Title, &sv.UnitCode, &sv.OpensOn, &sv.ClosesOn, &qs, &sv.Answers, &pub); err != nil {
		return nil, err
	}
	if pub.Valid {
		t := pub.Time.UTC()
		sv.PublishedAt = &t
	}
	if err := json.Unmarshal([]byte(qs), &sv.Questions); err != nil {
		return nil, fmt.Errorf("civic: survey questions: %w", err)
	}
	return &sv, nil
}

func (s *Service) getSurvey(ctx context.Context, q db.Querier, id int64) (*Survey, error) {
	return db.One(ctx, q, "civic: survey", scanSurvey, `SELECT `+surveyCols+` FROM surveys s WHERE s.id = $1`, id)
}

// Surveys lists, for a resident, the surveys open today for their community
// (with whether they answered); for an officer, the surveys run in or above
// their scope.
func (s *Service) Surveys(ctx context.Context, u *auth.User) ([]*Survey, error) {
	if u == nil || u.ScopeCode == "" {
		return []*Survey{}, nil
	}
	var where string
	args := []any{}
	if isResident(u) {
		day := clock.Day(s.now())
		where = `(s.unit_code = $1 OR s.unit_code = $2) AND s.opens_on <= $3 AND s.closes_on >= $3`
		args = append(args, u.ScopeCode[:6], u.ScopeCode[:9], day)
	} else {
		// and those run above: a street's or community's district, a
		// community's street (seesSurveyResults' Overlaps, in SQL)
		where, args = db.OverlapCond("s.unit_code", u.ScopeCode, args)
	}
	out, err := s.querySurveys(ctx, "surveys", `SELECT `+surveyCols+` FROM surveys s WHERE `+where+` ORDER BY s.opens_on DESC, s.id DESC LIMIT 200`, args...)
	if err != nil {
		return nil, err
	}
	for _, sv := range out {
		if isResident(u) {
			var n int
			if err := s.DB.Read.QueryRowContext(ctx, `SELECT COUNT(*) FROM survey_answers WHERE survey_id = $1 AND user_id = $2`, sv.ID, u.ID).Scan(&n); err != nil {
				return nil, fmt.Errorf("civic: answered: %w", err)
			}
			sv.Answered = n > 0
			sv.Answers = 0 // a resident is not told how many answered
		}
	}
	return s.nameUnits(ctx, out)
}

// nameUnits sets the name of each survey's unit.
func (s *Service) nameUnits(ctx context.Context, out []*Survey) ([]*Survey, error) {
	codes := make([]string, 0, len(out))
	for _, sv := range out {
		codes = append(codes, sv.UnitCode)
	}
	names, err := s.Geo.Names(ctx, codes)
	if err != nil {
		return nil, err
	}
	for _, sv := range out {
		sv.UnitName = names[sv.UnitCode]
	}
	return out, nil
}

// AnswerSurvey records a resident's answers, once (a second is 409, nothing written).
func (s *Service) AnswerSurvey(ctx context.Context, u *auth.User, id int64, in AnswerInput) error {
	if !isResident(u) {
		return errs.E(errs.Forbidden, "err.civic.residents_only")
	}
	now := s.now()
	return s.DB.Tx(ctx, func(tx *sql.Tx) error {
		sv, err := s.getSurvey(ctx, tx, id)
		if err != nil {
			return err
		}
		r, f, err := planAnswer(u, sv, in, clock.Day(now))
		if err != nil {
			return err
		}
		if err := f.Err(); err != nil {
			return err
		}
		raw, _ := json.Marshal(in.Answers)
		c := u.ScopeCode
		_, err = tx.ExecContext(ctx, `INSERT INTO survey_answers (survey_id, user_id, community_code, street_code, district_code,
			knows, took_part, satisfaction, answers, answered_on, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
			id, u.ID, c, c[:9], c[:6], db.BoolInt(r.knows), db.BoolInt(r.tookPart), r.satisfaction, string(raw), clock.Day(now), now)
		if s.DB.Dialect.IsUniqueViolation(err) {
			return errs.FieldConflict("survey", "err.civic.answered")
		}
		if err != nil {
			return fmt.Errorf("civic: answer: %w", err)
		}
		return s.record(ctx, tx, now, u, "survey.answer", "survey", id, c, nil)
	})
}

func share(n, d int) float64 {
	if d == 0 {
		return 0
	}
	return math.Round(float64(n)/float64(d)*1000) / 1000
}

// SurveyResults are a survey's readings for its unit and by the places one
// level below (a district's streets, a street's communities), with the
// ratings given in each place during the survey's period.
func (s *Service) SurveyResults(ctx context.Context, u *auth.User, id int64) (*Results, error) {
	sv, err := s.getSurvey(ctx, s.DB.Read, id)
	if err != nil {
		return nil, err
	}
	if !seesSurveyResults(u, sv) {
		return nil, errs.Missing()
	}
	out, err := s.results(ctx, sv)
	if err != nil {
		return nil, err
	}
	out.CanPublish = canPublishResults(u, sv)
	out.CanEdit = canRunSurvey(u, sv.UnitCode)
	return out, nil
}

// PublicResults are a survey's results as the portal shows them: only once
// its owner published them (not found otherwise, or after a withdrawal).
func (s *Service) PublicResults(ctx context.Context, id int64) (*Results, error) {
	sv, err := s.getSurvey(ctx, s.DB.Read, id)
	if err != nil {
		return nil, err
	}
	if sv.PublishedAt == nil {
		return nil, errs.Missing()
	}
	return s.results(ctx, sv)
}

// PublishResults publishes a survey's results on the portal, or withdraws
// them (at once: the public pages read the flag on every request).
func (s *Service) PublishResults(ctx context.Context, u *auth.User, id int64, in PublicationInput) (*Survey, error) {
	now := s.now()
	return db.Do(ctx, s.DB, func(tx *sql.Tx) (*Survey, error) {
		sv, err := s.getSurvey(ctx, tx, id)
		if err != nil {
			return nil, err
		}
		if !seesSurveyResults(u, sv) {
			return nil, errs.Missing()
		}
		if !canPublishResults(u, sv) {
			return nil, errs.E(errs.Forbidden, "err.forbidden")
		}
		action := "survey.unpublish"
		var at any
		if in.Published {
			action, at = "survey.publish", now
			sv.PublishedAt = &now
		} else {
			sv.PublishedAt = nil
		}
		if _, err := tx.ExecContext(ctx, `UPDATE surveys SET published_at = $1, published_by = $2 WHERE id = $3`, at, u.ID, id); err != nil {
			return nil, fmt.Errorf("civic: publish survey: %w", err)
		}
		return sv, s.record(ctx, tx, now, u, action, "survey", id, sv.UnitCode, map[string]any{"published": in.Published})
	})
}

// PublishedSurveys lists the surveys with published results that concern a
// place: those run in it or below it, and those of the district or street
// it lies in, newest first.
func (s *Service) PublishedSurveys(ctx context.Context, code string, n int) ([]*Survey, error) {
	cond, args := db.OverlapCond("s.unit_code", code, nil)
	out, err := s.querySurveys(ctx, "published surveys", `SELECT `+surveyCols+` FROM surveys s WHERE s.published_at IS NOT NULL AND `+cond+`
		ORDER BY s.closes_on DESC, s.id DESC LIMIT `+itoa(int64(n)), args...)
	if err != nil {
		return nil, err
	}
	return s.nameUnits(ctx, out)
}

// querySurveys reads the surveys a query of surveyCols selects; what names
// the read in its error.
func (s *Service) querySurveys(ctx context.Context, what, query string, args ...any) ([]*Survey, error) {
	return db.ListPtrs(ctx, s.DB.Read, "civic: "+what, scanSurvey, query, args...)
}

// surveyAnswers reads a survey's raw answers (the tallies' input).
func surveyAnswers(ctx context.Context, q db.Querier, id int64) ([]map[string]string, error) {
	rows, err := q.QueryContext(ctx, `SELECT answers FROM survey_answers WHERE survey_id = $1`, id)
	if err != nil {
		return nil, fmt.Errorf("civic: survey answers: %w", err)
	}
	return db.Collect(rows, func(r interface{ Scan(...any) error }) (*map[string]string, error) {
		var raw string
		if err := r.Scan(&raw); err != nil {
			return nil, err
		}
		m := map[string]string{}
		if err := json.Unmarshal([]byte(raw), &m); err != nil {
			return nil, fmt.Errorf("civic: survey answer: %w", err)
		}
		return &m, nil
	})
}

// results computes a survey's readings by place and its tallies by question.
func (s *Service) results(ctx context.Context, sv *Survey) (*Results, error) {
	id := sv.ID
	n := 9
	if len(sv.UnitCode) == 9 {
		n = 12
	}
	col := map[int]string{9: "street_code", 12: "community_code"}[n]
	rows, err := s.DB.Read.QueryContext(ctx, `SELECT `+col+`, COUNT(*), SUM(knows), SUM(took_part),
		SUM(CASE WHEN satisfaction > 0 THEN 1 ELSE 0 END), SUM(satisfaction)
		FROM survey_answers WHERE survey_id = $1 GROUP BY `+col, id)
	if err != nil {
		return nil, fmt.Errorf("civic: results: %w", err)
	}
	byCode := map[string]*PlaceResult{}
	sums := map[string]int{}
	for rows.Next() {
		var p PlaceResult
		var sat int
		if err := rows.Scan(&p.Code, &p.Answers, &p.Aware, &p.TookPart, &p.Satisfied, &sat); err != nil {
			rows.Close()
			return nil, err
		}
		byCode[p.Code], sums[p.Code] = &p, sat
	}
	rows.Close()
	in, args := db.ScopeCond("community_code", sv.UnitCode, nil)
	rrows, err := s.DB.Read.QueryContext(ctx, `SELECT SUBSTR(community_code, 1, `+itoa(int64(n))+`), COUNT(*), SUM(stars) FROM org_ratings
		WHERE `+in+` AND effective_on >= $`+itoa(int64(len(args)+1))+` AND effective_on <= $`+itoa(int64(len(args)+2))+` GROUP BY SUBSTR(community_code, 1, `+itoa(int64(n))+`)`,
		append(args, sv.OpensOn, sv.ClosesOn)...)
	if err != nil {
		return nil, fmt.Errorf("civic: result ratings: %w", err)
	}
	stars := map[string]int{}
	for rrows.Next() {
		var code string
		var cnt, st int
		if err := rrows.Scan(&code, &cnt, &st); err != nil {
			rrows.Close()
			return nil, err
		}
		p := byCode[code]
		if p == nil {
			p = &PlaceResult{Code: code}
			byCode[code] = p
		}
		p.Ratings, stars[code] = cnt, st
	}
	rrows.Close()
	answers, err := surveyAnswers(ctx, s.DB.Read, id)
	if err != nil {
		return nil, err
	}
	out := &Results{SurveyID: id, Survey: sv, Questions: tallyQuestions(sv.Questions, answers), Total: PlaceResult{Code: sv.UnitCode}, Places: []PlaceResult{}}
	codes := []string{sv.UnitCode}
	totSat, totStars := 0, 0
	for code, p := range byCode {
		codes = append(codes, code)
		out.Total.Answers += p.Answers
		out.Total.Aware += p.Aware
		out.Total.TookPart += p.TookPart
		out.Total.Satisfied += p.Satisfied
		out.Total.Ratings += p.Ratings
		totSat += sums[code]
		totStars += stars[code]
	}
	names, err := s.Geo.Names(ctx, codes)
	if err != nil {
		return nil, err
	}
	finish := func(p *PlaceResult, sat, st int) {
		p.Name = names[p.Code]
		p.Awareness, p.Participation = share(p.Aware, p.Answers), share(p.TookPart, p.Answers)
		if p.Satisfied > 0 {
			p.Satisfaction = math.Round(float64(sat)/float64(p.Satisfied)*100) / 100
		}
		if p.Ratings > 0 {
			p.RatingAverage = math.Round(float64(st)/float64(p.Ratings)*100) / 100
		}
	}
	for code, p := range byCode {
		finish(p, sums[code], stars[code])
		out.Places = append(out.Places, *p)
	}
	finish(&out.Total, totSat, totStars)
	sv.UnitName = names[sv.UnitCode]
	sort.Slice(out.Places, func(i, j int) bool { return out.Places[i].Code < out.Places[j].Code })
	return out, nil
}
