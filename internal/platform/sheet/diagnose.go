package sheet

import (
	"archive/zip"
	"bytes"
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

// Messages are the refusals' words; the application's catalog merges them.
var Messages = i18n.Messages{
	"sheet.err.empty": {i18n.ZH: "文件是空的（0 字节或只有空白）。请确认选对了文件，在 Excel 中打开检查后重新上传。",
		i18n.EN: "The file is empty (no bytes, or only blanks). Check you chose the right file, open it in Excel and upload again."},
	"sheet.err.xls": {i18n.ZH: "这是旧版 Excel 97–2003 文件（.xls），系统不能读取。请在 Excel 中“另存为” Excel 工作簿（.xlsx）后重新上传。",
		i18n.EN: "This is an old Excel 97–2003 file (.xls), which cannot be read. In Excel, Save As an Excel Workbook (.xlsx) and upload again."},
	"sheet.err.encrypted": {i18n.ZH: "这个 Excel 文件设置了打开密码，系统无法读取。请在 Excel 中打开，通过“文件 → 信息 → 保护工作簿 → 用密码进行加密”清除密码，保存后重新上传。",
		i18n.EN: "This Excel file has a password to open, so it cannot be read. Open it in Excel, remove the password (File → Info → Protect Workbook → Encrypt with Password), save and upload again."},
	"sheet.err.word": {i18n.ZH: "这是 Word 文档，不是 Excel 表格。请下载导入模板，把数据填入模板（.xlsx）后上传。",
		i18n.EN: "This is a Word document, not an Excel sheet. Download the import template, fill it in (.xlsx) and upload that."},
	"sheet.err.slides": {i18n.ZH: "这是 PowerPoint 演示文稿，不是 Excel 表格。请下载导入模板，填好后上传 .xlsx 文件。",
		i18n.EN: "This is a PowerPoint presentation, not an Excel sheet. Download the import template, fill it in and upload the .xlsx."},
	"sheet.err.pdf": {i18n.ZH: "这是 PDF 文件（可能只是改了扩展名），系统无法从中读取表格。请上传 Excel 原文件（.xlsx），或把数据填入导入模板后上传。",
		i18n.EN: "This is a PDF (perhaps renamed), from which no table can be read. Upload the original Excel file (.xlsx), or fill the import template."},
	"sheet.err.image": {i18n.ZH: "这是图片，不是 Excel 表格。请把数据填入导入模板（.xlsx）后上传。",
		i18n.EN: "This is a picture, not an Excel sheet. Fill the import template (.xlsx) and upload that."},
	"sheet.err.archive": {i18n.ZH: "这是压缩包（.zip 等），不是 Excel 表格。请解压后上传其中的 .xlsx 文件。",
		i18n.EN: "This is an archive (.zip or similar), not an Excel sheet. Unpack it and upload the .xlsx inside."},
	"sheet.err.corrupt": {i18n.ZH: "Excel 文件已损坏或不完整（可能下载或复制时中断），无法读取。请在 Excel 中打开确认能正常显示，另存为新的 .xlsx 后重新上传。",
		i18n.EN: "The Excel file is damaged or incomplete (an interrupted download or copy?) and cannot be read. Open it in Excel, check it shows, Save As a new .xlsx and upload again."},
	"sheet.err.not_xlsx": {i18n.ZH: "文件不是 Excel 工作簿（.xlsx）。请下载导入模板，填好后上传；WPS 用户请“另存为” Excel 工作簿（.xlsx）。",
		i18n.EN: "The file is not an Excel workbook (.xlsx). Download the import template and fill it in; in WPS, Save As an Excel Workbook (.xlsx)."},
	"sheet.err.no_sheet": {i18n.ZH: "Excel 文件里没有工作表。请把数据填入导入模板的第一张工作表后上传。",
		i18n.EN: "The Excel file has no sheet. Put the data in the first sheet of the import template and upload it."},
	"sheet.err.too_large": {i18n.ZH: "文件过大（上限 %d MB）。请删除无关的工作表、图片和格式，或拆分为几个文件分批上传。",
		i18n.EN: "The file is too large (at most %d MB). Remove unrelated sheets, pictures and formatting, or split it and upload the parts one by one."},
	"sheet.err.rows": {i18n.ZH: "文件超过 %d 行数据的上限，请拆分为多个文件分批导入。",
		i18n.EN: "The file has more than %d data rows: split it and import the parts one by one."},
	"sheet.err.columns": {i18n.ZH: "有一行超过 %d 列的上限，请删除多余的列后重新导入。",
		i18n.EN: "A row has more than %d columns: delete the extra columns and import again."},
	"sheet.err.cell": {i18n.ZH: "有一个单元格超过 %d 字节的上限，请检查并缩短该单元格内容。",
		i18n.EN: "A cell is longer than %d bytes: check it and shorten it."},
	"sheet.err.line": {i18n.ZH: "CSV 文件中有一行超过 %d KB 的上限（可能缺少换行或引号未闭合），请检查文件后重新导入。",
		i18n.EN: "A CSV line is longer than %d KB (a missing line break or an unclosed quote?): check the file and import again."},
	"sheet.err.unzipped": {i18n.ZH: "Excel 文件解压后超过 %d MB 的上限，请删除无关的工作表、图片和格式，或拆分后导入。",
		i18n.EN: "The Excel file is over %d MB decompressed: remove unrelated sheets, pictures and formatting, or split it."},
	"sheet.err.shared": {i18n.ZH: "Excel 文件中的文字共享表超过 %d MB 的上限，请另存为 CSV 或拆分后导入。",
		i18n.EN: "The Excel file's shared strings are over %d MB: save it as CSV or split it."},
}
