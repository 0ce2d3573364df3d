package app_test

import (
	"context"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	"linli/internal/app/apptest"
	"linli/internal/app/browsertest"
	"linli/internal/demo"
	"linli/internal/geo"
	"linli/internal/platform/auth"
)

// cspProbe runs before any page script: it collects the page's own
// Content-Security-Policy violations, which the console would show.
const cspProbe = `window.__csp = [];
document.addEventListener("securitypolicyviolation", function (e) {
  window.__csp.push(e.violatedDirective + " " + (e.blockedURI || "inline") + " line " + e.lineNumber);
});`

// probeCSP makes every page the tab loads from now on run cspProbe first.
func probeCSP(t *testing.T, ctx context.Context) {
	t.Helper()
	if _, err := chromedp.Call(ctx, page.AddScriptToEvaluateOnNewDocument,
		page.AddScriptToEvaluateOnNewDocumentParams{Source: cspProbe}); err != nil {
		t.Fatal(err)
	}
}

// pageCheck reads what a person would notice on the page just loaded: its
// title, CSP violations, responsive-table cells without a label (on a phone
// the value would stand beside an empty label column), and whether the page
// is wider than the screen.
const pageCheck = `(function () {
  var unlabeled = Array.prototype.filter.call(document.querySelectorAll("table.responsive td"), function (td) {
    return !td.getAttribute("data-label") && (td.textContent.trim() !== "" || td.children.length > 0);
  }).map(function (td) { return (td.closest("table").id || "table") + ": " + td.textContent.trim().slice(0, 30); });
  return {
    title: document.title,
    csp: window.__csp || [],
    unlabeled: unlabeled,
    overflow: document.documentElement.scrollWidth > window.innerWidth + 1 ? document.documentElement.scrollWidth : 0,
    text: document.body ? document.body.innerText : ""
  };
})()`

type pageFacts struct {
	Title     string   `json:"title"`
	CSP       []string `json:"csp"`
	Unlabeled []string `json:"unlabeled"`
	Overflow  int      `json:"overflow"`
	Text      string   `json:"text"`
}

// rawCode finds street and community codes in a page's visible text.
var rawCode = regexp.MustCompile(`(^|[^0-9])(44[0-9]{7}(?:[0-9]{3})?)([^0-9]|$)`)

// rawCodes lists the division codes a page shows without the division's
// name anywhere on it: people think in names (issue 12).
func rawCodes(names func(string) string, text string) []string {
	var out []string
	for _, m := range rawCode.FindAllStringSubmatch(text, -1) {
		code := m[2]
		name := names(code)
		if name == "" || name == code {
			continue // no such division: a number, not a code
		}
		short := strings.TrimSuffix(strings.TrimSuffix(strings.TrimSuffix(name, "居委会"), "村委会"), "委员会")
		if !strings.Contains(text, short) {
			out = append(out, code+" ("+name+")")
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// TestBrowserEveryPage signs in as every role of the demonstration and visits
// every page without a path parameter, and the pages of the role's own
// organization or hub, on a desktop (1366 px) and a phone (390 px): no page
// breaks the Content-Security-Policy, none lacks a title, no table cell
// loses its label on a phone, and no page is wider than the phone.
func TestBrowserEveryPage(t *testing.T) {
	a, res := apptest.NewDemo(t)
	namer := &geo.Namer{S: a.Geo}
	// each role walks in a browser context of its own, two at a time (the
	// walk waits on page loads more than on the processor); the guard is
	// the walk's own time, after the demonstration is loaded
	tab := func(t *testing.T) context.Context {
		ctx := browserWithin(t, 20*time.Minute)
		probeCSP(t, ctx)
		return ctx
	}
	var pages []string
	for _, p := range a.Router.Patterns() {
		method, path, _ := strings.Cut(p, " ")
		if method != "GET" || strings.Contains(strings.TrimSuffix(path, "{$}"), "{") || skipPage(path) {
			continue
		}
		pages = append(pages, strings.TrimSuffix(path, "{$}"))
	}
	slices.Sort(pages)
	pages = slices.Compact(pages)
	seen := map[string]bool{}
	for _, acct := range res.Accounts {
		if seen[acct.Role] {
			continue
		}
		seen[acct.Role] = true
		own := ownPages(acct)
		t.Run(acct.Username, func(t *testing.T) {
			t.Parallel()
			ctx := tab(t)
			code := ""
			if acct.TOTPSecret != "" {
				a.RememberTOTP(acct.Username, acct.TOTPSecret)
				code = a.With(t).TOTPCode(acct.Username)
			}
			demoSignIn(t, ctx, a.URL(), acct.Username, res.Password, code)
			walkPages(t, ctx, a.URL(), acct.Username, namer.Name, append(slices.Clone(pages), own...))
			signOut(t, ctx)
		})
	}
	// the public portal, as a visitor who is not signed in (issue 17)
	t.Run("anonymous", func(t *testing.T) {
		t.Parallel()
		ctx := tab(t)
		public := []string{"/", "/p/4401", "/p/440106", "/p/440106008", "/p/440106008007", "/p/activities",
			"/p/440106?q=wudao", "/p/activities?within=440106008&from=2023-01-01&to=2023-06-30"}
		for _, acct := range res.Accounts {
			if acct.Role == auth.OrgLeader && acct.OrgID != 0 {
				public = append(public, "/p/orgs/"+strconv.FormatInt(acct.OrgID, 10))
			}
		}
		var call int64
		if err := a.DB.Read.QueryRow(`SELECT MIN(id) FROM fund_calls`).Scan(&call); err == nil && call != 0 {
			public = append(public, "/p/calls/"+strconv.FormatInt(call, 10))
		}
		walkPages(t, ctx, a.URL(), "anonymous", namer.Name, public)
	})
	for _, role := range auth.Roles {
		if !seen[role] {
			t.Errorf("the demonstration has no %s account to walk the pages with", role)
		}
	}
}

// walkPages visits pages on a desktop (1366 px) and a phone (390 px) and
// checks each: a title, no Content-Security-Policy violation, and on the
// phone every table cell labelled and nothing wider than the screen.
func walkPages(t *testing.T, ctx context.Context, base, who string, names func(string) string, paths []string) {
	t.Helper()
	for _, size := range [][2]int64{{1366, 900}, {390, 844}} {
		browsertest.Do(t, ctx, chromedp.EmulateViewport(size[0], size[1]))
		for _, path := range paths {
			start := time.Now()
			browsertest.Do(t, ctx, chromedp.Navigate(base+path))
			if d := time.Since(start); d > 3*time.Second {
				t.Logf("%s took %s to load (information, not a check)", path, d.Round(time.Millisecond))
			}
			f := browsertest.Run(t, ctx, chromedp.Evaluate[pageFacts](pageCheck))
			where := fmt.Sprintf("%s at %d px, %s", who, size[0], path)
			if strings.TrimSpace(f.Title) == "" {
				t.Errorf("%s: no title", where)
			}
			// the audit log shows what was written, codes included, as written
			codes := rawCodes(names, f.Text)
			if strings.HasPrefix(path, "/audit") {
				codes = nil
			}
			for _, c := range codes {
				t.Errorf("%s: a division code without its name: %s", where, c)
			}
			for _, v := range f.CSP {
				t.Errorf("%s: Content-Security-Policy violation: %s", where, v)
			}
			if size[0] < 500 {
				for _, c := range f.Unlabeled {
					t.Errorf("%s: a table cell without its label on a phone: %s", where, c)
				}
				if f.Overflow > 0 {
					t.Errorf("%s: the page is %d px wide on a %d px screen", where, f.Overflow, size[0])
				}
			}
		}
	}
}

// skipPage leaves out what is not a page: the API, assets, downloads and
// the sign-in pages (visited by every sign-in).
func skipPage(path string) bool {
	for _, p := range []string{"/api/", "/static/", "/healthz", "/metrics", "/login", "/logout"} {
		if strings.HasPrefix(path, p) {
			return true
		}
	}
	for _, ext := range []string{".xlsx", ".csv", ".pdf", ".json", ".js", ".svg", ".png"} {
		if strings.HasSuffix(path, ext) {
			return true
		}
	}
	return false
}

// ownPages are the pages of the account's own organization or hub.
func ownPages(acct demo.Account) []string {
	if acct.OrgID == 0 {
		return nil
	}
	id := strconv.FormatInt(acct.OrgID, 10)
	switch acct.Role {
	case auth.HubStaff:
		return []string{"/orgs/" + id, "/hubs/" + id, "/hubs/" + id + "/statement"}
	case auth.OrgLeader:
		return []string{"/orgs/" + id, "/custody/" + id, "/orgs/" + id + "/governance", "/orgs/" + id + "/charter",
			"/p/orgs/" + id, "/p/orgs/" + id + "/settings"}
	}
	return nil
}

// demoSignIn signs in through the form, and through its second step with
// code when the account has the second factor on.
func demoSignIn(t *testing.T, ctx context.Context, base, username, password, code string) {
	t.Helper()
	browsertest.Do(t, ctx, chromedp.Navigate(base+"/login"),
		chromedp.SendKeys(chromedp.ID("username"), username),
		chromedp.SendKeys(chromedp.ID("password"), password))
	if s := status(t, ctx, chromedp.Click(chromedp.ID("login-submit"))); s != 200 {
		t.Fatalf("sign in as %s: landed with %d", username, s)
	}
	if code == "" {
		return
	}
	browsertest.Do(t, ctx, chromedp.SendKeys(chromedp.ID("totp"), code))
	if s := status(t, ctx, chromedp.Click(chromedp.ID("totp-submit"))); s != 200 {
		t.Fatalf("second step as %s: landed with %d", username, s)
	}
	if who := browsertest.Run(t, ctx, chromedp.Text(chromedp.CSS(".who"))); !strings.Contains(who, username) {
		t.Fatalf("after the code, signed in as %q, want %s", who, username)
	}
}
