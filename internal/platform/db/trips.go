package db

import (
	"context"
	"net"
	"sync/atomic"
)

// RoundTrips is how many times this process has waited for the database:
// on PostgreSQL the round trips on every connection of the pool (a write to
// the server after a read from it, counted on the socket, so a statement
// prepared and run costs what it costs on the wire); on SQLite, where there
// is no wire, the statements run with arguments. Tests read it before and
// after a request to pin how many a request costs, so that a new query on
// a hot path shows up as a failing count rather than as a slower bench.
func (d *DB) RoundTrips() int64 {
	if d.trips == nil {
		return 0
	}
	return d.trips.Load()
}

// countingConn counts round trips on a connection to PostgreSQL: a write
// that follows a read (or the first write) starts one. pgx writes a whole
// pipeline of messages (parse, bind, execute, sync) in one write, and reads
// on a background goroutine while writing large messages, hence the atomic.
type countingConn struct {
	net.Conn
	n    *atomic.Int64
	read atomic.Bool // the last thing done on the socket was a read
}

func (c *countingConn) Read(b []byte) (int, error) {
	n, err := c.Conn.Read(b)
	if n > 0 {
		c.read.Store(true)
	}
	return n, err
}

func (c *countingConn) Write(b []byte) (int, error) {
	if c.read.CompareAndSwap(true, false) {
		c.n.Add(1)
	}
	return c.Conn.Write(b)
}

// countingDial wraps a dial function so that its connections count round
// trips into n.
func countingDial(dial func(ctx context.Context, network, addr string) (net.Conn, error), n *atomic.Int64) func(ctx context.Context, network, addr string) (net.Conn, error) {
	return func(ctx context.Context, network, addr string) (net.Conn, error) {
		c, err := dial(ctx, network, addr)
		if err != nil {
			return nil, err
		}
		cc := &countingConn{Conn: c, n: n}
		cc.read.Store(true) // the first write starts a round trip
		return cc, nil
	}
}
