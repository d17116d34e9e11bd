package v1alpha1

import (
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// Defaults of ServerLimits, as in the CRD.
const (
	DefaultMaxBodyBytes      = 1 << 20
	DefaultRequestTimeout    = 30 * time.Second
	DefaultReadTimeout       = 30 * time.Second
	DefaultMaxConcurrentRuns = 256
)

// WebhookServerSpec describes a deployment of the hookflow webhook server.
type WebhookServerSpec struct {
	// Replicas of the server.
	// +optional
	// +kubebuilder:default=2
	// +kubebuilder:validation:Minimum=0
	// +kubebuilder:validation:Maximum=100
	Replicas *int32 `json:"replicas,omitempty"`

	// Image overrides the server image; the operator's own image by default.
	// +optional
	// +kubebuilder:validation:MaxLength=512
	Image string `json:"image,omitempty"`

	// Resources of the server container.
	// +optional
	Resources corev1.ResourceRequirements `json:"resources,omitempty"`

	// ExternalURL is the base of the Workflow URLs, e.g. https://hooks.example.com.
	// Without it the base is the ingress host, else the in-cluster Service address.
	// +optional
	// +kubebuilder:validation:MaxLength=2048
	// +kubebuilder:validation:Pattern=`^https?://[^\s/?#]+(/[^\s?#]*)?$`
	ExternalURL string `json:"externalURL,omitempty"`

	// Ingress exposes the server.
	// +optional
	Ingress *WebhookServerIngress `json:"ingress,omitempty"`

	// TrustedProxies are the addresses (IPs or CIDRs) allowed to set
	// X-Forwarded-For and X-Real-IP.
	// +optional
	// +listType=set
	// +kubebuilder:validation:MaxItems=64
	// +kubebuilder:validation:items:MaxLength=64
	// +kubebuilder:validation:XValidation:rule="self.all(a, isIP(a) || isCIDR(a))",message="every trusted proxy must be an IP address or a CIDR"
	TrustedProxies []string `json:"trustedProxies,omitempty"`

	// Limits on requests.
	// +optional
	// +kubebuilder:default={}
	Limits ServerLimits `json:"limits,omitempty"`

	// RunStore is where WorkflowRuns are kept.
	// +optional
	// +kubebuilder:default={}
	RunStore StoreSpec `json:"runStore,omitempty"`
}

// WebhookServerIngress describes the Ingress of a WebhookServer.
type WebhookServerIngress struct {
	// Enabled creates the Ingress.
	// +optional
	Enabled bool `json:"enabled,omitempty"`

	// ClassName is the IngressClass.
	// +optional
	// +kubebuilder:validation:MaxLength=253
	ClassName string `json:"className,omitempty"`

	// Host served by the Ingress.
	// +optional
	// +kubebuilder:validation:MaxLength=253
	// +kubebuilder:validation:Pattern=`^(\*\.)?[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$`
	Host string `json:"host,omitempty"`

	// TLS of the Ingress.
	// +optional
	TLS *IngressTLS `json:"tls,omitempty"`

	// Annotations of the Ingress.
	// +optional
	Annotations map[string]string `json:"annotations,omitempty"`
}

// IngressTLS names the Secret holding the Ingress certificate.
type IngressTLS struct {
	// SecretName of the TLS Secret.
	// +required
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=253
	SecretName string `json:"secretName"`
}

// ServerLimits bound what one request may use.
type ServerLimits struct {
	// MaxBodyBytes is the largest request body accepted; larger bodies get 413.
	// +optional
	// +kubebuilder:default=1048576
	// +kubebuilder:validation:Minimum=1
	// +kubebuilder:validation:Maximum=67108864
	MaxBodyBytes int64 `json:"maxBodyBytes,omitempty"`

	// RequestTimeout bounds the steps of one run.
	// +optional
	// +kubebuilder:default="30s"
	RequestTimeout *metav1.Duration `json:"requestTimeout,omitempty"`

	// ReadTimeout bounds the time a client may take to send the headers and
	// the body of one request; a client too slow gets 408 and is disconnected.
	// +optional
	// +kubebuilder:default="30s"
	ReadTimeout *metav1.Duration `json:"readTimeout,omitempty"`

	// MaxConcurrentRuns bounds the runs in progress on one replica; a request
	// over it gets 503 with Retry-After, and nothing is written.
	// +optional
	// +kubebuilder:default=256
	// +kubebuilder:validation:Minimum=1
	// +kubebuilder:validation:Maximum=100000
	MaxConcurrentRuns int32 `json:"maxConcurrentRuns,omitempty"`
}

// WebhookServerStatus is the observed state of a WebhookServer.
type WebhookServerStatus struct {
	// ObservedGeneration is the generation the status describes.
	// +optional
	ObservedGeneration int64 `json:"observedGeneration,omitempty"`

	// URL is the base of the Workflow URLs served by this server.
	// +optional
	URL string `json:"url,omitempty"`

	// ReadyReplicas of the server Deployment.
	// +optional
	ReadyReplicas int32 `json:"readyReplicas,omitempty"`

	// Routes is the number of Ready Workflows bound to this server.
	// +optional
	Routes int32 `json:"routes,omitempty"`

	// Conditions: Ready.
	// +optional
	// +listType=map
	// +listMapKey=type
	Conditions []metav1.Condition `json:"conditions,omitempty"`
}

// WebhookServer is a deployment of the hookflow webhook server; Workflows of its
// namespace bind to it through spec.serverRef.
// +kubebuilder:object:root=true
// +kubebuilder:subresource:status
// +kubebuilder:resource:shortName=whs,categories=hookflow
// +kubebuilder:validation:XValidation:rule="size(self.metadata.name) <= 54",message="name must be at most 54 characters: its objects are named <name>-hookflow"
// +kubebuilder:printcolumn:name="URL",type=string,JSONPath=`.status.url`
// +kubebuilder:printcolumn:name="Routes",type=integer,JSONPath=`.status.routes`
// +kubebuilder:printcolumn:name="Ready",type=string,JSONPath=`.status.conditions[?(@.type=="Ready")].status`
// +kubebuilder:printcolumn:name="Age",type=date,JSONPath=`.metadata.creationTimestamp`
type WebhookServer struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata,omitempty"`

	// +optional
	Spec WebhookServerSpec `json:"spec,omitempty"`
	// +optional
	Status WebhookServerStatus `json:"status,omitempty"`
}

// WebhookServerList is a list of WebhookServers.
// +kubebuilder:object:root=true
type WebhookServerList struct {
	metav1.TypeMeta `json:",inline"`
	metav1.ListMeta `json:"metadata,omitempty"`
	Items           []WebhookServer `json:"items"`
}

// GetConditions returns the conditions.
func (in *WebhookServer) GetConditions() []metav1.Condition { return in.Status.Conditions }

// SetConditions sets the conditions.
func (in *WebhookServer) SetConditions(c []metav1.Condition) { in.Status.Conditions = c }

// SetObservedGeneration records the generation the status describes.
func (in *WebhookServer) SetObservedGeneration(g int64) { in.Status.ObservedGeneration = g }

func init() {
	SchemeBuilder.Register(&WebhookServer{}, &WebhookServerList{})
}
