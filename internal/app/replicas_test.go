package app_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/cookiejar"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"linli/internal/bench"
	"linli/internal/platform/db"
	"linli/internal/platform/db/dbtest"
)

// Census jobs survive replicas, tried with two real `linli serve`
// processes on one database (a PostgreSQL schema, or one SQLite file in WAL
// shared by the two processes): an import started over HTTP on replica A
// is followed to its end on replica B; then an import is started on A, A is
// killed (SIGKILL) mid-import, and B's recovery loop takes the job over: it
// ends done with every row written once, or failed with nothing written,
// and no poll in between ever sees part of the file written.
func TestCensusJobAcrossTwoServeProcesses(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and starts linli twice")
	}
	bin := buildLinli(t)
	url := dbtest.URL(t)
	dir := t.TempDir()
	env := append(os.Environ(), "LINLI_KEY_FILE="+filepath.Join(dir, "linli.key"), "LINLI_CENSUS_LEASE=4s",
		"LINLI_LOG_FORMAT=text")
	run := func(stdin string, args ...string) {
		t.Helper()
		cmd := exec.Command(bin, args...)
		cmd.Env, cmd.Stdin = env, strings.NewReader(stdin)
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("linli %s: %v\n%s", strings.Join(args, " "), err, out)
		}
	}
	run("", "migrate", "--db", url)
	const street, password = "440106008", "a long enough password" // 天河南街道
	run(password+"\n", "user", "add", "--db", url, "--username", "nanjie", "--role", "street_officer", "--scope", street, "--name", "天河南")
	a, b := startServe(t, bin, url, env, "A"), startServe(t, bin, url, env, "B")

	jar, _ := cookiejar.New(nil) // one jar: the session lives in the database, so B honours A's cookie
	c := &http.Client{Jar: jar, Timeout: 2 * time.Minute, CheckRedirect: func(*http.Request, []*http.Request) error {
		return http.ErrUseLastResponse
	}}
	serveSignIn(t, c, a.base, "nanjie", password)
	d, err := db.Open(context.Background(), url)
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	orgs := func() int {
		t.Helper()
		var n int
		if err := d.Read.QueryRow(`SELECT COUNT(*) FROM orgs`).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}

	// 1. started on A, followed on B to its end
	const first = 1200
	id := startImport(t, c, a.base, censusCSV(0, first))
	page := follow(t, c, b.base, id, func() {})
	if !strings.Contains(page, "1200") {
		t.Errorf("B's page of the finished job does not give its %d rows", first)
	}
	if got := orgs(); got != first {
		t.Fatalf("%d organizations after the import followed on B, want %d", got, first)
	}
	if n := apiTotal(t, c, b.base); n != first {
		t.Errorf("B's list answers %d organizations, want %d", n, first)
	}

	// 2. started on A, A killed mid-import, B's recovery loop takes it over
	const second = 20000
	id = startImport(t, c, a.base, censusCSV(first, second))
	waitRunning(t, d, id)
	a.kill(t)
	bad := 0
	page = follow(t, c, b.base, id, func() {
		if n := orgs(); n != first && n != first+second {
			bad = n
		}
	})
	if bad != 0 {
		t.Errorf("a poll saw %d organizations: part of the killed import was written", bad)
	}
	var status, owner string
	var attempts int
	if err := d.Read.QueryRow(`SELECT status, owner, attempts FROM census_jobs WHERE id = $1`, id).Scan(&status, &owner, &attempts); err != nil {
		t.Fatal(err)
	}
	switch got := orgs(); {
	case status == "done" && got == first+second:
		if attempts != 2 {
			t.Errorf("resumed job: %d attempts, want 2 (A's and B's)", attempts)
		}
	case status == "failed" && got == first:
	default:
		t.Fatalf("after A was killed: job %s (owner %s, %d attempts) with %d organizations; want done with %d or failed with %d",
			status, owner, attempts, got, first+second, first)
	}
	t.Logf("killed replica's job: %s by %s after %d attempts", status, owner, attempts)
	var dup int
	if err := d.Read.QueryRow(`SELECT COUNT(*) FROM (SELECT name FROM orgs GROUP BY name HAVING COUNT(*) > 1) x`).Scan(&dup); err != nil || dup != 0 {
		t.Errorf("%d names written twice (%v)", dup, err)
	}
	var chunks int
	if err := d.Read.QueryRow(`SELECT COUNT(*) FROM census_job_files WHERE job_id = $1`, id).Scan(&chunks); err != nil || chunks != 0 {
		t.Errorf("the ended job keeps %d upload chunks (%v)", chunks, err)
	}
	run("", "audit", "verify", "--db", url)
}

var (
	buildOnce sync.Once
	builtBin  string
	buildErr  error
)

// buildLinli builds the linli command once per test binary.
func buildLinli(t *testing.T) string {
	t.Helper()
	buildOnce.Do(func() {
		dir, err := os.MkdirTemp("", "linli-bin-")
		if err != nil {
			buildErr = err
			return
		}
		builtBin = filepath.Join(dir, "linli")
		out, err := exec.Command("go", "build", "-o", builtBin, "linli/cmd/linli").CombinedOutput()
		if err != nil {
			buildErr = fmt.Errorf("go build: %v\n%s", err, out)
		}
	})
	if buildErr != nil {
		t.Fatal(buildErr)
	}
	return builtBin
}

type serveProc struct {
	name string
	base string
	cmd  *exec.Cmd
	done chan struct{}
	log  *bytes.Buffer
	mu   *sync.Mutex
}

// startServe starts `linli serve` on a free port and waits for its address.
func startServe(t *testing.T, bin, url string, env []string, name string) *serveProc {
	t.Helper()
	cmd := exec.Command(bin, "serve", "--db", url, "--addr", "127.0.0.1:0", "--rate-limits", "off")
	cmd.Env = env
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	p := &serveProc{name: name, cmd: cmd, done: make(chan struct{}), log: &bytes.Buffer{}, mu: &sync.Mutex{}}
	cmd.Stderr = writerFunc(func(b []byte) (int, error) {
		p.mu.Lock()
		defer p.mu.Unlock()
		return p.log.Write(b)
	})
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { cmd.Wait(); close(p.done) }()
	t.Cleanup(func() {
		cmd.Process.Kill()
		<-p.done
		if t.Failed() {
			p.mu.Lock()
			t.Logf("replica %s log:\n%s", name, p.log.String())
			p.mu.Unlock()
		}
	})
	addr := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			if b, ok := bench.ServeBase(sc.Text()); ok {
				addr <- b
				break
			}
		}
		io.Copy(io.Discard, out)
	}()
	select {
	case a := <-addr:
		p.base = a
	case <-p.done:
		t.Fatalf("replica %s stopped: %s", name, p.log.String())
	case <-time.After(3 * time.Minute):
		t.Fatalf("replica %s did not start", name)
	}
	return p
}

// kill ends the process at once, as a crash does (no shutdown, no commit).
func (p *serveProc) kill(t *testing.T) {
	t.Helper()
	if err := p.cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	<-p.done
}

type writerFunc func([]byte) (int, error)

func (f writerFunc) Write(b []byte) (int, error) { return f(b) }

func serveSignIn(t *testing.T, c *http.Client, base, user, password string) {
	t.Helper()
	body, _ := json.Marshal(map[string]string{"username": user, "password": password})
	res, err := c.Post(base+"/api/v1/session", "application/json", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	if res.StatusCode != http.StatusOK {
		b, _ := io.ReadAll(res.Body)
		t.Fatalf("sign in: %d %s", res.StatusCode, b)
	}
}

// censusCSV is a census file of n community-tier organizations of 天河南街道,
// numbered from start.
func censusCSV(start, n int) []byte {
	var b bytes.Buffer
	b.WriteString("name,tier,types,community_code,members,leader_name,leader_phone,status\n")
	comms := []string{"440106008007", "440106008008"}
	for i := start; i < start+n; i++ {
		fmt.Fprintf(&b, "两进程互助队%06d,community,mutual_aid,%s,10,陈丽,138%08d,active\n", i, comms[i%2], i)
	}
	return b.Bytes()
}

// startImport uploads a file through the census import page and returns
// the job's id from the redirect.
func startImport(t *testing.T, c *http.Client, base string, file []byte) string {
	t.Helper()
	var body bytes.Buffer
	w := multipart.NewWriter(&body)
	part, err := w.CreateFormFile("file", "census.csv")
	if err != nil {
		t.Fatal(err)
	}
	part.Write(file)
	w.Close()
	res, err := c.Post(base+"/census/import", w.FormDataContentType(), &body)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	loc := res.Header.Get("Location")
	if res.StatusCode != http.StatusSeeOther || !strings.HasPrefix(loc, "/census/jobs/") {
		b, _ := io.ReadAll(res.Body)
		t.Fatalf("import: %d %q %s", res.StatusCode, loc, b)
	}
	return strings.TrimPrefix(loc, "/census/jobs/")
}

// follow polls the job's page on a replica until it stops refreshing (the
// job ended), calling each between polls, and returns the last page.
func follow(t *testing.T, c *http.Client, base, id string, each func()) string {
	t.Helper()
	deadline := time.Now().Add(8 * time.Minute)
	for time.Now().Before(deadline) {
		res, err := c.Get(base + "/census/jobs/" + id)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(res.Body)
		res.Body.Close()
		if res.StatusCode != http.StatusOK {
			t.Fatalf("job page on %s: %d %s", base, res.StatusCode, b)
		}
		if res.Header.Get("Refresh") == "" {
			return string(b)
		}
		each()
		time.Sleep(300 * time.Millisecond)
	}
	t.Fatalf("job %s did not end", id)
	return ""
}

// waitRunning waits until a replica has claimed the job and begun it.
func waitRunning(t *testing.T, d *db.DB, id string) {
	t.Helper()
	deadline := time.Now().Add(2 * time.Minute)
	for time.Now().Before(deadline) {
		var status string
		var rows int64
		if err := d.Read.QueryRow(`SELECT status, rows_read FROM census_jobs WHERE id = $1`, id).Scan(&status, &rows); err != nil {
			t.Fatal(err)
		}
		if status == "running" {
			return
		}
		if status == "done" || status == "failed" {
			t.Fatalf("the job ended (%s) before the replica could be killed", status)
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatal("the job never ran")
}

func apiTotal(t *testing.T, c *http.Client, base string) int {
	t.Helper()
	res, err := c.Get(base + "/api/v1/orgs?per_page=1")
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var p struct {
		Total int `json:"total"`
	}
	if err := json.NewDecoder(res.Body).Decode(&p); err != nil || res.StatusCode != http.StatusOK {
		t.Fatalf("list: %d %v", res.StatusCode, err)
	}
	return p.Total
}
