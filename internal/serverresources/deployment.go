package serverresources

import (
	"strconv"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/intstr"
	"k8s.io/utils/ptr"

	"github.com/hookflow/hookflow/api/v1alpha1"
	"github.com/hookflow/hookflow/internal/route"
)

const (
	// ContainerName is the name of the server container.
	ContainerName = "server"
	// ContainerPort is the port of webhooks and probes.
	ContainerPort int32 = 8080
	// PortName names the server port on the container and the Service.
	PortName = "http"
	// MetricsPort is the port of /metrics, apart from the webhooks so that
	// the Ingress never routes it.
	MetricsPort int32 = 9090
	// MetricsPortName names the metrics port on the container and the Service.
	MetricsPortName = "metrics"

	// DefaultReplicas is the number of pods when spec.replicas is unset.
	DefaultReplicas int32 = 2
	// DrainDelay is how long a server keeps serving after SIGTERM, with
	// /readyz failing, so that Services and Ingresses stop sending to it
	// before it closes its listener (`hookflow server --drain-delay`).
	DrainDelay = 5 * time.Second
	// shutdownMargin is added to the drain delay and the request timeout: the
	// time the server takes, after SIGTERM, to stop accepting and to finish
	// its last requests.
	shutdownMargin = 5 * time.Second
	// minTerminationGrace is Kubernetes' default grace period; the server never
	// gets less.
	minTerminationGrace = 30 * time.Second
)

// Deployment returns the Deployment running the server pods of ws.
func Deployment(ws *v1alpha1.WebhookServer, opts Options) *appsv1.Deployment {
	labels := Labels(ws)
	return &appsv1.Deployment{
		TypeMeta:   metav1.TypeMeta{APIVersion: "apps/v1", Kind: "Deployment"},
		ObjectMeta: objectMeta(ws),
		Spec: appsv1.DeploymentSpec{
			Replicas: ptr.To(Replicas(ws)),
			Selector: &metav1.LabelSelector{MatchLabels: SelectorLabels(ws)},
			Strategy: appsv1.DeploymentStrategy{
				Type: appsv1.RollingUpdateDeploymentStrategyType,
				RollingUpdate: &appsv1.RollingUpdateDeployment{
					MaxUnavailable: ptr.To(intstr.FromInt32(0)),
					MaxSurge:       ptr.To(intstr.FromInt32(1)),
				},
			},
			Template: corev1.PodTemplateSpec{
				ObjectMeta: metav1.ObjectMeta{Labels: labels},
				Spec:       podSpec(ws, opts),
			},
		},
	}
}

// Replicas returns the number of server pods of ws: spec.replicas, else DefaultReplicas.
func Replicas(ws *v1alpha1.WebhookServer) int32 {
	if ws.Spec.Replicas == nil {
		return DefaultReplicas
	}
	return *ws.Spec.Replicas
}

// Image returns the server image of ws: spec.image, else opts.Image.
func Image(ws *v1alpha1.WebhookServer, opts Options) string {
	if ws.Spec.Image != "" {
		return ws.Spec.Image
	}
	return opts.Image
}

// Args returns the command line of the server container (the image's
// entrypoint is the hookflow binary).
func Args(ws *v1alpha1.WebhookServer) []string {
	args := []string{
		"server",
		"--namespace=" + ws.Namespace,
		"--webhook-server=" + ws.Name,
		"--bind-address=:" + strconv.Itoa(int(ContainerPort)),
		"--metrics-bind-address=:" + strconv.Itoa(int(MetricsPort)),
		"--drain-delay=" + DrainDelay.String(),
		"--read-timeout=" + ReadTimeout(ws).String(),
	}
	if key, ok := route.ConnectionKey(ws.Spec.RunStore); ok {
		// The connection string is read from the credentials Secret, under
		// this key, never passed on the command line.
		args = append(args, "--run-store-key="+key.CredentialsKey(), "--run-table="+ws.RunsTable())
	}
	return args
}

// ReadTimeout returns the bound on reading one request of ws:
// spec.limits.readTimeout, else the default.
func ReadTimeout(ws *v1alpha1.WebhookServer) time.Duration {
	if t := ws.Spec.Limits.ReadTimeout; t != nil && t.Duration > 0 {
		return t.Duration
	}
	return v1alpha1.DefaultReadTimeout
}

// TerminationGracePeriodSeconds returns how long the kubelet waits after
// SIGTERM before it kills a server: the drain delay, then the request timeout
// for the last requests, plus a margin, rounded up to whole seconds and never
// less than Kubernetes' default of 30 seconds.
func TerminationGracePeriodSeconds(ws *v1alpha1.WebhookServer) int64 {
	timeout := v1alpha1.DefaultRequestTimeout
	if t := ws.Spec.Limits.RequestTimeout; t != nil && t.Duration > 0 {
		timeout = t.Duration
	}
	grace := max(DrainDelay+timeout+shutdownMargin, minTerminationGrace)
	return int64((grace + time.Second - 1) / time.Second)
}
