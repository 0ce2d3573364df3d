package ledger

import (
	"bytes"
	"fmt"
	"strconv"

	"github.com/xuri/excelize/v2"

	xsheet "linli/internal/platform/sheet"
)

// T translates a message key (the caller binds the language).
type T func(key string, args ...any) string

// yuan is an amount as a spreadsheet number: its exact decimal text, so the
// cell holds 1234.56 and never a binary approximation of it.
func yuan(f Fen) float64 {
	v, _ := strconv.ParseFloat(f.Plain(), 64)
	return v
}

type sheet struct {
	f     *excelize.File
	name  string
	row   int
	money int
	bold  int
}

// newSheet adds a sheet named name to f (the first takes the place of the
// blank sheet a new workbook has) with the ledger's money and bold styles.
func newSheet(f *excelize.File, name string, first bool) (*sheet, error) {
	if first {
		if err := f.SetSheetName("Sheet1", name); err != nil {
			return nil, err
		}
	} else if _, err := f.NewSheet(name); err != nil {
		return nil, err
	}
	money, err := f.NewStyle(&excelize.Style{NumFmt: 4}) // #,##0.00
	if err != nil {
		return nil, err
	}
	bold, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}})
	if err != nil {
		return nil, err
	}
	return &sheet{f: f, name: name, money: money, bold: bold}, nil
}

// put writes one row; Fen values become money cells.
func (s *sheet) put(bold bool, vals ...any) error {
	s.row++
	for i, v := range vals {
		cell, err := excelize.CoordinatesToCellName(i+1, s.row)
		if err != nil {
			return err
		}
		switch x := v.(type) {
		case Fen:
			if err := s.f.SetCellFloat(s.name, cell, yuan(x), 2, 64); err != nil {
				return err
			}
			if err := s.f.SetCellStyle(s.name, cell, cell, s.money); err != nil {
				return err
			}
		case nil:
		case string:
			if err := s.f.SetCellStr(s.name, cell, xsheet.Neutralize(x)); err != nil {
				return err
			}
		default:
			if err := s.f.SetCellValue(s.name, cell, v); err != nil {
				return err
			}
		}
		if bold {
			if err := s.f.SetCellStyle(s.name, cell, cell, s.bold); err != nil {
				return err
			}
		}
	}
	return nil
}

// StatementXLSX writes an organization's statement as a workbook: a header
// with the period's totals, then every entry with its running balance.
func StatementXLSX(st *Statement, t T) ([]byte, error) {
	f := excelize.NewFile()
	defer f.Close()
	name := t("ledger.sheet_statement")
	s, err := newSheet(f, name, true)
	if err != nil {
		return nil, err
	}
	rows := [][]any{
		{t("ledger.statement_of"), st.OrgName},
		{t("ledger.period"), st.From + " – " + st.To},
		{t("ledger.opening"), st.Opening},
		{t("ledger.income"), st.Income},
		{t("ledger.expense"), st.Expense},
		{t("ledger.closing"), st.Closing},
	}
	for _, src := range st.IncomeBySource {
		rows = append(rows, []any{t("ledger.income") + " · " + t("source."+src.Source), src.Amount})
	}
	for _, r := range rows {
		if err := s.put(false, r...); err != nil {
			return nil, err
		}
	}
	s.row++
	if err := s.put(true, t("ledger.col_posting"), t("ledger.col_date"), t("ledger.col_kind"), t("ledger.col_source"),
		t("ledger.col_voucher"), t("ledger.col_memo"), t("ledger.col_payee"), t("ledger.col_in"), t("ledger.col_out"),
		t("ledger.col_balance")); err != nil {
		return nil, err
	}
	for _, e := range st.Entries {
		in, out, src := flow(t, e)
		if err := s.put(false, e.PostingID, e.Date, kindLabel(t, e), src, e.Voucher, e.Memo, e.Payee, in, out, e.Balance); err != nil {
			return nil, err
		}
	}
	for col, w := range map[string]float64{"A": 14, "B": 12, "C": 12, "D": 14, "E": 14, "F": 30, "G": 18, "H": 14, "I": 14, "J": 14} {
		f.SetColWidth(name, col, col, w)
	}
	return write(f)
}

// flow is an entry's money in or out (the other cell empty) and its
// source's name.
func flow(t T, e Entry) (in, out any, src string) {
	if e.Amount > 0 {
		in = e.Amount
	} else {
		out = -e.Amount
	}
	if e.Source != "" {
		src = t("source." + e.Source)
	}
	return in, out, src
}

func kindLabel(t T, e Entry) string {
	s := t("posting." + e.Kind)
	if e.ReversesID != 0 {
		s += fmt.Sprintf(" #%d", e.ReversesID)
	}
	return s
}

// HubStatementXLSX writes a hub's statement: its accounts, then its cash book.
func HubStatementXLSX(st *HubStatement, t T) ([]byte, error) {
	f := excelize.NewFile()
	defer f.Close()
	name := t("ledger.sheet_accounts")
	s, err := newSheet(f, name, true)
	if err != nil {
		return nil, err
	}
	for _, r := range [][]any{{t("ledger.hub_statement_of"), st.HubName}, {t("ledger.period"), st.From + " – " + st.To},
		{t("ledger.cash_closing"), st.CashClosing}, {t("ledger.held_closing"), st.HeldClosing}, {t("ledger.own_closing"), st.OwnClosing}} {
		if err := s.put(false, r...); err != nil {
			return nil, err
		}
	}
	s.row++
	if err := s.put(true, t("ledger.col_account"), t("ledger.col_kind"), t("ledger.col_org"), t("ledger.col_source"),
		t("ledger.opening"), t("ledger.col_in"), t("ledger.col_out"), t("ledger.closing")); err != nil {
		return nil, err
	}
	for _, a := range st.Accounts {
		src := ""
		if a.Source != "" {
			src = t("source." + a.Source)
		}
		if err := s.put(false, a.AccountID, t("account."+a.Kind), a.OrgName, src, a.Opening, a.In, a.Out, a.Closing); err != nil {
			return nil, err
		}
	}
	cash := t("ledger.sheet_cash")
	c, err := newSheet(f, cash, false)
	if err != nil {
		return nil, err
	}
	if err := c.put(true, t("ledger.col_posting"), t("ledger.col_date"), t("ledger.col_kind"), t("ledger.col_org"),
		t("ledger.col_source"), t("ledger.col_memo"), t("ledger.col_in"), t("ledger.col_out"), t("ledger.col_balance")); err != nil {
		return nil, err
	}
	for _, e := range st.Entries {
		in, out, src := flow(t, e)
		if err := c.put(false, e.PostingID, e.Date, kindLabel(t, e), e.OrgName, src, e.Memo, in, out, e.Balance); err != nil {
			return nil, err
		}
	}
	return write(f)
}

func write(f *excelize.File) ([]byte, error) {
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		return nil, fmt.Errorf("ledger: write xlsx: %w", err)
	}
	return buf.Bytes(), nil
}
