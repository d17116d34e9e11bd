package storetest

import "github.com/hookflow/hookflow/api/v1alpha1"

// orderFields has a field of every type: a required unique Text, an
// indexed Email, a Select with three options, and a JSON field.
func orderFields() []v1alpha1.WorksheetField {
	return []v1alpha1.WorksheetField{
		{Name: "order_id", Type: v1alpha1.FieldText, Required: true, Unique: true},
		{Name: "email", Type: v1alpha1.FieldEmail, Indexed: true},
		{Name: "status", Type: v1alpha1.FieldSelect, Options: []string{"new", "paid", "shipped"}},
		{Name: "amount", Type: v1alpha1.FieldNumber},
		{Name: "paid", Type: v1alpha1.FieldBoolean},
		{Name: "received_at", Type: v1alpha1.FieldDateTime},
		{Name: "note", Type: v1alpha1.FieldText},
		{Name: "raw", Type: v1alpha1.FieldJSON},
	}
}

// noteFields has no unique field.
func noteFields() []v1alpha1.WorksheetField {
	return []v1alpha1.WorksheetField{
		{Name: "note", Type: v1alpha1.FieldText},
		{Name: "amount", Type: v1alpha1.FieldNumber},
	}
}

// withOptions returns a copy of fields whose Select field status allows
// only options: the Worksheet as it is after someone edited it.
func withOptions(fields []v1alpha1.WorksheetField, options ...string) []v1alpha1.WorksheetField {
	out := make([]v1alpha1.WorksheetField, len(fields))
	copy(out, fields)
	for i := range out {
		if out[i].Name == "status" {
			out[i].Options = options
		}
	}
	return out
}
