package registry_test

import (
	"testing"

	"linli/internal/platform/db"
	"linli/internal/registry"
)

// BenchmarkSearchRow is the client's cost of a search document's row:
// PostgreSQL's with its two vectors (migration 058), SQLite's without.
func BenchmarkSearchRow(b *testing.B) {
	names := []string{"猎德社区街坊互助队", "育蕾社区长者关爱服务队", "天河南社区志愿服务队第2分队"}
	for i := 0; i < b.N; i++ {
		registry.SearchRow(db.Postgres, int64(i), names[i%len(names)], "440106")
	}
}

func BenchmarkSearchRowSQLite(b *testing.B) {
	names := []string{"猎德社区街坊互助队", "育蕾社区长者关爱服务队", "天河南社区志愿服务队第2分队"}
	for i := 0; i < b.N; i++ {
		registry.SearchRow(db.SQLite, int64(i), names[i%len(names)], "440106")
	}
}
