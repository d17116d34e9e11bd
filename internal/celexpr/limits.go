package celexpr

import (
	"github.com/google/cel-go/checker"
	"github.com/google/cel-go/common/types"
)

const (
	// RuntimeCostLimit is the most one evaluation may cost, in CEL cost units
	// (about one per operation, one per ten bytes of string work). An
	// evaluation that exceeds it fails with ErrCostLimit. It is the per-call
	// limit of Kubernetes' CRD validation rules.
	RuntimeCostLimit = 1_000_000

	// EstimatedCostLimit is the most an expression's estimated worst-case
	// cost may be when it is compiled; it is the per-expression limit of
	// Kubernetes' CRD validation rules. The estimate assumes a request of
	// nominal size: EstimatedCollectionSize entries in every list or map and
	// EstimatedStringSize characters in every string, but MaxInputBytes in
	// the raw body. It rejects the expressions that are too costly whatever
	// the request and those whose cost grows faster than the request
	// (comprehensions nested over request data). Estimates are pessimistic,
	// hence a limit above the runtime one, which still bounds every
	// evaluation.
	EstimatedCostLimit = 10 * RuntimeCostLimit

	// EstimatedCollectionSize is the number of entries of a request list or
	// map the cost estimate assumes.
	EstimatedCollectionSize = 1024

	// EstimatedStringSize is the length of a request string the cost estimate
	// assumes.
	EstimatedStringSize = 4096

	// MaxInputBytes is the length of the raw body the cost estimate assumes:
	// the default maxBodyBytes of a WebhookServer.
	MaxInputBytes = 1 << 20

	// interruptCheckFrequency is how many comprehension iterations run
	// between two checks of the context.
	interruptCheckFrequency = 100
)

// sizeEstimator bounds the sizes of the variables for the cost estimate.
type sizeEstimator struct{}

// EstimateSize implements checker.CostEstimator.
func (sizeEstimator) EstimateSize(n checker.AstNode) *checker.SizeEstimate {
	path := n.Path()
	if len(path) == 0 {
		return nil // not read from a variable: cel-go computes it
	}
	switch {
	case len(path) == 1 && path[0] == varBody:
		return &checker.SizeEstimate{Min: 0, Max: MaxInputBytes}
	case n.Type().Kind() == types.StringKind || n.Type().Kind() == types.BytesKind:
		return &checker.SizeEstimate{Min: 0, Max: EstimatedStringSize}
	}
	return &checker.SizeEstimate{Min: 0, Max: EstimatedCollectionSize}
}

// EstimateCallCost implements checker.CostEstimator; cel-go's own estimates
// of the functions are used.
func (sizeEstimator) EstimateCallCost(string, string, *checker.AstNode, []checker.AstNode) *checker.CallEstimate {
	return nil
}
