package census

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"linli/internal/platform/auth"
	"linli/internal/platform/errs"
	"linli/internal/platform/sheet"
)

// MaxUpload bounds an uploaded file.
const MaxUpload = 200 << 20

// upload is a file received and stored in a temporary folder.
type upload struct {
	Path, Name string
	DryRun     bool
}

func (up *upload) remove() { os.RemoveAll(filepath.Dir(up.Path)) }

// receive streams the multipart field "file" to a temporary file; a
// "dry_run" field (or ?dry_run=1) asks for a check only.
func receive(w http.ResponseWriter, r *http.Request) (*upload, error) {
	r.Body = http.MaxBytesReader(w, r.Body, MaxUpload+1<<20)
	mr, err := r.MultipartReader()
	if err != nil {
		return nil, errs.E(errs.Invalid, "census.err.no_file")
	}
	up := &upload{DryRun: r.URL.Query().Get("dry_run") == "1"}
	for {
		part, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, uploadErr(err, up)
		}
		switch part.FormName() {
		case "file":
			if err := up.store(part); err != nil {
				return nil, uploadErr(err, up)
			}
		case "dry_run":
			b, _ := io.ReadAll(io.LimitReader(part, 8))
			up.DryRun = up.DryRun || strings.TrimSpace(string(b)) == "1"
		}
		part.Close()
	}
	if up.Path == "" {
		return nil, errs.E(errs.Invalid, "census.err.no_file")
	}
	return up, nil
}

func uploadErr(err error, up *upload) error {
	if up.Path != "" {
		up.remove()
	}
	var mbe *http.MaxBytesError
	if errors.As(err, &mbe) {
		return (&sheet.LimitError{Limit: sheet.TooLarge, Max: MaxUpload >> 20}).Err()
	}
	return errs.E(errs.Invalid, "census.err.upload_broken")
}

func (up *upload) store(part *multipart.Part) error {
	dir, err := os.MkdirTemp("", uploadPrefix())
	if err != nil {
		return err
	}
	up.Name = filepath.Base(part.FileName())
	if up.Name == "." || up.Name == "/" || up.Name == "" {
		up.Name = "upload"
	}
	up.Path = filepath.Join(dir, "upload"+strings.ToLower(filepath.Ext(up.Name)))
	fh, err := os.Create(up.Path)
	if err != nil {
		return err
	}
	_, err = io.Copy(fh, part)
	if cerr := fh.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return err
	}
	if up.Name == "upload" {
		return errs.E(errs.Invalid, "census.err.no_file")
	}
	return nil
}

// job is an import running in the background, so the page can show its
// progress; it lives in memory for an hour.
type job struct {
	ID      string
	UserID  int64
	Up      *upload
	RoundID int64
	Started time.Time

	rows     atomic.Int64
	mu       sync.Mutex
	done     bool
	rep      *Report
	err      error
	finished time.Time
}

func (j *job) state() (done bool, rows int64, rep *Report, err error) {
	j.mu.Lock()
	defer j.mu.Unlock()
	return j.done, j.rows.Load(), j.rep, j.err
}

// jobs holds the running and recent imports.
type jobs struct {
	mu sync.Mutex
	m  map[string]*job
}

const jobTTL = time.Hour

// start runs an import (into a round when roundID is set) in the background.
func (js *jobs) start(s *Service, u *auth.User, up *upload, roundID int64) *job {
	b := make([]byte, 12)
	rand.Read(b)
	j := &job{ID: hex.EncodeToString(b), UserID: u.ID, Up: up, RoundID: roundID, Started: time.Now()}
	js.mu.Lock()
	if js.m == nil {
		js.m = map[string]*job{}
	}
	for id, old := range js.m {
		if old.done && time.Since(old.finished) > jobTTL {
			old.Up.remove()
			delete(js.m, id)
		}
	}
	js.m[j.ID] = j
	js.mu.Unlock()
	user := *u
	go func() {
		ctx := context.Background()
		opts := Options{DryRun: up.DryRun, Progress: func(n int) { j.rows.Store(int64(n)) }}
		var rep *Report
		var err error
		if roundID != 0 {
			rep, err = s.Submit(ctx, &user, roundID, up.Path, up.Name, opts)
		} else {
			rep, err = s.Import(ctx, &user, up.Path, up.Name, opts)
		}
		j.mu.Lock()
		j.done, j.rep, j.err, j.finished = true, rep, err, time.Now()
		if err != nil || (rep != nil && len(rep.Errors) == 0) {
			up.remove() // the file is kept only to be handed back marked
		}
		j.mu.Unlock()
	}()
	return j
}

// get returns the user's own job.
func (js *jobs) get(u *auth.User, id string) (*job, error) {
	js.mu.Lock()
	defer js.mu.Unlock()
	j, ok := js.m[id]
	if !ok || j.UserID != u.ID {
		return nil, errs.E(errs.NotFound, "err.not_found")
	}
	return j, nil
}

// uploadPrefix names an upload's temporary folder with the process's id,
// so a later start can tell the leftovers of a process that died (kill -9
// during an import left 83 MB after 10, issue 18 failure 7).
func uploadPrefix() string { return fmt.Sprintf("linli-upload-%d-", os.Getpid()) }

// SweepUploads removes, at start, the upload folders of processes that no
// longer run (and any older than a day); it returns how many it removed.
func SweepUploads(dir string) (int, error) {
	if dir == "" {
		dir = os.TempDir()
	}
	ents, err := os.ReadDir(dir)
	if err != nil {
		return 0, err
	}
	n := 0
	for _, e := range ents {
		if !e.IsDir() {
			continue
		}
		info, ierr := e.Info()
		old := ierr == nil && time.Since(info.ModTime()) > 24*time.Hour
		rest, ours := strings.CutPrefix(e.Name(), "linli-upload-")
		switch {
		case ours:
			pidText, _, _ := strings.Cut(rest, "-")
			pid, err := strconv.Atoi(pidText)
			if err == nil && pid > 0 && processAlive(pid) && !old {
				continue
			}
		case strings.HasPrefix(e.Name(), "linli-import-") && old:
			// the folders of versions before the process id was in the name
		default:
			continue
		}
		if err := os.RemoveAll(filepath.Join(dir, e.Name())); err == nil {
			n++
		}
	}
	return n, nil
}

// processAlive reports whether a process runs (signal 0 reaches it).
func processAlive(pid int) bool {
	if pid == os.Getpid() {
		return true
	}
	p, err := os.FindProcess(pid)
	if err != nil {
		return false
	}
	err = p.Signal(syscall.Signal(0))
	return err == nil || errors.Is(err, os.ErrPermission)
}
