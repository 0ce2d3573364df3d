package web

import (
	"crypto/subtle"
	"fmt"
	"net"
	"net/http"
	"strings"
)

// ParseNetworks reads a comma-separated list of networks (CIDR) or single
// addresses.
func ParseNetworks(s string) ([]*net.IPNet, error) {
	var out []*net.IPNet
	for _, p := range strings.Split(s, ",") {
		p = strings.TrimSpace(p)
		if p == "" {
			continue
		}
		if !strings.Contains(p, "/") {
			ip := net.ParseIP(p)
			if ip == nil {
				return nil, fmt.Errorf("network %q: not an address or CIDR", p)
			}
			bits := 128
			if ip.To4() != nil {
				ip, bits = ip.To4(), 32
			}
			out = append(out, &net.IPNet{IP: ip, Mask: net.CIDRMask(bits, bits)})
			continue
		}
		_, n, err := net.ParseCIDR(p)
		if err != nil {
			return nil, fmt.Errorf("network %q: %w", p, err)
		}
		out = append(out, n)
	}
	return out, nil
}

// Loopback is the default list of trusted proxies and of /metrics readers.
var Loopback, _ = ParseNetworks("127.0.0.0/8,::1")

func within(nets []*net.IPNet, addr string) bool {
	ip := net.ParseIP(strings.TrimSpace(addr))
	if ip == nil {
		return false
	}
	for _, n := range nets {
		if n.Contains(ip) {
			return true
		}
	}
	return false
}

func remoteHost(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

// ClientIP is the request's client address. With TrustProxy, and only
// when the connection comes from one of TrustedProxies (default loopback),
// X-Forwarded-For is read from the right: each proxy appends the address
// it received from, so the right-most address that is not a trusted proxy
// is the client; what the client itself wrote further left is ignored
// (issue 18, failure 8, took the left-most).
func (s *Server) ClientIP(r *http.Request) string {
	host := remoteHost(r)
	trusted := s.TrustedProxies
	if trusted == nil {
		trusted = Loopback
	}
	if !s.TrustProxy || !within(trusted, host) {
		return host
	}
	hops := strings.Split(strings.Join(r.Header.Values("X-Forwarded-For"), ","), ",")
	for i := len(hops) - 1; i >= 0; i-- {
		h := strings.TrimSpace(hops[i])
		if h == "" {
			continue
		}
		if net.ParseIP(h) == nil {
			return host // a malformed chain: the proxy's own address
		}
		if !within(trusted, h) {
			return h
		}
		host = h
	}
	return host
}

// Metrics guards the metrics handler: it answers a connection from one of
// MetricsFrom (default loopback; the connection's own address, never a
// forwarded one) or a request with "Authorization: Bearer MetricsToken";
// anyone else gets 404.
func (s *Server) Metrics(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		from := s.MetricsFrom
		if from == nil {
			from = Loopback
		}
		tok := strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer ")
		okToken := s.MetricsToken != "" && subtle.ConstantTimeCompare([]byte(tok), []byte(s.MetricsToken)) == 1
		if !okToken && !within(from, remoteHost(r)) {
			http.NotFound(w, r)
			return
		}
		h.ServeHTTP(w, r)
	})
}
