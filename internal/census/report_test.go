package census

import "testing"

// TestReportKeepsTheFirstErrors: a file with more problems than a report
// lists answers with the first MaxReportErrors and the count of all.
func TestReportKeepsTheFirstErrors(t *testing.T) {
	r := &Report{}
	batch := make([]RowError, 700)
	for i := range batch {
		batch[i].Row = i + 2
	}
	r.addErrors(batch...)
	r.addErrors(batch...)
	r.addErrors(RowError{Row: 99999})
	if r.ErrorCount != 1401 || len(r.Errors) != MaxReportErrors || !r.Truncated() {
		t.Fatalf("count %d, kept %d, truncated %v", r.ErrorCount, len(r.Errors), r.Truncated())
	}
	if r.Errors[0].Row != 2 || r.Errors[699].Row != 701 || r.Errors[700].Row != 2 {
		t.Errorf("the first errors are not kept in order: %d %d %d", r.Errors[0].Row, r.Errors[699].Row, r.Errors[700].Row)
	}
	small := &Report{}
	small.addErrors(RowError{Row: 3})
	if small.ErrorCount != 1 || len(small.Errors) != 1 || small.Truncated() {
		t.Errorf("one error: %+v", small)
	}
}
