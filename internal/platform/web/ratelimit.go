package web

import (
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"golang.org/x/time/rate"

	"linli/internal/platform/auth"
	"linli/internal/platform/errs"
)

// Rate is a token bucket: PerMinute requests a minute on average, Burst at
// once; a zero PerMinute is no limit.
type Rate struct {
	PerMinute float64
	Burst     int
}

// RateLimits are the per-address and per-account limits of each kind of
// request (issue 18: 100 bad sign-ins and 2,000 API calls in a row were all
// served). They live in each process's memory: the limit that matters for
// security across replicas, failed sign-ins, is counted in the database
// (auth.Throttle). Zero limits are none (the tests' default); linli serve
// sets DefaultRateLimits unless told otherwise.
type RateLimits struct {
	SignIn, SignUp, Upload, API Rate
	// Post limits what a resident posts: ratings, needs, answers, follows.
	Post Rate
}

// DefaultRateLimits are linli serve's limits, per address and per account.
var DefaultRateLimits = RateLimits{
	SignIn: Rate{PerMinute: 10, Burst: 10},
	SignUp: Rate{PerMinute: 10, Burst: 10},
	Upload: Rate{PerMinute: 6, Burst: 3},
	API:    Rate{PerMinute: 600, Burst: 200},
	Post:   Rate{PerMinute: 10, Burst: 10},
}

// limiter holds one bucket per kind and key (an address or an account).
type limiter struct {
	mu      sync.Mutex
	buckets map[string]*bucket
	swept   time.Time
}

type bucket struct {
	lim  *rate.Limiter
	last time.Time
}

// kind names the limited kind of a request, "" for none.
func kind(r *http.Request) string {
	p := r.URL.Path
	switch {
	case r.Method == http.MethodPost && (p == "/login" || p == "/api/v1/session"):
		return "sign_in"
	case r.Method == http.MethodPost && (p == "/users" || p == "/api/v1/users" || p == "/api/v1/residents" || p == "/residents/signup"):
		return "sign_up"
	case r.Method == http.MethodPost && (strings.Contains(p, "/import") || strings.HasPrefix(r.Header.Get("Content-Type"), "multipart/")):
		return "upload"
	case strings.HasPrefix(p, "/api/"), strings.HasPrefix(p, "/p/"): // the public portal's pages like the API
		return "api"
	}
	return ""
}

func (l RateLimits) of(kind string) Rate {
	switch kind {
	case "sign_in":
		return l.SignIn
	case "sign_up":
		return l.SignUp
	case "upload":
		return l.Upload
	case "api":
		return l.API
	case "post":
		return l.Post
	}
	return Rate{}
}

// take takes a token from the bucket of key, or says how long to wait.
func (l *limiter) take(key string, r Rate, now time.Time) time.Duration {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.buckets == nil {
		l.buckets = map[string]*bucket{}
	}
	if now.Sub(l.swept) > time.Minute { // forget buckets idle long enough to be full again
		for k, b := range l.buckets {
			if now.Sub(b.last) > 10*time.Minute {
				delete(l.buckets, k)
			}
		}
		l.swept = now
	}
	b := l.buckets[key]
	if b == nil {
		b = &bucket{lim: rate.NewLimiter(rate.Limit(r.PerMinute/60), max(r.Burst, 1))}
		l.buckets[key] = b
	}
	b.last = now
	res := b.lim.ReserveN(now, 1)
	if !res.OK() {
		return time.Minute
	}
	if d := res.DelayFrom(now); d > 0 {
		res.CancelAt(now)
		return d
	}
	return 0
}

// rateLimit refuses a request over its kind's limit, by address and, when
// signed in, by account, with 429 and Retry-After.
func (s *Server) rateLimit(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		k := kind(r)
		if u := auth.UserFrom(r.Context()); u != nil && u.Role == auth.Resident && r.Method == http.MethodPost && (k == "api" || k == "") {
			k = "post"
		}
		lim := s.Limits.of(k)
		if k == "" || lim.PerMinute <= 0 {
			next.ServeHTTP(w, r)
			return
		}
		now := time.Now()
		wait := s.limits.take(k+" addr "+s.ClientIP(r), lim, now)
		if u := auth.UserFrom(r.Context()); u != nil {
			wait = max(wait, s.limits.take(k+" user "+strconv.FormatInt(u.ID, 10), lim, now))
		}
		if wait <= 0 {
			next.ServeHTTP(w, r)
			return
		}
		s.refused.WithLabelValues(k).Inc()
		secs := int((wait + time.Second - 1) / time.Second)
		e := &errs.Error{Code: errs.TooMany, Message: errs.M("err.too_many", secs), RetryAfter: time.Duration(secs) * time.Second}
		if IsAPI(r) {
			s.JSONError(w, r, e)
			return
		}
		RetryAfter(w, e)
		http.Error(w, s.Cat.Msg(i18nLang(r), e.Message), http.StatusTooManyRequests)
	})
}
