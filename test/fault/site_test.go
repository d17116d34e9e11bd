package fault

import (
	"context"
	"fmt"
	"net/http"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/hookflow/hookflow/api/v1alpha1"
	"github.com/hookflow/hookflow/internal/pglocal"
	"github.com/hookflow/hookflow/internal/testenv"
)

// The fixtures of every test's namespace.
const (
	appSecretName = "shop-app"
	appKey        = "shop"
	secretKey     = "fault-test-secret-key"
	pgSecretName  = "orders-db"
	// crSheet keeps its records as WorksheetRecords, pgSheet in PostgreSQL.
	crSheet = "orders"
	pgSheet = "orders-pg"
	// readyTimeout bounds the controllers' work on the fixtures.
	readyTimeout = 30 * time.Second
	// runTimeout is the WebhookServer's limits.requestTimeout: a run whose
	// store hangs ends with a 503 by then, within the senders' patience
	// (requestTimeout), so that a request without an answer is a failure.
	runTimeout = 3 * time.Second
)

// store is where a Workflow's records end up.
type store struct {
	name  string // "CR" or "Postgres", the subtest's name
	sheet string
}

var (
	crStore = store{name: "CR", sheet: crSheet}
	pgStore = store{name: "Postgres", sheet: pgSheet}
)

// site is one test's namespace: a WebhookServer served by a server process
// of its own, and for each store a Worksheet and a Workflow with appAuth
// whose step saves each order there.
type site struct {
	namespace string
	server    *serverProcess
	// hookIDs are the webhook ids of the Workflows, by store name.
	hookIDs map[string]string
	// table is the PostgreSQL table of pgSheet.
	table string
}

// newSite creates the namespace and its objects, waits until the
// controllers made them Ready, starts the server process and checks that
// it serves both Workflows end to end.
func newSite(t *testing.T) *site {
	t.Helper()
	ns := testenv.NewNamespace(t, k8s, "fault")
	pgSheetObj := testenv.OrdersWorksheet(ns)
	pgSheetObj.Name = pgSheet
	pgSheetObj.Spec.Storage = v1alpha1.StoreSpec{Type: v1alpha1.StorePostgres, Postgres: &v1alpha1.PostgresStore{
		ConnectionSecretRef: v1alpha1.SecretKeyReference{Name: pgSecretName, Key: v1alpha1.DefaultConnectionKey},
	}}
	server := testenv.WebhookServer(ns)
	server.Spec.Limits.RequestTimeout = &metav1.Duration{Duration: runTimeout}
	testenv.Create(t, k8s,
		server,
		&corev1.Secret{
			ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: appSecretName},
			Data:       map[string][]byte{"appKey": []byte(appKey), "secretKey": []byte(secretKey)},
		},
		&corev1.Secret{
			ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: pgSecretName},
			Data:       map[string][]byte{v1alpha1.DefaultConnectionKey: []byte(postgres.DSN(pglocal.Database))},
		},
		testenv.OrdersWorksheet(ns),
		pgSheetObj,
		signedWorkflow(ns, crStore),
		signedWorkflow(ns, pgStore),
	)
	s := &site{namespace: ns, hookIDs: map[string]string{}}
	s.table = waitTable(t, ns, pgSheet)
	for _, st := range []store{crStore, pgStore} {
		s.hookIDs[st.name] = waitReady(t, ns, workflowName(st))
	}
	s.server = startServer(t, ns)
	for _, st := range []store{crStore, pgStore} {
		s.waitServed(t, st)
	}
	return s
}

// workflowName is the name of the Workflow writing to st.
func workflowName(st store) string { return "signed-" + st.sheet }

// signedWorkflow is testenv.OrderWorkflow writing to st's Worksheet, with
// appAuth (AppKey + Sign) on.
func signedWorkflow(ns string, st store) *v1alpha1.Workflow {
	wf := testenv.OrderWorkflow(ns, workflowName(st))
	wf.Spec.Steps[0].CreateRecord.Worksheet = st.sheet
	wf.Spec.Trigger.Webhook.Security = &v1alpha1.WebhookSecurity{
		AppAuth: &v1alpha1.AppAuth{Enabled: true, SecretRef: v1alpha1.LocalObjectReference{Name: appSecretName}},
	}
	return wf
}

// url is the URL of the Workflow writing to st.
func (s *site) url(st store) string {
	return s.server.baseURL() + "/hooks/" + s.hookIDs[st.name]
}

// waitServed sends signed warm-up orders (not counted by the tests, whose
// order ids have their own prefixes) until one is stored: the route, its
// credentials and its store all work.
func (s *site) waitServed(t *testing.T, st store) {
	t.Helper()
	c := newSender(s.url(st))
	n := 0
	testenv.Eventually(t, readyTimeout, "Workflow "+workflowName(st)+" served by the server process", func() (bool, string) {
		n++
		a := c.send(context.Background(), fmt.Sprintf("warmup-%s-%d", st.name, n))
		return a.code == http.StatusOK, fmt.Sprintf("answer %d %s %s", a.code, a.body, a.err)
	})
}

// waitReady waits until the Workflow is Ready at its generation and returns
// its webhook id.
func waitReady(t *testing.T, ns, name string) string {
	t.Helper()
	wf := &v1alpha1.Workflow{}
	testenv.Eventually(t, readyTimeout, "Workflow "+name+" Ready", func() (bool, string) {
		if err := k8s.Get(context.Background(), client.ObjectKey{Namespace: ns, Name: name}, wf); err != nil {
			return false, err.Error()
		}
		c := meta.FindStatusCondition(wf.Status.Conditions, v1alpha1.ReadyCondition)
		return c != nil && c.Status == metav1.ConditionTrue && c.ObservedGeneration == wf.Generation, fmt.Sprintf("Ready: %+v", c)
	})
	return wf.Status.WebhookID
}

// waitTable waits until the Worksheet kept in PostgreSQL is Ready with its
// table, and returns the table.
func waitTable(t *testing.T, ns, name string) string {
	t.Helper()
	ws := &v1alpha1.Worksheet{}
	testenv.Eventually(t, readyTimeout, "Worksheet "+name+" Ready with its table", func() (bool, string) {
		if err := k8s.Get(context.Background(), client.ObjectKey{Namespace: ns, Name: name}, ws); err != nil {
			return false, err.Error()
		}
		c := meta.FindStatusCondition(ws.Status.Conditions, v1alpha1.ReadyCondition)
		ready := c != nil && c.Status == metav1.ConditionTrue && c.ObservedGeneration == ws.Generation
		return ready && ws.Status.Table != "", fmt.Sprintf("Ready: %+v, table %q", c, ws.Status.Table)
	})
	return ws.Status.Table
}
