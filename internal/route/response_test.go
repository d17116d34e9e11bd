package route

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/hookflow/hookflow/api/v1alpha1"
	"github.com/hookflow/hookflow/internal/celexpr"
)

// withResponse is the test Workflow with the response of DESIGN §2, a
// header reading a parameter and one reading a step, and a 201.
func withResponse() *v1alpha1.Workflow {
	wf := workflow()
	wf.Spec.Response = &v1alpha1.Response{
		StatusCode: 201,
		Headers: map[string]string{
			"x-order-id": "params.order_id",
			"Location":   "'/orders/' + steps.save.recordId",
		},
		Body:    "{'code': 0, 'msg': 'success', 'recordId': steps.save.recordId}",
		OnError: &v1alpha1.ErrorResponse{StatusCode: 409, Body: "{'code': 1, 'msg': error}"},
	}
	return wf
}

func TestCompileResponse(t *testing.T) {
	rt, err := Compile(withResponse(), sheets())
	if err != nil {
		t.Fatal(err)
	}
	r := rt.Response
	if r == nil || r.StatusCode != 201 || r.ContentType != ContentJSON || r.Body == nil {
		t.Fatalf("response = %+v", r)
	}
	if len(r.Headers) != 2 || r.Headers[0].Name != "Location" || r.Headers[1].Name != "X-Order-Id" {
		t.Errorf("headers = %+v, want Location and X-Order-Id, canonical and sorted", r.Headers)
	}
	if r.OnError == nil || r.OnError.StatusCode != 409 || r.OnError.Body == nil {
		t.Errorf("onError = %+v", r.OnError)
	}
}

func TestCompileOnReceiptResponse(t *testing.T) {
	wf := workflow()
	wf.Spec.Response = &v1alpha1.Response{
		Mode:       v1alpha1.ResponseOnReceipt,
		StatusCode: 202,
		Headers:    map[string]string{"x-run-id": "run.id"},
		Body:       "{'accepted': params.order_id, 'runId': run.id}",
	}
	rt, err := Compile(wf, sheets())
	if err != nil {
		t.Fatal(err)
	}
	r := rt.Response
	if !r.OnReceipt || r.StatusCode != 202 || r.Body == nil || len(r.Headers) != 1 || r.OnError != nil {
		t.Fatalf("response = %+v", r)
	}
	a, err := r.Success(context.Background(), vars())
	if err != nil {
		t.Fatal(err)
	}
	if a.StatusCode != 202 || !strings.Contains(string(a.Body), `"accepted":"A-1"`) {
		t.Errorf("answer = %d %s", a.StatusCode, a.Body)
	}
	if rt, err = Compile(workflow(), sheets()); err != nil || rt.Response != nil {
		t.Errorf("no response: %v %+v", err, rt)
	}
}

func TestCompileResponseDefaults(t *testing.T) {
	wf := workflow()
	wf.Spec.Response = &v1alpha1.Response{OnError: &v1alpha1.ErrorResponse{}}
	rt, err := Compile(wf, sheets())
	if err != nil {
		t.Fatal(err)
	}
	r := rt.Response
	if r.StatusCode != 200 || r.ContentType != ContentJSON || r.Body != nil || len(r.Headers) != 0 {
		t.Errorf("response = %+v, want 200 JSON with the default body", r)
	}
	if r.OnError.StatusCode != 500 || r.OnError.Body != nil {
		t.Errorf("onError = %+v, want 500 with the default body", r.OnError)
	}
	if rt, err := Compile(workflow(), sheets()); err != nil || rt.Response != nil {
		t.Errorf("without spec.response: %+v, %v; want no Response", rt.Response, err)
	}
}

func TestCompileResponseErrorsNameTheField(t *testing.T) {
	cases := []struct {
		name  string
		edit  func(*v1alpha1.Response)
		parts []string
	}{
		{"body syntax", func(r *v1alpha1.Response) { r.Body = "{'code': " }, []string{"spec.response.body", "Syntax error"}},
		{"body reading an undefined parameter", func(r *v1alpha1.Response) { r.Body = "params.total" },
			[]string{"spec.response.body", "total"}},
		{"body reading an unknown step", func(r *v1alpha1.Response) { r.Body = "steps.pay.recordId" },
			[]string{"spec.response.body", "pay"}},
		{"error outside onError", func(r *v1alpha1.Response) { r.Body = "{'msg': error}" },
			[]string{"spec.response.body", "undeclared reference to 'error'"}},
		{"duration body", func(r *v1alpha1.Response) { r.Body = "duration('1h')" },
			[]string{"spec.response.body", "no JSON form"}},
		{"text body that is not a string", func(r *v1alpha1.Response) { r.ContentType = ContentText },
			[]string{"spec.response.body", "must give a string", "text/plain"}},
		{"XML body that is not a string", func(r *v1alpha1.Response) { r.ContentType, r.Body = ContentXML, "params.amount" },
			[]string{"spec.response.body", "gives double", "application/xml"}},
		{"header that is not a string", func(r *v1alpha1.Response) { r.Headers["X-Amount"] = "params.amount" },
			[]string{"spec.response.headers[X-Amount]", "gives double, but must give a string"}},
		{"header that does not compile", func(r *v1alpha1.Response) { r.Headers["X-Ref"] = "steps.save.recordid" },
			[]string{"spec.response.headers[X-Ref]", "recordid"}},
		{"Content-Type header", func(r *v1alpha1.Response) { r.Headers["content-type"] = "'text/html'" },
			[]string{"spec.response.headers[content-type]", "use spec.response.contentType"}},
		{"framing header", func(r *v1alpha1.Response) { r.Headers["Transfer-Encoding"] = "'chunked'" },
			[]string{"spec.response.headers[Transfer-Encoding]", "cannot be set"}},
		{"cookie", func(r *v1alpha1.Response) { r.Headers["Set-Cookie"] = "'a=b'" },
			[]string{"spec.response.headers[Set-Cookie]", "every Workflow served on the same host"}},
		{"invalid header name", func(r *v1alpha1.Response) { r.Headers["X Order"] = "'a'" },
			[]string{"spec.response.headers[X Order]", "not a valid header name"}},
		{"same header twice", func(r *v1alpha1.Response) { r.Headers["X-ORDER-ID"] = "'a'" },
			[]string{"spec.response.headers", "same header"}},
		{"onError body", func(r *v1alpha1.Response) { r.OnError.Body = "{'msg': err}" },
			[]string{"spec.response.onError.body", "undeclared reference to 'err'"}},
		{"status codes", func(r *v1alpha1.Response) { r.StatusCode, r.OnError.StatusCode = 302, 200 },
			[]string{"spec.response.statusCode", "spec.response.onError.statusCode"}},
		{"content type", func(r *v1alpha1.Response) { r.ContentType = "text/html" },
			[]string{"spec.response.contentType", "text/html"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			wf := withResponse()
			tc.edit(wf.Spec.Response)
			rt, err := Compile(wf, sheets())
			if err == nil {
				t.Fatalf("compiled: %+v", rt.Response)
			}
			ce, ok := AsError(err)
			if !ok || ce.Reason != ReasonInvalidSpec {
				t.Errorf("error %v, want reason InvalidSpec", err)
			}
			for _, p := range tc.parts {
				if !strings.Contains(err.Error(), p) {
					t.Errorf("%q does not name %q", err.Error(), p)
				}
			}
		})
	}
}

// vars are the values of a request with the order A-1 whose step save
// wrote the record orders-1 (the step note did not run).
func vars() *celexpr.Vars {
	return &celexpr.Vars{
		Params:  map[string]any{"order_id": "A-1", "amount": 2.0},
		Headers: map[string]string{},
		RunID:   "run-1",
		Steps:   map[string]celexpr.StepOutput{"save": {RecordID: "orders-1"}},
	}
}

func compiledResponse(t *testing.T, edit func(*v1alpha1.Response)) *Response {
	t.Helper()
	wf := withResponse()
	if edit != nil {
		edit(wf.Spec.Response)
	}
	rt, err := Compile(wf, sheets())
	if err != nil {
		t.Fatal(err)
	}
	return rt.Response
}

func TestSuccessRendersTheConfiguredAnswer(t *testing.T) {
	cases := []struct {
		name        string
		edit        func(*v1alpha1.Response)
		contentType string
		body        string
		defaultBody bool
	}{
		{"JSON object of DESIGN", nil, "application/json; charset=utf-8", `{"code":0,"msg":"success","recordId":"orders-1"}`, false},
		{"JSON string", func(r *v1alpha1.Response) { r.Body = "params.order_id" }, "application/json; charset=utf-8", `"A-1"`, false},
		{"JSON list", func(r *v1alpha1.Response) { r.Body = "[run.id, params.amount]" }, "application/json; charset=utf-8", `["run-1",2]`, false},
		{"text", func(r *v1alpha1.Response) { r.ContentType, r.Body = ContentText, "'ok ' + steps.save.recordId" },
			"text/plain; charset=utf-8", "ok orders-1", false},
		{"XML", func(r *v1alpha1.Response) {
			r.ContentType, r.Body = ContentXML, "'<ok id=\"' + steps.save.recordId + '\"/>'"
		}, "application/xml; charset=utf-8", `<ok id="orders-1"/>`, false},
		{"no body, JSON", func(r *v1alpha1.Response) { r.Body = "" }, "", "", true},
		{"no body, text", func(r *v1alpha1.Response) { r.ContentType, r.Body = ContentText, "" }, "text/plain; charset=utf-8", "", false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			a, err := compiledResponse(t, tc.edit).Success(context.Background(), vars())
			if err != nil {
				t.Fatal(err)
			}
			if a.StatusCode != 201 || a.ContentType != tc.contentType || string(a.Body) != tc.body || a.DefaultBody != tc.defaultBody {
				t.Errorf("answer = %d %q %q default %v, want 201 %q %q default %v",
					a.StatusCode, a.ContentType, a.Body, a.DefaultBody, tc.contentType, tc.body, tc.defaultBody)
			}
			want := []HeaderValue{{"Location", "/orders/orders-1"}, {"X-Order-Id", "A-1"}}
			if len(a.Headers) != 2 || a.Headers[0] != want[0] || a.Headers[1] != want[1] {
				t.Errorf("headers = %v, want %v", a.Headers, want)
			}
		})
	}
}

func TestSuccessFailsWithoutPanicking(t *testing.T) {
	cases := []struct {
		name string
		edit func(*v1alpha1.Response)
		vars func(*celexpr.Vars)
		want string
	}{
		{"division by zero", func(r *v1alpha1.Response) { r.Body = "{'x': 1 / (int(params.amount) - 2)}" }, nil, "body: evaluate: division by zero"},
		{"missing map key", func(r *v1alpha1.Response) { r.Body = "{'sig': headers['x-signature']}" }, nil, "body: value absent from the request"},
		{"step that did not run", nil, func(v *celexpr.Vars) { v.Steps = nil }, "headers[Location]: value absent"},
		{"NaN", func(r *v1alpha1.Response) { r.Body = "{'x': 0.0 / 0.0}" }, nil, "body: json: unsupported value: NaN"},
		{"header with a line break", func(r *v1alpha1.Response) { r.Headers["x-order-id"] = "params.order_id + '\\r\\nX-Evil: 1'" },
			nil, "headers[X-Order-Id]: value has the control character"},
		{"dyn header that is not a string", func(r *v1alpha1.Response) { r.Headers["x-order-id"] = "dyn(params.amount)" },
			nil, "headers[X-Order-Id]: gave a number, not a string"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			v := vars()
			if tc.vars != nil {
				tc.vars(v)
			}
			a, err := compiledResponse(t, tc.edit).Success(context.Background(), v)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("Success = %+v, %v; want an error with %q", a, err, tc.want)
			}
			if tc.name == "missing map key" && !errors.Is(err, celexpr.ErrAbsent) {
				t.Errorf("%v does not wrap ErrAbsent", err)
			}
		})
	}
}

func TestFailureRendersOnError(t *testing.T) {
	reason := "step save: order_id: a record with this value already exists"
	cases := []struct {
		name        string
		body        string
		contentType string
		want        string
		defaultBody bool
	}{
		{"JSON of DESIGN", "{'code': 1, 'msg': error}", "application/json; charset=utf-8", `{"code":1,"msg":"` + reason + `"}`, false},
		{"a string is text", "'failed: ' + error + ' (' + run.id + ')'", "text/plain; charset=utf-8", "failed: " + reason + " (run-1)", false},
		{"no body", "", "", "", true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := compiledResponse(t, func(r *v1alpha1.Response) { r.OnError.Body = tc.body })
			a, ok, err := r.Failure(context.Background(), vars(), reason)
			if !ok || err != nil {
				t.Fatalf("Failure: ok %v, %v", ok, err)
			}
			if a.StatusCode != 409 || a.ContentType != tc.contentType || string(a.Body) != tc.want || a.DefaultBody != tc.defaultBody || len(a.Headers) != 0 {
				t.Errorf("answer = %+v (body %q), want 409 %q %q without headers", a, a.Body, tc.contentType, tc.want)
			}
		})
	}
}

func TestFailureWithoutOnError(t *testing.T) {
	r := compiledResponse(t, func(r *v1alpha1.Response) { r.OnError = nil })
	if _, ok, err := r.Failure(context.Background(), vars(), "x"); ok || err != nil {
		t.Errorf("Failure without onError: ok %v, %v", ok, err)
	}
	var none *Response
	if _, ok, _ := none.Failure(context.Background(), vars(), "x"); ok {
		t.Error("Failure of a nil Response is ok")
	}
}

func TestFailureBodyError(t *testing.T) {
	r := compiledResponse(t, func(r *v1alpha1.Response) { r.OnError.Body = "{'x': 1 / size(error) * 0 / 0}" })
	_, ok, err := r.Failure(context.Background(), vars(), "boom")
	if !ok || err == nil || !strings.Contains(err.Error(), "onError.body: evaluate: division by zero") {
		t.Errorf("Failure = ok %v, %v; want onError.body's division by zero", ok, err)
	}
}
