// Package v1alpha1 contains the API types of the hookflow.dev group.
// +kubebuilder:object:generate=true
// +groupName=hookflow.dev
package v1alpha1

import (
	"k8s.io/apimachinery/pkg/runtime/schema"
	"sigs.k8s.io/controller-runtime/pkg/scheme"
)

var (
	// GroupVersion is the group and version of the hookflow API.
	GroupVersion = schema.GroupVersion{Group: "hookflow.dev", Version: "v1alpha1"}

	// SchemeBuilder registers the hookflow types with a scheme.
	SchemeBuilder = &scheme.Builder{GroupVersion: GroupVersion}

	// AddToScheme adds the hookflow types to a scheme.
	AddToScheme = SchemeBuilder.AddToScheme
)
