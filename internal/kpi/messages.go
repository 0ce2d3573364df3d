package kpi

import (
	_ "embed"

	"linli/internal/platform/i18n"
)

//go:embed messages.json
var messagesJSON []byte

// Messages are the indicators' texts.
var Messages = i18n.MustLoad("kpi/messages.json", messagesJSON)
