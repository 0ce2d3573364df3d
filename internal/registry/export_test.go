package registry

import (
	"context"
	"net/url"
	"strings"

	"linli/internal/orgroll"
	"linli/internal/platform/errs"

	"linli/internal/platform/auth"
)

// SearchSQLForTest returns the page query of a search and its arguments, for
// benchmarks that explain its plan.
func SearchSQLForTest(s *Service, u *auth.User, q string) (string, []any) {
	f := Filter{Q: q, PerPage: 20, Page: 1}
	_ = s.searchScope(context.Background(), u, &f)
	w, args := where(s.DB.Dialect, u, &f)
	order, args := searchOrder(strings.TrimSpace(q), args)
	args = append(args, 20, 0)
	return `SELECT ` + orgColumns + `, m.total FROM (SELECT o.id, COUNT(*) OVER () AS total FROM orgs o WHERE ` + w +
		` ORDER BY ` + order + ` LIMIT ` + ph(len(args)-1) + ` OFFSET ` + ph(len(args)) + `) m JOIN orgs o ON o.id = m.id ORDER BY ` + order, args
}

// SetScanLimitForTest sets the list size below which searches scan rather
// than use the full-text index, until the test ends.
func SetScanLimitForTest(t interface{ Cleanup(func()) }, n int) { setForTest(t, &scanLimit, n) }

// SetSearchCountCapForTest sets how far a search counts its matches,
// until the test ends.
func SetSearchCountCapForTest(t interface{ Cleanup(func()) }, n int) {
	setForTest(t, &searchCountCap, n)
}

// FilterFromQueryForTest reads list filters from a query string as the
// handlers do.
func FilterFromQueryForTest(q url.Values) (Filter, errs.Fields) { return filterFromQuery(q) }

// SetMaxRankedDepthForTest sets how deep a relevance-ranked page may lie,
// until the test ends.
func SetMaxRankedDepthForTest(t interface{ Cleanup(func()) }, n int) {
	setForTest(t, &maxRankedDepth, n)
}

// SetWalkPerRowForTest sets how many documents per needed row a search
// walks in id order before the index answers, until the test ends.
func SetWalkPerRowForTest(t interface{ Cleanup(func()) }, n int) { setForTest(t, &walkPerRow, n) }

// setForTest sets *p to v until the test ends.
func setForTest[T any](t interface{ Cleanup(func()) }, p *T, v T) {
	old := *p
	*p = v
	t.Cleanup(func() { *p = old })
}

// ListBuildsForTest is how many list pages s made for its list cache.
func ListBuildsForTest(s *Service) int64 { return s.listBuilds.Load() }

// SearchIndexBuildsForTest is how many district search indexes s read.
func SearchIndexBuildsForTest(s *Service) int64 { return s.placeBuilds.Load() }

// MovedRetriesForTest is how many writes s ran again because an
// organization moved meanwhile (orgroll.ErrMoved).
func MovedRetriesForTest(s *Service) int64 { return s.moved.Again() }

// ImportLockedForTest is the change counters an import holds.
func ImportLockedForTest(im *Import) orgroll.Locked { return im.locked }

// ListRowsScannedForTest is how many PostgreSQL list rows were read through
// pgx's Scan instead of their raw values (listRowsScanned).
func ListRowsScannedForTest() int64 { return listRowsScanned.Load() }
