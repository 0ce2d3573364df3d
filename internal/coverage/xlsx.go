package coverage

import (
	"bytes"
	"context"

	"github.com/xuri/excelize/v2"
)

// xlsx writes a report as a workbook: the table with its totals and shares,
// then the communities without any organization. Every text a user or the
// division list supplied is neutralised (see Neutral).
func (h *Handlers) xlsx(ctx context.Context, lang string, rep *Report) ([]byte, error) {
	t := h.texts(lang).t
	f := excelize.NewFile()
	defer f.Close()
	bold, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}})
	if err != nil {
		return nil, err
	}
	pctStyle, err := f.NewStyle(&excelize.Style{NumFmt: 10, Font: &excelize.Font{Bold: true}})
	if err != nil {
		return nil, err
	}
	empty, err := f.NewStyle(&excelize.Style{Fill: excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"FDECEA"}}})
	if err != nil {
		return nil, err
	}
	first := t("coverage.sheet")
	if err := f.SetSheetName("Sheet1", first); err != nil {
		return nil, err
	}
	put := func(sheet string, row int, vals ...any) error {
		cell, _ := excelize.CoordinatesToCellName(1, row)
		return f.SetSheetRow(sheet, cell, &vals)
	}
	style := func(sheet string, c1, r1, c2, r2, s int) error {
		a, _ := excelize.CoordinatesToCellName(c1, r1)
		b, _ := excelize.CoordinatesToCellName(c2, r2)
		return f.SetCellStyle(sheet, a, b, s)
	}
	area := "all"
	if rep.Area != "" {
		area = rep.Area
	}
	if err := put(first, 1, Neutral(rep.Name+" · "+t("coverage.title"))); err != nil {
		return nil, err
	}
	if err := put(first, 2, t("coverage.as_of"), rep.AsOf, t("coverage.by"), t("coverage.by."+rep.By),
		t("coverage.area"), t("coverage.area."+area)); err != nil {
		return nil, err
	}
	head := []any{t("common.code"), t("coverage.unit"), t("coverage.total")}
	for _, c := range rep.Columns {
		head = append(head, t(LabelKey(rep.By, c)))
	}
	if err := put(first, 4, head...); err != nil {
		return nil, err
	}
	if err := style(first, 1, 4, len(head), 4, bold); err != nil {
		return nil, err
	}
	n := 5
	for _, row := range rep.Rows {
		name := row.Name
		if row.NotCounted {
			name += " (" + t("coverage.not_counted") + ")"
		}
		vals := []any{row.Unit, Neutral(name), row.Total}
		for _, c := range rep.Columns {
			vals = append(vals, row.Cells[c])
		}
		if err := put(first, n, vals...); err != nil {
			return nil, err
		}
		for i, c := range rep.Columns {
			if row.Cells[c] == 0 {
				if err := style(first, 4+i, n, 4+i, n, empty); err != nil {
					return nil, err
				}
			}
		}
		n++
	}
	tot := []any{"", t("coverage.totals"), rep.Total}
	cov := []any{"", t("coverage.covered"), rep.CoveredAny}
	for _, c := range rep.Columns {
		tot = append(tot, rep.Totals[c])
		cov = append(cov, rep.Covered[c])
	}
	if err := put(first, n, tot...); err != nil {
		return nil, err
	}
	if err := put(first, n+1, cov...); err != nil {
		return nil, err
	}
	if err := style(first, 1, n, len(head), n, bold); err != nil {
		return nil, err
	}
	if err := style(first, 3, n+1, len(head), n+1, pctStyle); err != nil {
		return nil, err
	}
	f.SetColWidth(first, "A", "A", 14)
	f.SetColWidth(first, "B", "B", 24)

	second := t("coverage.sheet.empty")
	if _, err := f.NewSheet(second); err != nil {
		return nil, err
	}
	if err := put(second, 1, t("common.code"), t("coverage.unit"), t("coverage.street"), t("coverage.kind")); err != nil {
		return nil, err
	}
	if err := style(second, 1, 1, 4, 1, bold); err != nil {
		return nil, err
	}
	codes := make([]string, 0, len(rep.Empty))
	for _, p := range rep.Empty {
		codes = append(codes, p.Street)
	}
	streets, err := h.Svc.Geo.Names(ctx, codes)
	if err != nil {
		return nil, err
	}
	for i, p := range rep.Empty {
		if err := put(second, 2+i, p.Unit, Neutral(p.Name), Neutral(streets[p.Street]), t("coverage.area."+p.Kind)); err != nil {
			return nil, err
		}
	}
	f.SetColWidth(second, "A", "A", 14)
	f.SetColWidth(second, "B", "C", 24)
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}
