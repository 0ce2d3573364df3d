// Package geo is the division hierarchy: national statistical codes, levels,
// urban or rural communities, and subtree lookups. A code is a prefix of every
// code below it, so a subtree is a range of codes.
package geo

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"sync"
	"time"

	"linli/internal/platform/db"
	"linli/internal/platform/errs"
)

// Levels, by code length.
const (
	Province  = 1
	City      = 2
	District  = 3
	Street    = 4
	Community = 5
)

// Kinds of community.
const (
	Urban = "urban" // 居委会, codes …001–…199
	Rural = "rural" // 村委会, codes …200–…399
	Other = "other"
)

// Node is one division.
type Node struct {
	Code       string `json:"code"`
	Name       string `json:"name"`
	Level      int    `json:"level"`
	ParentCode string `json:"parent_code,omitempty"`
	Kind       string `json:"kind,omitempty"`
}

// LevelOf returns the level of a code from its length, 0 if not a code.
func LevelOf(code string) int {
	for _, c := range code {
		if c < '0' || c > '9' {
			return 0
		}
	}
	switch len(code) {
	case 2:
		return Province
	case 4:
		return City
	case 6:
		return District
	case 9:
		return Street
	case 12:
		return Community
	}
	return 0
}

// ParentOf returns the parent code of a code ("" for a province).
func ParentOf(code string) string {
	switch len(code) {
	case 4:
		return code[:2]
	case 6:
		return code[:4]
	case 9:
		return code[:6]
	case 12:
		return code[:9]
	}
	return ""
}

// ChildLen is the code length of the level below a code's level.
func ChildLen(code string) int {
	switch len(code) {
	case 0:
		return 2
	case 2:
		return 4
	case 4:
		return 6
	case 6:
		return 9
	case 9:
		return 12
	}
	return 0
}

// KindOf tells urban from rural by the last three digits of a community code.
func KindOf(code string) string {
	if len(code) != 12 {
		return ""
	}
	n := int(code[9]-'0')*100 + int(code[10]-'0')*10 + int(code[11]-'0')
	switch {
	case n >= 1 && n <= 199:
		return Urban
	case n >= 200 && n <= 399:
		return Rural
	}
	return Other
}

// Counted reports whether a division counts as a unit for the plan's
// coverage figures (issue 11: one definition for the indicators, the
// coverage page, the division tree and the dashboards): streets and towns
// (街道、镇) but not the special areas coded …400 and above (reservoirs,
// forest farms, development zones); communities that are residents' or
// villagers' committees (…001–…399). Districts and above always count.
func Counted(code string) bool {
	switch len(code) {
	case 9:
		return code[6:] < "400"
	case 12:
		k := KindOf(code)
		return k == Urban || k == Rural
	}
	return true
}

// CountedCond is Counted in SQL, on the first n characters of a code
// expression whose value is at least n long (both engines: length and
// substr): the condition that keeps the records inside a counted unit of
// that code length. The same rule as Counted; TestCountedCondIsCounted
// holds them together.
func CountedCond(expr string, n int) string {
	c := "length(" + expr + ") >= " + strconv.Itoa(n)
	switch n {
	case 9:
		c += " AND substr(" + expr + ", 7, 3) < '400'"
	case 12:
		c += " AND substr(" + expr + ", 10, 3) >= '001' AND substr(" + expr + ", 10, 3) < '400'"
	}
	return c
}

// Store reads divisions.
type Store struct{ DB *db.DB }

// Get returns one node.
func (s *Store) Get(ctx context.Context, code string) (*Node, error) {
	var n Node
	var parent sql.NullString
	err := s.DB.Read.QueryRowContext(ctx, `SELECT code, name, level, parent_code, kind FROM divisions WHERE code = $1`, code).
		Scan(&n.Code, &n.Name, &n.Level, &parent, &n.Kind)
	if err != nil {
		return nil, db.Found(err, "geo get")
	}
	n.ParentCode = parent.String
	return &n, nil
}

// getManyChunk is how many codes one query of GetMany looks up.
const getManyChunk = 500

// GetMany looks several codes up at once; codes that are no division are
// absent from the answer.
func (s *Store) GetMany(ctx context.Context, codes []string) (map[string]*Node, error) {
	out := make(map[string]*Node, len(codes))
	for start := 0; start < len(codes); start += getManyChunk {
		chunk := codes[start:min(len(codes), start+getManyChunk)]
		args := make([]any, len(chunk))
		for i, c := range chunk {
			args[i] = c
		}
		rows, err := s.DB.Read.QueryContext(ctx, `SELECT code, name, level, parent_code, kind FROM divisions WHERE code IN `+
			db.Params(s.DB.Dialect, len(chunk)), args...)
		if err != nil {
			return nil, fmt.Errorf("geo get many: %w", err)
		}
		for rows.Next() {
			var n Node
			var parent sql.NullString
			if err := rows.Scan(&n.Code, &n.Name, &n.Level, &parent, &n.Kind); err != nil {
				rows.Close()
				return nil, fmt.Errorf("geo get many: %w", err)
			}
			n.ParentCode = parent.String
			out[n.Code] = &n
		}
		err = rows.Err()
		rows.Close()
		if err != nil {
			return nil, fmt.Errorf("geo get many: %w", err)
		}
	}
	return out, nil
}

// Exists reports whether a code is a known division.
func (s *Store) Exists(ctx context.Context, code string) (bool, error) {
	_, err := s.Get(ctx, code)
	if errs.Is(err, errs.NotFound) {
		return false, nil
	}
	return err == nil, err
}

// Children returns the nodes directly below code, in code order.
func (s *Store) Children(ctx context.Context, code string) ([]Node, error) {
	var rows *sql.Rows
	var err error
	if code == "" {
		rows, err = s.DB.Read.QueryContext(ctx, `SELECT code, name, level, kind FROM divisions WHERE parent_code IS NULL ORDER BY code`)
	} else {
		rows, err = s.DB.Read.QueryContext(ctx, `SELECT code, name, level, kind FROM divisions WHERE parent_code = $1 ORDER BY code`, code)
	}
	if err != nil {
		return nil, fmt.Errorf("geo children %s: %w", code, err)
	}
	defer rows.Close()
	var out []Node
	for rows.Next() {
		n := Node{ParentCode: code}
		if err := rows.Scan(&n.Code, &n.Name, &n.Level, &n.Kind); err != nil {
			return nil, err
		}
		out = append(out, n)
	}
	return out, rows.Err()
}

// Path returns the node and its ancestors, root first.
func (s *Store) Path(ctx context.Context, code string) ([]Node, error) {
	var codes []string
	for c := code; c != ""; c = ParentOf(c) {
		codes = append(codes, c)
	}
	// one query for the whole path (one round trip, not one per level)
	m, err := s.GetMany(ctx, codes)
	if err != nil {
		return nil, err
	}
	out := make([]Node, 0, len(codes))
	for i := len(codes) - 1; i >= 0; i-- {
		if n, ok := m[codes[i]]; ok {
			out = append(out, *n)
		}
	}
	return out, nil
}

// Names returns the names of the given codes.
func (s *Store) Names(ctx context.Context, codes []string) (map[string]string, error) {
	out := make(map[string]string, len(codes))
	for _, c := range codes {
		if _, ok := out[c]; ok || c == "" {
			continue
		}
		n, err := s.Get(ctx, c)
		if errs.Is(err, errs.NotFound) {
			continue
		}
		if err != nil {
			return nil, err
		}
		out[c] = n.Name
	}
	return out, nil
}

// Count returns the number of divisions at each level below prefix.
func (s *Store) Count(ctx context.Context, prefix string) (map[int]int, error) {
	in, args := db.ScopeCond("code", prefix, nil)
	rows, err := s.DB.Read.QueryContext(ctx, `SELECT level, COUNT(*) FROM divisions WHERE `+in+` GROUP BY level`, args...)
	if err != nil {
		return nil, fmt.Errorf("geo count: %w", err)
	}
	out := map[int]int{}
	return out, db.Pairs(rows, out)
}

// Namer names divisions for the pages, from a bounded in-memory cache in
// front of the store: a page of a thousand rows asks the database once per
// distinct code, and a busy server not at all.
type Namer struct {
	S   *Store
	Max int // entries kept; 0 means 100,000

	mu sync.RWMutex
	m  map[string]string
}

// Name returns a division's name, or the code itself when it is no
// division or the lookup fails.
func (n *Namer) Name(code string) string {
	n.mu.RLock()
	name, ok := n.m[code]
	n.mu.RUnlock()
	if ok {
		return name
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	node, err := n.S.Get(ctx, code)
	if err != nil {
		return code
	}
	limit := n.Max
	if limit <= 0 {
		limit = 100_000
	}
	n.mu.Lock()
	if n.m == nil || len(n.m) >= limit {
		n.m = make(map[string]string) // divisions change rarely: start over rather than track use
	}
	n.m[code] = node.Name
	n.mu.Unlock()
	return node.Name
}
