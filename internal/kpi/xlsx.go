package kpi

import (
	"bytes"

	"github.com/xuri/excelize/v2"

	xsheet "linli/internal/platform/sheet"
)

// xlsx writes a dashboard as a workbook: the indicators at the unit, then
// the units one level down with each indicator's value and state.
func (h *Handlers) xlsx(x texts, v *dashboardView) ([]byte, error) {
	f := excelize.NewFile()
	defer f.Close()
	bold, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}})
	if err != nil {
		return nil, err
	}
	pct, err := f.NewStyle(&excelize.Style{NumFmt: 10}) // 0.00%
	if err != nil {
		return nil, err
	}
	first := x.t("kpi.indicators.title")
	if err := f.SetSheetName("Sheet1", first); err != nil {
		return nil, err
	}
	put := func(sheet string, row int, b bool, vals ...any) error {
		cell, _ := excelize.CoordinatesToCellName(1, row)
		vals = xsheet.NeutralizeAll(vals)
		if err := f.SetSheetRow(sheet, cell, &vals); err != nil {
			return err
		}
		if b {
			end, _ := excelize.CoordinatesToCellName(len(vals), row)
			return f.SetCellStyle(sheet, cell, end, bold)
		}
		return nil
	}
	d := v.D
	if err := put(first, 1, true, x.t("kpi.report.title", d.Unit.Name)); err != nil {
		return nil, err
	}
	if err := put(first, 2, false, x.t("kpi.as_of"), d.AsOf, v.Position); err != nil {
		return nil, err
	}
	if d.KnownOn != "" {
		if err := put(first, 3, false, x.t("kpi.known_on"), d.KnownOn); err != nil {
			return nil, err
		}
	}
	if err := put(first, 4, true, x.t("kpi.key"), x.t("kpi.indicator"), x.t("kpi.level"), x.t("kpi.target"), x.t("kpi.value"),
		x.t("kpi.state"), x.t("kpi.units_met"), x.t("kpi.shortfall"), x.t("kpi.expected"), x.t("kpi.deadline"), x.t("kpi.clause")); err != nil {
		return nil, err
	}
	for i, r := range v.Rows {
		res := d.Results[i]
		var val any = r.Value
		if res.Value != nil {
			val = *res.Value
		}
		if err := put(first, 5+i, false, r.Key, r.Name, r.Level, r.Target, val, r.StatusText, r.UnitsMet, r.Shortfall,
			r.Expected, r.Deadline, r.Clause); err != nil {
			return nil, err
		}
		if res.Kind == KindUnitShare || res.Kind == KindRecordShare {
			cell, _ := excelize.CoordinatesToCellName(5, 5+i)
			if err := f.SetCellStyle(first, cell, cell, pct); err != nil {
				return nil, err
			}
		}
	}
	f.SetColWidth(first, "B", "B", 30)
	f.SetColWidth(first, "K", "K", 60)
	if len(v.Ranking) > 0 {
		second := x.t("kpi.ranking")
		if _, err := f.NewSheet(second); err != nil {
			return nil, err
		}
		head := []any{x.t("kpi.rank"), x.t("common.code"), x.t("kpi.unit"), x.t("kpi.met_of_judged")}
		for _, r := range v.Rows {
			head = append(head, r.Name, x.t("kpi.state"))
		}
		if err := put(second, 1, true, head...); err != nil {
			return nil, err
		}
		for i, rr := range v.Ranking {
			row := []any{rr.Rank, rr.Unit, rr.Name, x.t("kpi.units_of", rr.Met, rr.Judged)}
			for j, res := range d.Results {
				c, ok := rr.RankRow.Cells[res.Key]
				switch {
				case !ok:
					row = append(row, "", "")
				case c.Value != nil && (res.Kind == KindUnitShare || res.Kind == KindRecordShare):
					row = append(row, rr.Cells[j].Value, rr.Cells[j].StatusText) // as a percentage
				case c.Value != nil:
					row = append(row, *c.Value, rr.Cells[j].StatusText)
				default:
					row = append(row, "", rr.Cells[j].StatusText)
				}
			}
			if err := put(second, 2+i, false, row...); err != nil {
				return nil, err
			}
		}
		f.SetColWidth(second, "C", "C", 24)
	}
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}
