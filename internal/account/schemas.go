package account

import (
	"linli/internal/platform/auth"
	"linli/internal/platform/web"
)

var schemas = map[string]any{
	"Credentials":   web.Obj(map[string]any{"username": web.Str(), "password": web.Str(), "totp": web.Str()}, "username", "password"),
	"TOTPEnrolment": web.Obj(map[string]any{"secret": web.Str(), "otpauth_url": web.Str()}),
	"TOTPConfirm":   web.Obj(map[string]any{"totp": web.Str()}, "totp"),
	"RecoveryCodes": web.Obj(map[string]any{"recovery_codes": web.Arr(web.Str())}),
	"User": web.Obj(map[string]any{"id": web.Int(), "username": web.Str(), "display_name": web.Str(),
		"role": web.Enum(auth.Roles...), "scope_code": web.Str(), "org_id": web.Int(), "disabled": web.Bool(), "totp_enabled": web.Bool()}),
	"UserList": web.Obj(map[string]any{"items": web.Arr(web.Ref("User")), "total": web.Int()}),
	"NewUser": web.Obj(map[string]any{"username": web.Str(), "display_name": web.Str(), "role": web.Enum(auth.Roles...),
		"scope_code": web.Str(), "org_id": web.Int(), "password": web.Str()}, "username", "role", "scope_code", "password"),
	"UserPatch": web.Obj(map[string]any{"disabled": web.Bool(), "password": web.Str()}),
	"Token": web.Obj(map[string]any{"id": web.Int(), "name": web.Str(), "prefix": web.Str(),
		"created_at": web.Str(), "last_used_at": web.Str(), "revoked_at": web.Str()}),
	"TokenList":    web.Obj(map[string]any{"items": web.Arr(web.Ref("Token")), "total": web.Int()}),
	"NewToken":     web.Obj(map[string]any{"name": web.Str()}, "name"),
	"CreatedToken": web.Obj(map[string]any{"token": web.Str(), "id": web.Int(), "name": web.Str(), "prefix": web.Str()}),
}
