package serverresources

import (
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/intstr"
	"k8s.io/utils/ptr"

	"github.com/hookflow/hookflow/api/v1alpha1"
)

// tmpVolume is an emptyDir mounted at /tmp: the root filesystem is read-only
// and /tmp is the one writable place (request bodies are never written).
const tmpVolume = "tmp"

// RunAsUser is the user and group of the server pods: the image's own
// (USER 65532:65532 in the Dockerfile, distroless "nonroot"), stated in the
// pod so that it holds whatever the image says.
const RunAsUser int64 = 65532

// podSpec returns the spec of the server pods.
func podSpec(ws *v1alpha1.WebhookServer, opts Options) corev1.PodSpec {
	return corev1.PodSpec{
		ServiceAccountName:            ObjectName(ws),
		AutomountServiceAccountToken:  ptr.To(true),
		EnableServiceLinks:            ptr.To(false),
		TerminationGracePeriodSeconds: ptr.To(TerminationGracePeriodSeconds(ws)),
		SecurityContext: &corev1.PodSecurityContext{
			RunAsNonRoot:   ptr.To(true),
			RunAsUser:      ptr.To(RunAsUser),
			RunAsGroup:     ptr.To(RunAsUser),
			FSGroup:        ptr.To(RunAsUser),
			SeccompProfile: &corev1.SeccompProfile{Type: corev1.SeccompProfileTypeRuntimeDefault},
		},
		TopologySpreadConstraints: []corev1.TopologySpreadConstraint{{
			MaxSkew:           1,
			TopologyKey:       corev1.LabelHostname,
			WhenUnsatisfiable: corev1.ScheduleAnyway,
			LabelSelector:     &metav1.LabelSelector{MatchLabels: SelectorLabels(ws)},
		}},
		Containers: []corev1.Container{container(ws, opts)},
		Volumes: []corev1.Volume{{
			Name:         tmpVolume,
			VolumeSource: corev1.VolumeSource{EmptyDir: &corev1.EmptyDirVolumeSource{}},
		}},
	}
}

// container returns the server container.
func container(ws *v1alpha1.WebhookServer, opts Options) corev1.Container {
	return corev1.Container{
		Name:  ContainerName,
		Image: Image(ws, opts),
		Args:  Args(ws),
		Ports: []corev1.ContainerPort{{
			Name:          PortName,
			ContainerPort: ContainerPort,
			Protocol:      corev1.ProtocolTCP,
		}, {Name: MetricsPortName, ContainerPort: MetricsPort, Protocol: corev1.ProtocolTCP}},
		ReadinessProbe: httpProbe("/readyz", 5),
		LivenessProbe:  httpProbe("/healthz", 10),
		Resources:      *ws.Spec.Resources.DeepCopy(),
		SecurityContext: &corev1.SecurityContext{
			RunAsNonRoot:             ptr.To(true),
			ReadOnlyRootFilesystem:   ptr.To(true),
			AllowPrivilegeEscalation: ptr.To(false),
			Capabilities:             &corev1.Capabilities{Drop: []corev1.Capability{"ALL"}},
			SeccompProfile:           &corev1.SeccompProfile{Type: corev1.SeccompProfileTypeRuntimeDefault},
		},
		VolumeMounts: []corev1.VolumeMount{{Name: tmpVolume, MountPath: "/tmp"}},
	}
}

// httpProbe returns a probe of path on the server port.
func httpProbe(path string, periodSeconds int32) *corev1.Probe {
	return &corev1.Probe{
		ProbeHandler: corev1.ProbeHandler{
			HTTPGet: &corev1.HTTPGetAction{
				Path:   path,
				Port:   intstr.FromString(PortName),
				Scheme: corev1.URISchemeHTTP,
			},
		},
		PeriodSeconds:    periodSeconds,
		TimeoutSeconds:   1,
		SuccessThreshold: 1,
		FailureThreshold: 3,
	}
}
