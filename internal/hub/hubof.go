package hub

import (
	"context"

	"linli/internal/platform/db"
)

// HubOf names the hub an organization is an active custody member of (its
// hub, a public fact of the registry on the portal): id 0 when none.
// A named read of hub_members for other rooms.
func HubOf(ctx context.Context, q db.Querier, orgID int64) (int64, string, error) {
	var id int64
	var name string
	err := q.QueryRowContext(ctx, `SELECT o.id, o.name FROM hub_members m JOIN orgs o ON o.id = m.hub_org_id
		WHERE m.org_id = $1 AND m.status = $2 ORDER BY m.id DESC LIMIT 1`, orgID, MemberActive).Scan(&id, &name)
	return id, name, db.Optional(err, "hub: hub of")
}
