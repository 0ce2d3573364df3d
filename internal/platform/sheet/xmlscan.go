package sheet

import (
	"bufio"
	"bytes"
	"errors"
	"io"
	"strconv"
	"unicode/utf8"
)

// scanner is a small pull tokenizer for the XML of a workbook's parts: it
// yields start and end tags with their local names and raw attributes, and
// reads the text of an element on request, decoding entities and CDATA. It
// builds no tree and no token objects; everything it returns is valid until
// the next call. Tags and texts are bounded (maxTag, the caller's limit), so
// a hostile part cannot make it gather more than that.
type scanner struct {
	r     *bufio.Reader
	tag   []byte // the current tag, between < and >
	text  []byte // the current text
	lt    bool   // the '<' of the next tag is already read
	close bool   // the current tag is an end tag
	empty bool   // the current tag is self-closing
	name  []byte // local name of the current tag
	attrs []byte // raw attributes of the current tag
}

// maxTag bounds one tag with its attributes.
const maxTag = 64 << 10

var errMalformed = errors.New("malformed XML")

// errTextLimit is a text longer than the caller allows.
var errTextLimit = errors.New("text over the limit")

func newScanner(r io.Reader) *scanner {
	return &scanner{r: bufio.NewReaderSize(r, 64<<10)}
}

// skipTo discards input through the first occurrence of end.
func (s *scanner) skipTo(end string) error {
	var win [4]byte // the last bytes read (end is at most 3 bytes)
	for {
		b, err := s.r.ReadByte()
		if err != nil {
			return unexpected(err)
		}
		copy(win[:], win[1:])
		win[3] = b
		if string(win[4-len(end):]) == end {
			return nil
		}
	}
}

func unexpected(err error) error {
	if errors.Is(err, io.EOF) {
		return io.ErrUnexpectedEOF
	}
	return err
}

// next reads to the next start or end tag (skipping text, comments,
// processing instructions and declarations); io.EOF at the end of input.
func (s *scanner) next() error {
	for {
		if !s.lt {
			for {
				_, err := s.r.ReadSlice('<')
				if err == nil {
					break
				}
				if !errors.Is(err, bufio.ErrBufferFull) {
					return err
				}
			}
		}
		s.lt = false
		b, err := s.r.ReadByte()
		if err != nil {
			return unexpected(err)
		}
		switch b {
		case '?':
			if err := s.skipTo("?>"); err != nil {
				return err
			}
			continue
		case '!':
			p, _ := s.r.Peek(7)
			switch {
			case bytes.HasPrefix(p, []byte("--")):
				s.r.Discard(2)
				err = s.skipTo("-->")
			case bytes.HasPrefix(p, []byte("[CDATA[")):
				s.r.Discard(7)
				err = s.skipTo("]]>")
			default:
				err = s.skipTo(">")
			}
			if err != nil {
				return err
			}
			continue
		}
		s.tag = s.tag[:0]
		s.close = b == '/'
		if !s.close {
			s.tag = append(s.tag, b)
		}
		for {
			chunk, err := s.r.ReadSlice('>')
			s.tag = append(s.tag, chunk...)
			if len(s.tag) > maxTag {
				return errMalformed
			}
			if errors.Is(err, bufio.ErrBufferFull) {
				continue
			}
			if err != nil {
				return unexpected(err)
			}
			if quotesClosed(s.tag) { // else the '>' is inside a value
				s.tag = s.tag[:len(s.tag)-1]
				break
			}
		}
		t := s.tag
		s.empty = len(t) > 0 && t[len(t)-1] == '/'
		if s.empty {
			t = t[:len(t)-1]
		}
		end := bytes.IndexAny(t, " \t\r\n")
		if end < 0 {
			end = len(t)
		}
		s.name, s.attrs = t[:end], t[end:]
		if i := bytes.IndexByte(s.name, ':'); i >= 0 {
			s.name = s.name[i+1:]
		}
		return nil
	}
}

// quotesClosed reports whether every quoted value of a tag is closed.
func quotesClosed(t []byte) bool {
	if bytes.IndexByte(t, '"') < 0 && bytes.IndexByte(t, '\'') < 0 {
		return true
	}
	var q byte
	for _, c := range t {
		switch {
		case q != 0:
			if c == q {
				q = 0
			}
		case c == '"' || c == '\'':
			q = c
		}
	}
	return q == 0
}

// is reports whether the current tag has the local name n.
func (s *scanner) is(n string) bool { return string(s.name) == n }

// attr returns the raw value of the attribute with local name n (entities
// left as they are: the attributes read here never hold any).
func (s *scanner) attr(n string) ([]byte, bool) {
	a := s.attrs
	for len(a) > 0 {
		a = bytes.TrimLeft(a, " \t\r\n")
		eq := bytes.IndexByte(a, '=')
		if eq < 0 {
			return nil, false
		}
		name := bytes.TrimRight(a[:eq], " \t\r\n")
		if i := bytes.IndexByte(name, ':'); i >= 0 {
			name = name[i+1:]
		}
		a = bytes.TrimLeft(a[eq+1:], " \t\r\n")
		if len(a) == 0 || (a[0] != '"' && a[0] != '\'') {
			return nil, false
		}
		q := a[0]
		end := bytes.IndexByte(a[1:], q)
		if end < 0 {
			return nil, false
		}
		v := a[1 : 1+end]
		a = a[2+end:]
		if string(name) == n {
			return v, true
		}
	}
	return nil, false
}

// readText reads the text up to the next tag, appending it to s.text
// decoded; CDATA sections are kept as written and comments skipped. More
// than limit bytes of text is errTextLimit.
func (s *scanner) readText(limit int) error {
	for {
		seg := len(s.text)
		for {
			chunk, err := s.r.ReadSlice('<')
			if err == nil {
				s.text = append(s.text, chunk[:len(chunk)-1]...)
				break
			}
			s.text = append(s.text, chunk...)
			if !errors.Is(err, bufio.ErrBufferFull) {
				return unexpected(err)
			}
			// the raw text may be up to 10 bytes per character (&#x10FFFF;)
			if len(s.text)-seg > 10*limit+16 {
				return errTextLimit
			}
		}
		decoded, err := unescape(s.text[seg:], s.text[:seg])
		if err != nil {
			return err
		}
		s.text = decoded
		if len(s.text) > limit {
			return errTextLimit
		}
		p, _ := s.r.Peek(8)
		switch {
		case bytes.HasPrefix(p, []byte("![CDATA[")):
			s.r.Discard(8)
			if err := s.cdata(limit); err != nil {
				return err
			}
		case bytes.HasPrefix(p, []byte("!--")):
			s.r.Discard(3)
			if err := s.skipTo("-->"); err != nil {
				return err
			}
		default:
			s.lt = true
			return nil
		}
	}
}

// cdata appends a CDATA section's content, its "<![CDATA[" already read.
func (s *scanner) cdata(limit int) error {
	for {
		b, err := s.r.ReadByte()
		if err != nil {
			return unexpected(err)
		}
		s.text = append(s.text, b)
		if n := len(s.text); n >= 3 && b == '>' && s.text[n-2] == ']' && s.text[n-3] == ']' {
			s.text = s.text[:n-3]
			return nil
		}
		if len(s.text) > limit+3 {
			return errTextLimit
		}
	}
}

// unescape appends raw with its entities decoded to dst. raw may alias the
// end of dst's backing array: decoding only shortens text.
func unescape(raw, dst []byte) ([]byte, error) {
	i := bytes.IndexByte(raw, '&')
	if i < 0 {
		return append(dst, raw...), nil
	}
	out := dst
	for len(raw) > 0 {
		i := bytes.IndexByte(raw, '&')
		if i < 0 {
			out = append(out, raw...)
			break
		}
		out = append(out, raw[:i]...)
		raw = raw[i:]
		semi := bytes.IndexByte(raw, ';')
		if semi < 0 || semi > 12 {
			return nil, errMalformed
		}
		ent := raw[1:semi]
		raw = raw[semi+1:]
		switch string(ent) {
		case "amp":
			out = append(out, '&')
		case "lt":
			out = append(out, '<')
		case "gt":
			out = append(out, '>')
		case "quot":
			out = append(out, '"')
		case "apos":
			out = append(out, '\'')
		default:
			if len(ent) < 2 || ent[0] != '#' {
				return nil, errMalformed
			}
			var n uint64
			var err error
			if ent[1] == 'x' || ent[1] == 'X' {
				n, err = strconv.ParseUint(string(ent[2:]), 16, 32)
			} else {
				n, err = strconv.ParseUint(string(ent[1:]), 10, 32)
			}
			if err != nil || n > utf8.MaxRune {
				return nil, errMalformed
			}
			out = utf8.AppendRune(out, rune(n))
		}
	}
	return out, nil
}

// bstr decodes the _xHHHH_ escapes Excel writes for characters XML cannot
// hold (_x000D_ for a carriage return; _x005F_ for the underscore), as
// excelize reads them.
func bstr(s []byte) []byte {
	if !bytes.Contains(s, []byte("_x")) {
		return s
	}
	out := make([]byte, 0, len(s))
	for i := 0; i < len(s); {
		if i+7 <= len(s) && s[i] == '_' && s[i+1] == 'x' && s[i+6] == '_' && isHex4(s[i+2:i+6]) {
			n, _ := strconv.ParseUint(string(s[i+2:i+6]), 16, 32)
			if n == 0x5F {
				out = append(out, '_')
			} else {
				out = utf8.AppendRune(out, rune(n))
			}
			i += 7
			continue
		}
		out = append(out, s[i])
		i++
	}
	return out
}

func isHex4(b []byte) bool {
	for _, c := range b {
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F') {
			return false
		}
	}
	return true
}
