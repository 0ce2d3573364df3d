package demo

import (
	"context"
	"fmt"
	"time"

	"linli/internal/geo"
	"linli/internal/platform/auth"
	"linli/internal/platform/db"
	"linli/internal/portal"
	"linli/internal/registry"
)

// portalDemo sets what the demonstration's organizations publish on the
// public portal (信息公开, migration 021): every active organization its
// activities, one in three a description and how to take part, one in ten
// a public contact (its leader). Each community's committee sets them for
// its organizations through the portal's own batch writer, so every
// setting has its audit row, exactly as one set on the page.
func portalDemo(ctx context.Context, d *db.DB, st *geo.Store, reg *registry.Service, now time.Time) error {
	svc := &portal.Service{DB: d, Geo: st, Orgs: reg, Now: func() time.Time { return now }}
	rows, err := d.Read.QueryContext(ctx, `SELECT id, community_code FROM orgs WHERE status = $1 ORDER BY community_code, id`, "active")
	if err != nil {
		return fmt.Errorf("demo: portal publications: %w", err)
	}
	var order []string
	byComm := map[string][]int64{}
	if err := db.EachPair(rows, func(id int64, c string) {
		if byComm[c] == nil {
			order = append(order, c)
		}
		byComm[c] = append(byComm[c], id)
	}); err != nil {
		return err
	}
	for _, c := range order {
		committee := &auth.User{Username: "demo", DisplayName: "社区居委会（演示数据）", Role: auth.CommunityCommittee, ScopeCode: c}
		list := make([]portal.Settings, 0, len(byComm[c]))
		for _, id := range byComm[c] {
			s := portal.Settings{OrgID: id, Activities: true}
			if id%3 == 0 || id%10 == 0 {
				o, err := reg.Lookup(ctx, id)
				if err != nil {
					return fmt.Errorf("demo: portal publications: %w", err)
				}
				if id%3 == 0 {
					s.About, s.Description = true, o.Name+"扎根社区，为居民提供日常服务和活动，欢迎邻里参与。"
					s.HowToJoin = "每月活动前在社区公告栏和居民群发布通知，到社区居委会报名即可。"
				}
				if id%10 == 0 {
					s.Contact, s.ContactName, s.ContactPhone = true, o.LeaderName, o.LeaderPhone
				}
			}
			list = append(list, s)
		}
		if err := svc.PutSettingsMany(ctx, committee, list); err != nil {
			return fmt.Errorf("demo: portal publications of %s: %w", c, err)
		}
	}
	return nil
}
