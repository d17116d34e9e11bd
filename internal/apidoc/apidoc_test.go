package apidoc_test

import (
	"context"
	"encoding/json"
	"html"
	"regexp"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/hookflow/hookflow/internal/apidoc"
)

func build(t *testing.T) *apidoc.Docs {
	t.Helper()
	d, err := apidoc.Build(testHooks(t))
	if err != nil {
		t.Fatalf("build: %v", err)
	}
	return d
}

// TestOpenAPIValid loads the document with kin-openapi and validates it.
func TestOpenAPIValid(t *testing.T) {
	d := build(t)
	for _, base := range []string{"https://hooks.example.com", ""} {
		raw := d.OpenAPI(base)
		doc, err := openapi3.NewLoader().LoadFromData(raw)
		if err != nil {
			t.Fatalf("load: %v\n%s", err, raw)
		}
		if err := doc.Validate(context.Background()); err != nil {
			t.Fatalf("validate: %v\n%s", err, raw)
		}
		if doc.OpenAPI != apidoc.OpenAPIVersion {
			t.Errorf("openapi = %q", doc.OpenAPI)
		}
		switch {
		case base == "" && len(doc.Servers) != 0:
			t.Errorf("servers = %v, want none", doc.Servers)
		case base != "" && (len(doc.Servers) != 1 || doc.Servers[0].URL != base):
			t.Errorf("servers = %v, want %s", doc.Servers, base)
		}
	}
}

func TestOpenAPIContent(t *testing.T) {
	doc, err := openapi3.NewLoader().LoadFromData(build(t).OpenAPI(""))
	if err != nil {
		t.Fatal(err)
	}
	if n := doc.Paths.Len(); n != 3 {
		t.Fatalf("%d paths, want 3", n)
	}

	orders := doc.Paths.Value("/hooks/3f9c0a7d2b1e4c56")
	if orders == nil || orders.Get == nil || orders.Post == nil {
		t.Fatalf("orders-json: want GET and POST, got %+v", orders)
	}
	body := orders.Post.RequestBody.Value.Content.Get("application/json")
	s := body.Schema.Value
	wantTypes := map[string]string{"order_id": "string", "amount": "number", "paid": "boolean", "tags": "array", "customer": "object"}
	for name, typ := range wantTypes {
		p := s.Properties[name]
		if p == nil || !p.Value.Type.Is(typ) {
			t.Errorf("property %s: want type %s, got %+v", name, typ, p)
		}
	}
	if _, ok := s.Properties["body"]; ok {
		t.Error("the raw body parameter is a property of the JSON body")
	}
	if got := strings.Join(s.Required, ","); got != "customer,order_id" {
		t.Errorf("required = %s, want customer,order_id", got)
	}
	email := s.Properties["customer"].Value.Properties["email"].Value
	if !email.Type.Is("string") || email.Description != "buyer e-mail" || strings.Join(s.Properties["customer"].Value.Required, ",") != "email" {
		t.Errorf("customer.email: %+v", email)
	}
	if city := s.Properties["customer"].Value.Properties["address"].Value.Properties["city"]; city == nil {
		t.Error("customer.address.city missing")
	}
	ex, _ := json.Marshal(body.Example)
	if !strings.Contains(string(ex), `"order_id":"A-1001"`) || !strings.Contains(string(ex), `"email":"ada@example.com"`) {
		t.Errorf("example = %s", ex)
	}
	query := map[string]*openapi3.Parameter{}
	for _, p := range orders.Get.Parameters {
		query[p.Value.Name] = p.Value
	}
	if q := query["order_id"]; q == nil || q.In != "query" || !q.Required {
		t.Errorf("GET order_id: %+v", q)
	}
	if q := query["customer.email"]; q == nil || !q.Required || q.Description != "buyer e-mail" {
		t.Errorf("GET customer.email: %+v", q)
	}
	if sec := *orders.Post.Security; len(sec) != 1 || len(sec[0]) != 3 {
		t.Errorf("orders-json security = %v, want the three appAuth headers", sec)
	}
	for _, code := range []int{200, 400, 401, 403, 404, 405, 408, 413, 422, 429, 503} {
		if orders.Post.Responses.Status(code) == nil {
			t.Errorf("orders-json: no response %d", code)
		}
	}
	if r := orders.Post.Responses.Status(429).Value; r.Headers["Retry-After"] == nil {
		t.Error("429 has no Retry-After")
	}

	kv := doc.Paths.Value("/hooks/kv00000000000001")
	if kv.Post.Security != nil {
		t.Errorf("orders-kv: security %v, want none", *kv.Post.Security)
	}
	if kv.Post.Responses.Status(201) == nil || !strings.Contains(*kv.Post.Responses.Status(201).Value.Description, "custom") {
		t.Error("orders-kv: no custom 201")
	}
	if kv.Post.Responses.Status(200) != nil {
		t.Error("orders-kv: a default 200 next to the custom answer")
	}
	kvBody := kv.Post.RequestBody.Value.Content.Get("application/json")
	if a := kvBody.Schema.Value.Properties["amount"].Value; !a.Type.Is("number") || a.Description != "in euros" {
		t.Errorf("orders-kv amount: %+v", a)
	}

	gh := doc.Paths.Value("/hooks/gh00000000000001")
	sec := *gh.Post.Security
	if len(sec) != 1 || len(sec[0]) != 1 {
		t.Fatalf("github security = %v", sec)
	}
	for name := range sec[0] {
		scheme := doc.Components.SecuritySchemes[name].Value
		if scheme.Type != "apiKey" || scheme.In != "header" || scheme.Name != "X-Hub-Signature-256" || !strings.Contains(scheme.Description, "HMAC-SHA256") {
			t.Errorf("signature scheme: %+v", scheme)
		}
	}
	if app := doc.Components.SecuritySchemes["appSign"].Value; app.Name != "X-Hookflow-Sign" || !strings.Contains(app.Description, `appKey + "." + timestamp + "." + rawBody`) {
		t.Errorf("appSign scheme: %+v", app)
	}
}

var tag = regexp.MustCompile(`<[^>]*>`)

func TestHTML(t *testing.T) {
	page := string(build(t).HTML("https://hooks.example.com"))
	text := html.UnescapeString(tag.ReplaceAllString(page, " "))
	for _, want := range []string{
		`name="viewport"`, "Namespace billing", "Namespace shop",
		"https://hooks.example.com/hooks/3f9c0a7d2b1e4c56", "orders-json", "orders-kv", "github",
		"customer.email", "buyer e-mail", "X-Hookflow-Sign", "X-Hub-Signature-256", "Webhook not found",
	} {
		if !strings.Contains(page, want) && !strings.Contains(text, want) {
			t.Errorf("page lacks %q", want)
		}
	}
	if strings.Contains(page, "<script") {
		t.Error("page has JavaScript")
	}
	if strings.Index(page, "Namespace billing") > strings.Index(page, "Namespace shop") {
		t.Error("namespaces not sorted")
	}
	// The base URL is escaped.
	if p := string(build(t).HTML(`http://"><script>`)); strings.Contains(p, "<script>") {
		t.Error("base URL not escaped")
	}
}

func TestEmpty(t *testing.T) {
	d, err := apidoc.Build(nil)
	if err != nil {
		t.Fatal(err)
	}
	doc, err := openapi3.NewLoader().LoadFromData(d.OpenAPI("http://127.0.0.1:8080"))
	if err != nil {
		t.Fatal(err)
	}
	if err := doc.Validate(context.Background()); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(d.HTML("")), "No Workflow is served") {
		t.Error("empty page does not say so")
	}
}
