package account

import (
	"context"
	"encoding/base64"
	"net/http"

	"linli/internal/platform/auth"
	"linli/internal/platform/errs"
	"linli/internal/platform/qrcode"
	"linli/internal/platform/web"
)

// The second factor's pages and API: the sign-in's second step, the
// enrolment (QR code and the secret as text, then the recovery codes, shown
// once) and an administrator's reset.

func (h *Handlers) totpRoutes(rt *web.Router) {
	rt.HandleFunc("POST /login/totp", h.loginTOTP)
	rt.HandleFunc("GET "+web.EnrolPath, h.S.Page(h.enrolPage))
	rt.HandleFunc("POST "+web.EnrolPath, h.S.Page(h.enrolSubmit))
	rt.HandleFunc("POST /users/{id}/totp/reset", h.act("/users?flash=common.saved", func(r *http.Request, u *auth.User, id int64) error {
		return h.Auth.ResetTOTP(r.Context(), u, id)
	}))
	rt.API(web.Doc{Method: "POST", Path: "/api/v1/me/totp", Summary: "Begin enrolling the second factor (TOTP): a new secret and its otpauth URL", Tag: "session",
		Response: "TOTPEnrolment", Status: 201}, h.S.API(h.apiTOTPBegin))
	rt.API(web.Doc{Method: "POST", Path: "/api/v1/me/totp/confirm", Summary: "Turn the second factor on with a code; answers the recovery codes, shown once", Tag: "session",
		Body: "TOTPConfirm", Response: "RecoveryCodes"}, h.S.API(h.apiTOTPConfirm))
	rt.API(web.Doc{Method: "DELETE", Path: "/api/v1/users/{id}/totp", Summary: "Reset an account's second factor (sessions end, API tokens revoked)", Tag: "users",
		Status: 204}, h.S.API(h.S.WithID("id", done(h.S, h.Auth.ResetTOTP))))
}

type totpLoginData struct {
	Next, Pending string
}

func (h *Handlers) renderTOTPStep(w http.ResponseWriter, r *http.Request, status int, msg, next, pending string) {
	h.S.Render(w, r, status, "login_totp", web.View{Title: h.S.Cat.T(langOf(r), "totp.title"), Message: msg,
		Data: totpLoginData{Next: next, Pending: pending}})
}

func (h *Handlers) loginTOTP(w http.ResponseWriter, r *http.Request) {
	pending, next := r.PostFormValue("pending"), safeNext(r.PostFormValue("next"))
	_, token, err := h.Auth.CompleteTOTP(r.Context(), pending, r.PostFormValue("totp"), h.S.ClientIP(r), r.UserAgent())
	if err != nil {
		web.RetryAfter(w, err)
		msg := h.S.Cat.T(langOf(r), "err.internal")
		if e, ok := errs.As(err); ok {
			msg = h.S.Cat.Msg(langOf(r), e.Message)
			if e.Message.Key == "err.session_expired" {
				h.S.Render(w, r, http.StatusUnauthorized, "login", web.View{Message: msg, Data: map[string]string{"Next": next}})
				return
			}
		}
		h.renderTOTPStep(w, r, web.StatusOf(errs.Code(err)), msg, next, pending)
		return
	}
	h.S.SetSession(w, r, token)
	http.Redirect(w, r, next, http.StatusSeeOther)
}

type enrolData struct {
	On       bool
	Secret   string
	QR       string // a data: URI of a PNG
	Recovery []string
	Required bool
}

func (h *Handlers) enrolView(r *http.Request, u *auth.User, e *auth.TOTPEnrolment, recovery []string) web.View {
	d := enrolData{On: u.TOTP || recovery != nil, Recovery: recovery, Required: auth.RequiresTOTP(u.Role)}
	if e != nil {
		d.Secret = e.Secret
		d.QR = qrDataURI(e.URL)
	}
	return web.View{Title: h.S.Cat.T(langOf(r), "totp.enrol_title"), Data: d}
}

// enrolment is the user's pending second-factor enrolment, begun when
// there is none.
func (h *Handlers) enrolment(ctx context.Context, u *auth.User) (*auth.TOTPEnrolment, error) {
	e, err := h.Auth.PendingTOTP(ctx, u)
	if err != nil || e != nil {
		return e, err
	}
	return h.Auth.BeginTOTP(ctx, u)
}

func (h *Handlers) enrolPage(w http.ResponseWriter, r *http.Request, u *auth.User) {
	if u.TOTP {
		h.S.Render(w, r, http.StatusOK, "totp_enrol", h.enrolView(r, u, nil, nil))
		return
	}
	e, err := h.enrolment(r.Context(), u)
	if err != nil {
		h.S.PageError(w, r, err)
		return
	}
	h.S.Render(w, r, http.StatusOK, "totp_enrol", h.enrolView(r, u, e, nil))
}

func (h *Handlers) enrolSubmit(w http.ResponseWriter, r *http.Request, u *auth.User) {
	codes, err := h.Auth.ConfirmTOTP(r.Context(), u, r.PostFormValue("totp"))
	if err != nil && !errs.Is(err, errs.Invalid) { // a second factor already on is no form to fix
		h.S.PageError(w, r, err)
		return
	}
	if err != nil {
		h.S.Refill(w, r, err, func(status int, fields map[string]string) {
			e, _ := h.Auth.PendingTOTP(r.Context(), u)
			v := h.enrolView(r, u, e, nil)
			v.Errors, v.Message = fields, fields["totp"]
			h.S.Render(w, r, status, "totp_enrol", v)
		})
		return
	}
	// the recovery codes are on this answer only
	h.S.Render(w, r, http.StatusOK, "totp_enrol", h.enrolView(r, u, nil, codes))
}

func (h *Handlers) apiTOTPBegin(w http.ResponseWriter, r *http.Request, u *auth.User) {
	e, err := h.Auth.BeginTOTP(r.Context(), u)
	h.S.Respond(w, r, http.StatusCreated, e, err)
}

type totpConfirm struct {
	TOTP string `json:"totp"`
}

func (h *Handlers) apiTOTPConfirm(w http.ResponseWriter, r *http.Request, u *auth.User) {
	var in totpConfirm
	if err := web.DecodeJSON(w, r, &in); err != nil {
		h.S.JSONError(w, r, err)
		return
	}
	codes, err := h.Auth.ConfirmTOTP(r.Context(), u, in.TOTP)
	h.S.Respond(w, r, http.StatusOK, map[string]any{"recovery_codes": codes}, err)
}

// qrDataURI draws text as a QR code PNG in a data: URI (the CSP allows
// data: images; nothing is fetched from elsewhere).
func qrDataURI(text string) string {
	b, err := qrcode.PNG(text, 5)
	if err != nil {
		return ""
	}
	return "data:image/png;base64," + base64.StdEncoding.EncodeToString(b)
}
