// Package errstest checks the errors the rooms answer, for their tests.
package errstest

import (
	"testing"

	"linli/internal/platform/errs"
)

// Want fails t unless err is an errs.Error of code whose message, or one
// of whose field messages, has key (any message when key is "").
func Want(t testing.TB, err error, code, key string) {
	t.Helper()
	e, ok := errs.As(err)
	if !ok || e.Code != code {
		t.Fatalf("got %v, want %s", err, code)
	}
	if key == "" || e.Message.Key == key {
		return
	}
	for _, m := range e.Fields {
		if m.Key == key {
			return
		}
	}
	t.Fatalf("got %v, want %s", err, key)
}
