package webhookserver

import (
	"fmt"

	"golang.org/x/time/rate"
	"k8s.io/apimachinery/pkg/types"

	"github.com/hookflow/hookflow/api/v1alpha1"
	"github.com/hookflow/hookflow/internal/clientip"
	"github.com/hookflow/hookflow/internal/route"
	"github.com/hookflow/hookflow/internal/runhistory"
	"github.com/hookflow/hookflow/internal/serverresources"
	"github.com/hookflow/hookflow/internal/signing"
	"github.com/hookflow/hookflow/internal/store"
)

// serverSettings are what a WebhookServer gives each of its routes.
type serverSettings struct {
	limits Limits
	peers  clientip.Resolver
	runs   *Slots
	// credentials are the data of the WebhookServer's credentials Secret.
	credentials map[string][]byte
}

// limiter is the token bucket of one Workflow, kept across table builds so
// that an unrelated change does not refill it.
type limiter struct {
	settings route.RateLimit
	bucket   *rate.Limiter
}

// settingsFor returns the settings of the WebhookServer key (namespace/name),
// building them once per table. The run slots of a server are kept across
// builds while their number does not change.
func (r *RouteSync) settingsFor(key string, ws *v1alpha1.WebhookServer, creds map[string][]byte, built map[string]*serverSettings) *serverSettings {
	if s := built[key]; s != nil {
		return s
	}
	s := &serverSettings{limits: limitsOf(ws), credentials: creds}
	if ws != nil {
		trusted, err := clientip.ParseSet(ws.Spec.TrustedProxies)
		if err != nil {
			r.Log.Info("Ignoring the trusted proxies of a WebhookServer", "server", key, "error", err.Error())
		}
		s.peers = clientip.NewResolver(trusted)
	}
	n := v1alpha1.DefaultMaxConcurrentRuns
	if ws != nil && ws.Spec.Limits.MaxConcurrentRuns > 0 {
		n = int(ws.Spec.Limits.MaxConcurrentRuns)
	}
	if old := r.slots[key]; old != nil && old.Size() == n {
		s.runs = old
	} else {
		s.runs = NewSlots(n)
	}
	built[key] = s
	return s
}

// newEntry resolves what the checks of a route need. A route whose
// credentials have not reached this server is not served: never open by
// default.
func (r *RouteSync) newEntry(wf *v1alpha1.Workflow, rt *route.Route, s *serverSettings) (*Entry, error) {
	e := &Entry{ID: wf.Status.WebhookID, Route: rt, Limits: s.limits, Peers: s.peers, Runs: s.runs, History: runhistory.LimitsOf(wf.Spec.History)}
	sec := rt.Security
	if sec.AppAuth != "" {
		appKey, err := credential(s.credentials, route.SecretKey{Name: sec.AppAuth, Key: route.AppKeyKey})
		if err != nil {
			return nil, err
		}
		secretKey, err := credential(s.credentials, route.SecretKey{Name: sec.AppAuth, Key: route.SecretKeyKey})
		if err != nil {
			return nil, err
		}
		e.App = &signing.AppCredentials{AppKey: string(appKey), SecretKey: secretKey}
	}
	if sig := sec.Signature; sig != nil {
		v, err := signatureVerifier(sig, s.credentials)
		if err != nil {
			return nil, err
		}
		e.Signature, e.DeliveryHeader = v, sig.DeliveryHeader
	}
	if rl := sec.RateLimit; rl != nil {
		e.Limiter = r.limiterFor(wf.UID, *rl)
	}
	tables, err := tablesOf(rt, s.credentials)
	if err != nil {
		return nil, err
	}
	e.Tables = tables
	return e, nil
}

// tablesOf resolves the connection strings of the Worksheets kept in
// PostgreSQL that a route writes to.
func tablesOf(rt *route.Route, creds map[string][]byte) (map[string]*store.Table, error) {
	var tables map[string]*store.Table
	for _, sheet := range rt.Sheets() {
		if sheet.Postgres == nil {
			continue
		}
		conn, err := credential(creds, sheet.Postgres.Connection)
		if err != nil {
			return nil, fmt.Errorf("worksheet %s: %w", sheet.Name, err)
		}
		if tables == nil {
			tables = map[string]*store.Table{}
		}
		tables[sheet.Name] = &store.Table{Connection: string(conn), Name: sheet.Postgres.Table, Fields: sheet.Fields}
	}
	return tables, nil
}

func (r *RouteSync) limiterFor(uid types.UID, settings route.RateLimit) *rate.Limiter {
	if old, ok := r.limiters[uid]; ok && old.settings == settings {
		return old.bucket
	}
	l := &limiter{settings: settings, bucket: rate.NewLimiter(rate.Limit(settings.PerSecond), settings.Burst)}
	r.limiters[uid] = l
	return l.bucket
}

func credential(creds map[string][]byte, k route.SecretKey) ([]byte, error) {
	v, ok := creds[k.CredentialsKey()]
	if !ok || len(v) == 0 {
		return nil, fmt.Errorf("key %s of Secret %s has not reached this server's credentials yet", k.Key, k.Name)
	}
	return v, nil
}

func limitsOf(ws *v1alpha1.WebhookServer) Limits {
	l := Limits{
		MaxBodyBytes:   v1alpha1.DefaultMaxBodyBytes,
		RequestTimeout: v1alpha1.DefaultRequestTimeout,
		ReadTimeout:    v1alpha1.DefaultReadTimeout,
	}
	if ws == nil {
		return l
	}
	if ws.Spec.Limits.MaxBodyBytes > 0 {
		l.MaxBodyBytes = ws.Spec.Limits.MaxBodyBytes
	}
	if t := ws.Spec.Limits.RequestTimeout; t != nil && t.Duration > 0 {
		l.RequestTimeout = t.Duration
	}
	l.ReadTimeout = serverresources.ReadTimeout(ws)
	return l
}
