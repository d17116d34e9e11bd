package serverresources

import (
	"maps"
	"slices"
	"strings"
	"testing"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/equality"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/intstr"

	"github.com/hookflow/hookflow/api/v1alpha1"
)

const defaultImage = "ghcr.io/hookflow/hookflow:v1"

func TestDeploymentSpecFlowsThrough(t *testing.T) {
	resources := corev1.ResourceRequirements{
		Requests: corev1.ResourceList{
			corev1.ResourceCPU:    resource.MustParse("100m"),
			corev1.ResourceMemory: resource.MustParse("64Mi"),
		},
		Limits: corev1.ResourceList{corev1.ResourceMemory: resource.MustParse("256Mi")},
	}
	tests := []struct {
		name          string
		server        *v1alpha1.WebhookServer
		wantReplicas  int32
		wantImage     string
		wantResources corev1.ResourceRequirements
		wantGrace     int64
	}{
		{
			name:         "defaults",
			server:       newServer(),
			wantReplicas: 2,
			wantImage:    defaultImage,
			wantGrace:    40,
		},
		{
			name: "spec values",
			server: newServer(withReplicas(5), func(ws *v1alpha1.WebhookServer) {
				ws.Spec.Image = "registry.example.com/hookflow:custom"
				ws.Spec.Resources = resources
				ws.Spec.Limits.RequestTimeout = &metav1.Duration{Duration: 60 * time.Second}
			}),
			wantReplicas:  5,
			wantImage:     "registry.example.com/hookflow:custom",
			wantResources: resources,
			wantGrace:     70,
		},
		{
			name:         "zero replicas",
			server:       newServer(withReplicas(0)),
			wantReplicas: 0,
			wantImage:    defaultImage,
			wantGrace:    40,
		},
		{
			name: "short timeout keeps the default grace",
			server: newServer(func(ws *v1alpha1.WebhookServer) {
				ws.Spec.Limits.RequestTimeout = &metav1.Duration{Duration: time.Second}
			}),
			wantReplicas: 2,
			wantImage:    defaultImage,
			wantGrace:    30,
		},
		{
			name: "fractional timeout rounds up",
			server: newServer(func(ws *v1alpha1.WebhookServer) {
				ws.Spec.Limits.RequestTimeout = &metav1.Duration{Duration: 90*time.Second + time.Millisecond}
			}),
			wantReplicas: 2,
			wantImage:    defaultImage,
			wantGrace:    101,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := Deployment(tt.server, Options{Image: defaultImage})
			if got := *d.Spec.Replicas; got != tt.wantReplicas {
				t.Errorf("replicas = %d, want %d", got, tt.wantReplicas)
			}
			c := d.Spec.Template.Spec.Containers[0]
			if c.Image != tt.wantImage {
				t.Errorf("image = %q, want %q", c.Image, tt.wantImage)
			}
			if !equality.Semantic.DeepEqual(c.Resources, tt.wantResources) {
				t.Errorf("resources = %+v, want %+v", c.Resources, tt.wantResources)
			}
			if got := *d.Spec.Template.Spec.TerminationGracePeriodSeconds; got != tt.wantGrace {
				t.Errorf("terminationGracePeriodSeconds = %d, want %d", got, tt.wantGrace)
			}
		})
	}
}

func TestDeploymentDoesNotAliasSpec(t *testing.T) {
	ws := newServer(func(ws *v1alpha1.WebhookServer) {
		ws.Spec.Resources.Limits = corev1.ResourceList{corev1.ResourceCPU: resource.MustParse("1")}
	})
	d := Deployment(ws, Options{})
	d.Spec.Template.Spec.Containers[0].Resources.Limits[corev1.ResourceCPU] = resource.MustParse("2")
	if got := ws.Spec.Resources.Limits[corev1.ResourceCPU]; got.String() != "1" {
		t.Errorf("changing the Deployment changed the WebhookServer: cpu limit %s", got.String())
	}
}

func TestDeploymentShape(t *testing.T) {
	ws := newServer()
	d := Deployment(ws, Options{Image: defaultImage})
	pod := d.Spec.Template.Spec
	if len(pod.Containers) != 1 {
		t.Fatalf("containers = %d, want 1", len(pod.Containers))
	}
	c := pod.Containers[0]

	checks := []struct {
		name string
		ok   bool
	}{
		{"name", d.Name == "default-hookflow" && d.Namespace == "shop"},
		{"no owner references", len(d.OwnerReferences) == 0},
		{"object labels", maps.Equal(d.Labels, Labels(ws))},
		{"pod labels", maps.Equal(d.Spec.Template.Labels, Labels(ws))},
		{"selector", maps.Equal(d.Spec.Selector.MatchLabels, SelectorLabels(ws))},
		{"args", slices.Equal(c.Args, []string{"server", "--namespace=shop", "--webhook-server=default", "--bind-address=:8080", "--metrics-bind-address=:9090", "--drain-delay=5s", "--read-timeout=30s"})},
		{"no command (image entrypoint)", c.Command == nil},
		{"ports", len(c.Ports) == 2 && c.Ports[0].Name == "http" && c.Ports[0].ContainerPort == 8080 &&
			c.Ports[1].Name == "metrics" && c.Ports[1].ContainerPort == 9090},
		{"readiness probe", probeGets(c.ReadinessProbe, "/readyz")},
		{"liveness probe", probeGets(c.LivenessProbe, "/healthz")},
		{"no preStop hook", c.Lifecycle == nil},
		{"service account", pod.ServiceAccountName == "default-hookflow"},
		{"token mounted", pod.AutomountServiceAccountToken != nil && *pod.AutomountServiceAccountToken},
		{"rolling update", d.Spec.Strategy.Type == appsv1.RollingUpdateDeploymentStrategyType &&
			*d.Spec.Strategy.RollingUpdate.MaxUnavailable == intstr.FromInt32(0) &&
			*d.Spec.Strategy.RollingUpdate.MaxSurge == intstr.FromInt32(1)},
		{"topology spread", len(pod.TopologySpreadConstraints) == 1 &&
			pod.TopologySpreadConstraints[0].TopologyKey == "kubernetes.io/hostname" &&
			pod.TopologySpreadConstraints[0].WhenUnsatisfiable == corev1.ScheduleAnyway &&
			maps.Equal(pod.TopologySpreadConstraints[0].LabelSelector.MatchLabels, SelectorLabels(ws))},
		{"pod runs as non-root", pod.SecurityContext != nil && isTrue(pod.SecurityContext.RunAsNonRoot)},
		{"pod runs as the image's user", pod.SecurityContext != nil &&
			isInt(pod.SecurityContext.RunAsUser, 65532) && isInt(pod.SecurityContext.RunAsGroup, 65532) && isInt(pod.SecurityContext.FSGroup, 65532)},
		{"pod seccomp", pod.SecurityContext != nil && pod.SecurityContext.SeccompProfile != nil &&
			pod.SecurityContext.SeccompProfile.Type == corev1.SeccompProfileTypeRuntimeDefault},
		{"container hardened", hardened(c.SecurityContext)},
		{"writable /tmp", len(c.VolumeMounts) == 1 && c.VolumeMounts[0].MountPath == "/tmp" &&
			len(pod.Volumes) == 1 && pod.Volumes[0].EmptyDir != nil},
	}
	for _, check := range checks {
		if !check.ok {
			t.Errorf("%s: not as expected", check.name)
		}
	}
}

// probeGets tells whether p is an HTTP GET of path on the named server port.
func probeGets(p *corev1.Probe, path string) bool {
	return p != nil && p.HTTPGet != nil && p.HTTPGet.Path == path && p.HTTPGet.Port == intstr.FromString("http")
}

// hardened tells whether sc is the restricted container security context.
func hardened(sc *corev1.SecurityContext) bool {
	return sc != nil &&
		isTrue(sc.RunAsNonRoot) &&
		isTrue(sc.ReadOnlyRootFilesystem) &&
		sc.AllowPrivilegeEscalation != nil && !*sc.AllowPrivilegeEscalation &&
		sc.Capabilities != nil && slices.Equal(sc.Capabilities.Drop, []corev1.Capability{"ALL"}) &&
		len(sc.Capabilities.Add) == 0 &&
		sc.SeccompProfile != nil && sc.SeccompProfile.Type == corev1.SeccompProfileTypeRuntimeDefault &&
		sc.Privileged == nil
}

func isTrue(b *bool) bool { return b != nil && *b }

func isInt(p *int64, want int64) bool { return p != nil && *p == want }

// TestArgsOfAPostgresRunStore: the server is told which credentials key
// holds its run store's connection string, and which table; never the
// connection string itself.
func TestArgsOfAPostgresRunStore(t *testing.T) {
	ws := &v1alpha1.WebhookServer{ObjectMeta: metav1.ObjectMeta{Namespace: "shop", Name: "edge"}}
	for _, a := range Args(ws) {
		if strings.HasPrefix(a, "--run-") {
			t.Errorf("CustomResource run store: unexpected %s", a)
		}
	}
	ws.Spec.RunStore = v1alpha1.StoreSpec{Type: v1alpha1.StorePostgres, Postgres: &v1alpha1.PostgresStore{
		ConnectionSecretRef: v1alpha1.SecretKeyReference{Name: "pg", Key: "url"}, Table: "edge_runs",
	}}
	args := strings.Join(Args(ws), " ")
	for _, want := range []string{"--run-store-key=pg_url", "--run-table=edge_runs"} {
		if !strings.Contains(args, want) {
			t.Errorf("args %q lack %s", args, want)
		}
	}
}
