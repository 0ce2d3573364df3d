package civic

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"linli/internal/activity"
	"linli/internal/funding"
	"linli/internal/platform/auth"
	"linli/internal/platform/clock"
	"linli/internal/platform/db"
	"linli/internal/platform/errs"
	"linli/internal/platform/upload"
)

// MaxPhoto is the largest photo of a case, and PhotoTypes the accepted types.
const MaxPhoto = 2 << 20

var PhotoTypes = []string{"image/jpeg", "image/png"}

// MaxPhotos is how many photos a case may have.
const MaxPhotos = 9

// outcomes sums linli's records of the linked activities and projects.
func outcomes(ctx context.Context, q db.Querier, acts, projects []int64) ([]Outcome, error) {
	n, part, ben, mins, err := activity.Figures(ctx, q, acts)
	if err != nil {
		return nil, err
	}
	out := []Outcome{{Key: "activities", Value: n}, {Key: "participants", Value: part}, {Key: "beneficiaries", Value: ben},
		{Key: "volunteer_hours", Value: mins / 60}}
	awards, err := funding.Awards(ctx, q, projects)
	if err != nil {
		return nil, fmt.Errorf("civic: project figures: %w", err)
	}
	var pn, fen int64
	for _, id := range projects {
		if f, ok := awards[id]; ok {
			pn, fen = pn+1, fen+f
		}
	}
	if len(projects) > 0 {
		out = append(out, Outcome{Key: "projects", Value: pn}, Outcome{Key: "award_fen", Value: fen})
	}
	return out, nil
}

// CreateCase writes a draft case: an organization's leader, a hub or a
// street. The linked activities and projects must be ones the author sees;
// the outcomes are computed from them.
func (s *Service) CreateCase(ctx context.Context, u *auth.User, in CaseInput) (*Case, error) {
	var orgID int64
	orgCommunity := ""
	if writesForOrg(u) {
		o, err := s.Orgs.Lookup(ctx, u.OrgID)
		if err != nil {
			return nil, err
		}
		orgID, orgCommunity = o.ID, o.CommunityCode
	}
	in.UnitCode = strings.TrimSpace(in.UnitCode)
	unit, ok := caseAuthorUnit(u, in.UnitCode, orgCommunity)
	if !ok {
		if writesCases(u) {
			return nil, invalid("unit_code", "err.civic.case_unit")
		}
		return nil, errs.E(errs.Forbidden, "err.forbidden")
	}
	f := validateCase(&in, activity.Themes)
	if exists, err := s.Geo.Exists(ctx, unit); err != nil {
		return nil, err
	} else if !exists {
		f.Add("unit_code", "err.unknown_division")
	}
	for _, id := range in.ActivityIDs {
		if _, err := s.Activity.Get(ctx, u, id); errs.Is(err, errs.NotFound) {
			f.Add("activity_ids", "err.civic.unknown_activity")
		} else if err != nil {
			return nil, err
		}
	}
	for _, id := range in.ProjectIDs {
		if s.Projects == nil {
			f.Add("project_ids", "err.civic.unknown_project")
		} else if err := s.Projects(ctx, u, id); errs.Is(err, errs.NotFound) || errs.Is(err, errs.Forbidden) {
			f.Add("project_ids", "err.civic.unknown_project")
		} else if err != nil {
			return nil, err
		}
	}
	if err := f.Err(); err != nil {
		return nil, err
	}
	slices.Sort(in.ActivityIDs)
	in.ActivityIDs = slices.Compact(in.ActivityIDs)
	slices.Sort(in.ProjectIDs)
	in.ProjectIDs = slices.Compact(in.ProjectIDs)
	if in.Themes == nil {
		in.Themes = []string{}
	}
	now := s.now()
	c := &Case{Kind: in.Kind, Title: in.Title, Story: in.Story, UnitCode: unit, StreetCode: unit[:9], DistrictCode: unit[:6], OrgID: orgID,
		Themes: in.Themes, ActivityIDs: in.ActivityIDs, ProjectIDs: in.ProjectIDs, Status: CaseDraft, Photos: []int64{}, CreatedAt: now,
		createdBy: u.ID}
	defer shape(c)
	err := s.DB.Tx(ctx, func(tx *sql.Tx) error {
		var err error
		if c.Outcomes, err = outcomes(ctx, tx, c.ActivityIDs, c.ProjectIDs); err != nil {
			return err
		}
		oc, _ := json.Marshal(c.Outcomes)
		if err := tx.QueryRowContext(ctx, `INSERT INTO cases (kind, title, story, unit_code, street_code, district_code, org_id, themes,
			activity_ids, project_ids, outcomes, status, created_by, created_at, updated_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $14) RETURNING id`,
			c.Kind, c.Title, c.Story, c.UnitCode, c.StreetCode, c.DistrictCode, db.NullID(orgID), strings.Join(c.Themes, ","),
			db.JoinIDs(c.ActivityIDs), db.JoinIDs(c.ProjectIDs), string(oc), c.Status, u.ID, now).Scan(&c.ID); err != nil {
			return fmt.Errorf("civic: create case: %w", err)
		}
		return s.record(ctx, tx, now, u, "case.create", "case", c.ID, c.UnitCode, map[string]any{"title": c.Title, "kind": c.Kind})
	})
	return c, err
}

const caseCols = `c.id, c.kind, c.title, c.story, c.unit_code, c.street_code, c.district_code, COALESCE(c.org_id, 0), COALESCE(o.name, ''),
	c.themes, c.activity_ids, c.project_ids, c.outcomes, c.status, c.featured, c.published_on, COALESCE(c.created_by, 0), c.created_at`

func scanCase(sc interface{ Scan(...any) error }) (*Case, error) {
	var c Case
	var themes, acts, projects, oc string
	var featured int
	if err := sc.Scan(&c.ID, &c.Kind, &c.Title, &c.Story, &c.UnitCode, &c.StreetCode, &c.DistrictCode, &c.OrgID, &c.OrgName,
		&themes, &acts, &projects, &oc, &c.Status, &featured, &c.PublishedOn, &c.createdBy, &c.CreatedAt); err != nil {
		return nil, err
	}
	c.Themes, c.ActivityIDs, c.ProjectIDs, c.Featured = db.SplitList(themes), db.SplitIDs(acts), db.SplitIDs(projects), featured != 0
	c.Outcomes = []Outcome{}
	json.Unmarshal([]byte(oc), &c.Outcomes)
	c.Photos = []int64{}
	shape(&c)
	return &c, nil
}

// shape sets what pages show of a case: its paragraphs, a summary, and the
// outcomes' figures as text (yuan for money).
func shape(c *Case) {
	c.Paragraphs = c.Paragraphs[:0]
	for _, p := range strings.Split(strings.ReplaceAll(c.Story, "\r\n", "\n"), "\n") {
		if p = strings.TrimSpace(p); p != "" {
			c.Paragraphs = append(c.Paragraphs, p)
		}
	}
	c.Summary = clip(c.Story, 120)
	for i, o := range c.Outcomes {
		if o.Key == "award_fen" {
			c.Outcomes[i].Text = fmt.Sprintf("%d.%02d", o.Value/100, o.Value%100)
		} else {
			c.Outcomes[i].Text = strconv.FormatInt(o.Value, 10)
		}
	}
}

func (s *Service) getCase(ctx context.Context, q db.Querier, id int64) (*Case, error) {
	c, err := db.One(ctx, q, "civic: case", scanCase, `SELECT `+caseCols+` FROM cases c LEFT JOIN orgs o ON o.id = c.org_id WHERE c.id = $1`, id)
	if err != nil {
		return nil, err
	}
	return c, s.fillCases(ctx, q, []*Case{c})
}

// fillCases sets the photos and the place's name of cases.
func (s *Service) fillCases(ctx context.Context, q db.Querier, cs []*Case) error {
	codes := []string{}
	for _, c := range cs {
		codes = append(codes, c.UnitCode)
		ids, err := db.ListColumn[int64](ctx, q, "civic: photos", `SELECT id FROM case_photos WHERE case_id = $1 ORDER BY id`, c.ID)
		if err != nil {
			return err
		}
		c.Photos = append(c.Photos, ids...)
	}
	names, err := s.Geo.Names(ctx, codes)
	if err != nil {
		return err
	}
	for _, c := range cs {
		c.UnitName = names[c.UnitCode]
	}
	return nil
}

// Case returns a case the user may see (a published one: anyone).
func (s *Service) Case(ctx context.Context, u *auth.User, id int64) (*Case, error) {
	c, err := s.getCase(ctx, s.DB.Read, id)
	return auth.Visible(u, c, err, canSeeCase)
}

func (s *Service) listCases(ctx context.Context, where string, args []any, limit int) ([]*Case, error) {
	out, err := db.ListPtrs(ctx, s.DB.Read, "civic: cases", scanCase, `SELECT `+caseCols+` FROM cases c LEFT JOIN orgs o ON o.id = c.org_id WHERE `+where+
		fmt.Sprintf(` ORDER BY c.featured DESC, c.published_on DESC, c.id DESC LIMIT %d`, limit), args...)
	if err != nil {
		return nil, err
	}
	return out, s.fillCases(ctx, s.DB.Read, out)
}

// Cases lists the cases a signed-in officer, hub or leader works on: their
// own, and those waiting or published in their scope.
func (s *Service) Cases(ctx context.Context, u *auth.User) ([]*Case, error) {
	if !listsCases(u) {
		return nil, errs.Missing()
	}
	if !readsScopeCases(u) {
		return s.listCases(ctx, `c.created_by = $1`, []any{u.ID}, 200)
	}
	in, args := db.ScopeCond("c.unit_code", u.ScopeCode, []any{u.ID})
	return s.listCases(ctx, `(c.created_by = $1 OR (`+in+` AND c.status <> 'draft'))`, args, 500)
}

// PublicCases lists published cases within a place (all: "").
func (s *Service) PublicCases(ctx context.Context, within string, featured bool, n int) ([]*Case, error) {
	in, args := db.ScopeCond("c.unit_code", within, nil)
	where := `c.status = 'published' AND ` + in
	if featured {
		where += ` AND c.featured = 1`
	}
	return s.listCases(ctx, where, args, min(max(n, 1), 200))
}

// PlaceCases returns the latest published cases within a place (a city,
// district, street or community code), featured first. For the portal's
// place pages.
func (s *Service) PlaceCases(ctx context.Context, code string, n int) ([]*Case, error) {
	return s.PublicCases(ctx, code, false, n)
}

// Decide moves a case along draft → street → district → published, or
// features it (see planDecision).
func (s *Service) Decide(ctx context.Context, u *auth.User, id int64, d Decision) (*Case, error) {
	now := s.now()
	return db.Do(ctx, s.DB, func(tx *sql.Tx) (*Case, error) {
		c, err := s.getCase(ctx, tx, id)
		if err != nil {
			return nil, err
		}
		if !worksOnCase(u, c) {
			return nil, errs.Missing()
		}
		status, featured, err := planDecision(u, c, &d)
		if err != nil {
			return nil, err
		}
		if status == CasePublished && c.Status != CasePublished {
			c.PublishedOn = clock.Day(now)
		}
		res, err := tx.ExecContext(ctx, `UPDATE cases SET status = $1, featured = $2, published_on = $3, updated_at = $4
			WHERE id = $5 AND status = $6`, status, db.BoolInt(featured), c.PublishedOn, now, id, c.Status)
		if err != nil {
			return nil, fmt.Errorf("civic: decide: %w", err)
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return nil, &errs.Error{Code: errs.Conflict, Message: errs.M("err.civic.changed")}
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO case_decisions (case_id, level, decision, reason, decided_by, decided_at)
			VALUES ($1, $2, $3, $4, $5, $6)`, id, c.Status, d.Decision, d.Reason, u.ID, now); err != nil {
			return nil, fmt.Errorf("civic: decision: %w", err)
		}
		c.Status, c.Featured = status, featured
		return c, s.record(ctx, tx, now, u, "case.decide", "case", id, c.UnitCode, map[string]any{"decision": d.Decision, "status": status, "reason": d.Reason})
	})
}

// AddPhoto adds a photo to a draft case (its author only), checked by its
// content and size.
func (s *Service) AddPhoto(ctx context.Context, u *auth.User, id int64, f *upload.File) (int64, error) {
	now := s.now()
	var pid int64
	err := s.DB.Tx(ctx, func(tx *sql.Tx) error {
		c, err := s.getCase(ctx, tx, id)
		if err != nil {
			return err
		}
		if !mayAddCasePhoto(u, c) {
			if !canSeeCase(u, c) || c.createdBy != u.ID {
				return errs.Missing()
			}
			return invalid("file", "err.civic.not_draft")
		}
		if len(c.Photos) >= MaxPhotos {
			return invalid("file", "err.too_long", MaxPhotos)
		}
		ct, p := upload.Check(f.Data, MaxPhoto, PhotoTypes)
		if p != upload.OK {
			m := upload.Msg(p, f.Data, MaxPhoto, PhotoTypes)
			return invalid("file", m.Key, m.Args...)
		}
		sum := sha256.Sum256(f.Data)
		if err := tx.QueryRowContext(ctx, `INSERT INTO case_photos (case_id, content_type, size_bytes, sha256, data, created_at)
			VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`, id, ct, len(f.Data), hex.EncodeToString(sum[:]), f.Data, now).Scan(&pid); err != nil {
			return fmt.Errorf("civic: photo: %w", err)
		}
		return s.record(ctx, tx, now, u, "case.photo", "case", id, c.UnitCode, map[string]any{"photo": pid, "bytes": len(f.Data)})
	})
	return pid, err
}

// Photo returns a published case's photo.
func (s *Service) Photo(ctx context.Context, caseID, photoID int64) (string, []byte, error) {
	return s.photo(ctx, caseID, photoID, ` AND c.status = 'published'`)
}

// CasePhoto returns a photo of a case the user may see (canSeeCase), at
// any status: its author, and the officers who decide whether it is
// published, see what they are asked to publish.
func (s *Service) CasePhoto(ctx context.Context, u *auth.User, caseID, photoID int64) (string, []byte, error) {
	if _, err := s.Case(ctx, u, caseID); err != nil {
		return "", nil, err
	}
	return s.photo(ctx, caseID, photoID, "")
}

// photo reads a case's photo; cond narrows the case (c).
func (s *Service) photo(ctx context.Context, caseID, photoID int64, cond string) (string, []byte, error) {
	var ct string
	var data []byte
	err := s.DB.Read.QueryRowContext(ctx, `SELECT p.content_type, p.data FROM case_photos p JOIN cases c ON c.id = p.case_id
		WHERE p.id = $1 AND p.case_id = $2`+cond, photoID, caseID).Scan(&ct, &data)
	if err != nil {
		return "", nil, db.Found(err, "civic: photo")
	}
	return ct, data, nil
}
