// Package account is the web side of accounts: sign-in and sign-out, the
// session API, user management within an administrator's scope, and API tokens.
package account

import (
	"embed"
	"net/http"
	"net/url"
	"strings"

	"linli/internal/platform/auth"
	"linli/internal/platform/errs"
	"linli/internal/platform/web"
	"linli/internal/registry"
)

//go:embed templates/*.html
var templates embed.FS

// Templates is this package's template folder.
var Templates = web.Templates{FS: templates, Dir: "templates"}

// Handlers serves the account pages and API.
type Handlers struct {
	S    *web.Server
	Auth *auth.Service
	// the create-account form's pickers (nil: codes and ids typed)
	Places Places
	Orgs   registry.Lister
}

// Routes mounts the routes.
func (h *Handlers) Routes(rt *web.Router) {
	rt.HandleFunc("GET /login", h.loginPage)
	rt.HandleFunc("POST /login", h.loginSubmit)
	rt.HandleFunc("POST /logout", h.logout)
	rt.HandleFunc("GET /users", h.S.Page(h.usersPage))
	rt.HandleFunc("GET /users/new", h.S.Page(h.userNewPage))
	rt.HandleFunc("POST /users", h.S.Page(h.userCreate))
	h.pickRoutes(rt)
	rt.HandleFunc("POST /users/{id}/disabled", h.act("/users?flash=common.saved", func(r *http.Request, u *auth.User, id int64) error {
		return h.Auth.SetDisabled(r.Context(), u, id, r.PostFormValue("disabled") == "1")
	}))
	rt.HandleFunc("POST /users/{id}/password", h.S.PageID(h.userSetPassword))
	rt.HandleFunc("GET /tokens", h.S.Page(h.tokensPage))
	rt.HandleFunc("POST /tokens", h.S.Page(h.tokenCreate))
	rt.HandleFunc("POST /tokens/{id}/revoke", h.act("/tokens?flash=common.saved", func(r *http.Request, u *auth.User, id int64) error {
		return h.Auth.RevokeToken(r.Context(), u, id)
	}))

	rt.API(web.Doc{Method: "POST", Path: "/api/v1/session", Summary: "Sign in; sets the session cookie", Tag: "session",
		Body: "Credentials", Response: "User", Public: true}, h.apiLogin)
	rt.API(web.Doc{Method: "DELETE", Path: "/api/v1/session", Summary: "Sign out; ends the session server-side (204 also without one)", Tag: "session",
		Status: 204, Public: true}, h.apiLogout)
	rt.API(web.Doc{Method: "GET", Path: "/api/v1/me", Summary: "The signed-in user", Tag: "session", Response: "User"},
		h.S.API(h.apiMe))
	rt.API(web.Doc{Method: "GET", Path: "/api/v1/users", Summary: "Accounts within the administrator's scope", Tag: "users",
		Response: "UserList"}, h.S.API(counted(h.S, h.Auth.ListUsers)))
	rt.API(web.Doc{Method: "POST", Path: "/api/v1/users", Summary: "Create an account within the administrator's scope", Tag: "users",
		Body: "NewUser", Response: "User", Status: 201}, h.S.API(h.apiUserCreate))
	rt.API(web.Doc{Method: "GET", Path: "/api/v1/users/{id}", Summary: "One account", Tag: "users", Response: "User"},
		h.S.API(h.S.WithID("id", h.apiUser)))
	rt.API(web.Doc{Method: "PATCH", Path: "/api/v1/users/{id}", Summary: "Disable, enable or set the password of an account", Tag: "users",
		Body: "UserPatch", Response: "User"}, h.S.API(h.S.WithID("id", h.apiUserPatch)))
	rt.API(web.Doc{Method: "GET", Path: "/api/v1/tokens", Summary: "The signed-in user's API tokens", Tag: "tokens",
		Response: "TokenList"}, h.S.API(counted(h.S, h.Auth.ListTokens)))
	rt.API(web.Doc{Method: "POST", Path: "/api/v1/tokens", Summary: "Create an API token; the secret is shown once", Tag: "tokens",
		Body: "NewToken", Response: "CreatedToken", Status: 201}, h.S.API(h.apiTokenCreate))
	rt.API(web.Doc{Method: "DELETE", Path: "/api/v1/tokens/{id}", Summary: "Revoke an API token", Tag: "tokens", Status: 204},
		h.S.API(h.S.WithID("id", done(h.S, h.Auth.RevokeToken))))
	h.totpRoutes(rt)
	rt.Schemas(schemas)
}

// safeNext keeps redirects after sign-in on this site.
func safeNext(s string) string {
	if s == "" || !strings.HasPrefix(s, "/") || strings.HasPrefix(s, "//") || strings.HasPrefix(s, "/\\") {
		return "/"
	}
	if u, err := url.Parse(s); err != nil || u.Host != "" {
		return "/"
	}
	return s
}

func (h *Handlers) loginPage(w http.ResponseWriter, r *http.Request) {
	if auth.UserFrom(r.Context()) != nil {
		http.Redirect(w, r, safeNext(r.URL.Query().Get("next")), http.StatusSeeOther)
		return
	}
	h.S.Render(w, r, http.StatusOK, "login", web.View{Title: h.S.Cat.T(langOf(r), "login.title"),
		Data: map[string]string{"Next": r.URL.Query().Get("next")}})
}

func (h *Handlers) loginSubmit(w http.ResponseWriter, r *http.Request) {
	username, password := r.PostFormValue("username"), r.PostFormValue("password")
	next := safeNext(r.PostFormValue("next"))
	_, token, err := h.Auth.SignIn(r.Context(), auth.Credentials{Username: strings.TrimSpace(username), Password: password,
		TwoStep: true, IP: h.S.ClientIP(r), UA: r.UserAgent()})
	if auth.IsTOTPRequired(err) && token != "" {
		// the password was right: ask for the code
		h.renderTOTPStep(w, r, http.StatusOK, "", next, token)
		return
	}
	if err != nil {
		status := web.StatusOf(errs.Code(err))
		e, _ := errs.As(err)
		msg := h.S.Cat.T(langOf(r), "err.internal")
		web.RetryAfter(w, err)
		if e != nil {
			msg = h.S.Cat.Msg(langOf(r), e.Message)
		}
		h.S.Render(w, r, status, "login", web.View{Message: msg,
			Data: map[string]string{"Next": next, "Username": username}})
		return
	}
	h.S.SetSession(w, r, token)
	http.Redirect(w, r, next, http.StatusSeeOther)
}

func (h *Handlers) logout(w http.ResponseWriter, r *http.Request) {
	if c, err := r.Cookie(web.SessionCookie); err == nil {
		h.Auth.Logout(r.Context(), c.Value)
	}
	h.S.ClearSession(w, r)
	http.Redirect(w, r, "/login", http.StatusSeeOther)
}

type credentials struct {
	Username string `json:"username"`
	Password string `json:"password"`
	// TOTP is the second factor's code (or a recovery code), for an
	// account that has it on.
	TOTP string `json:"totp"`
}

func (h *Handlers) apiLogin(w http.ResponseWriter, r *http.Request) {
	var c credentials
	if err := web.DecodeJSON(w, r, &c); err != nil {
		h.S.JSONError(w, r, err)
		return
	}
	u, token, err := h.Auth.SignIn(r.Context(), auth.Credentials{Username: strings.TrimSpace(c.Username), Password: c.Password,
		TOTP: c.TOTP, IP: h.S.ClientIP(r), UA: r.UserAgent()})
	if err != nil {
		if errs.Is(err, errs.Invalid) {
			err = errs.E(errs.Unauthenticated, "err.bad_login")
		}
		h.S.JSONError(w, r, err)
		return
	}
	h.S.SetSession(w, r, token)
	web.JSON(w, http.StatusOK, u)
}

func (h *Handlers) apiLogout(w http.ResponseWriter, r *http.Request) {
	if c, err := r.Cookie(web.SessionCookie); err == nil {
		if err := h.Auth.Logout(r.Context(), c.Value); err != nil {
			h.S.JSONError(w, r, err)
			return
		}
	}
	h.S.ClearSession(w, r)
	w.WriteHeader(http.StatusNoContent)
}

func (h *Handlers) apiMe(w http.ResponseWriter, r *http.Request, u *auth.User) {
	web.JSON(w, http.StatusOK, u)
}
