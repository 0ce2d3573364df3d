package demo

import (
	"context"
	"fmt"
	"time"

	"linli/internal/geo"
	"linli/internal/kpi"
	"linli/internal/platform/auth"
	"linli/internal/platform/db"
)

// pilotPlan is which of the five districts the plan asks for rural pilots
// have picked theirs, and when: 黄埔 two, 从化 and 增城 one each, 花都 and
// 南沙 none yet, so the rural_pilots indicator has districts on target and
// districts behind.
var pilotPlan = []struct {
	district string
	on       []time.Time
}{
	{"440112", []time.Time{day(2022, 3, 15), day(2022, 9, 1)}},
	{"440117", []time.Time{day(2022, 5, 20)}},
	{"440118", []time.Time{day(2023, 2, 10)}},
}

// pilots designates the demonstration's rural pilot communities through the
// indicators service, on their dates.
func pilots(ctx context.Context, d *db.DB, st *geo.Store, admin *auth.User, now time.Time, seed int64) error {
	r := newRand(seed + 2)
	for _, p := range pilotPlan {
		villages, err := ruralCommunities(ctx, st, p.district)
		if err != nil {
			return err
		}
		perm := r.Perm(len(villages))
		for i, on := range p.on {
			if i >= len(villages) || on.After(now) {
				continue
			}
			svc := &kpi.Service{DB: d, Geo: st, Now: func() time.Time { return on }}
			if _, err := svc.Designate(ctx, admin, kpi.PilotInput{CommunityCode: villages[perm[i]],
				DesignatedOn: on.Format(time.DateOnly), Note: "基础较好的农村社区，开展农村社区社会组织培育发展试点"}); err != nil {
				return fmt.Errorf("demo: pilot in %s: %w", p.district, err)
			}
		}
	}
	return nil
}

// ruralCommunities lists a district's villages (村委会), in code order.
func ruralCommunities(ctx context.Context, st *geo.Store, district string) ([]string, error) {
	streets, err := st.Children(ctx, district)
	if err != nil {
		return nil, err
	}
	var out []string
	for _, s := range streets {
		comms, err := st.Children(ctx, s.Code)
		if err != nil {
			return nil, err
		}
		for _, c := range comms {
			if geo.KindOf(c.Code) == geo.Rural {
				out = append(out, c.Code)
			}
		}
	}
	return out, nil
}
