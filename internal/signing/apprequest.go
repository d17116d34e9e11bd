package signing

import (
	"net/http"
	"net/url"
)

// Header and query names.
const (
	HeaderAppKey    = "X-Hookflow-AppKey"
	HeaderTimestamp = "X-Hookflow-Timestamp"
	HeaderSign      = "X-Hookflow-Sign"
	QueryAppKey     = "appKey"
	QueryTimestamp  = "timestamp"
	QuerySign       = "sign"
)

// AppRequest is what a request carries: from headers X-Hookflow-AppKey,
// X-Hookflow-Timestamp, X-Hookflow-Sign, else from query appKey, timestamp,
// sign.
type AppRequest struct{ AppKey, Timestamp, Sign string }

// AppRequestFrom reads the three values: each header wins over its query
// parameter. A header that is absent or empty falls back to the query
// parameter; of repeated values, the first counts. Either argument may be
// nil.
func AppRequestFrom(h http.Header, q url.Values) AppRequest {
	return AppRequest{
		AppKey:    headerOrQuery(h, HeaderAppKey, q, QueryAppKey),
		Timestamp: headerOrQuery(h, HeaderTimestamp, q, QueryTimestamp),
		Sign:      headerOrQuery(h, HeaderSign, q, QuerySign),
	}
}

func headerOrQuery(h http.Header, header string, q url.Values, param string) string {
	if v := h.Get(header); v != "" {
		return v
	}
	return q.Get(param)
}
