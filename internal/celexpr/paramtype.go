package celexpr

import (
	"fmt"
	"sort"
	"strings"

	apiservercel "k8s.io/apiserver/pkg/cel"

	"github.com/hookflow/hookflow/api/v1alpha1"
	"github.com/hookflow/hookflow/internal/params"
)

// paramsTypeName is the CEL type name of the variable params; nested objects
// are named after their path below it (hookflow.Params.customer).
const paramsTypeName = "hookflow.Params"

// paramNode is one level of the parameter tree: a dot path segment.
type paramNode struct {
	path     string
	declared bool
	typ      v1alpha1.ParameterType
	children map[string]*paramNode
}

// paramsDeclType builds the static type of params from the parameters: one
// object level per dot-path segment, typed leaves, and map(string, dyn) for a
// level that has a key CEL cannot select with a dot.
func paramsDeclType(ps []params.Parameter) (*apiservercel.DeclType, error) {
	root := &paramNode{}
	for _, p := range ps {
		if _, ok := leafDeclType(p.Type); !ok {
			return nil, fmt.Errorf("parameter %q has unknown type %q", p.Path, p.Type)
		}
		node := root
		for _, seg := range strings.Split(p.Path, ".") {
			child, ok := node.children[seg]
			if !ok {
				if node.children == nil {
					node.children = map[string]*paramNode{}
				}
				child = &paramNode{path: joinPath(node.path, seg)}
				node.children[seg] = child
			}
			node = child
		}
		if node.declared && node.typ != p.Type {
			return nil, fmt.Errorf("parameter %q is declared twice, as %s and as %s", p.Path, node.typ, p.Type)
		}
		node.declared, node.typ = true, p.Type
	}
	return root.declType(paramsTypeName)
}

// declType is the CEL type of the node; name is its type name if it is an
// object.
func (n *paramNode) declType(name string) (*apiservercel.DeclType, error) {
	if n.declared {
		leaf, _ := leafDeclType(n.typ)
		if len(n.children) > 0 && n.typ != v1alpha1.ParameterObject && n.typ != v1alpha1.ParameterArray {
			return nil, fmt.Errorf("parameter %q is a %s, so it cannot have parameter %q below it",
				n.path, n.typ, n.firstChild().path)
		}
		// An Object or Array parameter is free-form: parameters declared below
		// it do not narrow its type.
		return leaf, nil
	}
	fields := make(map[string]*apiservercel.DeclField, len(n.children))
	selectable := true
	for key, child := range n.children {
		if !isSelectable(key) {
			selectable = false
		}
		t, err := child.declType(name + "." + key)
		if err != nil {
			return nil, err
		}
		fields[key] = apiservercel.NewDeclField(key, t, false, nil, nil)
	}
	if !selectable {
		return dynMapType(), nil
	}
	return apiservercel.NewObjectType(name, fields), nil
}

// firstChild is the child with the smallest key, for stable error messages.
func (n *paramNode) firstChild() *paramNode {
	keys := make([]string, 0, len(n.children))
	for k := range n.children {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return n.children[keys[0]]
}

// leafDeclType is the CEL type of a parameter of that type.
func leafDeclType(t v1alpha1.ParameterType) (*apiservercel.DeclType, bool) {
	switch t {
	case v1alpha1.ParameterString:
		return apiservercel.StringType, true
	case v1alpha1.ParameterNumber:
		return apiservercel.DoubleType, true
	case v1alpha1.ParameterBoolean:
		return apiservercel.BoolType, true
	case v1alpha1.ParameterObject:
		return dynMapType(), true
	case v1alpha1.ParameterArray:
		return apiservercel.NewListType(apiservercel.DynType, EstimatedCollectionSize), true
	default:
		return nil, false
	}
}

// dynMapType is map(string, dyn): a level without static checking.
func dynMapType() *apiservercel.DeclType {
	return apiservercel.NewMapType(apiservercel.StringType, apiservercel.DynType, EstimatedCollectionSize)
}

func joinPath(parent, seg string) string {
	if parent == "" {
		return seg
	}
	return parent + "." + seg
}
