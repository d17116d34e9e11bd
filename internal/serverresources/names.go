package serverresources

import (
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/hookflow/hookflow/api/v1alpha1"
)

// Label keys and values set on every object of a WebhookServer.
const (
	// LabelName is the recommended label naming the application.
	LabelName = "app.kubernetes.io/name"
	// LabelInstance is the recommended label naming the WebhookServer.
	LabelInstance = "app.kubernetes.io/instance"
	// LabelManagedBy is the recommended label naming the tool that manages the object.
	LabelManagedBy = "app.kubernetes.io/managed-by"
	// LabelComponent is the recommended label naming the part of the application.
	LabelComponent = "app.kubernetes.io/component"

	// AppName is the value of LabelName.
	AppName = "hookflow-server"
	// ManagedBy is the value of LabelManagedBy.
	ManagedBy = "hookflow"
	// Component is the value of LabelComponent.
	Component = "webhook-server"
)

// nameSuffix is appended to the WebhookServer's name to name its objects.
const nameSuffix = "-hookflow"

// credentialsSuffix is appended to ObjectName to name the credentials Secret.
const credentialsSuffix = "-credentials"

// ObjectName returns the name shared by all objects of ws: "<ws.Name>-hookflow".
func ObjectName(ws *v1alpha1.WebhookServer) string {
	return ws.Name + nameSuffix
}

// CredentialsSecretName returns the name of the Secret holding the
// credentials of the Workflows of ws: "<ws.Name>-hookflow-credentials". The
// manager copies into it the Secret keys those Workflows reference; it is
// the one Secret the server pods of ws may read.
func CredentialsSecretName(ws *v1alpha1.WebhookServer) string {
	return ObjectName(ws) + credentialsSuffix
}

// Labels returns the labels set on all objects of ws and on its pods.
func Labels(ws *v1alpha1.WebhookServer) map[string]string {
	l := SelectorLabels(ws)
	l[LabelManagedBy] = ManagedBy
	l[LabelComponent] = Component
	return l
}

// SelectorLabels returns the labels that select the pods of ws. They are a
// subset of Labels and never change, as a Deployment's selector is immutable.
func SelectorLabels(ws *v1alpha1.WebhookServer) map[string]string {
	return map[string]string{
		LabelName:     AppName,
		LabelInstance: ws.Name,
	}
}

// objectMeta returns the name, namespace and labels of an object of ws.
func objectMeta(ws *v1alpha1.WebhookServer) metav1.ObjectMeta {
	return metav1.ObjectMeta{
		Name:      ObjectName(ws),
		Namespace: ws.Namespace,
		Labels:    Labels(ws),
	}
}
