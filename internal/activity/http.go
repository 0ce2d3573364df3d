package activity

import (
	"embed"

	"linli/internal/platform/web"
)

//go:embed templates/*.html
var templateFS embed.FS

// Templates are the activities' pages.
var Templates = web.Templates{FS: templateFS, Dir: "templates"}

func (h *Handlers) pageRoutes(rt *web.Router) {}
