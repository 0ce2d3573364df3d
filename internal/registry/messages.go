package registry

import (
	_ "embed"

	"linli/internal/platform/i18n"
)

//go:embed messages.json
var messagesJSON []byte

// Messages are the registry's texts.
var Messages = i18n.MustLoad("registry/messages.json", messagesJSON)
