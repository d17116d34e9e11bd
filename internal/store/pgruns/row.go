package pgruns

import (
	"encoding/json"
	"fmt"
	"strconv"
	"time"

	"github.com/jackc/pgx/v5"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"

	"github.com/hookflow/hookflow/api/v1alpha1"
)

// document is what the column run holds: the run but for what the other
// columns hold (its name, namespace, Workflow, phase label, owner,
// creation time and version).
type document struct {
	Labels      map[string]string          `json:"labels,omitempty"`
	Annotations map[string]string          `json:"annotations,omitempty"`
	Spec        v1alpha1.WorkflowRunSpec   `json:"spec"`
	Status      v1alpha1.WorkflowRunStatus `json:"status"`
}

// row is a run as the table's columns.
type row struct {
	namespace, name, workflow string
	workflowUID               types.UID
	phase                     v1alpha1.RunPhase
	key, requestHash          string
	receivedAt, createdAt     time.Time
	leaseUntil, keepUntil     *time.Time
	successfulLimit           int32
	failedLimit               int32
	version                   int64
	run                       []byte
}

// rowOf is the row of run, created at now. A run without receivedAt is
// ordered by now.
func rowOf(run *v1alpha1.WorkflowRun, now time.Time) (row, error) {
	raw, err := json.Marshal(document{Labels: run.Labels, Annotations: run.Annotations, Spec: run.Spec, Status: run.Status})
	if err != nil {
		return row{}, fmt.Errorf("encode run %s: %w", run.Name, err)
	}
	r := row{
		namespace:   run.Namespace,
		name:        run.Name,
		workflow:    run.Spec.Workflow,
		workflowUID: ownerUID(run),
		phase:       run.Status.Phase,
		key:         run.Spec.IdempotencyKey,
		requestHash: run.Spec.RequestHash,
		receivedAt:  now,
		createdAt:   now,
		leaseUntil:  timeOf(run.Status.LeaseUntil),
		keepUntil:   timeOf(run.Status.KeepUntil),
		run:         raw,
	}
	if run.Spec.ReceivedAt != nil {
		r.receivedAt = run.Spec.ReceivedAt.Time
	}
	return r, nil
}

// ownerUID is the UID of the run's Workflow.
func ownerUID(run *v1alpha1.WorkflowRun) types.UID {
	for _, o := range run.OwnerReferences {
		if o.Kind == "Workflow" {
			return o.UID
		}
	}
	return ""
}

func timeOf(t *metav1.Time) *time.Time {
	if t == nil {
		return nil
	}
	return &t.Time
}

// columns are the columns a run is read from, in the order scanRun reads
// them.
const columns = `namespace, name, workflow, workflow_uid, phase, created_at, version, run`

// scanRun reads a run from a row of columns: the document, with the
// metadata the CustomResource store would give it (labels, owner,
// creation time) and its version as resourceVersion.
func scanRun(rows pgx.CollectableRow) (v1alpha1.WorkflowRun, error) {
	var r row
	if err := rows.Scan(&r.namespace, &r.name, &r.workflow, &r.workflowUID, &r.phase, &r.createdAt, &r.version, &r.run); err != nil {
		return v1alpha1.WorkflowRun{}, err
	}
	var doc document
	if err := json.Unmarshal(r.run, &doc); err != nil {
		return v1alpha1.WorkflowRun{}, fmt.Errorf("decode run %s: %w", r.name, err)
	}
	run := v1alpha1.WorkflowRun{
		TypeMeta:   metav1.TypeMeta{APIVersion: v1alpha1.GroupVersion.String(), Kind: "WorkflowRun"},
		ObjectMeta: v1alpha1.WorkflowRunMeta(r.namespace, r.name, r.workflow, r.workflowUID, r.phase),
		Spec:       doc.Spec,
		Status:     doc.Status,
	}
	for k, v := range doc.Labels {
		if _, set := run.Labels[k]; !set {
			run.Labels[k] = v
		}
	}
	run.Annotations = doc.Annotations
	run.CreationTimestamp = metav1.NewTime(r.createdAt)
	run.ResourceVersion = strconv.FormatInt(r.version, 10)
	return run, nil
}

// versionOf reads the version a run was read at.
func versionOf(run *v1alpha1.WorkflowRun) (int64, error) {
	v, err := strconv.ParseInt(run.ResourceVersion, 10, 64)
	if err != nil {
		return 0, fmt.Errorf("run %s: resourceVersion %q is not a version of the run table", run.Name, run.ResourceVersion)
	}
	return v, nil
}
