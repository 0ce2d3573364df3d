package portal

import (
	"strconv"
)

// calView is what the month calendar partial draws.
type calView struct {
	Weekdays [7]struct{}
	Weeks    [][]CalDay
	Within   string
}

// Cal is the place's month calendar.
func (v placeView) Cal() calView { return calView{Weeks: v.Calendar, Within: v.Code} }

// Cal is the activities page's month calendar.
func (v activitiesView) Cal() calView { return calView{Weeks: v.Calendar, Within: v.Q.Within} }

// yuan formats fen as yuan: "¥12,345.60".
func yuan(fen int64) string {
	neg := fen < 0
	if neg {
		fen = -fen
	}
	s := strconv.FormatInt(fen/100, 10)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	s = "¥" + s + "." + strconv.FormatInt(fen%100/10, 10) + strconv.FormatInt(fen%10, 10)
	if neg {
		return "-" + s
	}
	return s
}

// Budget is the call's budget in yuan.
func (c CallRef) Budget() string { return yuan(c.BudgetFen) }

// Awarded is what the call awarded, in yuan.
func (c CallRef) Awarded() string { return yuan(c.AwardedFen) }

// resultRow is an award as text.
type resultRow struct{ OrgName, Title, Amount string }

// Rows are the call's awards as text.
func (c CallRef) Rows() []resultRow {
	out := make([]resultRow, 0, len(c.Results))
	for _, r := range c.Results {
		out = append(out, resultRow{r.OrgName, r.Title, yuan(r.AmountFen)})
	}
	return out
}
