package bench

import (
	"bufio"
	"context"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"
)

// The in-process peak (rss_peak) includes the load generator and its
// garbage. To read the server's own, the bench starts `linli serve` on the
// same database in a child process, points the same requests at it (every
// request measurement with the cache on, the export and the census file
// again) and reads the child's VmHWM.

func (m *measurer) serverAlone(ctx context.Context) *Stat {
	st := &Stat{Name: "peak resident memory, `linli serve` alone, same requests", Key: "rss_server", Group: "memory",
		Unit: "MiB", Target: "≤ 150 MiB"}
	if m.t.ServeCommand == nil {
		st.Note = "not available: no server command to start (the bench runs inside a test)"
		return st
	}
	m.cfg.say("measure: the server alone, in its own process")
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	cmd := m.t.ServeCommand(ctx, m.cfg.DB)
	out, err := cmd.StdoutPipe()
	if err != nil {
		st.Note = err.Error()
		return st
	}
	var stderr tail
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		st.Note = err.Error()
		return st
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	defer func() {
		cmd.Process.Signal(syscall.SIGTERM)
		<-exited
	}()
	base := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			if b, ok := ServeBase(sc.Text()); ok {
				base <- b
			}
		}
	}()
	select {
	case b := <-base:
		old := m.base
		m.base = b
		defer func() { m.base = old }()
	case err := <-exited:
		exited <- err // for the deferred wait
		st.Note = fmt.Sprintf("the server ended before it listened (%v): %s", err, stderr.String())
		return st
	case <-time.After(5 * time.Minute):
		st.Note = "the server did not start within 5 minutes: " + stderr.String()
		return st
	}
	rest := procStatusOf(strconv.Itoa(cmd.Process.Pid), "VmRSS")
	// the same requests, a shorter while each
	saved := m.cfg.Duration
	m.cfg.Duration = min(saved, 3*time.Second)
	defer func() { m.cfg.Duration = saved }()
	for _, sp := range m.specs() {
		if sp.before != nil || sp.missing != "" { // needs a hook into the bench's own server
			continue
		}
		if s := m.measure(ctx, sp); s.Errors > 0 {
			st.Errors, st.FirstError = st.Errors+s.Errors, sp.name+": "+s.FirstError
		}
	}
	m.export(ctx)
	if m.censusBody != nil {
		if _, _, err := m.postFile(ctx, m.census, "/api/v1/orgs/import", m.censusBody); err != nil {
			st.Errors, st.FirstError = st.Errors+1, "census import: "+err.Error()
		}
	}
	peak := procStatusOf(strconv.Itoa(cmd.Process.Pid), "VmHWM")
	st.Available, st.Value = peak > 0, MB(peak)
	ok := st.Available && MB(peak) <= 150
	st.Met = &ok
	st.Note = fmt.Sprintf("resident %.0f MiB once started; peak over every request measurement (cache on), an export and the census file again, without the load generator",
		MB(rest))
	return st
}

// tail keeps the last KiB written to it: the end of a child's log, for
// saying why it stopped.
type tail struct {
	mu  sync.Mutex
	buf []byte
}

func (t *tail) Write(p []byte) (int, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.buf = append(t.buf, p...)
	if len(t.buf) > 1024 {
		t.buf = append(t.buf[:0], t.buf[len(t.buf)-1024:]...)
	}
	return len(p), nil
}

func (t *tail) String() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	return strings.TrimSpace(string(t.buf))
}

// ServeBase reads the server's address from a line `linli serve` prints
// once it listens ("linli VERSION · http://HOST:PORT · ENGINE"), as the
// base of the URLs to request.
func ServeBase(line string) (string, bool) {
	if !strings.HasPrefix(line, "linli ") {
		return "", false
	}
	_, after, ok := strings.Cut(line, "http://")
	if !ok {
		return "", false
	}
	return "http://" + strings.Fields(after)[0], true
}
