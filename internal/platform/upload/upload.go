// Package upload checks uploaded files by their content, never their name:
// the one rule the custody ledger's receipts and activities' photos share.
package upload

import (
	"bytes"
	_ "embed"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"path"
	"strconv"
	"strings"
	"unicode/utf8"

	"linli/internal/platform/errs"
	"linli/internal/platform/i18n"
)

// File is a file as received: its name (kept for display only) and bytes.
type File struct {
	Filename string
	Data     []byte
}

// Read reads at most max+1 bytes, so an oversized file is told without
// reading all of it.
func Read(r io.Reader, name string, max int64) (*File, error) {
	b, err := io.ReadAll(io.LimitReader(r, max+1))
	if err != nil {
		return nil, fmt.Errorf("read upload: %w", err)
	}
	return &File{Filename: name, Data: b}, nil
}

// Problem says why a file was refused.
type Problem int

// The reasons a file is refused.
const (
	OK       Problem = iota
	Missing          // no file, or an empty one
	TooLarge         // over the size limit
	BadType          // its content is none of the accepted types
)

// Check tells a file's content type from its first bytes and checks it
// against the accepted types and the size limit. It returns the type, or
// the problem.
func Check(data []byte, max int64, types []string) (string, Problem) {
	if len(data) == 0 {
		return "", Missing
	}
	if int64(len(data)) > max {
		return "", TooLarge
	}
	ct := http.DetectContentType(data[:min(512, len(data))])
	ct, _, _ = strings.Cut(ct, ";")
	for _, t := range types {
		if ct == t {
			return ct, OK
		}
	}
	return "", BadType
}

// CleanName keeps a file name fit for display and a Content-Disposition
// header: no directories, no control characters or quotes, 100 characters.
func CleanName(name string) string {
	name = path.Base(strings.ReplaceAll(name, `\`, "/"))
	name = strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f || r == '"' {
			return -1
		}
		return r
	}, name)
	if name == "." || name == "/" {
		name = ""
	}
	for utf8.RuneCountInString(name) > 100 {
		_, n := utf8.DecodeLastRuneInString(name)
		name = name[:len(name)-n]
	}
	return name
}

// Send serves a stored upload back to a signed-in user who may see it (a
// receipt, an activity's file): shown inline under its own name, sandboxed
// so that a file crafted to run script runs nothing, cached privately for
// an hour. The one way every room sends an uploaded file back.
func Send(w http.ResponseWriter, contentType, filename string, data []byte) {
	h := w.Header()
	h.Set("Content-Type", contentType)
	h.Set("Content-Length", strconv.Itoa(len(data)))
	h.Set("Content-Disposition", "inline; filename*=UTF-8''"+url.PathEscape(filename))
	h.Set("Content-Security-Policy", "sandbox; default-src 'none'; img-src 'self'; object-src 'self'")
	h.Set("Cache-Control", "private, max-age=3600")
	w.Write(data)
}

// Msg is a refusal in the user's words, saying what arrived and what to do
// next: the one mapping every room that takes photos, receipts or
// attachments uses (Messages holds the words).
func Msg(p Problem, data []byte, max int64, types []string) errs.Msg {
	switch p {
	case Missing:
		return errs.M("upload.err.missing")
	case TooLarge:
		return errs.M("upload.err.too_large", max>>20)
	case BadType:
		return errs.M("upload.err.type_"+kindOf(data), accepted(types))
	}
	return errs.Msg{}
}

// kindOf names what a refused file is, from its first bytes.
func kindOf(data []byte) string {
	head := data[:min(len(data), 4096)]
	switch {
	case bytes.HasPrefix(head, []byte{0xD0, 0xCF, 0x11, 0xE0}):
		return "office"
	case bytes.HasPrefix(head, []byte("PK\x03\x04")):
		if bytes.Contains(head, []byte("word/")) || bytes.Contains(head, []byte("xl/")) || bytes.Contains(head, []byte("ppt/")) ||
			bytes.Contains(head, []byte("[Content_Types].xml")) {
			return "office"
		}
		return "archive"
	case bytes.HasPrefix(head, []byte("%PDF-")):
		return "pdf"
	case len(head) > 12 && string(head[4:8]) == "ftyp" && (bytes.Contains(head[8:12], []byte("hei")) || bytes.Contains(head[8:12], []byte("mif"))):
		return "heic"
	case utf8.Valid(head):
		return "text"
	}
	return "other"
}

var typeLabels = map[string]string{"image/png": "PNG", "image/jpeg": "JPEG", "image/gif": "GIF", "image/webp": "WebP",
	"application/pdf": "PDF"}

func accepted(types []string) string {
	var out []string
	for _, t := range types {
		if l, ok := typeLabels[t]; ok {
			out = append(out, l)
		} else {
			out = append(out, t)
		}
	}
	return strings.Join(out, " / ")
}

//go:embed messages.json
var messagesJSON []byte

// Messages are the refusals' words; the application's catalog merges them.
var Messages = i18n.MustLoad("platform/upload/messages.json", messagesJSON)
