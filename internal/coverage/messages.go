package coverage

import (
	_ "embed"

	"linli/internal/platform/i18n"
)

//go:embed messages.json
var messagesJSON []byte

// Messages are the coverage report's texts.
var Messages = i18n.MustLoad("coverage/messages.json", messagesJSON)
