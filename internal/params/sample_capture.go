package params

import (
	"mime"
	"net/url"
	"sort"
	"strings"

	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/hookflow/hookflow/api/v1alpha1"
)

// CapturedSample turns a captured request into the declared sample it
// stands for: a JSON body is a JSON sample; a form body, or the query string
// of a GET, is a KeyValue sample (the first value of each key, sorted by
// name). fullBody is kept from s. Any other content type gives no
// parameters but "body", so it needs fullBody. fldPath is the field path of
// status.capture, used in the errors.
func CapturedSample(s v1alpha1.Sample, c *v1alpha1.CaptureStatus, fldPath *field.Path) (v1alpha1.Sample, field.ErrorList) {
	out := v1alpha1.Sample{FullBody: s.FullBody}
	mediaType, _, _ := mime.ParseMediaType(c.ContentType)
	switch {
	case c.Method == "GET" || mediaType == "application/x-www-form-urlencoded":
		values, err := url.ParseQuery(c.Sample)
		if err != nil {
			return out, field.ErrorList{field.Invalid(fldPath.Child("sample"), excerpt(c.Sample), "not a query string: "+err.Error())}
		}
		out.Source = v1alpha1.SampleKeyValue
		for name, vs := range values {
			if len(vs) > 0 {
				out.KeyValues = append(out.KeyValues, v1alpha1.KeyValue{Name: name, Value: vs[0]})
			}
		}
		sort.Slice(out.KeyValues, func(i, j int) bool { return out.KeyValues[i].Name < out.KeyValues[j].Name })
		if len(out.KeyValues) == 0 && s.FullBody {
			out.Source, out.JSON = v1alpha1.SampleJSON, "{}"
		}
	case mediaType == "application/json" || strings.HasSuffix(mediaType, "+json"):
		out.Source, out.JSON = v1alpha1.SampleJSON, c.Sample
	case s.FullBody:
		out.Source, out.JSON = v1alpha1.SampleJSON, "{}"
	default:
		return out, field.ErrorList{field.Invalid(fldPath.Child("contentType"), c.ContentType,
			"a captured request of this content type gives no parameters; set fullBody to receive it as the parameter \"body\"")}
	}
	return out, nil
}

// FromCapture generates the parameters of a Capture sample from the
// captured request in c (see CapturedSample and FromSample). fldPath is the
// field path of status.capture.
func FromCapture(s v1alpha1.Sample, c *v1alpha1.CaptureStatus, fldPath *field.Path) ([]Parameter, field.ErrorList) {
	declared, errs := CapturedSample(s, c, fldPath)
	if len(errs) > 0 {
		return nil, errs
	}
	return FromSample(declared, fldPath.Child("sample"))
}
