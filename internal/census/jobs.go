package census

import (
	"errors"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"

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
