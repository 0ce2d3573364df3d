package activity

import (
	"context"
	"database/sql"
	"fmt"
	"net/url"
	"strconv"
	"strings"

	"linli/internal/platform/db"
	"linli/internal/registry"
)

// The room's lists are read a page at a time, never cut at a fixed number
// of rows: the page and the list's total come from one listing (the same
// condition), so a big street sees everything, page after page.

// Paging asks for one page of a list: page and per_page (per_page at most
// MaxPerPage), or, in the lists ordered by id (beneficiaries, volunteers),
// after: the last id of the page before, a keyset page whose cost does not
// grow with its depth.
type Paging struct {
	Page    int
	PerPage int
	After   int64
}

// MaxPerPage bounds a page (the registry's bound); DefaultPerPage is a
// page asked without a size.
const (
	MaxPerPage     = registry.MaxPerPage
	DefaultPerPage = 50
)

// bounded is p with its defaults and bounds: page 1 to the registry's
// MaxPage, DefaultPerPage rows, at most MaxPerPage (a larger per_page is
// cut to it).
func (p Paging) bounded() Paging {
	if p.PerPage <= 0 {
		p.PerPage = DefaultPerPage
	}
	p.PerPage = min(p.PerPage, MaxPerPage)
	p.Page = min(max(p.Page, 1), registry.MaxPage)
	p.After = max(p.After, 0)
	return p
}

// PagingOf reads page, per_page and after from a query.
func PagingOf(q url.Values) Paging {
	var p Paging
	p.Page, _ = strconv.Atoi(q.Get("page"))
	p.PerPage, _ = strconv.Atoi(q.Get("per_page"))
	p.After, _ = strconv.ParseInt(q.Get("after"), 10, 64)
	return p
}

// List is one page of a list, with the list's total.
type List[T any] struct {
	Items   []T `json:"items"`
	Total   int `json:"total"`
	Page    int `json:"page"`
	PerPage int `json:"per_page"`
	// NextAfter is, in a list ordered by id, the after of the next page
	// (0 on the last page).
	NextAfter int64 `json:"next_after,omitempty"`
}

// listQuery is a list's statement: its columns, its FROM … WHERE … (the
// parameters numbered from $1), the order of an offset page, and the id
// column of a keyset page ("" when the list has none).
type listQuery struct {
	cols, from string
	args       []any
	order      string
	key        string
}

// readPage reads one page of a list and its total, counted over the same
// FROM … WHERE. With p.After (and a key) the page is the rows after that
// id; else page p.Page in the list's order.
func readPage[T any](ctx context.Context, q db.Querier, lq listQuery, p Paging, scan func(*sql.Rows) ([]T, error), id func(T) int64) (*List[T], error) {
	p = p.bounded()
	out := &List[T]{Page: p.Page, PerPage: p.PerPage}
	if err := q.QueryRowContext(ctx, `SELECT COUNT(*) `+lq.from, lq.args...).Scan(&out.Total); err != nil {
		return nil, fmt.Errorf("activity: count: %w", err)
	}
	args := append([]any(nil), lq.args...)
	ph := func(v any) (p string) {
		p, args = db.Arg(args, v)
		return p
	}
	var stmt strings.Builder
	stmt.WriteString(`SELECT ` + lq.cols + ` ` + lq.from)
	keyset := lq.key != "" && p.After > 0
	if keyset {
		out.Page = 0
		stmt.WriteString(` AND ` + lq.key + ` > ` + ph(p.After) + ` ORDER BY ` + lq.key + ` LIMIT ` + ph(p.PerPage+1))
	} else {
		if (p.Page-1)*p.PerPage >= out.Total { // past the last page: its cost is the count
			out.Items = []T{}
			return out, nil
		}
		stmt.WriteString(` ORDER BY ` + lq.order + ` LIMIT ` + ph(p.PerPage+1) + ` OFFSET ` + ph((p.Page-1)*p.PerPage))
	}
	rows, err := q.QueryContext(ctx, stmt.String(), args...)
	if err != nil {
		return nil, fmt.Errorf("activity: list: %w", err)
	}
	items, err := scan(rows)
	if err != nil {
		return nil, fmt.Errorf("activity: list: %w", err)
	}
	if len(items) > p.PerPage {
		items = items[:p.PerPage]
		if lq.key != "" {
			out.NextAfter = id(items[len(items)-1])
		}
	}
	out.Items = items
	return out, nil
}
