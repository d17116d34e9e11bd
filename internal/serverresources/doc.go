// Package serverresources builds the Kubernetes objects that run a
// WebhookServer: its Deployment, Service, optional Ingress and
// PodDisruptionBudget, and the ServiceAccount, Role and RoleBinding of its
// pods.
//
// Every function is pure: it reads the WebhookServer and returns the desired
// object, with no client and no I/O. The objects carry no owner references;
// the controller sets them (controllerutil.SetControllerReference) before it
// creates or updates them.
package serverresources
