package app_test

import (
	"os"
	"regexp"
	"runtime"
	"strconv"
	"testing"
)

// TestToolchainIsCurrent reproduces issue 18's failure 10: the binaries
// were built with go1.26.8, whose standard library has 13 vulnerabilities
// govulncheck finds reachable. go.mod names the current toolchain and the
// tests run under it (GOTOOLCHAIN=go1.27.3, as .ci/run and the README set
// it); .ci/run's govulncheck step fails on a reachable finding.
func TestToolchainIsCurrent(t *testing.T) {
	const want = "1.27.3"
	mod, err := os.ReadFile("../../go.mod")
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`(?m)^go (\S+)$`).FindSubmatch(mod)
	if m == nil || older(string(m[1]), want) {
		t.Errorf("go.mod names go %s, want at least %s", m, want)
	}
	v := regexp.MustCompile(`^go(\d+\.\d+(?:\.\d+)?)`).FindStringSubmatch(runtime.Version())
	if v == nil || older(v[1], want) {
		t.Errorf("built with %s, want go%s or later (export GOTOOLCHAIN=go%s)", runtime.Version(), want, want)
	}
}

// older compares dotted versions numerically.
func older(a, b string) bool {
	pa, pb := regexp.MustCompile(`\d+`).FindAllString(a, -1), regexp.MustCompile(`\d+`).FindAllString(b, -1)
	for i := 0; i < max(len(pa), len(pb)); i++ {
		x, y := 0, 0
		if i < len(pa) {
			x, _ = strconv.Atoi(pa[i])
		}
		if i < len(pb) {
			y, _ = strconv.Atoi(pb[i])
		}
		if x != y {
			return x < y
		}
	}
	return false
}
