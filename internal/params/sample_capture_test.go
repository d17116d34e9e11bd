package params

import (
	"reflect"
	"testing"

	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/hookflow/hookflow/api/v1alpha1"
)

var capturePath = field.NewPath("status", "capture")

func TestFromCapture(t *testing.T) {
	bodyParam := Parameter{Path: BodyParameter, Type: tString, Description: "The raw request body", RawBody: true}
	tests := []struct {
		name     string
		fullBody bool
		capture  v1alpha1.CaptureStatus
		want     []Parameter
		wantErrs []wantErr
	}{
		{
			name:    "JSON body is a JSON sample",
			capture: v1alpha1.CaptureStatus{Method: "POST", ContentType: "application/json; charset=utf-8", Sample: `{"order_id":"A-1","amount":12.5,"customer":{"vip":true}}`},
			want: []Parameter{
				{Path: "amount", Type: tNumber, Example: 12.5},
				{Path: "customer.vip", Type: tBoolean, Example: true},
				{Path: "order_id", Type: tString, Example: "A-1"},
			},
		},
		{
			name:     "JSON body with fullBody",
			fullBody: true,
			capture:  v1alpha1.CaptureStatus{Method: "POST", ContentType: "application/json", Sample: `{"a":"x"}`},
			want:     []Parameter{{Path: "a", Type: tString, Example: "x"}, bodyParam},
		},
		{
			name:    "form body is key values",
			capture: v1alpha1.CaptureStatus{Method: "POST", ContentType: "application/x-www-form-urlencoded", Sample: "name=Ada&age=36&customer.email=ada%40example.com&age=40"},
			want: []Parameter{
				{Path: "age", Type: tNumber, Example: float64(36)},
				{Path: "customer.email", Type: tString, Example: "ada@example.com"},
				{Path: "name", Type: tString, Example: "Ada"},
			},
		},
		{
			name:    "GET query string is key values",
			capture: v1alpha1.CaptureStatus{Method: "GET", Sample: "id=7&ok=true"},
			want: []Parameter{
				{Path: "id", Type: tNumber, Example: float64(7)},
				{Path: "ok", Type: tBoolean, Example: true},
			},
		},
		{
			name:     "empty GET with fullBody has the body only",
			fullBody: true,
			capture:  v1alpha1.CaptureStatus{Method: "GET"},
			want:     []Parameter{bodyParam},
		},
		{
			name:     "text with fullBody",
			fullBody: true,
			capture:  v1alpha1.CaptureStatus{Method: "POST", ContentType: "text/plain", Sample: "hello"},
			want:     []Parameter{bodyParam},
		},
		{
			name:     "text without fullBody",
			capture:  v1alpha1.CaptureStatus{Method: "POST", ContentType: "text/xml", Sample: "<a/>"},
			wantErrs: []wantErr{{"status.capture.contentType", field.ErrorTypeInvalid, "set fullBody"}},
		},
		{
			name:     "JSON body not an object",
			capture:  v1alpha1.CaptureStatus{Method: "POST", ContentType: "application/json", Sample: `[1,2]`},
			wantErrs: []wantErr{{"status.capture.sample.json", field.ErrorTypeInvalid, "must be a JSON object"}},
		},
		{
			name:     "empty form",
			capture:  v1alpha1.CaptureStatus{Method: "GET"},
			wantErrs: []wantErr{{"status.capture.sample.keyValues", field.ErrorTypeRequired, "at least one pair"}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := v1alpha1.Sample{Source: v1alpha1.SampleCapture, FullBody: tt.fullBody}
			got, errs := FromCapture(s, &tt.capture, capturePath)
			checkErrs(t, errs, tt.wantErrs)
			if len(tt.wantErrs) == 0 && !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got %#v\nwant %#v", got, tt.want)
			}
		})
	}
}
