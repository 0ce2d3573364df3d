package portal

import (
	_ "embed"

	"linli/internal/platform/i18n"
)

//go:embed messages.json
var messagesJSON []byte

// Messages are the portal's texts.
var Messages = i18n.MustLoad("portal/messages.json", messagesJSON)
