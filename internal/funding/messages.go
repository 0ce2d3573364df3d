package funding

import (
	_ "embed"

	"linli/internal/platform/i18n"
)

//go:embed messages.json
var messagesJSON []byte

// Messages are the funding room's texts.
var Messages = i18n.MustLoad("funding/messages.json", messagesJSON)
