package signing

import (
	"net/http"
	"net/url"
	"testing"
)

func TestAppRequestFrom(t *testing.T) {
	query := url.Values{QueryAppKey: {"q-app"}, QueryTimestamp: {"2"}, QuerySign: {"q-sign"}}
	for _, tc := range []struct {
		name   string
		header http.Header
		query  url.Values
		want   AppRequest
	}{
		{"nothing", nil, nil, AppRequest{}},
		{"query only", nil, query, AppRequest{"q-app", "2", "q-sign"}},
		{
			"headers only, any case",
			http.Header{"X-Hookflow-Appkey": {"h-app"}, "X-Hookflow-Timestamp": {"1"}, "X-Hookflow-Sign": {"h-sign"}},
			nil,
			AppRequest{"h-app", "1", "h-sign"},
		},
		{
			"each header wins over its query parameter",
			http.Header{"X-Hookflow-Appkey": {"h-app"}, "X-Hookflow-Sign": {"h-sign"}},
			query,
			AppRequest{"h-app", "2", "h-sign"},
		},
		{
			"an empty header falls back to the query",
			http.Header{"X-Hookflow-Timestamp": {""}},
			query,
			AppRequest{"q-app", "2", "q-sign"},
		},
		{
			"the first of repeated values",
			http.Header{"X-Hookflow-Sign": {"first", "second"}},
			url.Values{QueryAppKey: {"a", "b"}},
			AppRequest{AppKey: "a", Sign: "first"},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := AppRequestFrom(tc.header, tc.query); got != tc.want {
				t.Errorf("AppRequestFrom() = %+v, want %+v", got, tc.want)
			}
		})
	}
}

func TestAppRequestFromCanonicalizes(t *testing.T) {
	h := http.Header{}
	h.Set(HeaderAppKey, "app")
	h.Set("x-hookflow-timestamp", "1")
	h.Set("X-HOOKFLOW-SIGN", "s")
	if got, want := AppRequestFrom(h, nil), (AppRequest{"app", "1", "s"}); got != want {
		t.Errorf("AppRequestFrom() = %+v, want %+v", got, want)
	}
}
