package route

import (
	"fmt"
	"sort"

	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/hookflow/hookflow/api/v1alpha1"
	"github.com/hookflow/hookflow/internal/celexpr"
	"github.com/hookflow/hookflow/internal/params"
)

var specPath = field.NewPath("spec")

// Compile validates a Workflow against the Worksheets of its namespace
// (by name; only those its steps use are needed) and compiles it. The error,
// if any, is an *Error.
func Compile(wf *v1alpha1.Workflow, sheets map[string]*v1alpha1.Worksheet) (*Route, error) {
	if errs := unsupportedFeatures(wf); len(errs) > 0 {
		return nil, newError(ReasonUnsupported, errs)
	}
	if errs := missingWorksheets(wf, sheets); len(errs) > 0 {
		return nil, newError(ReasonWorksheetNotFound, errs)
	}

	hook := wf.Spec.Trigger.Webhook
	hookPath := specPath.Child("trigger", "webhook")
	ps, err := sampleParameters(wf, hookPath.Child("sample"))
	if err != nil {
		return nil, err
	}
	ps, errs := params.ApplyOverrides(ps, hook.Parameters, hookPath.Child("parameters"))
	if len(errs) > 0 {
		return nil, newError(ReasonInvalidSpec, errs)
	}

	security, errs := compileSecurity(&hook, hookPath)
	if len(errs) > 0 {
		return nil, newError(ReasonInvalidSpec, errs)
	}
	rt := &Route{
		Namespace:  wf.Namespace,
		Name:       wf.Name,
		UID:        wf.UID,
		Generation: wf.Generation,
		Methods:    methods(hook.Methods),
		Parameters: ps,
		FullBody:   hook.Sample.FullBody,
		Security:   security,
	}
	stepNames := make([]string, 0, len(wf.Spec.Steps))
	for i, s := range wf.Spec.Steps {
		// A step sees the outputs of the steps before it only.
		env, err := celexpr.NewEnv(ps, stepNames)
		if err != nil {
			return nil, newError(ReasonInvalidSpec, field.ErrorList{field.InternalError(specPath.Child("steps").Index(i), err)})
		}
		step, errs := compileStep(env, s, specPath.Child("steps").Index(i), sheets)
		if len(errs) > 0 {
			return nil, newError(ReasonInvalidSpec, errs)
		}
		rt.Steps = append(rt.Steps, step)
		stepNames = append(stepNames, s.Name)
	}
	if wf.Spec.Response != nil {
		resp, errs := compileResponse(wf.Spec.Response, ps, stepNames)
		if len(errs) > 0 {
			return nil, newError(ReasonInvalidSpec, errs)
		}
		rt.Response = resp
	}
	return rt, nil
}

// unsupportedFeatures lists what the API accepts but this version cannot
// honour yet. Serving such a Workflow would silently drop, for example, its
// security settings, so it is refused instead. There is none today.
func unsupportedFeatures(*v1alpha1.Workflow) field.ErrorList {
	return nil
}

func missingWorksheets(wf *v1alpha1.Workflow, sheets map[string]*v1alpha1.Worksheet) field.ErrorList {
	var errs field.ErrorList
	for i, s := range wf.Spec.Steps {
		name, ws := stepAction(s)
		if name == "" {
			continue
		}
		if _, ok := sheets[ws]; !ok {
			errs = append(errs, field.NotFound(specPath.Child("steps").Index(i).Child(name, "worksheet"), ws))
		}
	}
	return errs
}

func compileStep(env *celexpr.Env, s v1alpha1.Step, path *field.Path, sheets map[string]*v1alpha1.Worksheet) (Step, field.ErrorList) {
	step := Step{Name: s.Name}
	var errs field.ErrorList
	if s.When != "" {
		prog, err := env.CompileCondition(s.When)
		if err != nil {
			errs = append(errs, field.Invalid(path.Child("when"), s.When, err.Error()))
		}
		step.When = prog
	}
	if s.UpdateRecord != nil || s.UpsertRecord != nil {
		action, actionErrs := compileUpdateStep(env, s, path, sheets)
		step.UpdateRecord = action
		return step, append(errs, actionErrs...)
	}
	if s.CreateRecord == nil {
		return step, append(errs, field.Required(path, "a step needs an action"))
	}
	action, actionErrs := compileCreateRecord(env, s.CreateRecord, path.Child("createRecord"), sheets[s.CreateRecord.Worksheet])
	step.CreateRecord = action
	return step, append(errs, actionErrs...)
}

func compileCreateRecord(env *celexpr.Env, a *v1alpha1.CreateRecordAction, path *field.Path, sheet *v1alpha1.Worksheet) (*CreateRecord, field.ErrorList) {
	var errs field.ErrorList
	fieldsPath := path.Child("fields")
	for _, name := range sortedKeys(a.Fields) {
		if _, ok := sheet.Field(name); !ok {
			errs = append(errs, field.NotFound(fieldsPath.Key(name), fmt.Sprintf("worksheet %s has no field %s", sheet.Name, name)))
		}
	}
	out := &CreateRecord{Worksheet: SheetOf(sheet)}
	for _, f := range sheet.Spec.Fields {
		expr, ok := a.Fields[f.Name]
		if !ok {
			if f.Required {
				errs = append(errs, field.Required(fieldsPath.Key(f.Name), fmt.Sprintf("field %s of worksheet %s is required and has no mapping", f.Name, sheet.Name)))
			}
			continue
		}
		prog, err := env.CompileValue(expr, f.Type)
		if err != nil {
			errs = append(errs, field.Invalid(fieldsPath.Key(f.Name), expr, err.Error()))
			continue
		}
		out.Fields = append(out.Fields, FieldMapping{Field: f.Name, Value: prog})
	}
	return out, errs
}

func methods(ms []v1alpha1.HTTPMethod) []string {
	if len(ms) == 0 {
		return []string{"POST"}
	}
	out := make([]string, 0, len(ms))
	for _, m := range ms {
		out = append(out, string(m))
	}
	return out
}

func sortedKeys(m map[string]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
