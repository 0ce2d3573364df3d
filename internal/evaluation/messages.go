package evaluation

import (
	_ "embed"

	"linli/internal/platform/i18n"
)

//go:embed messages.json
var messagesJSON []byte

// Messages are the room's texts.
var Messages = i18n.MustLoad("evaluation/messages.json", messagesJSON)
