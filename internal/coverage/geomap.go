package coverage

import (
	"context"
	"net/url"
	"slices"
	"strconv"

	"linli/internal/geomap"
	"linli/internal/platform/auth"
	"linli/internal/platform/errs"
)

// ColumnAll is the map column of every active organization (the report's
// "total").
const ColumnAll = "all"

// MapLayer is the map layer "coverage" (see internal/geomap):
// ?coverage=COLUMN&by=&as_of=&area=, each unit one level down coloured by
// its active organizations in that column, the report's cell.
func (h *Handlers) MapLayer(ctx context.Context, u *auth.User, code string, q url.Values) (*geomap.Data, error) {
	rep, err := h.Svc.Report(ctx, u, Query{Unit: code, By: q.Get("by"), AsOf: q.Get("as_of"), Area: q.Get("area")})
	if err != nil {
		return nil, err
	}
	col := q.Get("coverage")
	if col != ColumnAll && !slices.Contains(rep.Columns, col) {
		return nil, errs.Field("coverage", "err.choose_one")
	}
	return MapOf(rep, col, h.columnLabel(q.Get("lang"), rep.By, col)), nil
}

// columnLabel is a map column's label in a language.
func (h *Handlers) columnLabel(lang, by, col string) string {
	t := h.texts(lang).t
	if col == ColumnAll {
		return t("coverage.total")
	}
	return t(LabelKey(by, col))
}

// MapOf is a report's map of one column (not finished: see geomap.Data).
func MapOf(rep *Report, col, title string) *geomap.Data {
	d := &geomap.Data{Unit: rep.Unit, Name: rep.Name, AsOf: rep.AsOf, Layer: "coverage", Key: col, Title: title}
	for _, row := range rep.Rows {
		if row.Unit == rep.Unit {
			continue // a community's own report: nothing below to draw
		}
		n := row.Total
		if col != ColumnAll {
			n = row.Cells[col]
		}
		v := float64(n)
		d.Areas = append(d.Areas, geomap.Area{Code: row.Unit, Name: row.Name, Value: &v, Label: strconv.Itoa(n),
			Counted: !row.NotCounted})
	}
	return d
}
