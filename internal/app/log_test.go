package app

import (
	"bytes"
	"strings"
	"testing"
)

func TestLogFormatFlag(t *testing.T) {
	for _, c := range []struct {
		args     []string
		env      string
		rest     string
		format   string
		rejected bool
	}{
		{[]string{"serve", "--demo"}, "", "serve --demo", "", false},
		{[]string{"--log-format", "json", "serve"}, "", "serve", "json", false},
		{[]string{"serve", "--log-format=text", "--demo"}, "json", "serve --demo", "text", false},
		{[]string{"migrate"}, "json", "migrate", "json", false},
		{[]string{"migrate", "--log-format=xml"}, "", "migrate", "xml", true},
	} {
		rest, format := logFormat(c.args, c.env)
		if strings.Join(rest, " ") != c.rest || format != c.format {
			t.Errorf("logFormat(%v, %q) = %v, %q; want %s, %q", c.args, c.env, rest, format, c.rest, c.format)
		}
		var buf bytes.Buffer
		log, err := newLogger(&buf, format)
		if (err != nil) != c.rejected {
			t.Errorf("newLogger(%q) error %v", format, err)
			continue
		}
		if err != nil {
			continue
		}
		log.Info("hello", "k", 1)
		if json := strings.HasPrefix(buf.String(), "{"); json != (format == "json") {
			t.Errorf("format %q wrote %q", format, buf.String())
		}
	}
}
