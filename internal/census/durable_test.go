package census_test

import (
	"context"
	"testing"
	"time"

	"linli/internal/census"
	"linli/internal/platform/db"
	"linli/internal/platform/db/dbtest"
	"linli/internal/platform/i18n"
)

// replicas are two instances of the census over one database (a
// PostgreSQL schema or a SQLite file), each with its own pools and its own
// job runner, as two processes behind a load balancer.
type replicas struct {
	*fixture
	a, b *census.Jobs
	dbB  *db.DB
}

func twoReplicas(t *testing.T) *replicas {
	t.Helper()
	url := dbtest.URL(t)
	open := func() *db.DB {
		d, err := db.Open(context.Background(), url)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { d.Close() })
		return d
	}
	dA := open()
	if _, err := dA.Migrate(context.Background()); err != nil {
		t.Fatal(err)
	}
	f := setupOn(t, dA)
	dB := open()
	svcB := &census.Service{DB: dB, Registry: f.reg, Geo: f.census.Geo, Cat: f.cat, Now: f.census.Now}
	r := &replicas{fixture: f, a: census.NewJobs(f.census, nil), b: census.NewJobs(svcB, nil), dbB: dB}
	r.a.Owner, r.b.Owner = "replica-a", "replica-b"
	t.Cleanup(func() { r.a.Wait(); r.b.Wait() })
	return r
}

func (r *replicas) jobRow(t *testing.T, id string) (status, owner string, attempts int) {
	t.Helper()
	if err := r.db.Read.QueryRow(`SELECT status, owner, attempts FROM census_jobs WHERE id = $1`, id).Scan(&status, &owner, &attempts); err != nil {
		t.Fatal(err)
	}
	return
}

// expire makes a job look as a killed replica leaves it: running, its
// lease run out, nothing committed.
func (r *replicas) expire(t *testing.T, id string, attempts int) {
	t.Helper()
	if _, err := r.db.Write.Exec(`UPDATE census_jobs SET status = 'running', owner = 'killed-replica', attempts = $1, lease_ms = 1
		WHERE id = $2`, attempts, id); err != nil {
		t.Fatal(err)
	}
}

// An import started on replica A is followed to its end on replica B, with
// its progress and report, and is still there for a replica started later.
func TestJobStartedOnOneReplicaIsFollowedOnAnother(t *testing.T) {
	r := twoReplicas(t)
	const n = 1500
	path := bigCSV(t, n, nil)
	id, err := r.a.RecordForTest(r.ctx, r.tianhe, path, "big.csv", false, 0)
	if err != nil {
		t.Fatal(err)
	}
	// B sees the job A recorded before any replica runs it
	j, err := r.b.Get(r.ctx, r.tianhe, id)
	if err != nil || j.Status != census.JobQueued || j.FileName != "big.csv" || j.Done() {
		t.Fatalf("queued job seen from B: %+v %v", j, err)
	}
	if _, err := r.b.Get(r.ctx, r.street, id); err == nil {
		t.Error("another user sees the job")
	}
	if ok, err := r.a.ClaimForTest(r.ctx, id); !ok || err != nil {
		t.Fatalf("A claims: %v %v", ok, err)
	}
	if ok, _ := r.b.ClaimForTest(r.ctx, id); ok {
		t.Fatal("B claimed a job A holds a live lease on")
	}
	j, _ = r.b.Get(r.ctx, r.tianhe, id)
	if j.Status != census.JobRunning || j.Owner != "replica-a" || j.Done() {
		t.Fatalf("running job seen from B: %+v", j)
	}
	r.a.RunForTest(r.ctx, id)
	j, err = r.b.Get(r.ctx, r.tianhe, id)
	if err != nil || j.Status != census.JobDone || j.Rows != n || j.Report == nil || !j.Report.Committed || j.Report.Created != n {
		t.Fatalf("finished job seen from B: %+v %v", j, err)
	}
	if got := count(t, r.fixture, "orgs"); got != n {
		t.Errorf("%d organizations, want %d", got, n)
	}
	if got := count(t, r.fixture, "census_job_files"); got != 0 {
		t.Errorf("%d upload chunks kept after a clean import", got)
	}
	// a replica started afterwards (a restart) finds it too, and the
	// recovery pass leaves a finished job alone
	c := census.NewJobs(&census.Service{DB: r.dbB, Registry: r.reg, Geo: r.census.Geo, Cat: r.cat, Now: r.census.Now}, nil)
	if took, err := c.Recover(r.ctx); err != nil || took != 0 {
		t.Fatalf("recover after the end took %d jobs: %v", took, err)
	}
	if j2, err := c.Get(r.ctx, r.tianhe, id); err != nil || j2.Report.Created != n {
		t.Fatalf("after a restart: %+v %v", j2, err)
	}
	verifyAudit(t, r.fixture)
}

// A rejected file's report, messages and marked file come from any
// replica: B writes the marked file of a job A ran.
func TestRejectedJobReportOnAnotherReplica(t *testing.T) {
	r := twoReplicas(t)
	path := bigCSV(t, 30, func(i int, cells []string) {
		if i == 17 {
			cells[2] = "galaxy"
		}
	})
	id, err := r.a.RecordForTest(r.ctx, r.tianhe, path, "bad.csv", false, 0)
	if err != nil {
		t.Fatal(err)
	}
	if ok, err := r.a.ClaimForTest(r.ctx, id); !ok || err != nil {
		t.Fatal(ok, err)
	}
	r.a.RunForTest(r.ctx, id)
	j, err := r.b.Get(r.ctx, r.tianhe, id)
	if err != nil || j.Status != census.JobDone || j.Report == nil || j.Report.Committed || j.Report.ErrorCount != 1 {
		t.Fatalf("rejected job from B: %+v %v", j, err)
	}
	if got := count(t, r.fixture, "orgs"); got != 0 {
		t.Errorf("a rejected file wrote %d organizations", got)
	}
	j.Report.Translate(r.cat, i18n.ZH)
	if e := j.Report.Errors[0]; e.Row != 19 || e.Message == "" || e.Message == e.Msg.Key {
		t.Errorf("error from B: %+v", e)
	}
	var buf countingBuffer
	if err := r.b.Annotated(r.ctx, j, i18n.ZH, &buf); err != nil || buf.n == 0 {
		t.Fatalf("marked file from B: %d bytes, %v", buf.n, err)
	}
}

type countingBuffer struct{ n int }

func (c *countingBuffer) Write(p []byte) (int, error) { c.n += len(p); return len(p), nil }

// A replica killed mid-import leaves its job running with a lease that
// runs out and nothing committed (the import is one transaction). The next
// recovery pass runs it once more, writing every row once; a job killed
// as often as MaxAttempts is failed instead, with nothing written.
func TestJobOfAKilledReplicaIsResumedOrFailed(t *testing.T) {
	r := twoReplicas(t)
	const n = 700
	resumed, err := r.a.RecordForTest(r.ctx, r.tianhe, bigCSV(t, n, nil), "resumed.csv", false, 0)
	if err != nil {
		t.Fatal(err)
	}
	r.expire(t, resumed, 1)
	took, err := r.b.Recover(r.ctx)
	if err != nil || took != 1 {
		t.Fatalf("recover took %d: %v", took, err)
	}
	r.b.Wait()
	if st, owner, attempts := r.jobRow(t, resumed); st != census.JobDone || owner != "replica-b" || attempts != 2 {
		t.Fatalf("resumed job: %s by %s after %d attempts", st, owner, attempts)
	}
	if got := count(t, r.fixture, "orgs"); got != n {
		t.Fatalf("%d organizations after the resumed import, want %d", got, n)
	}
	if took, _ := r.a.Recover(r.ctx); took != 0 {
		t.Errorf("a finished job was taken again (%d)", took)
	}

	failed, err := r.a.RecordForTest(r.ctx, r.tianhe, bigCSV(t, 40, func(i int, cells []string) {
		cells[0] = "另一批" + cells[0]
		cells[7] = "139" + cells[7][3:]
	}), "failed.csv", false, 0)
	if err != nil {
		t.Fatal(err)
	}
	r.expire(t, failed, 2)
	if took, err := r.b.Recover(r.ctx); err != nil || took != 0 {
		t.Fatalf("a job out of attempts was run (%d): %v", took, err)
	}
	j, err := r.a.Get(r.ctx, r.tianhe, failed)
	if err != nil || j.Status != census.JobFailed || j.Err == nil || j.Err.Key != "census.err.job_interrupted" || !j.Done() {
		t.Fatalf("interrupted job: %+v %v", j, err)
	}
	if got := count(t, r.fixture, "orgs"); got != n {
		t.Errorf("%d organizations, want %d: the failed job wrote rows", got, n)
	}
	var chunks int
	r.db.Read.QueryRow(`SELECT COUNT(*) FROM census_job_files WHERE job_id = $1`, failed).Scan(&chunks)
	if chunks != 0 {
		t.Errorf("the failed job's upload is kept (%d chunks)", chunks)
	}
	verifyAudit(t, r.fixture)
}

// A replica that lost its lease (paused past it, while another took the
// job over and finished it) cannot commit the same import a second time:
// its outcome is written only while the lease is its own, in the import's
// transaction, so its rows roll back.
func TestReplicaThatLostItsLeaseWritesNothing(t *testing.T) {
	r := twoReplicas(t)
	const n = 120
	id, err := r.a.RecordForTest(r.ctx, r.tianhe, bigCSV(t, n, nil), "twice.csv", false, 0)
	if err != nil {
		t.Fatal(err)
	}
	if ok, err := r.a.ClaimForTest(r.ctx, id); !ok || err != nil {
		t.Fatal(ok, err)
	}
	if _, err := r.db.Write.Exec(`UPDATE census_jobs SET lease_ms = 1 WHERE id = $1`, id); err != nil {
		t.Fatal(err)
	}
	if took, err := r.b.Recover(r.ctx); err != nil || took != 1 {
		t.Fatalf("B took over %d: %v", took, err)
	}
	r.b.Wait()
	audits := count(t, r.fixture, "audit_log")
	history := count(t, r.fixture, "org_history")
	r.a.RunForTest(r.ctx, id) // A wakes up and runs the job it claimed
	if st, owner, _ := r.jobRow(t, id); st != census.JobDone || owner != "replica-b" {
		t.Errorf("job %s by %s", st, owner)
	}
	if got := count(t, r.fixture, "orgs"); got != n {
		t.Errorf("%d organizations, want %d", got, n)
	}
	if a, h := count(t, r.fixture, "audit_log"), count(t, r.fixture, "org_history"); a != audits || h != history {
		t.Errorf("the replica without the lease wrote: audit %d → %d, history %d → %d", audits, a, history, h)
	}
}

// Start (what the upload pages call) runs the job on the replica that
// received the file, and deletes the temporary file.
func TestStartRunsInTheBackground(t *testing.T) {
	r := twoReplicas(t)
	r.a.Lease = 200 * time.Millisecond // heartbeats during the run
	id, err := r.a.StartFileForTest(r.ctx, r.tianhe, bigCSV(t, 50, nil), "bg.csv")
	if err != nil {
		t.Fatal(err)
	}
	r.a.Wait()
	j, err := r.b.Get(r.ctx, r.tianhe, id)
	if err != nil || j.Status != census.JobDone || j.Report.Created != 50 {
		t.Fatalf("%+v %v", j, err)
	}
}
