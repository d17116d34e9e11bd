package webhookserver

import (
	"errors"

	"github.com/hookflow/hookflow/internal/payload"
)

// parseFailure is the 400 body for an error of payload.Parse or
// payload.Document.MergeQuery: a parsing limit names itself and its bound;
// anything else is a malformed body.
func parseFailure(err error) errorBody {
	switch {
	case errors.Is(err, payload.ErrTooManyValues):
		return errorBody{Msg: msgTooManyValues, Max: payload.MaxValues}
	case errors.Is(err, payload.ErrValueTooLong):
		return errorBody{Msg: msgValueTooLong, Max: payload.MaxValueBytes}
	case errors.Is(err, payload.ErrKeyTooLong):
		return errorBody{Msg: msgKeyTooLong, Max: payload.MaxKeyBytes}
	case errors.Is(err, payload.ErrTooDeep):
		return errorBody{Msg: msgTooDeep, Max: payload.MaxDepth}
	case errors.Is(err, payload.ErrFileUpload):
		return errorBody{Msg: msgFileUpload}
	default:
		return errorBody{Msg: msgMalformed}
	}
}
