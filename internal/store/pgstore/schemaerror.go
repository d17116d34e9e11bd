package pgstore

// SchemaError tells why a Worksheet's table cannot take its fields: a
// column of another type, or a unique index that existing records break.
// Migrate changes nothing then.
type SchemaError struct {
	Table  string
	Column string
	// Reason names the column and the field, e.g. "column amount is text,
	// field amount is Number".
	Reason string
}

// Error: "table ws_x__orders: column amount is text, field amount is Number".
func (e *SchemaError) Error() string {
	return "table " + e.Table + ": " + e.Reason
}
