package funding

import (
	"embed"
	"fmt"
	"net/http"

	"linli/internal/platform/auth"
	"linli/internal/platform/i18n"
	"linli/internal/platform/web"
)

//go:embed templates/*.html
var templates embed.FS

// Templates is this package's template folder.
var Templates = web.Templates{FS: templates, Dir: "templates"}

// pageRoutes mounts the read-only pages (officers, leaders, reviewers).
func (h *Handlers) pageRoutes(rt *web.Router) {
	rt.HandleFunc("GET /calls", h.S.Page(h.listPage))
	rt.HandleFunc("GET /calls/{id}", h.S.Page(h.showPage))
}

// yuan formats fen as yuan with two decimals.
func yuan(fen int64) string {
	sign := ""
	if fen < 0 {
		sign, fen = "-", -fen
	}
	return fmt.Sprintf("%s%d.%02d", sign, fen/100, fen%100)
}

type callRow struct {
	*Call
	Budget, Awarded string
}

func (h *Handlers) listPage(w http.ResponseWriter, r *http.Request, u *auth.User) {
	list, _, err := h.Svc.Calls(r.Context(), u, 1, 200)
	if err != nil {
		h.S.PageError(w, r, err)
		return
	}
	rows := make([]callRow, 0, len(list))
	for _, c := range list {
		if c.AwardedFen, err = awardedSum(r.Context(), h.Svc.DB.Read, c.ID); err != nil {
			h.S.PageError(w, r, err)
			return
		}
		rows = append(rows, callRow{Call: c, Budget: yuan(c.BudgetFen), Awarded: yuan(c.AwardedFen)})
	}
	h.S.Render(w, r, http.StatusOK, "fund_calls", web.View{Title: h.S.Cat.T(i18n.FromRequest(r), "fund.calls"), Data: rows})
}

type rankRow struct {
	Ranked
	Request, Award string
}

type showData struct {
	callRow
	Ranking    []rankRow
	ShowRank   bool
	Results    []PublicResult
	ResultFens []string
}

func (h *Handlers) showPage(w http.ResponseWriter, r *http.Request, u *auth.User) {
	id, err := web.PathID(r, "id")
	var c *Call
	if err == nil {
		c, err = h.Svc.Call(r.Context(), u, id)
	}
	if err != nil {
		h.S.PageError(w, r, err)
		return
	}
	d := showData{callRow: callRow{Call: c, Budget: yuan(c.BudgetFen), Awarded: yuan(c.AwardedFen)}}
	if rk, err := h.Svc.Ranking(r.Context(), u, id); err == nil {
		d.ShowRank = true
		for _, x := range rk {
			d.Ranking = append(d.Ranking, rankRow{Ranked: x, Request: yuan(x.RequestFen), Award: yuan(x.AwardFen)})
		}
	}
	pub, err := h.Svc.Public(r.Context(), id)
	if err != nil {
		h.S.PageError(w, r, err)
		return
	}
	d.Results = pub.Results
	for _, x := range pub.Results {
		d.ResultFens = append(d.ResultFens, yuan(x.AmountFen))
	}
	h.S.Render(w, r, http.StatusOK, "fund_call", web.View{Title: c.Title, Data: d})
}
