package pgruns

import (
	"errors"
	"fmt"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/runtime/schema"

	"github.com/hookflow/hookflow/api/v1alpha1"
	"github.com/hookflow/hookflow/internal/store"
	"github.com/hookflow/hookflow/internal/store/pgerr"
)

// runsResource names runs in the errors that the server reads as the API
// server's: Conflict and NotFound.
var runsResource = schema.GroupResource{Group: v1alpha1.GroupVersion.Group, Resource: "workflowruns"}

// errChanged explains a conflict.
var errChanged = errors.New("the run was changed by another replica since it was read")

// conflict is the error of an update or delete that lost a race: the run
// changed since it was read. apierrors.IsConflict is true of it.
func conflict(op, name string) error {
	return fmt.Errorf("%s: %w", op, apierrors.NewConflict(runsResource, name, errChanged))
}

// notFound is the error of a run that does not exist. apierrors.IsNotFound
// is true of it.
func notFound(op, name string) error {
	return fmt.Errorf("%s: %w", op, apierrors.NewNotFound(runsResource, name))
}

// classify wraps err with op, marking with store.ErrUnavailable the errors
// that a later retry may not have: the server unreachable, shutting down,
// out of connections, or not answering in time. The errors of pgx never
// hold the password of the connection string.
func classify(op string, err error) error {
	if pgerr.Unavailable(err) {
		return fmt.Errorf("%s: %w: %w", op, store.ErrUnavailable, err)
	}
	return fmt.Errorf("%s: %w", op, err)
}
