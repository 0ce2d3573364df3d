package portal

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"time"

	"linli/internal/activity"
	"linli/internal/platform/db"
)

// Tables: portal_publications, portal_photos (migration 021). The public
// activity lists are the activity room's named reads (activity.PublicList,
// PublicDays, OrgLatest) with this package's rule: an activity is public
// when its host organization is active and publishes its activities.

const settingsCols = `org_id, contact, contact_name, contact_phone, about, description, how_to_join, photos, finances,
	finances_text, charter, charter_text, officers_text, activities, updated_at, version`

func scanSettings(sc interface{ Scan(...any) error }) (*Settings, error) {
	s := &Settings{}
	var contact, about, photos, fin, charter, acts int
	if err := sc.Scan(&s.OrgID, &contact, &s.ContactName, &s.ContactPhone, &about, &s.Description, &s.HowToJoin, &photos,
		&fin, &s.FinancesText, &charter, &s.CharterText, &s.OfficersText, &acts, &s.UpdatedAt, &s.Version); err != nil {
		return nil, err
	}
	s.Contact, s.About, s.Photos, s.Finances, s.Charter, s.Activities = contact == 1, about == 1, photos == 1, fin == 1, charter == 1, acts == 1
	return s, nil
}

// getSettings reads an organization's settings; none stored is all off.
func getSettings(ctx context.Context, q db.Querier, orgID int64) (*Settings, error) {
	s, err := scanSettings(q.QueryRowContext(ctx, `SELECT `+settingsCols+` FROM portal_publications WHERE org_id = $1`, orgID))
	if errors.Is(err, sql.ErrNoRows) {
		return &Settings{OrgID: orgID}, nil
	}
	if err != nil {
		return nil, fmt.Errorf("portal: settings: %w", err)
	}
	return s, nil
}

// settingsOf reads the settings of several organizations (those with any).
func settingsOf(ctx context.Context, q db.Querier, ids []int64) (map[int64]*Settings, error) {
	out := map[int64]*Settings{}
	if len(ids) == 0 {
		return out, nil
	}
	in, args := db.InList(ids, nil)
	rows, err := q.QueryContext(ctx, `SELECT `+settingsCols+` FROM portal_publications WHERE org_id IN `+in, args...)
	if err != nil {
		return nil, fmt.Errorf("portal: settings: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		s, err := scanSettings(rows)
		if err != nil {
			return nil, fmt.Errorf("portal: settings: %w", err)
		}
		out[s.OrgID] = s
	}
	return out, rows.Err()
}

// putSettings writes settings; version is the stored version it replaces
// (0: none stored). It reports false when another change came first.
func putSettings(ctx context.Context, tx *sql.Tx, s *Settings, version int, by int64, now time.Time) (bool, error) {
	args := []any{s.OrgID, db.BoolInt(s.Contact), s.ContactName, s.ContactPhone, db.BoolInt(s.About), s.Description, s.HowToJoin,
		db.BoolInt(s.Photos), db.BoolInt(s.Finances), s.FinancesText, db.BoolInt(s.Charter), s.CharterText, s.OfficersText, db.BoolInt(s.Activities), by, now}
	var res sql.Result
	var err error
	if version == 0 {
		res, err = tx.ExecContext(ctx, `INSERT INTO portal_publications (org_id, contact, contact_name, contact_phone, about,
			description, how_to_join, photos, finances, finances_text, charter, charter_text, officers_text, activities,
			updated_by, updated_at, version) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, 1)
			ON CONFLICT (org_id) DO NOTHING`, args...)
	} else {
		res, err = tx.ExecContext(ctx, `UPDATE portal_publications SET contact = $2, contact_name = $3, contact_phone = $4,
			about = $5, description = $6, how_to_join = $7, photos = $8, finances = $9, finances_text = $10, charter = $11,
			charter_text = $12, officers_text = $13, activities = $14, updated_by = $15, updated_at = $16, version = version + 1
			WHERE org_id = $1 AND version = $17`, append(args, version)...)
	}
	if err != nil {
		return false, fmt.Errorf("portal: save settings: %w", err)
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

// Photo is a published photo's record (its bytes are read apart).
type Photo struct {
	ID          int64     `json:"id"`
	OrgID       int64     `json:"org_id"`
	ContentType string    `json:"content_type"`
	Size        int64     `json:"size_bytes"`
	Caption     string    `json:"caption"`
	CreatedAt   time.Time `json:"created_at"`
	URL         string    `json:"url"`
}

func insertPhoto(ctx context.Context, tx *sql.Tx, p *Photo, sha string, data []byte, by int64) error {
	return tx.QueryRowContext(ctx, `INSERT INTO portal_photos (org_id, content_type, size_bytes, sha256, caption, data,
		uploaded_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id`,
		p.OrgID, p.ContentType, p.Size, sha, p.Caption, data, by, p.CreatedAt).Scan(&p.ID)
}

// maxPhotos bounds an organization's photos.
const maxPhotos = 12

func listPhotos(ctx context.Context, q db.Querier, orgID int64) ([]Photo, error) {
	return db.List(ctx, q, "portal: photos", func(r interface{ Scan(...any) error }) (*Photo, error) {
		var p Photo
		err := r.Scan(&p.ID, &p.OrgID, &p.ContentType, &p.Size, &p.Caption, &p.CreatedAt)
		p.URL = fmt.Sprintf("/p/orgs/%d/photos/%d", p.OrgID, p.ID)
		return &p, err
	}, `SELECT id, org_id, content_type, size_bytes, caption, created_at FROM portal_photos
		WHERE org_id = $1 ORDER BY id LIMIT `+strconv.Itoa(maxPhotos), orgID)
}

func photoData(ctx context.Context, q db.Querier, orgID, id int64) (string, []byte, error) {
	var ct string
	var data []byte
	err := q.QueryRowContext(ctx, `SELECT content_type, data FROM portal_photos WHERE org_id = $1 AND id = $2`, orgID, id).Scan(&ct, &data)
	return ct, data, db.Optional(err, "portal: photo")
}

func deletePhoto(ctx context.Context, tx *sql.Tx, orgID, id int64) (bool, error) {
	res, err := tx.ExecContext(ctx, `DELETE FROM portal_photos WHERE org_id = $1 AND id = $2`, orgID, id)
	if err != nil {
		return false, fmt.Errorf("portal: delete photo: %w", err)
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

// Activity is an activity as the public sees it: what, when, where, who
// hosts it. No participant, volunteer or write-up.
type Activity struct {
	ID       int64     `json:"id"`
	Title    string    `json:"title"`
	Theme    string    `json:"theme"`
	Kind     string    `json:"kind"`
	StartsAt time.Time `json:"starts_at"`
	EndsAt   time.Time `json:"ends_at"`
	Day      string    `json:"day"`
	Place    string    `json:"community_code"`
	Address  string    `json:"address"`
	OrgID    int64     `json:"org_id"`
	OrgName  string    `json:"org_name"`
}

// publishesActivities is the portal's rule for the activity room's public reads: a
// host shows its activities when it publishes them.
func publishesActivities(orgID string) string {
	return `EXISTS (SELECT 1 FROM portal_publications pp WHERE pp.org_id = ` + orgID + ` AND pp.activities = 1)`
}

func listed(xs []activity.Listed) []Activity {
	out := make([]Activity, len(xs))
	for i, a := range xs {
		out[i] = Activity{ID: a.ID, Title: a.Title, Theme: a.Theme, Kind: a.Kind, StartsAt: a.StartsAt, EndsAt: a.EndsAt, Day: a.Day,
			Place: a.Community, Address: a.Address, OrgID: a.OrgID, OrgName: a.OrgName}
	}
	return out
}

// publicActivities lists a page of public activities (the activity room's
// named read, with the portal's publication rule) and counts them.
func publicActivities(ctx context.Context, q db.Querier, f activity.PublicFilter) ([]Activity, int, error) {
	f.Hosts = publishesActivities
	xs, total, err := activity.PublicList(ctx, q, f)
	if err != nil {
		return nil, 0, fmt.Errorf("portal: %w", err)
	}
	return listed(xs), total, nil
}

// activityDays counts public activities per day over a period.
func activityDays(ctx context.Context, q db.Querier, within string, districts []string, from, to string) (map[string]int, error) {
	return activity.PublicDays(ctx, q, activity.PublicFilter{Within: within, Districts: districts, From: from, To: to, Hosts: publishesActivities})
}

// orgActivities lists an organization's latest activities.
func orgActivities(ctx context.Context, q db.Querier, orgID int64, limit int) ([]Activity, error) {
	xs, err := activity.OrgLatest(ctx, q, orgID, limit)
	if err != nil {
		return nil, fmt.Errorf("portal: %w", err)
	}
	return listed(xs), nil
}
