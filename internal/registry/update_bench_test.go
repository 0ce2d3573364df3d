package registry_test

import (
	"testing"

	"linli/internal/registry"
)

// BenchmarkUpdate saves one organization's form again and again, a field
// changed each time: a single edit's transaction (the row, its search
// document, history, rollup, change counters and audit row).
//
//	go test -run '^$' -bench Update ./internal/registry/
func BenchmarkUpdate(b *testing.B) {
	f := setup(b)
	o := f.create(b, f.admin, input("长者舞蹈队", yulei))
	in := registry.InputOf(o)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		in.Members = 21 + i%2
		if _, err := f.reg.Update(f.ctx, f.admin, o.ID, in); err != nil {
			b.Fatal(err)
		}
	}
}
