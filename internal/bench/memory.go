package bench

import (
	"bufio"
	"os"
	"runtime"
	"runtime/debug"
	"runtime/metrics"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"
)

// procStatus reads a "kB" line of /proc/self/status (VmRSS, VmHWM) in bytes;
// 0 where the file does not exist.
func procStatus(field string) uint64 { return procStatusOf("self", field) }

// procStatusOf reads a "kB" line of /proc/PID/status (PID a number or
// "self") in bytes; 0 where there is none.
func procStatusOf(pid, field string) uint64 {
	f, err := os.Open("/proc/" + pid + "/status")
	if err != nil {
		return 0
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		if !strings.HasPrefix(line, field+":") {
			continue
		}
		fs := strings.Fields(line[len(field)+1:])
		if len(fs) == 0 {
			return 0
		}
		kb, _ := strconv.ParseUint(fs[0], 10, 64)
		return kb << 10
	}
	return 0
}

// RSS is the resident set size now.
func RSS() uint64 { return procStatus("VmRSS") }

// RSSParts splits the resident set: anonymous memory (heaps, SQLite page
// caches), file-backed pages (program text, memory-mapped files) and shared
// memory (SQLite's WAL index).
func RSSParts() (anon, file, shmem uint64) {
	return procStatus("RssAnon"), procStatus("RssFile"), procStatus("RssShmem")
}

// PeakRSS is the high-water mark of the resident set size.
func PeakRSS() uint64 { return procStatus("VmHWM") }

// ResetPeakRSS restarts the high-water mark at the current size (Linux 4.0
// and later); false where the kernel does not allow it.
func ResetPeakRSS() bool {
	return os.WriteFile("/proc/self/clear_refs", []byte("5"), 0) == nil
}

// Settle collects garbage and returns freed memory to the system, so a
// reading after it is memory in use, not memory not yet returned.
func Settle() {
	runtime.GC()
	debug.FreeOSMemory()
}

var goMetrics = []metrics.Sample{
	{Name: "/memory/classes/heap/objects:bytes"},
	{Name: "/memory/classes/total:bytes"},
	{Name: "/memory/classes/heap/released:bytes"},
}

// GoMemory is the Go heap's live objects and the memory the Go runtime
// holds from the system (less what it has released); what the process
// holds beyond the latter is the SQLite page caches (modernc's C heap) and
// the program text.
func GoMemory() (heap, runtimeHeld uint64) {
	s := slices.Clone(goMetrics)
	metrics.Read(s)
	heap = s[0].Value.Uint64()
	runtimeHeld = s[1].Value.Uint64() - s[2].Value.Uint64()
	return heap, runtimeHeld
}

// Sampler records the peaks of the Go heap and of the resident set size
// while it runs.
type Sampler struct {
	mu       sync.Mutex
	heapPeak uint64
	rssPeak  uint64
	stop     chan struct{}
	done     chan struct{}
}

// StartSampler samples every interval until Stop.
func StartSampler(interval time.Duration) *Sampler {
	s := &Sampler{stop: make(chan struct{}), done: make(chan struct{})}
	go func() {
		defer close(s.done)
		t := time.NewTicker(interval)
		defer t.Stop()
		for {
			s.sample()
			select {
			case <-s.stop:
				return
			case <-t.C:
			}
		}
	}()
	return s
}

func (s *Sampler) sample() {
	h, _ := GoMemory()
	r := RSS()
	s.mu.Lock()
	s.heapPeak = max(s.heapPeak, h)
	s.rssPeak = max(s.rssPeak, r)
	s.mu.Unlock()
}

// Reset restarts the peaks.
func (s *Sampler) Reset() {
	s.mu.Lock()
	s.heapPeak, s.rssPeak = 0, 0
	s.mu.Unlock()
	s.sample()
}

// Peaks returns the peaks since the last Reset.
func (s *Sampler) Peaks() (heap, rss uint64) {
	s.sample()
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.heapPeak, s.rssPeak
}

// Stop ends sampling.
func (s *Sampler) Stop() {
	close(s.stop)
	<-s.done
}

// CPUTime is the processor time the process has used, user and system.
func CPUTime() time.Duration {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// MB is bytes in mebibytes.
func MB(b uint64) float64 { return float64(b) / (1 << 20) }

// serverCPU, when set, adds the database server's processor time (its
// backends serving this process, on the same machine) to CPUTime.
var serverCPU func() time.Duration

// serverCPUSeen, when set, is serverCPU over the server processes it
// listed last, without listing them again.
var serverCPUSeen func() time.Duration

// seenCPU is TotalCPU without looking for new server processes: cheap
// enough to read around each request (see Load.Between).
func seenCPU() time.Duration {
	t := CPUTime()
	if serverCPUSeen != nil {
		t += serverCPUSeen()
	}
	return t
}

// TotalCPU is this process's processor time plus the database server's
// work for it, where that can be read.
func TotalCPU() time.Duration {
	t := CPUTime()
	if serverCPU != nil {
		t += serverCPU()
	}
	return t
}

// procCPU is a process's processor time from /proc/PID/stat.
func procCPU(pid int) time.Duration {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return 0
	}
	s := string(b)
	i := strings.LastIndexByte(s, ')')
	if i < 0 {
		return 0
	}
	f := strings.Fields(s[i+1:])
	if len(f) < 13 {
		return 0
	}
	ut, _ := strconv.ParseInt(f[11], 10, 64)
	st, _ := strconv.ParseInt(f[12], 10, 64)
	return time.Duration(ut+st) * time.Second / 100 // USER_HZ
}
