package app_test

import "net/http"

// The map endpoint and its assets in the scope walk: a map of 五山 (the
// foreign place, {code}) or of 天河 (above the street officer, beside the
// other district's) is not found for either intruder, whatever the layer.
func init() {
	nf, ok := http.StatusNotFound, http.StatusOK
	scopeTable = append(scopeTable,
		scopeCase{pattern: "GET /static/geomap/", path: "/static/geomap/geomap.js", want: ok},
		scopeCase{pattern: "GET /api/v1/map/{code}", path: "/api/v1/map/{code}?count=orgs", want: nf},
		scopeCase{pattern: "GET /api/v1/map/{code}", path: "/api/v1/map/{code}?coverage=elderly&as_of=2022-06-30", want: nf},
		scopeCase{pattern: "GET /api/v1/map/{code}", path: "/api/v1/map/{code}?indicator=hub_coverage", want: nf},
		scopeCase{pattern: "GET /api/v1/map/{code}", path: "/api/v1/map/" + tianhe + "?count=activities", want: nf},
	)
}
