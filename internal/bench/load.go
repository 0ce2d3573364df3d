package bench

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"slices"
	"sync"
	"sync/atomic"
	"time"
)

// Conns is the number of keep-alive connections the load generator holds.
const Conns = 32

// Load is the HTTP load generator: Conns workers, each on its own
// keep-alive connection, sending requests until Requests are done or
// Duration has passed, whichever comes first.
type Load struct {
	Client   *http.Client
	Conns    int
	Requests int
	Duration time.Duration
	// Warmup requests are sent first and not recorded.
	Warmup int
	// Between, if set, runs before each request (the warmup's too), outside
	// its latency: e.g. a change the request is to be the first after.
	// Then the sample's CPU and Elapsed are the requests' own: the sums of
	// the processor time (seenCPU) and wall time from each request's start
	// to its answer read, and BetweenCPU the changes'. Exact on one
	// connection (Conns 1), where nothing else runs meanwhile.
	Between func(i int) error
}

// NewClient is an HTTP client that keeps exactly conns connections alive
// to one host.
func NewClient(conns int) *http.Client {
	tr := &http.Transport{
		Proxy:               nil,
		DialContext:         (&net.Dialer{Timeout: 5 * time.Second, KeepAlive: 30 * time.Second}).DialContext,
		MaxIdleConns:        conns,
		MaxIdleConnsPerHost: conns,
		MaxConnsPerHost:     conns,
		IdleConnTimeout:     90 * time.Second,
		DisableCompression:  true,
	}
	return &http.Client{Transport: tr, Timeout: 2 * time.Minute}
}

// Sample is what one run of the generator measured.
type Sample struct {
	N          int           `json:"n"`
	Errors     int           `json:"errors"`
	FirstError string        `json:"first_error,omitempty"`
	Elapsed    time.Duration `json:"-"`
	CPU        time.Duration `json:"-"`
	Latencies  []time.Duration
	// BetweenCPU and BetweenN are Load.Between's processor time and calls.
	BetweenCPU time.Duration `json:"-"`
	BetweenN   int           `json:"-"`
}

// Rate is completed requests per second.
func (s *Sample) Rate() float64 {
	if s.Elapsed <= 0 {
		return 0
	}
	return float64(s.N) / s.Elapsed.Seconds()
}

// Quantile returns the q-quantile (0..1) of the latencies, nearest rank.
func (s *Sample) Quantile(q float64) time.Duration {
	return quantile(s.Latencies, q)
}

func quantile(sorted []time.Duration, q float64) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	i := int(q*float64(len(sorted))+0.999999) - 1
	return sorted[min(max(i, 0), len(sorted)-1)]
}

// Request makes the i-th request of a run.
type Request func(i int) (*http.Request, error)

// Check inspects a response's status and body; nil means success.
type Check func(status int, body []byte) error

// OK2xx accepts any 2xx answer.
func OK2xx(status int, body []byte) error {
	if status < 200 || status > 299 {
		return fmt.Errorf("status %d: %.200s", status, body)
	}
	return nil
}

// Run sends the requests and records each one's latency.
func (l *Load) Run(ctx context.Context, next Request, check Check) *Sample {
	if check == nil {
		check = OK2xx
	}
	conns := max(l.Conns, 1)
	if l.Warmup > 0 {
		l.phase(ctx, conns, l.Warmup, time.Minute, next, check, false)
	}
	return l.phase(ctx, conns, l.Requests, l.Duration, next, check, true)
}

func (l *Load) phase(ctx context.Context, conns, limit int, d time.Duration, next Request, check Check, record bool) *Sample {
	var (
		counter atomic.Int64
		mu      sync.Mutex
		wg      sync.WaitGroup
		res     = &Sample{}
	)
	deadline := time.Now().Add(d)
	start, cpu0 := time.Now(), TotalCPU() // (this lists the server processes seenCPU reads)
	// with Between: the requests' own processor and wall time, and Between's
	var reqCPU, reqWall, betweenCPU atomic.Int64
	var betweenN atomic.Int64
	for w := 0; w < conns; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			lat := make([]time.Duration, 0, min(limit/conns+1, 1<<14))
			errs, first := 0, ""
			buf := make([]byte, 32<<10)
			for ctx.Err() == nil {
				i := int(counter.Add(1)) - 1
				if i >= limit || time.Now().After(deadline) {
					break
				}
				if l.Between != nil {
					c0 := seenCPU()
					err := l.Between(i)
					betweenCPU.Add(int64(seenCPU() - c0))
					betweenN.Add(1)
					if err != nil {
						errs++
						if first == "" {
							first = "between requests: " + err.Error()
						}
						continue
					}
				}
				var c0 time.Duration
				if l.Between != nil {
					c0 = seenCPU()
				}
				t0 := time.Now()
				err := l.do(next, i, check, buf)
				el := time.Since(t0)
				if l.Between != nil {
					reqCPU.Add(int64(seenCPU() - c0))
					reqWall.Add(int64(el))
				}
				if err != nil {
					errs++
					if first == "" {
						first = err.Error()
					}
					continue
				}
				lat = append(lat, el)
			}
			mu.Lock()
			res.Latencies = append(res.Latencies, lat...)
			res.Errors += errs
			if res.FirstError == "" {
				res.FirstError = first
			}
			mu.Unlock()
		}()
	}
	wg.Wait()
	res.Elapsed, res.CPU = time.Since(start), TotalCPU()-cpu0
	if l.Between != nil {
		res.Elapsed, res.CPU = time.Duration(reqWall.Load()), time.Duration(reqCPU.Load())
		res.BetweenCPU, res.BetweenN = time.Duration(betweenCPU.Load()), int(betweenN.Load())
	}
	res.N = len(res.Latencies)
	slices.Sort(res.Latencies)
	if !record {
		res.Latencies = nil
	}
	return res
}

// do sends one request and reads the whole answer; only the first 32 KiB
// are kept for the check.
func (l *Load) do(next Request, i int, check Check, buf []byte) error {
	req, err := next(i)
	if err != nil {
		return err
	}
	resp, err := l.Client.Do(req)
	if err != nil {
		return err
	}
	n, _ := io.ReadFull(resp.Body, buf)
	_, err = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	if err != nil {
		return err
	}
	return check(resp.StatusCode, buf[:n])
}

// Serve serves h on a fresh loopback listener until ctx ends; it returns
// the base URL.
func Serve(ctx context.Context, h http.Handler) (string, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second, IdleTimeout: 2 * time.Minute}
	go srv.Serve(ln)
	go func() {
		<-ctx.Done()
		srv.Close()
	}()
	return "http://" + ln.Addr().String(), nil
}
