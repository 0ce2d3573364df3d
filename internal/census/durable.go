package census

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"linli/internal/platform/auth"
	"linli/internal/platform/clock"
	"linli/internal/platform/db"
	"linli/internal/platform/errs"
)

// Job states.
const (
	JobQueued  = "queued"
	JobRunning = "running"
	JobDone    = "done"
	JobFailed  = "failed"
)

// Jobs runs census imports in the background and keeps every job, its
// upload, its progress and its report in the database (census_jobs,
// census_job_files), so any replica shows any job, before and after a
// restart. A replica claims a job with a lease (owner, heartbeat, expiry)
// that it renews while it runs; the import and the job's "done" commit in
// one transaction, conditional on the lease still being this replica's, so
// an import is written once or not at all. A job whose lease ran out
// unfinished (its replica died) is run again by Recover, or failed once it
// has been tried MaxAttempts times.
type Jobs struct {
	Svc *Service
	// Owner names this replica in leases (NewJobs: host, process, random).
	Owner string
	// Lease is how long a claim holds without a heartbeat (default 1 min).
	Lease time.Duration
	// MaxAttempts bounds the runs of one job (default 2: one resumption).
	MaxAttempts int
	// Clock is the wall clock of leases (default time.Now).
	Clock func() time.Time
	Log   *slog.Logger

	mu   sync.Mutex
	live map[string]*atomic.Int64 // rows read by the jobs running here
	wg   sync.WaitGroup
}

// NewJobs returns the job runner of one replica.
func NewJobs(svc *Service, log *slog.Logger) *Jobs {
	host, _ := os.Hostname()
	return &Jobs{Svc: svc, Owner: fmt.Sprintf("%s-%d-%s", host, os.Getpid(), randomID(4)), Log: log}
}

func randomID(n int) string {
	b := make([]byte, n)
	rand.Read(b)
	return hex.EncodeToString(b)
}

func (js *Jobs) nowMS() int64 {
	if js.Clock != nil {
		return js.Clock().UnixMilli()
	}
	return time.Now().UnixMilli()
}

func (js *Jobs) lease() time.Duration {
	if js.Lease > 0 {
		return js.Lease
	}
	return time.Minute
}

func (js *Jobs) maxAttempts() int {
	if js.MaxAttempts > 0 {
		return js.MaxAttempts
	}
	return 2
}

func (js *Jobs) log() *slog.Logger {
	if js.Log != nil {
		return js.Log
	}
	return slog.Default()
}

// Job is a census import as every replica sees it.
type Job struct {
	ID       string
	UserID   int64
	RoundID  int64
	FileName string
	DryRun   bool
	Status   string
	Owner    string
	Attempts int
	// Rows is the number of data rows read so far.
	Rows int64
	// Report is the answer, once done; Err the failure, once failed.
	Report *Report
	Err    *errs.Msg
}

// Done reports whether the job has ended, well or not.
func (j *Job) Done() bool { return j.Status == JobDone || j.Status == JobFailed }

// jobChunk is the size of one stored piece of an upload.
const jobChunk = 1 << 20

// jobTTL is how long an ended job (and a kept upload) is shown.
const jobTTL = 24 * time.Hour

// Start records an import (into a round when roundID is set) with its
// upload, and runs it in the background on this replica. The temporary
// file is removed: the database holds the upload now.
func (js *Jobs) Start(ctx context.Context, u *auth.User, up *upload, roundID int64) (string, error) {
	defer up.remove()
	id, err := js.record(ctx, u, up, roundID)
	if err != nil {
		return "", err
	}
	js.spawn(id)
	return id, nil
}

// record stores a job and its upload, queued.
func (js *Jobs) record(ctx context.Context, u *auth.User, up *upload, roundID int64) (string, error) {
	id := randomID(12)
	uj, err := json.Marshal(u)
	if err != nil {
		return "", err
	}
	f, err := os.Open(up.Path)
	if err != nil {
		return "", fmt.Errorf("census job: %w", err)
	}
	defer f.Close()
	err = js.Svc.DB.Tx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `INSERT INTO census_jobs (id, user_id, user_json, round_id, file_name, dry_run, status, created_ms)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`, id, u.ID, string(uj), roundID, up.Name, db.BoolInt(up.DryRun), JobQueued, js.nowMS()); err != nil {
			return fmt.Errorf("census job: %w", err)
		}
		buf := make([]byte, jobChunk)
		for seq := 0; ; seq++ {
			n, err := io.ReadFull(f, buf)
			if n > 0 {
				if _, err := tx.ExecContext(ctx, `INSERT INTO census_job_files (job_id, seq, data) VALUES ($1, $2, $3)`, id, seq, buf[:n]); err != nil {
					return fmt.Errorf("census job upload: %w", err)
				}
			}
			if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
				return nil
			}
			if err != nil {
				return fmt.Errorf("census job upload: %w", err)
			}
		}
	})
	if err != nil {
		return "", err
	}
	return id, nil
}

// spawn claims and runs a job on its own goroutine, detached from the
// request that started it.
func (js *Jobs) spawn(id string) {
	js.wg.Add(1)
	go func() {
		defer js.wg.Done()
		ctx := context.Background()
		ok, err := js.claim(ctx, id)
		if err != nil {
			js.log().Error("census job: claim", "job", id, "err", err)
		}
		if ok {
			js.run(ctx, id)
		}
	}()
}

// Wait waits for the jobs this replica runs.
func (js *Jobs) Wait() { js.wg.Wait() }

// claim takes a queued job, or one whose lease ran out, for this replica.
func (js *Jobs) claim(ctx context.Context, id string) (bool, error) {
	now := js.nowMS()
	res, err := js.Svc.DB.Write.ExecContext(ctx, `UPDATE census_jobs SET status = $1, owner = $2, attempts = attempts + 1,
		heartbeat_ms = $3, lease_ms = $4
		WHERE id = $5 AND (status = $6 OR (status = $1 AND lease_ms < $3)) AND attempts < $7`,
		JobRunning, js.Owner, now, now+js.lease().Milliseconds(), id, JobQueued, js.maxAttempts())
	if err != nil {
		return false, fmt.Errorf("census job claim: %w", err)
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

// errLostLease rolls back an import whose job another replica took over.
var errLostLease = errors.New("census job: the lease passed to another replica")

// run imports a claimed job's upload and records the outcome.
func (js *Jobs) run(ctx context.Context, id string) {
	j, u, err := js.load(ctx, id)
	if err != nil {
		js.log().Error("census job: load", "job", id, "err", err)
		return
	}
	rows := &atomic.Int64{}
	js.mu.Lock()
	if js.live == nil {
		js.live = map[string]*atomic.Int64{}
	}
	js.live[id] = rows
	js.mu.Unlock()
	defer func() {
		js.mu.Lock()
		delete(js.live, id)
		js.mu.Unlock()
	}()
	ictx, cancelImport := context.WithCancel(ctx)
	defer cancelImport()
	bctx, stopBeat := context.WithCancel(ctx)
	beating := make(chan struct{})
	go func() {
		defer close(beating)
		js.beat(bctx, id, rows, cancelImport)
	}()
	rep, err := js.execute(ictx, j, u, rows)
	stopBeat()
	<-beating
	switch {
	case errors.Is(err, errLostLease):
		js.log().Warn("census job: another replica took the job over", "job", id)
	case err != nil:
		js.log().Error("census job", "job", id, "err", err)
		msg := errs.M("err.internal")
		if e, ok := errs.As(err); ok {
			msg = e.Message
		}
		err = js.finish(ctx, id, JobFailed, nil, &msg)
	case rep != nil && !rep.Committed:
		err = js.finish(ctx, id, JobDone, rep, nil) // checked only, or rejected: nothing was written
	}
	if err != nil {
		js.log().Error("census job: record the outcome", "job", id, "err", err)
	}
}

// execute runs the import; a committed import records the job as done in
// its own transaction, so the rows and the outcome commit together, and
// only while this replica holds the lease.
func (js *Jobs) execute(ctx context.Context, j *Job, u *auth.User, rows *atomic.Int64) (*Report, error) {
	path, err := js.materialize(ctx, j)
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(filepath.Dir(path))
	opts := Options{DryRun: j.DryRun, Progress: func(n int) { rows.Store(int64(n)) }}
	s := js.Svc
	importFile := func(ctx context.Context) (*Report, error) {
		if j.RoundID != 0 {
			return s.Submit(ctx, u, j.RoundID, path, j.FileName, opts)
		}
		return s.Import(ctx, u, path, j.FileName, opts)
	}
	if j.DryRun {
		return importFile(ctx)
	}
	var rep *Report
	err = s.DB.InTx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		var err error
		if rep, err = importFile(ctx); err != nil {
			return err
		}
		if !rep.Committed {
			return errNotWritten // a rejected file: roll back whatever it wrote before its first bad row
		}
		return js.finishIn(ctx, tx, j.ID, JobDone, rep, nil)
	})
	if errors.Is(err, errNotWritten) {
		return rep, nil
	}
	return rep, err
}

// beat renews the lease and publishes progress until ctx ends; it calls
// lost when the job is no longer this replica's.
func (js *Jobs) beat(ctx context.Context, id string, rows *atomic.Int64, lost func()) {
	clock.Every(ctx, js.lease()/4, func() bool {
		now := js.nowMS()
		res, err := js.Svc.DB.Write.ExecContext(ctx, `UPDATE census_jobs SET heartbeat_ms = $1, lease_ms = $2, rows_read = $3
			WHERE id = $4 AND owner = $5 AND status = $6`, now, now+js.lease().Milliseconds(), rows.Load(), id, js.Owner, JobRunning)
		if err != nil {
			if ctx.Err() == nil {
				js.log().Warn("census job: heartbeat", "job", id, "err", err)
			}
			return true
		}
		if n, _ := res.RowsAffected(); n == 0 {
			lost()
			return false
		}
		return true
	})
}

// storedReport is a report as the database keeps it: with the message
// keys the JSON answer leaves out, and the width of the header row the
// marked file needs.
type storedReport struct {
	Report
	Width int        `json:"width"`
	Msgs  []errs.Msg `json:"msgs"`
}

func encodeReport(rep *Report) (string, error) {
	if rep == nil {
		return "", nil
	}
	st := storedReport{Report: *rep, Width: rep.width, Msgs: make([]errs.Msg, len(rep.Errors))}
	for i, e := range rep.Errors {
		st.Msgs[i] = e.Msg
	}
	b, err := json.Marshal(st)
	return string(b), err
}

func decodeReport(s string) (*Report, error) {
	if s == "" {
		return nil, nil
	}
	var st storedReport
	if err := json.Unmarshal([]byte(s), &st); err != nil {
		return nil, fmt.Errorf("census job report: %w", err)
	}
	rep := st.Report
	rep.width = st.Width
	for i := range rep.Errors {
		if i < len(st.Msgs) {
			rep.Errors[i].Msg = wholeArgs(st.Msgs[i])
		}
	}
	return &rep, nil
}

// wholeArgs gives back the integers JSON turned into float64, for the
// messages' %d.
func wholeArgs(m errs.Msg) errs.Msg {
	for i, a := range m.Args {
		if f, ok := a.(float64); ok && f == math.Trunc(f) && math.Abs(f) < 1<<53 {
			m.Args[i] = int64(f)
		}
	}
	return m
}

// finishIn records the outcome in tx, if the job is still this replica's.
func (js *Jobs) finishIn(ctx context.Context, tx *sql.Tx, id, status string, rep *Report, msg *errs.Msg) error {
	r, err := encodeReport(rep)
	if err != nil {
		return err
	}
	e := ""
	if msg != nil {
		b, err := json.Marshal(msg)
		if err != nil {
			return err
		}
		e = string(b)
	}
	var rows int64
	if rep != nil {
		rows = int64(rep.Rows)
	}
	res, err := tx.ExecContext(ctx, `UPDATE census_jobs SET status = $1, report = $2, error = $3, finished_ms = $4, lease_ms = 0,
		rows_read = CASE WHEN $5 > rows_read THEN $5 ELSE rows_read END
		WHERE id = $6 AND owner = $7 AND status = $8`, status, r, e, js.nowMS(), rows, id, js.Owner, JobRunning)
	if err != nil {
		return fmt.Errorf("census job outcome: %w", err)
	}
	if n, err := res.RowsAffected(); err != nil || n == 0 {
		return errors.Join(errLostLease, err)
	}
	if rep == nil || len(rep.Errors) == 0 {
		// the upload is kept only to be handed back marked
		if _, err := tx.ExecContext(ctx, `DELETE FROM census_job_files WHERE job_id = $1`, id); err != nil {
			return fmt.Errorf("census job upload: %w", err)
		}
	}
	return nil
}

// finish records the outcome of a job that wrote nothing.
func (js *Jobs) finish(ctx context.Context, id, status string, rep *Report, msg *errs.Msg) error {
	err := js.Svc.DB.Tx(ctx, func(tx *sql.Tx) error { return js.finishIn(ctx, tx, id, status, rep, msg) })
	if errors.Is(err, errLostLease) {
		return nil // another replica has it
	}
	return err
}

const jobColumns = `id, user_id, round_id, file_name, dry_run, status, owner, attempts, rows_read, report, error, user_json`

// load reads a job and the account it runs as.
func (js *Jobs) load(ctx context.Context, id string) (*Job, *auth.User, error) {
	var j Job
	var dry int
	var rep, msg, uj string
	err := js.Svc.DB.Read.QueryRowContext(ctx, `SELECT `+jobColumns+` FROM census_jobs WHERE id = $1`, id).Scan(
		&j.ID, &j.UserID, &j.RoundID, &j.FileName, &dry, &j.Status, &j.Owner, &j.Attempts, &j.Rows, &rep, &msg, &uj)
	if err != nil {
		return nil, nil, db.Found(err, "census job")
	}
	j.DryRun = dry != 0
	if j.Report, err = decodeReport(rep); err != nil {
		return nil, nil, err
	}
	if msg != "" {
		var m errs.Msg
		if err := json.Unmarshal([]byte(msg), &m); err != nil {
			return nil, nil, fmt.Errorf("census job error: %w", err)
		}
		m = wholeArgs(m)
		j.Err = &m
	}
	var u auth.User
	if err := json.Unmarshal([]byte(uj), &u); err != nil {
		return nil, nil, fmt.Errorf("census job account: %w", err)
	}
	return &j, &u, nil
}

// Get returns the user's own job, from whichever replica ran it; the rows
// read by a job running here are the live count.
func (js *Jobs) Get(ctx context.Context, u *auth.User, id string) (*Job, error) {
	j, _, err := js.load(ctx, id)
	if err == nil && j.UserID != u.ID {
		err = errs.Missing()
	}
	if err != nil {
		return nil, err
	}
	js.mu.Lock()
	if n, ok := js.live[id]; ok && !j.Done() {
		j.Rows = max(j.Rows, n.Load())
	}
	js.mu.Unlock()
	return j, nil
}

// materialize writes a job's stored upload to a temporary file (the
// readers need a file: an .xlsx is a zip, read from its end).
func (js *Jobs) materialize(ctx context.Context, j *Job) (string, error) {
	dir, err := os.MkdirTemp("", uploadPrefix())
	if err != nil {
		return "", err
	}
	path := filepath.Join(dir, "upload"+strings.ToLower(filepath.Ext(j.FileName)))
	err = func() error {
		f, err := os.Create(path)
		if err != nil {
			return err
		}
		defer f.Close()
		// one chunk at a time: the memory an upload takes stays bounded
		for seq, found := 0, true; found; seq++ {
			var data []byte
			err := js.Svc.DB.Read.QueryRowContext(ctx, `SELECT data FROM census_job_files WHERE job_id = $1 AND seq = $2`, j.ID, seq).Scan(&data)
			if errors.Is(err, sql.ErrNoRows) {
				found = false
				continue
			}
			if err != nil {
				return err
			}
			if _, err := f.Write(data); err != nil {
				return err
			}
		}
		return f.Sync()
	}()
	if err != nil {
		os.RemoveAll(dir)
		return "", fmt.Errorf("census job upload: %w", err)
	}
	return path, nil
}

// Annotated writes the marked file of a rejected job.
func (js *Jobs) Annotated(ctx context.Context, j *Job, lang string, w io.Writer) error {
	path, err := js.materialize(ctx, j)
	if err != nil {
		return err
	}
	defer os.RemoveAll(filepath.Dir(path))
	return js.Svc.Annotated(path, j.FileName, j.Report, lang, w)
}

// Recover deletes ended jobs past their time, fails the unfinished jobs
// out of attempts, and claims and runs the others whose lease ran out (or
// that were never claimed): what a stopped or killed replica left. It
// returns how many jobs it took over.
func (js *Jobs) Recover(ctx context.Context) (int, error) {
	now := js.nowMS()
	q := js.Svc.DB.Write
	if _, err := q.ExecContext(ctx, `DELETE FROM census_jobs WHERE status IN ($1, $2) AND finished_ms < $3`,
		JobDone, JobFailed, now-jobTTL.Milliseconds()); err != nil {
		return 0, fmt.Errorf("census jobs: expire: %w", err)
	}
	msg, _ := json.Marshal(errs.M("census.err.job_interrupted"))
	if _, err := q.ExecContext(ctx, `UPDATE census_jobs SET status = $1, error = $2, finished_ms = $3, lease_ms = 0
		WHERE status = $4 AND lease_ms < $3 AND attempts >= $5`, JobFailed, string(msg), now, JobRunning, js.maxAttempts()); err != nil {
		return 0, fmt.Errorf("census jobs: fail interrupted: %w", err)
	}
	if _, err := q.ExecContext(ctx, `DELETE FROM census_job_files WHERE job_id IN (SELECT id FROM census_jobs WHERE status = $1)`, JobFailed); err != nil {
		return 0, fmt.Errorf("census jobs: uploads of failed jobs: %w", err)
	}
	rs, err := js.Svc.DB.Read.QueryContext(ctx, `SELECT id FROM census_jobs
		WHERE (status = $1 AND lease_ms < $2) OR (status = $3 AND created_ms < $4) ORDER BY created_ms`,
		JobRunning, now, JobQueued, now-js.lease().Milliseconds())
	if err != nil {
		return 0, fmt.Errorf("census jobs: %w", err)
	}
	var ids []string
	for rs.Next() {
		var id string
		if err := rs.Scan(&id); err != nil {
			rs.Close()
			return 0, err
		}
		ids = append(ids, id)
	}
	rs.Close()
	if err := rs.Err(); err != nil {
		return 0, err
	}
	n := 0
	for _, id := range ids {
		ok, err := js.claim(ctx, id)
		if err != nil {
			return n, err
		}
		if ok {
			n++
			js.log().Info("census job: resuming a job whose replica stopped", "job", id)
			js.wg.Add(1)
			go func() {
				defer js.wg.Done()
				js.run(context.WithoutCancel(ctx), id)
			}()
		}
	}
	return n, nil
}

// Loop runs Recover at once and then every half lease until ctx ends.
func (js *Jobs) Loop(ctx context.Context) {
	pass := func() bool {
		if _, err := js.Recover(ctx); err != nil && ctx.Err() == nil {
			js.log().Warn("census jobs: recover", "err", err)
		}
		return true
	}
	pass()
	clock.Every(ctx, js.lease()/2, pass)
}
