package v1alpha1

import (
	apiextensionsv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// WorksheetRecordSpec holds the values of a record.
type WorksheetRecordSpec struct {
	// Worksheet is the name of the Worksheet the record belongs to.
	// +required
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=63
	Worksheet string `json:"worksheet"`

	// Values by field name.
	// +optional
	Values map[string]apiextensionsv1.JSON `json:"values,omitempty"`
}

// WorksheetRecordStatus tells who wrote the record and when.
type WorksheetRecordStatus struct {
	// ObservedGeneration is the generation the status describes.
	// +optional
	ObservedGeneration int64 `json:"observedGeneration,omitempty"`

	// CreatedBy is the run that created the record.
	// +optional
	CreatedBy *RunReference `json:"createdBy,omitempty"`

	// CreatedAt is when the record was created.
	// +optional
	CreatedAt *metav1.Time `json:"createdAt,omitempty"`

	// UpdatedBy is the run that last updated the record.
	// +optional
	UpdatedBy *RunReference `json:"updatedBy,omitempty"`

	// UpdatedAt is when the record was last updated.
	// +optional
	UpdatedAt *metav1.Time `json:"updatedAt,omitempty"`

	// Conditions: Ready, set when the record is stored.
	// +optional
	// +listType=map
	// +listMapKey=type
	Conditions []metav1.Condition `json:"conditions,omitempty"`
}

// WorksheetRecord is one record of a Worksheet kept as a custom resource.
// It has no status subresource: its values and its provenance (the status)
// are written together, in one API call per record.
// +kubebuilder:object:root=true
// +kubebuilder:resource:shortName=wsrec,categories=hookflow
// +kubebuilder:printcolumn:name="Worksheet",type=string,JSONPath=`.spec.worksheet`
// +kubebuilder:printcolumn:name="Created By",type=string,JSONPath=`.status.createdBy.workflow`
// +kubebuilder:printcolumn:name="Ready",type=string,JSONPath=`.status.conditions[?(@.type=="Ready")].status`
// +kubebuilder:printcolumn:name="Age",type=date,JSONPath=`.metadata.creationTimestamp`
type WorksheetRecord struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata,omitempty"`

	// +required
	Spec WorksheetRecordSpec `json:"spec"`
	// +optional
	Status WorksheetRecordStatus `json:"status,omitempty"`
}

// WorksheetRecordList is a list of WorksheetRecords.
// +kubebuilder:object:root=true
type WorksheetRecordList struct {
	metav1.TypeMeta `json:",inline"`
	metav1.ListMeta `json:"metadata,omitempty"`
	Items           []WorksheetRecord `json:"items"`
}

func init() {
	SchemeBuilder.Register(&WorksheetRecord{}, &WorksheetRecordList{})
}
