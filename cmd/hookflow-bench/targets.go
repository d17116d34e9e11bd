package main

import (
	"net/http"
	"strconv"
	"sync/atomic"

	vegeta "github.com/tsenart/vegeta/v12/lib"
)

// jsonHeader is the header of every request; vegeta copies it into each.
var jsonHeader = http.Header{"Content-Type": []string{"application/json"}}

// orderTargeter POSTs the sample's order to url, each with its own
// order_id, prefix-1, prefix-2, ...: the Worksheet's order_id is unique.
func orderTargeter(url, prefix string) vegeta.Targeter {
	var n atomic.Uint64
	return func(t *vegeta.Target) error {
		t.Method, t.URL, t.Header = http.MethodPost, url, jsonHeader
		t.Body = orderBody(prefix, n.Add(1))
		return nil
	}
}

// orderBody is the sample of config/samples' order-webhook with order_id
// prefix-n.
func orderBody(prefix string, n uint64) []byte {
	b := make([]byte, 0, 96)
	b = append(b, `{"order_id":"`...)
	b = append(b, prefix...)
	b = append(b, '-')
	b = strconv.AppendUint(b, n, 10)
	return append(b, `","amount":129.5,"customer":{"email":"ada@example.com"}}`...)
}

// rejectBody is the sample without its required order_id: a 400.
var rejectBody = []byte(`{"amount":129.5,"customer":{"email":"ada@example.com"}}`)

// rejectTargeter POSTs rejectBody to url.
func rejectTargeter(url string) vegeta.Targeter {
	return func(t *vegeta.Target) error {
		t.Method, t.URL, t.Header, t.Body = http.MethodPost, url, jsonHeader, rejectBody
		return nil
	}
}
