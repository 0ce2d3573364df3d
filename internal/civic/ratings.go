package civic

import (
	"context"
	"database/sql"
	"fmt"
	"math"
	"strings"
	"time"

	"linli/internal/activity"
	"linli/internal/platform/auth"
	"linli/internal/platform/clock"
	"linli/internal/platform/db"
	"linli/internal/platform/errs"
)

// tookPart reports whether a resident signed up for an activity the
// organization hosted or co-hosted that has started by day: the sign-ups
// are this room's, which activities are the organization's the activity
// room's named read.
func (s *Service) tookPart(ctx context.Context, q db.Querier, userID, orgID int64, day string) (bool, error) {
	ids, err := signedUp(ctx, q, userID)
	if err != nil {
		return false, err
	}
	shared, err := activity.Shared(ctx, q, orgID, ids)
	if err != nil {
		return false, err
	}
	for _, on := range shared {
		if on <= day {
			return true, nil
		}
	}
	return false, nil
}

// Rate records a resident's rating of an organization they took part
// with: one per organization per year (a second is 409, nothing written).
func (s *Service) Rate(ctx context.Context, u *auth.User, orgID int64, in RatingInput) (*Rating, error) {
	if !isResident(u) {
		return nil, errs.E(errs.Forbidden, "err.civic.residents_only")
	}
	o, err := s.Orgs.Lookup(ctx, orgID)
	if err != nil {
		return nil, err
	}
	now := s.now()
	day := clock.Day(now)
	return db.Do(ctx, s.DB, func(tx *sql.Tx) (*Rating, error) {
		took, err := s.tookPart(ctx, tx, u.ID, orgID, day)
		if err != nil {
			return nil, err
		}
		if err := planRating(u, &in, ratingFacts{orgCommunity: o.CommunityCode, orgStatus: o.Status, tookPart: took}); err != nil {
			return nil, err
		}
		r := &Rating{OrgID: orgID, OrgName: o.Name, Year: day[:4], Stars: in.Stars, Comment: in.Comment, CommunityCode: o.CommunityCode,
			EffectiveOn: day, CreatedAt: now}
		if r.Comment != "" {
			r.CommentStatus = CommentPending
		}
		err = tx.QueryRowContext(ctx, `INSERT INTO org_ratings (org_id, user_id, ryear, stars, comment, comment_status, community_code,
			district_code, effective_on, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id`,
			orgID, u.ID, r.Year, r.Stars, r.Comment, r.CommentStatus, o.CommunityCode, o.DistrictCode, day, now).Scan(&r.ID)
		if s.DB.Dialect.IsUniqueViolation(err) {
			return nil, errs.FieldConflict("org_id", "err.civic.rated")
		}
		if err != nil {
			return nil, fmt.Errorf("civic: rate: %w", err)
		}
		return r, s.record(ctx, tx, now, u, "resident.rate", "org", orgID, o.CommunityCode, map[string]any{"stars": r.Stars, "comment": r.Comment != ""})
	})
}

const ratingCols = `r.id, r.org_id, o.name, r.ryear, r.stars, r.comment, r.comment_status, r.community_code, r.answer, r.effective_on, r.created_at, r.user_id`

func scanRating(sc interface{ Scan(...any) error }) (*Rating, error) {
	var r Rating
	err := sc.Scan(&r.ID, &r.OrgID, &r.OrgName, &r.Year, &r.Stars, &r.Comment, &r.CommentStatus, &r.CommunityCode, &r.Answer,
		&r.EffectiveOn, &r.CreatedAt, &r.userID)
	return &r, err
}

func (s *Service) getRating(ctx context.Context, q db.Querier, id int64) (*Rating, error) {
	return db.One(ctx, q, "civic: rating", scanRating, `SELECT `+ratingCols+` FROM org_ratings r JOIN orgs o ON o.id = r.org_id WHERE r.id = $1`, id)
}

// Ratings lists the ratings a user may read: a resident their own; the
// committee and street those of their place (status "pending" for the
// comments to moderate); an organization's leader its own.
func (s *Service) Ratings(ctx context.Context, u *auth.User, status string) ([]*Rating, error) {
	if u == nil {
		return nil, errs.Missing()
	}
	where, args := "", []any{}
	switch {
	case u.Role == auth.Resident:
		where, args = "r.user_id = $1", []any{u.ID}
	case u.ActsForOrg():
		where, args = "r.org_id = $1", []any{u.OrgID}
	case u.ScopeCode != "":
		where, args = db.ScopeCond("r.community_code", u.ScopeCode, nil)
	default:
		return []*Rating{}, nil
	}
	if status != "" {
		args = append(args, status)
		where += fmt.Sprintf(" AND r.comment_status = $%d", len(args))
	}
	return db.ListPtrs(ctx, s.DB.Read, "civic: ratings", scanRating, `SELECT `+ratingCols+` FROM org_ratings r JOIN orgs o ON o.id = r.org_id WHERE `+where+
		` ORDER BY r.id DESC LIMIT 500`, args...)
}

// Moderate publishes or rejects a pending comment (the community committee,
// or the street above it).
func (s *Service) Moderate(ctx context.Context, u *auth.User, id int64, m Moderation) (*Rating, error) {
	return s.changeRating(ctx, u, id, func(r *Rating) bool { return canModerate(u, r.CommunityCode) },
		func(tx *sql.Tx, r *Rating, now time.Time) error {
			if m.Decision != "publish" && m.Decision != "reject" {
				return invalid("decision", "err.choose_one")
			}
			if r.CommentStatus != CommentPending {
				return invalid("decision", "err.civic.not_pending")
			}
			r.CommentStatus = map[string]string{"publish": CommentPublished, "reject": CommentRejected}[m.Decision]
			if _, err := tx.ExecContext(ctx, `UPDATE org_ratings SET comment_status = $1, moderated_by = $2, moderated_at = $3 WHERE id = $4`,
				r.CommentStatus, u.ID, now, id); err != nil {
				return fmt.Errorf("civic: moderate: %w", err)
			}
			return s.record(ctx, tx, now, u, "rating.moderate", "rating", id, r.CommunityCode, map[string]any{"decision": m.Decision})
		})
}

// AnswerRating records the organization's answer to a rating.
func (s *Service) AnswerRating(ctx context.Context, u *auth.User, id int64, a Answer) (*Rating, error) {
	return s.changeRating(ctx, u, id, func(r *Rating) bool { return canAnswer(u, r.OrgID) },
		func(tx *sql.Tx, r *Rating, now time.Time) error {
			a.Answer = strings.TrimSpace(a.Answer)
			f := errs.Fields{}
			f.Length("answer", a.Answer, 1, 500)
			if err := f.Err(); err != nil {
				return err
			}
			if _, err := tx.ExecContext(ctx, `UPDATE org_ratings SET answer = $1, answered_by = $2, answered_at = $3 WHERE id = $4`,
				a.Answer, u.ID, now, id); err != nil {
				return fmt.Errorf("civic: answer: %w", err)
			}
			r.Answer = a.Answer
			return s.record(ctx, tx, now, u, "rating.answer", "rating", id, r.CommunityCode, map[string]any{"answer": a.Answer})
		})
}

// changeRating changes rating id in a transaction: one the user may not
// touch (may) is not found; change updates it and returns the rating as
// it is now.
func (s *Service) changeRating(ctx context.Context, u *auth.User, id int64, may func(r *Rating) bool,
	change func(tx *sql.Tx, r *Rating, now time.Time) error) (*Rating, error) {
	now := s.now()
	return db.Do(ctx, s.DB, func(tx *sql.Tx) (*Rating, error) {
		r, err := s.getRating(ctx, tx, id)
		if err != nil {
			return nil, err
		}
		if !may(r) {
			return nil, errs.Missing()
		}
		if err := change(tx, r, now); err != nil {
			return nil, err
		}
		return r, nil
	})
}

// OrgRatings is the public summary of an organization's ratings: how many,
// the mean of the stars, and the published comments with the answers —
// never who wrote them. For the portal's organization page.
func (s *Service) OrgRatings(ctx context.Context, orgID int64) (*RatingSummary, error) {
	out := &RatingSummary{OrgID: orgID, Comments: []PublicComment{}}
	var sum sql.NullInt64
	if err := s.DB.Read.QueryRowContext(ctx, `SELECT COUNT(*), SUM(stars) FROM org_ratings WHERE org_id = $1`, orgID).Scan(&out.Count, &sum); err != nil {
		return nil, fmt.Errorf("civic: org ratings: %w", err)
	}
	if out.Count > 0 {
		out.Average = math.Round(float64(sum.Int64)/float64(out.Count)*10) / 10
	}
	rows, err := s.DB.Read.QueryContext(ctx, `SELECT stars, comment, answer, ryear FROM org_ratings
		WHERE org_id = $1 AND comment_status = 'published' ORDER BY id DESC LIMIT 50`, orgID)
	if err != nil {
		return nil, fmt.Errorf("civic: org comments: %w", err)
	}
	if out.Comments, err = db.Collect(rows, func(r interface{ Scan(...any) error }) (*PublicComment, error) {
		var c PublicComment
		return &c, r.Scan(&c.Stars, &c.Comment, &c.Answer, &c.Year)
	}); err != nil {
		return nil, err
	}
	return out, nil
}
