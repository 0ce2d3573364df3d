package demo

import (
	"context"
	"fmt"
	"time"

	"linli/internal/platform/db"
)

// portalDemo sets what the demonstration's organizations publish on the
// public portal (信息公开, migration 021): every active organization its
// activities, one in three a description and how to take part, one in ten
// a public contact (its leader). One statement, so the demo stays cheap.
func portalDemo(ctx context.Context, d *db.DB, now time.Time) error {
	_, err := d.Write.ExecContext(ctx, `INSERT INTO portal_publications (org_id, activities, about, description, how_to_join,
		contact, contact_name, contact_phone, updated_at, version)
		SELECT id, 1,
			CASE WHEN id % 3 = 0 THEN 1 ELSE 0 END,
			CASE WHEN id % 3 = 0 THEN name || '扎根社区，为居民提供日常服务和活动，欢迎邻里参与。' ELSE '' END,
			CASE WHEN id % 3 = 0 THEN '每月活动前在社区公告栏和居民群发布通知，到社区居委会报名即可。' ELSE '' END,
			CASE WHEN id % 10 = 0 THEN 1 ELSE 0 END,
			CASE WHEN id % 10 = 0 THEN leader_name ELSE '' END,
			CASE WHEN id % 10 = 0 THEN leader_phone ELSE '' END,
			$1, 1
		FROM orgs WHERE status = $2`, now.UTC(), "active")
	if err != nil {
		return fmt.Errorf("demo: portal publications: %w", err)
	}
	return nil
}
