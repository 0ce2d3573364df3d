package account

import (
	"linli/internal/platform/auth"
	"linli/internal/platform/web"
)

// schemas are generated from the requests' and answers' Go types
// (web.SchemaOf); the props add the enums a type cannot tell, and the
// small bodies a handler writes as a map of its own stay written here.
var schemas = map[string]any{
	"Credentials":   web.SchemaOf(credentials{}, nil, "username", "password"),
	"TOTPEnrolment": web.SchemaOf(auth.TOTPEnrolment{}, nil),
	"TOTPConfirm":   web.SchemaOf(totpConfirm{}, nil, "totp"),
	"RecoveryCodes": web.Obj(map[string]any{"recovery_codes": web.Arr(web.Str())}),
	"User":          web.SchemaOf(auth.User{}, map[string]any{"role": web.Enum(auth.Roles...)}),
	"UserList":      web.Obj(map[string]any{"items": web.Arr(web.Ref("User")), "total": web.Int()}),
	"NewUser":       web.SchemaOf(auth.NewUser{}, map[string]any{"role": web.Enum(auth.Roles...)}, "username", "role", "scope_code", "password"),
	"UserPatch":     web.SchemaOf(userPatch{}, nil),
	"Token":         web.SchemaOf(auth.Token{}, nil),
	"TokenList":     web.Obj(map[string]any{"items": web.Arr(web.Ref("Token")), "total": web.Int()}),
	"NewToken":      web.Obj(map[string]any{"name": web.Str()}, "name"),
	"CreatedToken": web.Obj(map[string]any{"token": web.Str(), "id": web.Int(), "name": web.Str(), "prefix": web.Str(),
		"created_at": map[string]any{"type": "string", "format": "date-time"}}),
}
