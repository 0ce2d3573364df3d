package activity

import (
	"fmt"
	"net/http"
	"strings"

	"linli/internal/platform/auth"
	"linli/internal/platform/clock"
	"linli/internal/platform/sheet"
)

// writeSheet writes rows (the first is the header) to a one-sheet workbook.
func writeSheet(name string, rows [][]any) ([]byte, error) {
	return writeSheets([]string{name}, [][][]any{rows})
}

// writeSheets writes sheets of rows; text that a spreadsheet would read as
// a formula is neutralized (issue 18).
func writeSheets(names []string, sheets [][][]any) ([]byte, error) {
	return sheet.Book(names, sheets)
}

// exportXLSX writes the filtered activities (at most 10,000 rows).
func (h *Handlers) exportXLSX(w http.ResponseWriter, r *http.Request, u *auth.User) {
	f, _, err := h.pageFilter(r, u)
	if err != nil {
		h.S.PageError(w, r, err)
		return
	}
	rows := [][]any{{h.S.T(r, "act.id"), h.S.T(r, "act.title"), h.S.T(r, "act.orgs"), h.S.T(r, "act.theme"), h.S.T(r, "act.kind"),
		h.S.T(r, "act.fields"), h.S.T(r, "act.starts_at"), h.S.T(r, "act.ends_at"), h.S.T(r, "act.community"), h.S.T(r, "act.address"),
		h.S.T(r, "act.target_groups"), h.S.T(r, "act.participants"), h.S.T(r, "act.beneficiaries"), h.S.T(r, "act.volunteer_hours"),
		h.S.T(r, "act.status")}}
	f.PerPage = 200
	for f.Page = 1; f.Page <= 50; f.Page++ {
		p, err := h.Svc.List(r.Context(), u, f)
		if err != nil {
			h.S.PageError(w, r, err)
			return
		}
		for _, a := range p.Items {
			var fields, groups []string
			for _, x := range a.Fields {
				fields = append(fields, h.S.T(r, "afield."+x))
			}
			for _, g := range a.TargetGroups {
				groups = append(groups, h.S.T(r, "group."+g))
			}
			rows = append(rows, []any{a.ID, a.Title, strings.Join(a.OrgNames, "、"), h.S.T(r, "theme."+a.Theme), h.S.T(r, "kind."+a.Kind),
				strings.Join(fields, "、"), clock.Minutes(a.StartsAt), clock.Minutes(a.EndsAt),
				a.CommunityCode, a.Address, strings.Join(groups, "、"), a.Participants, a.Beneficiaries.Total, a.VolunteerHours,
				h.S.T(r, "astatus."+a.Status)})
		}
		if len(p.Items) < f.PerPage {
			break
		}
	}
	b, err := writeSheet(h.S.T(r, "act.list_title"), rows)
	if err != nil {
		h.S.PageError(w, r, err)
		return
	}
	sheet.Send(w, "activities.xlsx", b)
}

// hoursXLSX is a volunteer's record of service as a spreadsheet.
func (h *Handlers) hoursXLSX(w http.ResponseWriter, r *http.Request, u *auth.User, id int64) {
	hs, err := h.hours(r, u, id)
	if err != nil {
		h.S.PageError(w, r, err)
		return
	}
	rows := [][]any{{h.S.T(r, "act.volunteer"), hs.Volunteer.Name}, {h.S.T(r, "act.period"), hs.From + " – " + hs.To},
		{h.S.T(r, "act.total_hours"), hs.Hours}, {},
		{h.S.T(r, "act.served_on"), h.S.T(r, "act.title"), h.S.T(r, "act.hours"), h.S.T(r, "act.correction")}}
	for _, e := range hs.Entries {
		corr := ""
		if e.Correction {
			corr = e.Reason
		}
		rows = append(rows, []any{e.ServedOn, e.ActivityTitle, e.Hours, corr})
	}
	b, err := writeSheet(h.S.T(r, "act.certificate"), rows)
	if err != nil {
		h.S.PageError(w, r, err)
		return
	}
	sheet.Send(w, fmt.Sprintf("volunteer-%d-hours.xlsx", hs.Volunteer.ID), b)
}
