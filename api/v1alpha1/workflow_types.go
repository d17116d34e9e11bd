package v1alpha1

import (
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// WorkflowSpec describes a webhook and what it does with each request.
type WorkflowSpec struct {
	// Enabled serves the webhook; a disabled Workflow answers 404.
	// +optional
	// +kubebuilder:default=true
	Enabled *bool `json:"enabled,omitempty"`

	// ServerRef is the WebhookServer, in the same namespace, that serves the webhook.
	// +optional
	// +kubebuilder:default={name: default}
	ServerRef *LocalObjectReference `json:"serverRef,omitempty"`

	// Trigger of the Workflow.
	// +required
	Trigger Trigger `json:"trigger"`

	// Steps run in order for each request.
	// +optional
	// +listType=map
	// +listMapKey=name
	// +kubebuilder:validation:MaxItems=32
	Steps []Step `json:"steps,omitempty"`

	// Response configures the answer to the caller: status, headers and a
	// CEL body, and the answer of a failed run. Mode OnReceipt answers
	// once the accepted run is durable and runs the steps after.
	// +optional
	Response *Response `json:"response,omitempty"`

	// History bounds the WorkflowRuns kept: the manager deletes the oldest
	// runs beyond these limits.
	// +optional
	History *History `json:"history,omitempty"`
}

// Trigger starts a Workflow.
type Trigger struct {
	// Webhook is an HTTP endpoint.
	// +required
	Webhook WebhookTrigger `json:"webhook"`
}

// HTTPMethod is a method a webhook accepts.
// +kubebuilder:validation:Enum=GET;POST
type HTTPMethod string

// WebhookTrigger describes the webhook URL of a Workflow.
type WebhookTrigger struct {
	// ID fixes the webhook id, the last segment of the URL. By default it is
	// derived from the namespace and name, so the URL survives re-creation.
	// +optional
	// +kubebuilder:validation:MinLength=8
	// +kubebuilder:validation:MaxLength=63
	// +kubebuilder:validation:Pattern=`^[a-z0-9]([-a-z0-9]*[a-z0-9])?$`
	ID string `json:"id,omitempty"`

	// Methods accepted; others get 405.
	// +optional
	// +listType=set
	// +kubebuilder:default={POST}
	// +kubebuilder:validation:MinItems=1
	// +kubebuilder:validation:MaxItems=2
	Methods []HTTPMethod `json:"methods,omitempty"`

	// Sample is an example request; the parameters are generated from it.
	// +required
	Sample Sample `json:"sample"`

	// Parameters override the generated parameters, by path.
	// +optional
	// +listType=map
	// +listMapKey=name
	// +kubebuilder:validation:MaxItems=256
	Parameters []ParameterOverride `json:"parameters,omitempty"`

	// Security of the webhook: app authorization, a sender's signature
	// header, an IP whitelist.
	// +optional
	Security *WebhookSecurity `json:"security,omitempty"`

	// RateLimit of the webhook, per server replica; over it the answer is 429.
	// +optional
	RateLimit *RateLimit `json:"rateLimit,omitempty"`
}

// SampleSource is where the sample comes from.
// +kubebuilder:validation:Enum=JSON;KeyValue;Capture
type SampleSource string

// Sample sources.
const (
	SampleJSON     SampleSource = "JSON"
	SampleKeyValue SampleSource = "KeyValue"
	SampleCapture  SampleSource = "Capture"
)

// Sample is an example of the requests the webhook receives.
// +kubebuilder:validation:XValidation:rule="self.source != 'JSON' || has(self.json)",message="json must be set when source is JSON"
// +kubebuilder:validation:XValidation:rule="self.source != 'KeyValue' || has(self.keyValues)",message="keyValues must be set when source is KeyValue"
type Sample struct {
	// Source of the sample: JSON, KeyValue, or Capture (the first request
	// of a capture window, see status.capture).
	// +optional
	// +kubebuilder:default=JSON
	Source SampleSource `json:"source,omitempty"`

	// JSON is an example JSON object; each leaf becomes a parameter at its dot path.
	// +optional
	// +kubebuilder:validation:MaxLength=65536
	JSON string `json:"json,omitempty"`

	// KeyValues are example form or query pairs; each becomes a parameter.
	// +optional
	// +listType=map
	// +listMapKey=name
	// +kubebuilder:validation:MinItems=1
	// +kubebuilder:validation:MaxItems=256
	KeyValues []KeyValue `json:"keyValues,omitempty"`

	// FullBody adds the parameter `body`: the whole raw body as a string.
	// +optional
	FullBody bool `json:"fullBody,omitempty"`
}

// KeyValue is one example pair.
type KeyValue struct {
	// Name is the parameter path.
	// +required
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=253
	Name string `json:"name"`

	// Value is an example value.
	// +optional
	// +kubebuilder:validation:MaxLength=4096
	Value string `json:"value,omitempty"`
}

// ParameterType is the type of a parameter.
// +kubebuilder:validation:Enum=String;Number;Boolean;Object;Array
type ParameterType string

// Parameter types.
const (
	ParameterString  ParameterType = "String"
	ParameterNumber  ParameterType = "Number"
	ParameterBoolean ParameterType = "Boolean"
	ParameterObject  ParameterType = "Object"
	ParameterArray   ParameterType = "Array"
)

// ParameterOverride changes a generated parameter, or declares one the sample lacks.
type ParameterOverride struct {
	// Name is the parameter path, e.g. customer.email.
	// +required
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=253
	Name string `json:"name"`

	// Required parameters must be present and not empty; else 400.
	// +optional
	Required *bool `json:"required,omitempty"`

	// Type replaces the type inferred from the sample.
	// +optional
	Type ParameterType `json:"type,omitempty"`

	// Description for people reading the API docs.
	// +optional
	// +kubebuilder:validation:MaxLength=1024
	Description string `json:"description,omitempty"`
}

// WebhookSecurity protects a webhook.
type WebhookSecurity struct {
	// AppAuth requires AppKey + Sign.
	// +optional
	AppAuth *AppAuth `json:"appAuth,omitempty"`

	// IPWhitelist are the client addresses (IPs or CIDRs) allowed.
	// +optional
	// +listType=set
	// +kubebuilder:validation:MaxItems=256
	// +kubebuilder:validation:items:MaxLength=64
	// +kubebuilder:validation:XValidation:rule="self.all(a, isIP(a) || isCIDR(a))",message="every entry must be an IP address or a CIDR"
	IPWhitelist []string `json:"ipWhitelist,omitempty"`

	// Signature checks a sender's own HMAC header.
	// +optional
	Signature *SignatureCheck `json:"signature,omitempty"`
}

// AppAuth is the AppKey + Sign scheme.
type AppAuth struct {
	// Enabled turns the check on.
	// +optional
	Enabled bool `json:"enabled,omitempty"`

	// SecretRef is a Secret, in the Workflow's namespace, with the keys
	// appKey and secretKey.
	// +required
	SecretRef LocalObjectReference `json:"secretRef"`
}

// SignatureAlgorithm is an HMAC hash.
// +kubebuilder:validation:Enum=sha1;sha256;sha512
type SignatureAlgorithm string

// SignaturePreset is a sender's whole signature scheme: its headers,
// signed content, encoding, secret format and timestamp window.
// +kubebuilder:validation:Enum=GitHub;Stripe;Slack;Shopify;StandardWebhooks
type SignaturePreset string

// The signature presets (README, "Signature presets").
const (
	SignaturePresetGitHub           SignaturePreset = "GitHub"
	SignaturePresetStripe           SignaturePreset = "Stripe"
	SignaturePresetSlack            SignaturePreset = "Slack"
	SignaturePresetShopify          SignaturePreset = "Shopify"
	SignaturePresetStandardWebhooks SignaturePreset = "StandardWebhooks"
)

// SignatureCheck checks a sender's signature: the scheme of a preset, or,
// without one, prefix + hex(HMAC(secret, rawBody)) in a header.
// +kubebuilder:validation:XValidation:rule="has(self.preset) || has(self.header)",message="header is required without a preset"
// +kubebuilder:validation:XValidation:rule="!has(self.preset) || (!has(self.header) && !has(self.algorithm) && !has(self.prefix))",message="with a preset, header, algorithm and prefix must be unset: the preset fixes them"
type SignatureCheck struct {
	// Preset is the scheme of a known sender: GitHub, Stripe, Slack,
	// Shopify or StandardWebhooks. Empty: the generic form (header,
	// algorithm, prefix).
	// +optional
	Preset SignaturePreset `json:"preset,omitempty"`

	// Header holding the signature; required without a preset.
	// +optional
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=256
	// +kubebuilder:validation:Pattern=`^[A-Za-z0-9!#$%&'*+.^_|~-]+$`
	Header string `json:"header,omitempty"`

	// Algorithm of the HMAC; sha256 when unset.
	// +optional
	Algorithm SignatureAlgorithm `json:"algorithm,omitempty"`

	// Prefix before the hex digest, e.g. "sha256=".
	// +optional
	// +kubebuilder:validation:MaxLength=64
	Prefix string `json:"prefix,omitempty"`

	// SecretRef is the key of a Secret, in the Workflow's namespace, holding
	// the signing secret (key "secret" when unset). StandardWebhooks secrets
	// are whsec_ followed by base64.
	// +required
	SecretRef SecretKeyReference `json:"secretRef"`

	// AdditionalSecretRefs are more secrets accepted at the same time, for a
	// rotation: a request signed with any of the secrets is accepted.
	// +optional
	// +listType=atomic
	// +kubebuilder:validation:MaxItems=4
	AdditionalSecretRefs []SecretKeyReference `json:"additionalSecretRefs,omitempty"`
}

// RateLimit bounds the requests per second.
type RateLimit struct {
	// RequestsPerSecond allowed on average.
	// +required
	// +kubebuilder:validation:Minimum=1
	// +kubebuilder:validation:Maximum=1000000
	RequestsPerSecond int32 `json:"requestsPerSecond"`

	// Burst is the number of requests allowed at once; requestsPerSecond
	// by default.
	// +optional
	// +kubebuilder:validation:Minimum=1
	// +kubebuilder:validation:Maximum=1000000
	Burst int32 `json:"burst,omitempty"`
}

// Step is one action of a Workflow. Exactly one action is set.
// +kubebuilder:validation:XValidation:rule="[has(self.createRecord), has(self.updateRecord), has(self.upsertRecord)].filter(x, x).size() == 1",message="exactly one of createRecord, updateRecord, upsertRecord must be set"
type Step struct {
	// Name of the step; its outputs are steps.<name>.* in CEL.
	// +required
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=63
	// +kubebuilder:validation:Pattern=`^[a-z][a-z0-9_]*$`
	Name string `json:"name"`

	// When is a CEL condition; the step is skipped when it is false.
	// +optional
	// +kubebuilder:validation:MaxLength=4096
	When string `json:"when,omitempty"`

	// CreateRecord adds a record to a Worksheet.
	// +optional
	CreateRecord *CreateRecordAction `json:"createRecord,omitempty"`

	// UpdateRecord changes the one record that matches; the run fails when
	// none or several match.
	// +optional
	UpdateRecord *UpdateRecordAction `json:"updateRecord,omitempty"`

	// UpsertRecord updates the one record that matches, or creates one from
	// the match and the fields when none does.
	// +optional
	UpsertRecord *UpdateRecordAction `json:"upsertRecord,omitempty"`
}

// CreateRecordAction adds a record.
type CreateRecordAction struct {
	// Worksheet, in the same namespace, that receives the record.
	// +required
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=63
	Worksheet string `json:"worksheet"`

	// Fields maps a Worksheet field name to a CEL expression giving its value.
	// +required
	// +kubebuilder:validation:MinProperties=1
	// +kubebuilder:validation:MaxProperties=128
	Fields map[string]string `json:"fields"`
}

// UpdateRecordAction changes a record.
type UpdateRecordAction struct {
	// Worksheet, in the same namespace, holding the records.
	// +required
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=63
	Worksheet string `json:"worksheet"`

	// Match maps a field name to a CEL expression; the record whose fields
	// equal all of them is updated. Each field must be the Worksheet's unique
	// field or an indexed one.
	// +required
	// +kubebuilder:validation:MinProperties=1
	// +kubebuilder:validation:MaxProperties=16
	Match map[string]string `json:"match"`

	// Fields maps a field name to a CEL expression giving its new value;
	// other fields keep theirs. null or "" clears a field; an expression
	// reading an absent optional parameter leaves it as it is. The unique
	// field cannot be changed.
	// +required
	// +kubebuilder:validation:MinProperties=1
	// +kubebuilder:validation:MaxProperties=128
	Fields map[string]string `json:"fields"`
}

// ResponseMode is when the answer is sent.
// +kubebuilder:validation:Enum=AfterRun;OnReceipt
type ResponseMode string

// Response modes.
const (
	ResponseAfterRun  ResponseMode = "AfterRun"
	ResponseOnReceipt ResponseMode = "OnReceipt"
)

// Response configures the answer to the caller.
type Response struct {
	// Mode: AfterRun answers after the steps; OnReceipt once the run is accepted.
	// +optional
	// +kubebuilder:default=AfterRun
	Mode ResponseMode `json:"mode,omitempty"`

	// StatusCode of a successful run.
	// +optional
	// +kubebuilder:default=200
	// +kubebuilder:validation:Minimum=200
	// +kubebuilder:validation:Maximum=299
	StatusCode int32 `json:"statusCode,omitempty"`

	// ContentType of the body.
	// +optional
	// +kubebuilder:default="application/json"
	// +kubebuilder:validation:Enum="application/json";"text/plain";"application/xml"
	ContentType string `json:"contentType,omitempty"`

	// Headers added to a successful answer: name to a CEL expression giving
	// a string. Content-Type (use contentType), Content-Length,
	// Content-Encoding, hop-by-hop headers, Set-Cookie and
	// Strict-Transport-Security cannot be set.
	// +optional
	// +kubebuilder:validation:MaxProperties=32
	Headers map[string]string `json:"headers,omitempty"`

	// Body is a CEL expression giving the body: any value, sent as JSON,
	// for application/json; a string otherwise.
	// +optional
	// +kubebuilder:validation:MaxLength=4096
	Body string `json:"body,omitempty"`

	// OnError is the answer of a run that failed on the request's data, or
	// whose body or headers could not be evaluated.
	// +optional
	OnError *ErrorResponse `json:"onError,omitempty"`
}

// ErrorResponse is the answer of a failed run.
type ErrorResponse struct {
	// StatusCode of the answer.
	// +optional
	// +kubebuilder:default=500
	// +kubebuilder:validation:Minimum=400
	// +kubebuilder:validation:Maximum=599
	StatusCode int32 `json:"statusCode,omitempty"`

	// Body is a CEL expression giving the body; `error` holds the reason. A
	// string is sent as text/plain, any other value as JSON.
	// +optional
	// +kubebuilder:validation:MaxLength=4096
	Body string `json:"body,omitempty"`
}

// History bounds the WorkflowRuns kept.
type History struct {
	// SuccessfulRunsLimit is the number of succeeded runs kept.
	// +optional
	// +kubebuilder:default=10
	// +kubebuilder:validation:Minimum=0
	// +kubebuilder:validation:Maximum=10000
	SuccessfulRunsLimit *int32 `json:"successfulRunsLimit,omitempty"`

	// FailedRunsLimit is the number of failed runs kept.
	// +optional
	// +kubebuilder:default=50
	// +kubebuilder:validation:Minimum=0
	// +kubebuilder:validation:Maximum=10000
	FailedRunsLimit *int32 `json:"failedRunsLimit,omitempty"`
}

// ParameterStatus is a parameter of the webhook, as served.
type ParameterStatus struct {
	// Name of the parameter.
	Name string `json:"name"`
	// Path of the value in the request: dot-separated object keys.
	Path string `json:"path"`
	// Type of the value.
	Type ParameterType `json:"type"`
	// Required parameters must be present and not empty.
	// +optional
	Required bool `json:"required,omitempty"`
	// Description from the overrides.
	// +optional
	Description string `json:"description,omitempty"`
}

// CaptureState is the state of a sample capture.
// +kubebuilder:validation:Enum=Waiting;Captured;Expired
type CaptureState string

// Capture states.
const (
	CaptureWaiting  CaptureState = "Waiting"
	CaptureCaptured CaptureState = "Captured"
	CaptureExpired  CaptureState = "Expired"
)

// MaxCaptureBytes bounds a captured sample.
const MaxCaptureBytes = 65536

// CaptureStatus is the state of a sample capture.
type CaptureStatus struct {
	// State of the capture.
	// +optional
	State CaptureState `json:"state,omitempty"`
	// StartedAt is when the capture window opened.
	// +optional
	StartedAt *metav1.Time `json:"startedAt,omitempty"`
	// ExpiresAt is when the capture window closes.
	// +optional
	ExpiresAt *metav1.Time `json:"expiresAt,omitempty"`
	// RequestedAt is the value of the hookflow.dev/capture-requested-at
	// annotation that opened the window.
	// +optional
	RequestedAt string `json:"requestedAt,omitempty"`
	// Sample is the captured request: the raw body, or for a GET the query
	// string.
	// +optional
	// +kubebuilder:validation:MaxLength=65536
	Sample string `json:"sample,omitempty"`
	// ContentType of the captured request; empty for a GET.
	// +optional
	// +kubebuilder:validation:MaxLength=256
	ContentType string `json:"contentType,omitempty"`
	// Method of the captured request.
	// +optional
	Method string `json:"method,omitempty"`
	// CapturedAt is when the sample was captured.
	// +optional
	CapturedAt *metav1.Time `json:"capturedAt,omitempty"`
}

// WorkflowStatus is the observed state of a Workflow.
type WorkflowStatus struct {
	// ObservedGeneration is the generation the status describes.
	// +optional
	ObservedGeneration int64 `json:"observedGeneration,omitempty"`

	// WebhookID is the last segment of the webhook URL.
	// +optional
	WebhookID string `json:"webhookID,omitempty"`

	// WebhookURL is the URL to call.
	// +optional
	WebhookURL string `json:"webhookURL,omitempty"`

	// Parameters of the webhook, as served.
	// +optional
	// +listType=atomic
	Parameters []ParameterStatus `json:"parameters,omitempty"`

	// Capture is the state of a sample capture.
	// +optional
	Capture *CaptureStatus `json:"capture,omitempty"`

	// Conditions: Ready is True when the webhook is served at the current generation.
	// +optional
	// +listType=map
	// +listMapKey=type
	Conditions []metav1.Condition `json:"conditions,omitempty"`
}

// Workflow turns HTTP requests to a unique webhook URL into records.
// +kubebuilder:object:root=true
// +kubebuilder:subresource:status
// +kubebuilder:resource:shortName=hwf,categories=hookflow
// +kubebuilder:validation:XValidation:rule="size(self.metadata.name) <= 63",message="name must be at most 63 characters, as it is used as a label value"
// +kubebuilder:printcolumn:name="Enabled",type=boolean,JSONPath=`.spec.enabled`
// +kubebuilder:printcolumn:name="Webhook ID",type=string,JSONPath=`.status.webhookID`
// +kubebuilder:printcolumn:name="URL",type=string,JSONPath=`.status.webhookURL`
// +kubebuilder:printcolumn:name="Ready",type=string,JSONPath=`.status.conditions[?(@.type=="Ready")].status`
// +kubebuilder:printcolumn:name="Age",type=date,JSONPath=`.metadata.creationTimestamp`
type Workflow struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata,omitempty"`

	// +required
	Spec WorkflowSpec `json:"spec"`
	// +optional
	Status WorkflowStatus `json:"status,omitempty"`
}

// WorkflowList is a list of Workflows.
// +kubebuilder:object:root=true
type WorkflowList struct {
	metav1.TypeMeta `json:",inline"`
	metav1.ListMeta `json:"metadata,omitempty"`
	Items           []Workflow `json:"items"`
}

// DefaultServer is the WebhookServer of a Workflow that names none.
const DefaultServer = "default"

// ServerName is the name of the Workflow's WebhookServer.
func (in *Workflow) ServerName() string {
	if in.Spec.ServerRef == nil || in.Spec.ServerRef.Name == "" {
		return DefaultServer
	}
	return in.Spec.ServerRef.Name
}

// IsEnabled tells whether the webhook should be served.
func (in *Workflow) IsEnabled() bool { return in.Spec.Enabled == nil || *in.Spec.Enabled }

// GetConditions returns the conditions.
func (in *Workflow) GetConditions() []metav1.Condition { return in.Status.Conditions }

// SetConditions sets the conditions.
func (in *Workflow) SetConditions(c []metav1.Condition) { in.Status.Conditions = c }

// SetObservedGeneration records the generation the status describes.
func (in *Workflow) SetObservedGeneration(g int64) { in.Status.ObservedGeneration = g }

func init() {
	SchemeBuilder.Register(&Workflow{}, &WorkflowList{})
}
