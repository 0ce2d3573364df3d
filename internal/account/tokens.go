package account

import (
	"net/http"

	"linli/internal/platform/auth"
	"linli/internal/platform/web"
)

type tokensData struct {
	Tokens []auth.Token
	New    string
}

func (h *Handlers) tokensPage(w http.ResponseWriter, r *http.Request, u *auth.User) {
	h.renderTokens(w, r, u, http.StatusOK, "", nil)
}

func (h *Handlers) renderTokens(w http.ResponseWriter, r *http.Request, u *auth.User, status int, plain string, fields map[string]string) {
	ts, err := h.Auth.ListTokens(r.Context(), u)
	if err != nil {
		h.S.PageError(w, r, err)
		return
	}
	h.S.Render(w, r, status, "tokens", web.View{Title: h.S.Cat.T(langOf(r), "nav.tokens"), Errors: fields,
		Data: tokensData{Tokens: ts, New: plain}})
}

func (h *Handlers) tokenCreate(w http.ResponseWriter, r *http.Request, u *auth.User) {
	plain, _, err := h.Auth.CreateToken(r.Context(), u, r.PostFormValue("name"))
	if err != nil {
		h.S.Refill(w, r, err, func(status int, fields map[string]string) { h.renderTokens(w, r, u, status, "", fields) })
		return
	}
	// The secret is shown once, on this response, and never stored in clear.
	h.renderTokens(w, r, u, http.StatusOK, plain, nil)
}

func (h *Handlers) apiTokenCreate(w http.ResponseWriter, r *http.Request, u *auth.User) {
	var in struct {
		Name string `json:"name"`
	}
	if err := web.DecodeJSON(w, r, &in); err != nil {
		h.S.JSONError(w, r, err)
		return
	}
	plain, t, err := h.Auth.CreateToken(r.Context(), u, in.Name)
	if err != nil {
		h.S.JSONError(w, r, err)
		return
	}
	web.JSON(w, http.StatusCreated, map[string]any{"token": plain, "id": t.ID, "name": t.Name, "prefix": t.Prefix, "created_at": t.CreatedAt})
}
