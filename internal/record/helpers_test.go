package record

import (
	"github.com/hookflow/hookflow/api/v1alpha1"
)

// ordersFields are the fields of the Orders Worksheet of the design.
var ordersFields = []v1alpha1.WorksheetField{
	{Name: "order_id", Type: v1alpha1.FieldText, Required: true, Unique: true},
	{Name: "amount", Type: v1alpha1.FieldNumber},
	{Name: "paid", Type: v1alpha1.FieldBoolean},
	{Name: "status", Type: v1alpha1.FieldSelect, Options: []string{"new", "paid", "shipped"}},
	{Name: "placed_at", Type: v1alpha1.FieldDateTime},
	{Name: "email", Type: v1alpha1.FieldEmail},
	{Name: "raw", Type: v1alpha1.FieldJSON},
}

// fieldOf is a single optional field of type t.
func fieldOf(t v1alpha1.FieldType, options ...string) []v1alpha1.WorksheetField {
	return []v1alpha1.WorksheetField{{Name: "f", Type: t, Options: options}}
}
