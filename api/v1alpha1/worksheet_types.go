package v1alpha1

import (
	"crypto/sha256"
	"encoding/hex"
	"strings"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// FieldType is the type of a Worksheet field.
// +kubebuilder:validation:Enum=Text;Number;Boolean;Select;DateTime;Email;JSON
type FieldType string

// Field types.
const (
	FieldText     FieldType = "Text"
	FieldNumber   FieldType = "Number"
	FieldBoolean  FieldType = "Boolean"
	FieldSelect   FieldType = "Select"
	FieldDateTime FieldType = "DateTime"
	FieldEmail    FieldType = "Email"
	FieldJSON     FieldType = "JSON"
)

// WorksheetField is a column of a Worksheet.
// +kubebuilder:validation:XValidation:rule="self.type == 'Select' ? (has(self.options) && size(self.options) > 0) : !has(self.options)",message="options must be set for Select fields, and only for them"
// +kubebuilder:validation:XValidation:rule="!(has(self.unique) && self.unique && self.type == 'JSON')",message="a JSON field cannot be unique"
// +kubebuilder:validation:XValidation:rule="!(has(self.indexed) && self.indexed && self.type == 'JSON')",message="a JSON field cannot be indexed"
type WorksheetField struct {
	// Name of the field, as used in records and step mappings.
	// +required
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=63
	// +kubebuilder:validation:Pattern=`^[a-z][a-z0-9_]*$`
	Name string `json:"name"`

	// Type of the values.
	// +required
	Type FieldType `json:"type"`

	// Required fields must be present and not empty in every record.
	// +optional
	Required bool `json:"required,omitempty"`

	// Unique fields may not hold the same value in two records.
	// +optional
	Unique bool `json:"unique,omitempty"`

	// Indexed fields may be used in the match of an updateRecord or
	// upsertRecord step (the unique field always may). Records written
	// before a field became indexed are not found by it until they are
	// written again.
	// +optional
	Indexed bool `json:"indexed,omitempty"`

	// Options are the allowed values of a Select field.
	// +optional
	// +listType=set
	// +kubebuilder:validation:MaxItems=256
	// +kubebuilder:validation:items:MinLength=1
	// +kubebuilder:validation:items:MaxLength=253
	Options []string `json:"options,omitempty"`

	// Description for people reading the Worksheet.
	// +optional
	// +kubebuilder:validation:MaxLength=1024
	Description string `json:"description,omitempty"`
}

// WorksheetSpec describes a table of records.
// +kubebuilder:validation:XValidation:rule="self.fields.filter(f, has(f.unique) && f.unique).size() <= 1",message="at most one field may be unique"
type WorksheetSpec struct {
	// DisplayName for people.
	// +optional
	// +kubebuilder:validation:MaxLength=253
	DisplayName string `json:"displayName,omitempty"`

	// Fields of the records.
	// +required
	// +listType=map
	// +listMapKey=name
	// +kubebuilder:validation:MinItems=1
	// +kubebuilder:validation:MaxItems=128
	Fields []WorksheetField `json:"fields"`

	// Storage of the records.
	// +optional
	// +kubebuilder:default={}
	Storage StoreSpec `json:"storage,omitempty"`
}

// WorksheetStatus is the observed state of a Worksheet.
type WorksheetStatus struct {
	// ObservedGeneration is the generation the status describes.
	// +optional
	ObservedGeneration int64 `json:"observedGeneration,omitempty"`

	// Records is the number of records in the Worksheet, counted at most
	// every few seconds.
	// +optional
	Records int64 `json:"records,omitempty"`

	// Table is the PostgreSQL table of a Worksheet kept in Postgres.
	// +optional
	Table string `json:"table,omitempty"`

	// Conditions: Ready.
	// +optional
	// +listType=map
	// +listMapKey=type
	Conditions []metav1.Condition `json:"conditions,omitempty"`
}

// Worksheet is a typed table that Workflow steps write records into.
// +kubebuilder:object:root=true
// +kubebuilder:subresource:status
// +kubebuilder:resource:shortName=wsheet,categories=hookflow
// +kubebuilder:validation:XValidation:rule="size(self.metadata.name) <= 63",message="name must be at most 63 characters, as it is used as a label value"
// +kubebuilder:printcolumn:name="Display Name",type=string,JSONPath=`.spec.displayName`
// +kubebuilder:printcolumn:name="Records",type=integer,JSONPath=`.status.records`
// +kubebuilder:printcolumn:name="Ready",type=string,JSONPath=`.status.conditions[?(@.type=="Ready")].status`
// +kubebuilder:printcolumn:name="Age",type=date,JSONPath=`.metadata.creationTimestamp`
type Worksheet struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata,omitempty"`

	// +required
	Spec WorksheetSpec `json:"spec"`
	// +optional
	Status WorksheetStatus `json:"status,omitempty"`
}

// WorksheetList is a list of Worksheets.
// +kubebuilder:object:root=true
type WorksheetList struct {
	metav1.TypeMeta `json:",inline"`
	metav1.ListMeta `json:"metadata,omitempty"`
	Items           []Worksheet `json:"items"`
}

// Field returns the field of that name.
func (in *Worksheet) Field(name string) (WorksheetField, bool) {
	for _, f := range in.Spec.Fields {
		if f.Name == name {
			return f, true
		}
	}
	return WorksheetField{}, false
}

// GetConditions returns the conditions.
func (in *Worksheet) GetConditions() []metav1.Condition { return in.Status.Conditions }

// SetConditions sets the conditions.
func (in *Worksheet) SetConditions(c []metav1.Condition) { in.Status.Conditions = c }

// SetObservedGeneration records the generation the status describes.
func (in *Worksheet) SetObservedGeneration(g int64) { in.Status.ObservedGeneration = g }

func init() {
	SchemeBuilder.Register(&Worksheet{}, &WorksheetList{})
}

// maxTableName is PostgreSQL's limit on identifiers, in bytes.
const maxTableName = 63

// PostgresTable returns the table of a Worksheet kept in PostgreSQL: the
// one its spec names, else "ws_<namespace>__<name>" with '-' and '.' made
// '_', cut to 63 bytes with a hash of namespace/name when longer. It is ""
// for a Worksheet kept as WorksheetRecords.
func (in *Worksheet) PostgresTable() string {
	pg := in.Spec.Storage.Postgres
	if in.Spec.Storage.Type != StorePostgres || pg == nil {
		return ""
	}
	if pg.Table != "" {
		return pg.Table
	}
	name := strings.NewReplacer("-", "_", ".", "_").Replace("ws_" + in.Namespace + "__" + in.Name)
	if len(name) <= maxTableName {
		return name
	}
	sum := sha256.Sum256([]byte(in.Namespace + "/" + in.Name))
	suffix := "_" + hex.EncodeToString(sum[:4])
	return name[:maxTableName-len(suffix)] + suffix
}

// DefaultRunsTable is the table of a WebhookServer's runs kept in
// PostgreSQL when its runStore names none.
const DefaultRunsTable = "hookflow_runs"

// RunsTable returns the table of the runs of a WebhookServer whose runStore
// is Postgres, else "".
func (in *WebhookServer) RunsTable() string {
	pg := in.Spec.RunStore.Postgres
	if in.Spec.RunStore.Type != StorePostgres || pg == nil {
		return ""
	}
	if pg.Table != "" {
		return pg.Table
	}
	return DefaultRunsTable
}
