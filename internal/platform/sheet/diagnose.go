package sheet

import (
	"archive/zip"
	"bytes"
	_ "embed"
	"io"
	"strings"

	"linli/internal/platform/errs"
	"linli/internal/platform/i18n"
)

// Why an upload is not a workbook, told from its content (never its name),
// each with a message in Chinese and English saying what to do next
// (Messages). Every room that imports a spreadsheet names a refused file
// through LimitError.Msg, so no reader's Go English ("zip: not a valid zip
// file", "expected element type <workbook>") reaches a clerk.
const (
	Empty     = "empty"     // no bytes
	XLS       = "xls"       // Excel 97–2003
	Encrypted = "encrypted" // a workbook with a password to open
	Word      = "word"      // .doc or .docx
	Slides    = "slides"    // .ppt or .pptx
	PDF       = "pdf"
	Image     = "image"
	Archive   = "archive" // a zip that is no Office file
	Corrupt   = "corrupt" // a damaged .xlsx (or a zip cut short)
	NotXLSX   = "not_xlsx"
	NoSheet   = "no_sheet"
	TooLarge  = "too_large"
)

// Diagnose tells why data is not an .xlsx this package can read, or nil
// when it looks like one (a zip holding xl/workbook.xml). csvOK lets text
// through (an importer that also reads CSV).
func Diagnose(data []byte, csvOK bool) *LimitError {
	switch {
	case len(bytes.TrimSpace(data)) == 0:
		return &LimitError{Limit: Empty}
	case bytes.HasPrefix(data, []byte{0xD0, 0xCF, 0x11, 0xE0}):
		return &LimitError{Limit: compound(data)}
	case bytes.HasPrefix(data, []byte("%PDF-")):
		return &LimitError{Limit: PDF}
	case bytes.HasPrefix(data, []byte("\x89PNG")), bytes.HasPrefix(data, []byte{0xFF, 0xD8, 0xFF}),
		bytes.HasPrefix(data, []byte("GIF8")), bytes.HasPrefix(data, []byte("RIFF")) && bytes.Contains(data[:min(16, len(data))], []byte("WEBP")):
		return &LimitError{Limit: Image}
	case bytes.HasPrefix(data, []byte("PK")):
		return zipKind(data)
	case bytes.HasPrefix(data, []byte("{\\rtf")):
		return &LimitError{Limit: Word}
	}
	if csvOK {
		return nil
	}
	return &LimitError{Limit: NotXLSX}
}

// compound names an OLE compound file by the streams it holds: an
// encrypted .xlsx keeps its package in "EncryptedPackage"; Word, Excel
// 97–2003 and PowerPoint their own streams (names in UTF-16).
func compound(data []byte) string {
	has := func(s string) bool {
		u := make([]byte, 0, 2*len(s))
		for _, c := range []byte(s) {
			u = append(u, c, 0)
		}
		return bytes.Contains(data, u)
	}
	switch {
	case has("EncryptedPackage"), has("EncryptionInfo"):
		return Encrypted
	case has("WordDocument"):
		return Word
	case has("PowerPoint Document"):
		return Slides
	}
	return XLS
}

func zipKind(data []byte) *LimitError {
	z, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return &LimitError{Limit: Corrupt}
	}
	return DiagnoseZip(z)
}

// DiagnoseZip tells why a zip is not an .xlsx (a Word or PowerPoint file,
// another archive, a damaged workbook), or nil.
func DiagnoseZip(z *zip.Reader) *LimitError {
	var workbook bool
	for _, f := range z.File {
		n := strings.ToLower(f.Name)
		switch {
		case n == "xl/workbook.xml" || n == "xl/workbook.bin":
			workbook = true
		case strings.HasPrefix(n, "word/"):
			return &LimitError{Limit: Word}
		case strings.HasPrefix(n, "ppt/"):
			return &LimitError{Limit: Slides}
		}
	}
	if !workbook {
		if len(z.File) > 0 && hasContentTypes(z) {
			return &LimitError{Limit: NotXLSX}
		}
		return &LimitError{Limit: Archive}
	}
	// A damaged entry shows when read: read the workbook part itself.
	for _, f := range z.File {
		if strings.EqualFold(f.Name, "xl/workbook.xml") {
			rc, err := f.Open()
			if err != nil {
				return &LimitError{Limit: Corrupt}
			}
			_, err = io.Copy(io.Discard, io.LimitReader(rc, 16<<20))
			rc.Close()
			if err != nil {
				return &LimitError{Limit: Corrupt}
			}
		}
	}
	return nil
}

func hasContentTypes(z *zip.Reader) bool {
	for _, f := range z.File {
		if f.Name == "[Content_Types].xml" {
			return true
		}
	}
	return false
}

// Msg is the refusal in the catalog's words: what went wrong and what to do.
func (e *LimitError) Msg() errs.Msg {
	switch e.Limit {
	case "rows", "columns", "cell", "unzipped", "shared", "line", TooLarge:
		return errs.M("sheet.err."+e.Limit, e.Max)
	case "unreadable":
		return errs.M("sheet.err." + Corrupt)
	}
	return errs.M("sheet.err." + e.Limit)
}

// Err is the refusal as an application error (422 with the message).
func (e *LimitError) Err() error {
	m := e.Msg()
	return errs.E(errs.Invalid, m.Key, m.Args...)
}

//go:embed messages.json
var messagesJSON []byte

// Messages are the refusals' words; the application's catalog merges them.
var Messages = i18n.MustLoad("platform/sheet/messages.json", messagesJSON)
