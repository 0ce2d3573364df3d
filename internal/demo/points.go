package demo

import (
	"context"
	"fmt"
	"time"

	"linli/internal/geo"
	"linli/internal/platform/auth"
	"linli/internal/platform/clock"
	"linli/internal/platform/db"
	"linli/internal/points"
	"linli/internal/registry"
)

// demoPoints records the demonstration points as a district starting on
// linli today would: each organization the plan made a point for a year is
// entered now, effective on its approval day in that year, with the late
// entry's reason (补录). The Baiyun provincial pilot (白云区
// 全省社区社会组织示范点试点单位) is recorded the same way. All fictional.
func demoPoints(ctx context.Context, d *db.DB, st *geo.Store, reg *registry.Service, admin *auth.User,
	plans []*planned, now time.Time) error {
	svc := &points.Service{DB: d, Geo: st, Orgs: reg, Now: func() time.Time { return now }}
	today := clock.Day(now)
	add := func(in points.Input) error {
		if in.ApprovedOn > today {
			return nil
		}
		in.LateReason = "按区民政局2021—2023年纸质台账补录（示例数据）"
		if _, err := svc.Create(ctx, admin, in); err != nil {
			return fmt.Errorf("demo: demonstration point %s %d: %w", in.DistrictCode, in.Year, err)
		}
		return nil
	}
	if err := add(points.Input{Kind: points.KindProvincialPilot, DistrictCode: "440111", Year: 2022,
		Reason: "白云区获省民政厅确定为全省社区社会组织示范点试点单位（示例数据）", ApprovedOn: "2022-04-18"}); err != nil {
		return err
	}
	for _, o := range plans {
		y := o.in.DemonstrationYear
		if y == 0 || o.id == 0 || o.final != registry.StatusActive {
			continue
		}
		on := fmt.Sprintf("%d-%02d-%02d", y, 3+int(o.id%9), 1+int(o.id%27))
		if err := add(points.Input{DistrictCode: o.district, Year: y, OrgID: o.id,
			Reason: "议事协商、邻里互助成效明显，经区民政局评审认定（示例数据）", ApprovedOn: on}); err != nil {
			return err
		}
	}
	return nil
}
