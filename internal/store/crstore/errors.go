package crstore

import (
	"context"
	"errors"
	"fmt"
	"net"
	"strings"

	apierrors "k8s.io/apimachinery/pkg/api/errors"

	"github.com/hookflow/hookflow/internal/store"
)

// throttledPastDeadline is the text of client-go's client-side rate
// limiter (golang.org/x/time/rate) when the wait for a token would outlast
// the request's deadline; the error wraps nothing it could be matched by.
const throttledPastDeadline = "would exceed context deadline"

// classify wraps an API error, marking with store.ErrUnavailable the errors
// that a later retry may not have: timeouts, throttling (the API server's
// or the client's own), an unreachable or failing API server.
func classify(op string, err error) error {
	if errors.Is(err, store.ErrDuplicate) {
		return err
	}
	if strings.Contains(err.Error(), throttledPastDeadline) {
		return fmt.Errorf("%s: %w: %w", op, store.ErrUnavailable, err)
	}
	var netErr net.Error
	switch {
	case errors.Is(err, context.DeadlineExceeded),
		errors.Is(err, context.Canceled),
		errors.As(err, &netErr),
		apierrors.IsTimeout(err),
		apierrors.IsServerTimeout(err),
		apierrors.IsTooManyRequests(err),
		apierrors.IsServiceUnavailable(err),
		apierrors.IsInternalError(err),
		apierrors.IsUnexpectedServerError(err):
		return fmt.Errorf("%s: %w: %w", op, store.ErrUnavailable, err)
	}
	return fmt.Errorf("%s: %w", op, err)
}
