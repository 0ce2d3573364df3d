package demo

import (
	"context"
	"testing"
	"time"
)

func TestZZProf(t *testing.T) {
	e := newEnv(t)
	res, err := Load(context.Background(), e.db, e.geo, e.reg, e.users, time.Now(), 1)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("%v %+v", res.Elapsed, *res.Support)
}
