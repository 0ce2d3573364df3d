package census

import (
	"mime"
	"net/http"
	"strings"

	"linli/internal/platform/auth"
	"linli/internal/platform/clock"
	"linli/internal/platform/i18n"
	"linli/internal/platform/sheet"
	"linli/internal/platform/web"
	"linli/internal/registry"
)

func attachment(name string) string {
	return mime.FormatMediaType("attachment", map[string]string{"filename": name})
}

func (h *Handlers) apiRoutes(rt *web.Router) {
	rt.API(web.Doc{Method: "GET", Path: "/api/v1/orgs/import/template.xlsx", Summary: "The census template: one column per field, drop-downs, instructions, the communities in scope",
		Tag: "census", Response: "template.xlsx"}, h.S.API(h.apiTemplate))
	rt.API(web.Doc{Method: "POST", Path: "/api/v1/orgs/import", Summary: "Import organizations from .xlsx or .csv (multipart field file); nothing is written unless every row is valid",
		Tag: "census", Body: "multipart", Response: "ImportReport",
		Query: []web.Param{{Name: "dry_run", Description: "1: check every row, write nothing"}}}, h.S.API(h.apiImport))
	listQuery := []web.Param{{Name: "within"}, {Name: "q"}, {Name: "tier"}, {Name: "type"}, {Name: "target_group"},
		{Name: "status"}, {Name: "hub"}, {Name: "brand"}, {Name: "demonstration"}, {Name: "volunteer_mark"}, {Name: "sort"}}
	rt.API(web.Doc{Method: "GET", Path: "/api/v1/orgs/export.xlsx", Summary: "Export the list (same filters, no paging) in the template's columns",
		Tag: "census", Query: listQuery, Response: "export.xlsx"}, h.S.API(h.apiExport(FormatXLSX)))
	rt.API(web.Doc{Method: "GET", Path: "/api/v1/orgs/export.csv", Summary: "Export the list as UTF-8 CSV (with BOM) in the template's columns",
		Tag: "census", Query: listQuery, Response: "binary"}, h.S.API(h.apiExport(FormatCSV)))
	rt.API(web.Doc{Method: "GET", Path: "/api/v1/census/rounds", Summary: "Census rounds in scope", Tag: "census",
		Response: "CensusRounds"}, h.S.API(web.Items(h.S, h.Svc.Rounds)))
	rt.API(web.Doc{Method: "POST", Path: "/api/v1/census/rounds", Summary: "Open a census round for your district", Tag: "census",
		Body: "CensusRoundInput", Response: "CensusRound", Status: 201}, h.S.API(web.Write(h.S, http.StatusCreated, h.Svc.OpenRound)))
	rt.API(web.Doc{Method: "GET", Path: "/api/v1/census/rounds/{id}", Summary: "A round: streets, submissions, district summary", Tag: "census",
		Response: "CensusRoundView"}, h.S.API(web.Read(h.S, "id", h.Svc.RoundView)))
	rt.API(web.Doc{Method: "POST", Path: "/api/v1/census/rounds/{id}/close", Summary: "Close a census round", Tag: "census",
		Response: "CensusRound"}, h.S.API(web.Read(h.S, "id", h.Svc.CloseRound)))
	rt.API(web.Doc{Method: "POST", Path: "/api/v1/census/rounds/{id}/submissions", Summary: "Submit your street's file into a round (multipart field file)",
		Tag: "census", Body: "multipart", Response: "ImportReport",
		Query: []web.Param{{Name: "dry_run", Description: "1: check only"}}}, h.S.API(h.S.WithID("id", h.apiSubmit)))
	rt.Schemas(schemas())
}

func (h *Handlers) apiTemplate(w http.ResponseWriter, r *http.Request, u *auth.User) {
	sheet.Download(w, "社区社会组织摸底模板.xlsx")
	if err := h.Svc.Template(r.Context(), u, w); err != nil {
		web.LoggerFrom(r.Context()).Error("template", "err", err)
	}
}

// reportStatus is 200 for a clean file, 422 when rows were rejected.
func (h *Handlers) writeReport(w http.ResponseWriter, r *http.Request, rep *Report) {
	rep.Translate(h.S.Cat, i18n.FromRequest(r))
	status := http.StatusOK
	if len(rep.Errors) > 0 {
		status = http.StatusUnprocessableEntity
	}
	web.JSON(w, status, rep)
}

func (h *Handlers) apiImport(w http.ResponseWriter, r *http.Request, u *auth.User) {
	h.importFile(w, r, func(up *upload) (*Report, error) {
		return h.Svc.Import(r.Context(), u, up.Path, up.Name, Options{DryRun: up.DryRun})
	})
}

// importFile receives the request's file and answers the report of what
// run made of it (writeReport), or the error.
func (h *Handlers) importFile(w http.ResponseWriter, r *http.Request, run func(up *upload) (*Report, error)) {
	up, err := receive(w, r)
	if err != nil {
		h.S.JSONError(w, r, err)
		return
	}
	defer up.remove()
	rep, err := run(up)
	if err != nil {
		h.S.JSONError(w, r, err)
		return
	}
	h.writeReport(w, r, rep)
}

func (h *Handlers) apiExport(format string) web.Handler {
	return func(w http.ResponseWriter, r *http.Request, u *auth.User) {
		f, fe := registry.FilterFromQuery(r.URL.Query())
		if err := fe.Err(); err != nil {
			h.S.JSONError(w, r, err)
			return
		}
		name := "社区社会组织-" + strings.ReplaceAll(clock.Day(h.Svc.now()), "-", "") + "." + format
		if format == FormatCSV {
			w.Header().Set("Content-Type", "text/csv; charset=utf-8")
			w.Header().Set("Content-Disposition", attachment(name))
		} else {
			sheet.Download(w, name)
		}
		if err := h.Svc.Export(r.Context(), u, f, format, w); err != nil {
			web.LoggerFrom(r.Context()).Error("export", "err", err)
		}
	}
}

func (h *Handlers) apiSubmit(w http.ResponseWriter, r *http.Request, u *auth.User, id int64) {
	h.importFile(w, r, func(up *upload) (*Report, error) {
		return h.Svc.Submit(r.Context(), u, id, up.Path, up.Name, Options{DryRun: up.DryRun})
	})
}

// schemas are generated from the answers' Go types (web.SchemaOf).
func schemas() map[string]any {
	return map[string]any{
		"ImportReport":     web.SchemaOf(Report{}, nil),
		"CensusRound":      web.SchemaOf(Round{}, map[string]any{"status": web.Enum(RoundOpen, RoundClosed)}),
		"CensusRounds":     web.ItemList(web.Ref("CensusRound")),
		"CensusRoundInput": web.SchemaOf(RoundInput{}, map[string]any{"deadline": map[string]any{"type": "string", "format": "date"}}),
		"CensusRoundView":  web.SchemaOf(RoundView{}, map[string]any{"round": web.Ref("CensusRound")}),
	}
}
