package route

import (
	"fmt"

	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/hookflow/hookflow/api/v1alpha1"
	"github.com/hookflow/hookflow/internal/celexpr"
)

// UpdateRecord changes the one record of a Worksheet that matches; an
// upsert creates it from the match and the fields when none does.
type UpdateRecord struct {
	Worksheet Sheet
	// Upsert creates the record when none matches.
	Upsert bool
	// Match gives the values the record's fields must equal, each the
	// Worksheet's unique field or an indexed one, in the order of the
	// Worksheet's fields.
	Match []FieldMapping
	// Fields give the new values, in the order of the Worksheet's fields.
	Fields []FieldMapping
}

// stepAction returns the name of the action field a step sets and the
// Worksheet it writes to; "" for a step without one.
func stepAction(s v1alpha1.Step) (name string, worksheet string) {
	switch {
	case s.CreateRecord != nil:
		return "createRecord", s.CreateRecord.Worksheet
	case s.UpdateRecord != nil:
		return "updateRecord", s.UpdateRecord.Worksheet
	case s.UpsertRecord != nil:
		return "upsertRecord", s.UpsertRecord.Worksheet
	}
	return "", ""
}

// compileUpdateStep compiles the updateRecord or upsertRecord action of s.
func compileUpdateStep(env *celexpr.Env, s v1alpha1.Step, path *field.Path, sheets map[string]*v1alpha1.Worksheet) (*UpdateRecord, field.ErrorList) {
	if s.UpsertRecord != nil {
		return compileUpdateRecord(env, s.UpsertRecord, true, path.Child("upsertRecord"), sheets[s.UpsertRecord.Worksheet])
	}
	return compileUpdateRecord(env, s.UpdateRecord, false, path.Child("updateRecord"), sheets[s.UpdateRecord.Worksheet])
}

// compileUpdateRecord checks that every match field can find a record
// without a scan (the unique field, or an indexed one), that the fields
// exist and leave the unique field alone (a record is named after its
// unique value), and, for an upsert, that the record it may create has its
// required fields; and type-checks every expression against its field.
func compileUpdateRecord(env *celexpr.Env, a *v1alpha1.UpdateRecordAction, upsert bool, path *field.Path, sheet *v1alpha1.Worksheet) (*UpdateRecord, field.ErrorList) {
	var errs field.ErrorList
	matchPath, fieldsPath := path.Child("match"), path.Child("fields")
	for _, name := range sortedKeys(a.Match) {
		f, ok := sheet.Field(name)
		switch {
		case !ok:
			errs = append(errs, field.NotFound(matchPath.Key(name), fmt.Sprintf("worksheet %s has no field %s", sheet.Name, name)))
		case !f.Unique && !f.Indexed:
			errs = append(errs, field.Invalid(matchPath.Key(name), a.Match[name],
				fmt.Sprintf("field %s of worksheet %s cannot be matched on: a match field must be the worksheet's unique field or have indexed: true", name, sheet.Name)))
		}
	}
	for _, name := range sortedKeys(a.Fields) {
		f, ok := sheet.Field(name)
		switch {
		case !ok:
			errs = append(errs, field.NotFound(fieldsPath.Key(name), fmt.Sprintf("worksheet %s has no field %s", sheet.Name, name)))
		case f.Unique:
			errs = append(errs, field.Forbidden(fieldsPath.Key(name),
				fmt.Sprintf("field %s is the unique field of worksheet %s and cannot be changed by an update; match on it instead", name, sheet.Name)))
		}
	}
	if len(errs) > 0 {
		return nil, errs
	}
	out := &UpdateRecord{Worksheet: SheetOf(sheet), Upsert: upsert}
	for _, f := range sheet.Spec.Fields {
		matchExpr, inMatch := a.Match[f.Name]
		valueExpr, inFields := a.Fields[f.Name]
		if upsert && f.Required && !inMatch && !inFields {
			errs = append(errs, field.Required(fieldsPath.Key(f.Name),
				fmt.Sprintf("field %s of worksheet %s is required and has no mapping: an upsert that creates a record needs its value, in match or fields", f.Name, sheet.Name)))
		}
		if inMatch {
			prog, err := env.CompileValue(matchExpr, f.Type)
			if err != nil {
				errs = append(errs, field.Invalid(matchPath.Key(f.Name), matchExpr, err.Error()))
			} else {
				out.Match = append(out.Match, FieldMapping{Field: f.Name, Value: prog})
			}
		}
		if inFields {
			prog, err := env.CompileValue(valueExpr, f.Type)
			if err != nil {
				errs = append(errs, field.Invalid(fieldsPath.Key(f.Name), valueExpr, err.Error()))
			} else {
				out.Fields = append(out.Fields, FieldMapping{Field: f.Name, Value: prog})
			}
		}
	}
	return out, errs
}
