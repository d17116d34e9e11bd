package webhookserver

import (
	"context"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/go-logr/logr"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/hookflow/hookflow/api/v1alpha1"
	"github.com/hookflow/hookflow/internal/signing"
	"github.com/hookflow/hookflow/internal/store"
)

// discardRecords accepts every record and keeps none.
type discardRecords struct{}

func (discardRecords) CreateRecord(_ context.Context, r store.Record) (string, error) {
	return r.Worksheet + "-rec", nil
}

// BenchmarkAccept measures the accept path of the handler, with a store
// that keeps nothing and no network: an unsigned Workflow, and the same
// Workflow with appAuth (HMAC, timestamp window, replay cache) and an IP
// whitelist. Each signed request has its own body and sign, as under real
// load; the signs are made before the timer starts.
func BenchmarkAccept(b *testing.B) {
	unsigned := served("open", "id-open", 1, 1, metav1.ConditionTrue)
	signedWf := served("signed", "id-signed", 1, 1, metav1.ConditionTrue)
	signedWf.Spec.Trigger.Webhook.Security = &v1alpha1.WebhookSecurity{
		AppAuth:     &v1alpha1.AppAuth{Enabled: true, SecretRef: v1alpha1.LocalObjectReference{Name: "shop-app"}},
		IPWhitelist: []string{"203.0.113.0/24"},
	}
	creds := map[string]map[string][]byte{"shop/default": {"shop-app_appKey": []byte(appKey), "shop-app_secretKey": []byte(appSecret)}}
	table := (&RouteSync{Log: logr.Discard()}).build([]v1alpha1.Workflow{unsigned, signedWf}, sheets(), nil, creds)
	routes := NewRoutes()
	routes.Store(table)
	clock := time.Now()
	srv := New(Options{Routes: routes, Records: discardRecords{}, Log: logr.Discard(), Now: func() time.Time { return clock }})
	h := srv.Handler()
	ts := strconv.FormatInt(clock.Unix(), 10)

	round := 0 // b.Run calls each function more than once: no sign may repeat
	for _, signed := range []bool{false, true} {
		name, id := "unsigned", "id-open"
		if signed {
			name, id = "signed", "id-signed"
		}
		b.Run(name, func(b *testing.B) {
			round++
			bodies := make([]string, b.N)
			signs := make([]string, b.N)
			for i := range b.N {
				bodies[i] = `{"order_id":"` + name + `-` + strconv.Itoa(round) + `-` + strconv.Itoa(i) + `","amount":12.5,"customer":{"email":"ada@example.com"}}`
				if signed {
					signs[i] = signing.AppSign([]byte(appSecret), appKey, ts, []byte(bodies[i]))
				}
			}
			b.ReportAllocs()
			b.ResetTimer()
			for i := range b.N {
				req := httptest.NewRequest("POST", "/hooks/"+id, strings.NewReader(bodies[i]))
				req.RemoteAddr = "203.0.113.9:4711"
				req.Header.Set("Content-Type", jsonType)
				if signed {
					req.Header.Set(signing.HeaderAppKey, appKey)
					req.Header.Set(signing.HeaderTimestamp, ts)
					req.Header.Set(signing.HeaderSign, signs[i])
				}
				rec := httptest.NewRecorder()
				h.ServeHTTP(rec, req)
				if rec.Code != 200 {
					b.Fatalf("answer %d %s", rec.Code, rec.Body)
				}
			}
		})
	}
}

func (discardRecords) UpdateRecord(_ context.Context, u store.Update) (store.Updated, error) {
	return store.Updated{}, store.ErrNotFound
}
