//go:build !unix

package kpi_test

import "time"

// cpuNow is not measured here (see cpu_unix_test.go).
func cpuNow() time.Duration { return 0 }
