package errstest

import (
	"runtime"
	"testing"

	"linli/internal/platform/errs"
)

type recorder struct {
	testing.TB
	failed bool
}

func (r *recorder) Helper() {}

// Fatalf ends the goroutine, as testing's does.
func (r *recorder) Fatalf(string, ...any) {
	r.failed = true
	runtime.Goexit()
}

func TestWant(t *testing.T) {
	field := &errs.Error{Code: errs.Invalid, Message: errs.M("err.invalid_input"), Fields: errs.Fields{"name": errs.M("err.required")}}
	for _, c := range []struct {
		err       error
		code, key string
		fail      bool
	}{
		{errs.Missing(), errs.NotFound, "", false},
		{errs.Missing(), errs.NotFound, "err.not_found", false},
		{field, errs.Invalid, "err.required", false},
		{field, errs.Invalid, "err.too_long", true},
		{errs.E(errs.Forbidden, "err.forbidden"), errs.NotFound, "", true},
		{nil, errs.NotFound, "", true},
	} {
		r := &recorder{TB: t}
		done := make(chan struct{})
		go func() {
			defer close(done)
			Want(r, c.err, c.code, c.key)
		}()
		<-done
		if r.failed != c.fail {
			t.Errorf("Want(%v, %s, %s): failed %v", c.err, c.code, c.key, r.failed)
		}
	}
}
