package app_test

import (
	"archive/zip"
	"bytes"
	"context"
	"strings"
	"testing"
	"unicode"

	"github.com/xuri/excelize/v2"

	"linli/internal/activity"
	"linli/internal/app/apptest"
	"linli/internal/platform/auth"
)

// badFiles are what clerks upload by mistake, each with a fragment the
// refusal must contain (in Chinese: what is wrong, and what to do).
func badFiles(t *testing.T) []struct {
	name, file, want string
	data             []byte
} {
	book := func(rows [][]any, opts ...excelize.Options) []byte {
		f := excelize.NewFile()
		for i, r := range rows {
			cell, _ := excelize.CoordinatesToCellName(1, i+1)
			f.SetSheetRow("Sheet1", cell, &r)
		}
		var b bytes.Buffer
		if err := f.Write(&b, opts...); err != nil {
			t.Fatal(err)
		}
		return b.Bytes()
	}
	var docx bytes.Buffer
	zw := zip.NewWriter(&docx)
	for _, n := range []string{"[Content_Types].xml", "word/document.xml"} {
		w, _ := zw.Create(n)
		w.Write([]byte(`<?xml version="1.0"?><document/>`))
	}
	zw.Close()
	good := book([][]any{{"组织名称", "活动名称"}, {"甲", "乙"}})
	noHeader := book([][]any{{"张三", "13800000000", "2023-01-01"}, {"李四", "13900000000", "2023-02-01"}})
	return []struct {
		name, file, want string
		data             []byte
	}{
		{"a Word document", "名单.xlsx", "Word", docx.Bytes()},
		{"a PDF renamed", "名单.xlsx", "PDF", []byte("%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n")},
		{"a corrupt zip", "名单.xlsx", "损坏", append([]byte("PK\x03\x04"), bytes.Repeat([]byte{0x17}, 300)...)},
		{"a workbook cut short", "名单.xlsx", "损坏", good[:len(good)/2]},
		{"an empty file", "名单.xlsx", "空", nil},
		{"an encrypted workbook", "名单.xlsx", "密码", book([][]any{{"组织名称"}}, excelize.Options{Password: "123456"})},
		{"a sheet without the header row", "名单.xlsx", "表头", noHeader},
	}
}

// goEnglish are fragments of Go's and the readers' own messages.
var goEnglish = []string{"zip:", "xml:", "expected element", "excelize", "EOF", "not a valid", "unexpected"}

func hasHan(s string) bool {
	for _, r := range s {
		if unicode.Is(unicode.Han, r) {
			return true
		}
	}
	return false
}

// TestUploadErrorsInChinese feeds each bad file to each import endpoint
// and each photo endpoint through real HTTP: every refusal is in Chinese,
// says what to do, and carries none of Go's English.
func TestUploadErrorsInChinese(t *testing.T) {
	a := apptest.New(t)
	officer := a.CreateUser("clerk-upload-officer", auth.StreetOfficer, wushan, 0)
	org := a.ActiveOrg(officer, "五山上传测试队", wushanComm)
	act, err := a.Activity.Create(context.Background(), officer, activity.Input{OrgIDs: []int64{org.ID}, Title: "上传测试活动",
		Theme: "neighbourly_watch", Kind: "service", Fields: []string{"companionship"},
		StartsAt: "2023-05-06T09:00:00+08:00", EndsAt: "2023-05-06T12:00:00+08:00", CommunityCode: wushanComm,
		TargetGroups: []string{"elderly"}, Participants: 12,
		Beneficiaries: activity.Beneficiaries{Total: 8, ByGroup: map[string]int{"elderly": 8}}})
	if err != nil {
		t.Fatal(err)
	}
	c := a.As(officer)
	imports := []string{"/api/v1/orgs/import?dry_run=1", "/api/v1/activities/import?dry_run=1"}
	for _, f := range badFiles(t) {
		for _, path := range imports {
			r := c.Do("POST", path, apptest.Upload{Field: "file", Filename: f.file, Data: f.data})
			body := r.String()
			if r.Status != 422 && r.Status != 200 {
				t.Errorf("%s to %s: status %d %s", f.name, path, r.Status, body)
			}
			if r.Status == 200 && !strings.Contains(body, `"error_count"`) {
				t.Errorf("%s to %s: accepted: %s", f.name, path, body)
			}
			check(t, f.name+" to "+path, body, f.want)
		}
	}
	// Photos and attachments: what is not a picture says what it is.
	photos := "/api/v1/activities/" + itoa64(act.ID) + "/files"
	for _, f := range []struct {
		name, file, want string
		data             []byte
	}{
		{"a Word document", "照片.jpg", "Word", badFiles(t)[0].data},
		{"an empty file", "照片.jpg", "没有收到文件", nil},
		{"a text file", "照片.png", "文本", []byte("这不是图片")},
		{"an archive", "照片.zip", "压缩包", zipOf(t)},
	} {
		r := c.Do("POST", photos, apptest.Upload{Field: "file", Filename: f.file, Data: f.data})
		if r.Status != 422 {
			t.Errorf("%s as a photo: status %d %s", f.name, r.Status, r.String())
		}
		check(t, f.name+" as a photo", r.String(), f.want)
	}
}

func check(t *testing.T, what, body, want string) {
	t.Helper()
	if !hasHan(body) || !strings.Contains(body, want) {
		t.Errorf("%s: the message does not say %q in Chinese: %s", what, want, body)
	}
	for _, g := range goEnglish {
		if strings.Contains(body, g) {
			t.Errorf("%s: Go's English %q reaches the clerk: %s", what, g, body)
		}
	}
}

func zipOf(t *testing.T) []byte {
	var b bytes.Buffer
	zw := zip.NewWriter(&b)
	w, _ := zw.Create("a.txt")
	w.Write([]byte("x"))
	zw.Close()
	return b.Bytes()
}
