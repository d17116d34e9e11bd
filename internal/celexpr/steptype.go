package celexpr

import (
	"fmt"

	apiservercel "k8s.io/apiserver/pkg/cel"
)

// Type names of the variables steps and run.
const (
	stepsTypeName = "hookflow.Steps"
	stepTypeName  = "hookflow.Step"
	runTypeName   = "hookflow.Run"
)

// stepsDeclTypes returns the type of the variable steps, an object with one
// field per step, and the object types it is made of. A step name CEL cannot
// select with a dot makes steps a map(string, hookflow.Step) instead.
func stepsDeclTypes(stepNames []string) (steps *apiservercel.DeclType, roots []*apiservercel.DeclType, err error) {
	step := apiservercel.NewObjectType(stepTypeName, map[string]*apiservercel.DeclField{
		"recordId": apiservercel.NewDeclField("recordId", apiservercel.StringType, true, nil, nil),
		"values":   apiservercel.NewDeclField("values", apiservercel.NewMapType(apiservercel.StringType, apiservercel.DynType, maxStepValues), true, nil, nil),
	})
	fields := make(map[string]*apiservercel.DeclField, len(stepNames))
	selectable := true
	for _, name := range stepNames {
		if _, dup := fields[name]; dup {
			return nil, nil, fmt.Errorf("step %q is listed twice", name)
		}
		if !isSelectable(name) {
			selectable = false
		}
		fields[name] = apiservercel.NewDeclField(name, step, false, nil, nil)
	}
	if !selectable {
		// Only object types are registered: a map root would be registered
		// under the name "map" and shadow the built-in one.
		return apiservercel.NewMapType(apiservercel.StringType, step, int64(len(stepNames))), []*apiservercel.DeclType{step}, nil
	}
	steps = apiservercel.NewObjectType(stepsTypeName, fields)
	return steps, []*apiservercel.DeclType{steps}, nil
}

// maxStepValues is the most values of a step's record: a Worksheet has at
// most 128 fields.
const maxStepValues = 128

// runDeclType is the type of the variable run.
func runDeclType() *apiservercel.DeclType {
	return apiservercel.NewObjectType(runTypeName, map[string]*apiservercel.DeclField{
		"id": apiservercel.NewDeclField("id", apiservercel.StringType, true, nil, nil),
	})
}
