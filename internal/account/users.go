package account

import (
	"context"
	"net/http"
	"strconv"

	"linli/internal/geo"
	"linli/internal/platform/auth"
	"linli/internal/platform/errs"
	"linli/internal/platform/i18n"
	"linli/internal/platform/web"
)

func langOf(r *http.Request) string { return i18n.FromRequest(r) }

type usersData struct {
	Users []*auth.User
	Roles []string
	Form  auth.NewUser
	// the form's place and organization as typed or chosen (names)
	Scope, Org string
	// The list's filter and page: Total accounts match, Page of Pages.
	Filter             auth.UserFilter
	Total, Page, Pages int
	Prev, Next         int
}

func (h *Handlers) usersPage(w http.ResponseWriter, r *http.Request, u *auth.User) {
	q := r.URL.Query()
	f := auth.UserFilter{Q: q.Get("q"), Role: q.Get("role")}
	f.Page, _ = strconv.Atoi(q.Get("page"))
	if !auth.ValidRole(f.Role) {
		f.Role = ""
	}
	users, total, err := h.Auth.UsersPage(r.Context(), u, f)
	if err != nil {
		h.S.PageError(w, r, err)
		return
	}
	d := usersData{Users: users, Roles: auth.Roles, Filter: f, Total: total, Page: max(f.Page, 1)}
	d.Pages = max((total+auth.UsersPerPage-1)/auth.UsersPerPage, 1)
	if d.Page > 1 {
		d.Prev = d.Page - 1
	}
	if d.Page < d.Pages {
		d.Next = d.Page + 1
	}
	h.S.Render(w, r, http.StatusOK, "users", web.View{Title: h.S.Cat.T(langOf(r), "nav.users"), Data: d})
}

func (h *Handlers) userNewPage(w http.ResponseWriter, r *http.Request, u *auth.User) {
	if !u.CanManageUsers() {
		h.S.PageError(w, r, errs.E(errs.Forbidden, "err.forbidden"))
		return
	}
	h.S.Render(w, r, http.StatusOK, "user_new", web.View{Title: h.S.Cat.T(langOf(r), "users.new"),
		Data: usersData{Roles: auth.Roles, Scope: geo.PlaceText(r.Context(), h.Places, u.ScopeCode)}})
}

func (h *Handlers) userCreate(w http.ResponseWriter, r *http.Request, u *auth.User) {
	in := auth.NewUser{Username: r.PostFormValue("username"), DisplayName: r.PostFormValue("display_name"),
		Role: r.PostFormValue("role"), Password: r.PostFormValue("password")}
	scope, org := r.PostFormValue("scope_code"), r.PostFormValue("org_id")
	h.S.Saved(w, r, h.createUser(r.Context(), u, &in, scope, org), "/users?flash=common.saved", func(status int, fields map[string]string) {
		in.Password = ""
		h.S.Render(w, r, status, "user_new", web.View{Title: h.S.Cat.T(langOf(r), "users.new"),
			Errors: fields, Message: h.S.Cat.T(langOf(r), "common.fix_errors"), Data: usersData{Roles: auth.Roles, Form: in,
				Scope: scope, Org: org}})
	})
}

// createUser makes the account of the form in, in the scope and for the
// organization its pickers name (both kept in in for the form again).
func (h *Handlers) createUser(ctx context.Context, u *auth.User, in *auth.NewUser, scope, org string) error {
	var err error
	if in.ScopeCode, err = h.scopeOf(ctx, u, scope); err != nil {
		return err
	}
	if in.OrgID, err = h.orgOf(ctx, u, org); err != nil {
		return err
	}
	_, err = h.Auth.CreateUser(ctx, u, *in)
	return err
}

// act is a page's action on the account or token named by {id}: fn's
// change, then next (a 303), or the error page.
func (h *Handlers) act(next string, fn func(r *http.Request, u *auth.User, id int64) error) http.HandlerFunc {
	return h.S.PageID(func(w http.ResponseWriter, r *http.Request, u *auth.User, id int64) {
		if err := fn(r, u, id); err != nil {
			h.S.PageError(w, r, err)
			return
		}
		http.Redirect(w, r, next, http.StatusSeeOther)
	})
}

func (h *Handlers) userSetPassword(w http.ResponseWriter, r *http.Request, u *auth.User, id int64) {
	err := h.Auth.SetPassword(r.Context(), u, id, r.PostFormValue("password"))
	h.S.Saved(w, r, err, "/users?flash=common.saved", func(status int, fields map[string]string) {
		users, _ := h.Auth.ListUsers(r.Context(), u)
		h.S.Render(w, r, status, "users", web.View{Title: h.S.Cat.T(langOf(r), "nav.users"),
			Errors: fields, Message: fields["password"], Data: usersData{Users: users}})
	})
}

// done runs an action on the account or token its path names and answers
// 204 (a token's revocation, a second factor's reset), or its error.
func done(s *web.Server, fn func(ctx context.Context, u *auth.User, id int64) error) web.IDHandler {
	return func(w http.ResponseWriter, r *http.Request, u *auth.User, id int64) {
		if err := fn(r.Context(), u, id); err != nil {
			s.JSONError(w, r, err)
			return
		}
		w.WriteHeader(http.StatusNoContent)
	}
}

// counted answers the user's own list as {"items": [...], "total": n}
// (the accounts' and the tokens' lists).
func counted[T any](s *web.Server, fn func(ctx context.Context, u *auth.User) ([]T, error)) web.Handler {
	return func(w http.ResponseWriter, r *http.Request, u *auth.User) {
		l, err := fn(r.Context(), u)
		s.Respond(w, r, http.StatusOK, map[string]any{"items": l, "total": len(l)}, err)
	}
}

func (h *Handlers) apiUserCreate(w http.ResponseWriter, r *http.Request, u *auth.User) {
	var in auth.NewUser
	if err := web.DecodeJSON(w, r, &in); err != nil {
		h.S.JSONError(w, r, err)
		return
	}
	nu, err := h.Auth.CreateUser(r.Context(), u, in)
	h.S.Respond(w, r, http.StatusCreated, nu, err)
}

func (h *Handlers) apiUser(w http.ResponseWriter, r *http.Request, u *auth.User, id int64) {
	if !u.CanManageUsers() && id != u.ID {
		h.S.JSONError(w, r, errs.Missing())
		return
	}
	found, err := h.Auth.UserByID(r.Context(), u, id)
	h.S.Respond(w, r, http.StatusOK, found, err)
}

type userPatch struct {
	Disabled *bool   `json:"disabled"`
	Password *string `json:"password"`
}

func (h *Handlers) apiUserPatch(w http.ResponseWriter, r *http.Request, u *auth.User, id int64) {
	if !u.CanManageUsers() && id != u.ID {
		h.S.JSONError(w, r, errs.Missing())
		return
	}
	var p userPatch
	if err := web.DecodeJSON(w, r, &p); err != nil {
		h.S.JSONError(w, r, err)
		return
	}
	if p.Disabled != nil {
		if err := h.Auth.SetDisabled(r.Context(), u, id, *p.Disabled); err != nil {
			h.S.JSONError(w, r, err)
			return
		}
	}
	if p.Password != nil {
		if err := h.Auth.SetPassword(r.Context(), u, id, *p.Password); err != nil {
			h.S.JSONError(w, r, err)
			return
		}
	}
	h.apiUser(w, r, u, id)
}
