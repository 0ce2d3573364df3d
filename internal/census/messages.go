package census

import (
	_ "embed"

	"linli/internal/platform/i18n"
	"linli/internal/registry"
)

//go:embed messages.json
var messagesJSON []byte

// Messages are the census's texts (with the registry's import messages).
var Messages = i18n.MustLoad("census/messages.json", messagesJSON)

func init() {
	for k, v := range registry.BulkMessages {
		Messages[k] = v
	}
}
