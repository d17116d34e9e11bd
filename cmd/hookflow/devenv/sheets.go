package devenv

import (
	"context"
	"time"

	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/wait"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/hookflow/hookflow/api/v1alpha1"
	"github.com/hookflow/hookflow/internal/route"
)

// sheetState is what became of a Worksheet that a sample Workflow writes.
type sheetState struct {
	name string
	// table is the PostgreSQL table of a Worksheet kept in PostgreSQL,
	// once Ready; empty for one kept as WorksheetRecords.
	table string
	// local tells whether the table is in the dev environment's own
	// PostgreSQL (the Worksheet's connection Secret is PostgresSecret).
	local bool
	// problem says why a Worksheet kept in PostgreSQL is not Ready.
	problem string
}

// waitSheets fills in the Worksheets of each served Workflow. Those kept in
// PostgreSQL are waited for until Ready at their generation, with their
// table in the status; one that the controller found unusable, or that is
// not Ready within timeout, is reported with its Ready condition.
func waitSheets(ctx context.Context, c client.Reader, samples []sampleState, timeout time.Duration) error {
	for i := range samples {
		wf := samples[i].workflow
		if samples[i].problem != "" {
			continue
		}
		for _, name := range route.Worksheets(wf) {
			state, err := waitSheet(ctx, c, client.ObjectKey{Namespace: wf.Namespace, Name: name}, timeout)
			if err != nil {
				return err
			}
			samples[i].sheets = append(samples[i].sheets, state)
		}
	}
	return nil
}

func waitSheet(ctx context.Context, c client.Reader, key client.ObjectKey, timeout time.Duration) (sheetState, error) {
	state := sheetState{name: key.Name}
	ws := &v1alpha1.Worksheet{}
	err := wait.PollUntilContextTimeout(ctx, 50*time.Millisecond, timeout, true, func(ctx context.Context) (bool, error) {
		if err := c.Get(ctx, key, ws); err != nil {
			state.problem = "cannot read it: " + err.Error()
			return false, nil
		}
		pg := ws.Spec.Storage.Postgres
		if ws.Spec.Storage.Type != v1alpha1.StorePostgres || pg == nil {
			state.problem = ""
			return true, nil
		}
		state.local = pg.ConnectionSecretRef.Name == PostgresSecret
		ready := meta.FindStatusCondition(ws.Status.Conditions, v1alpha1.ReadyCondition)
		switch {
		case ready == nil || ready.ObservedGeneration != ws.Generation:
			state.problem = "the controller has not judged it yet"
			return false, nil
		case ready.Status != metav1.ConditionTrue:
			state.problem = ready.Reason + ": " + ready.Message
			return meta.IsStatusConditionTrue(ws.Status.Conditions, v1alpha1.StalledCondition), nil
		case ws.Status.Table == "":
			state.problem = "no table in its status yet"
			return false, nil
		}
		state.problem, state.table = "", ws.Status.Table
		return true, nil
	})
	if err != nil && ctx.Err() != nil {
		return state, ctx.Err()
	}
	return state, nil
}
