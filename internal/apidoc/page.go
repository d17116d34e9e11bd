package apidoc

import (
	"bytes"
	"encoding/json"
	"html/template"
	"strings"

	"github.com/hookflow/hookflow/internal/params"
	"github.com/hookflow/hookflow/internal/route"
)

// baseMarker stands for the base URL in the rendered page. html/template
// turns a NUL of any value into U+FFFD, so no Workflow's text can hold it.
const baseMarker = "\x00hookflow-base-url\x00"

var pageTemplate = template.Must(template.New("docs").Funcs(template.FuncMap{
	"base": func() template.HTML { return baseMarker },
}).Parse(`<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>hookflow webhooks</title>
<style>
body{font-family:system-ui,sans-serif;margin:0 auto;padding:1em;max-width:60em;line-height:1.4}
code,pre{font-family:ui-monospace,monospace;overflow-wrap:anywhere}
pre{background:#f4f4f4;padding:.5em;overflow-x:auto;white-space:pre-wrap}
table{border-collapse:collapse;width:100%;display:block;overflow-x:auto}
th,td{border:1px solid #ccc;padding:.25em .5em;text-align:left;vertical-align:top}
section.workflow{border-top:1px solid #ccc;margin-top:1em}
</style>
</head>
<body>
<h1>hookflow webhooks</h1>
<p>The enabled, Ready webhook-triggered Workflows of this server. The same as OpenAPI 3.1: <a href="/openapi.json">/openapi.json</a>.
Every error answer is JSON with a <code>msg</code> field.</p>
{{- if not .Namespaces}}
<p>No Workflow is served.</p>
{{- end}}
{{- range .Namespaces}}
<h2 id="ns-{{.Name}}">Namespace {{.Name}}</h2>
{{- range .Workflows}}
<section class="workflow" id="{{.ID}}">
<h3>{{.Name}}</h3>
<dl>
<dt>Namespace</dt><dd>{{.Namespace}}</dd>
<dt>URL</dt><dd><code>{{base}}{{.Path}}</code></dd>
<dt>Methods</dt><dd>{{range $i, $m := .Methods}}{{if $i}}, {{end}}{{$m}}{{end}}</dd>
<dt>Security</dt><dd>{{if .Security}}{{.Security}}{{else}}None: anyone who knows the URL may call it.{{end}}</dd>
<dt>Success</dt><dd>{{.Success}}</dd>
</dl>
{{- if .Parameters}}
<table>
<thead><tr><th>Parameter</th><th>Type</th><th>Required</th><th>Description</th></tr></thead>
<tbody>
{{- range .Parameters}}
<tr><td><code>{{.Path}}</code></td><td>{{.Type}}</td><td>{{if .Required}}required{{else}}optional{{end}}</td><td>{{.Description}}</td></tr>
{{- end}}
</tbody>
</table>
{{- else}}
<p>No parameters.</p>
{{- end}}
{{- if .Example}}
<p>Example body:</p>
<pre>{{.Example}}</pre>
{{- end}}
</section>
{{- end}}
{{- end}}
<h2>Errors</h2>
<table>
<thead><tr><th>Status</th><th>msg</th></tr></thead>
<tbody>
{{- range .Errors}}
<tr><td>{{.Code}}</td><td>{{.Msg}}</td></tr>
{{- end}}
</tbody>
</table>
</body>
</html>
`))

type pageData struct {
	Namespaces []pageNamespace
	Errors     []pageError
}

type pageNamespace struct {
	Name      string
	Workflows []pageWorkflow
}

type pageWorkflow struct {
	ID, Name, Namespace, Path string
	Methods                   []string
	Security                  string
	Success                   string
	Parameters                []params.Parameter
	Example                   string
}

type pageError struct {
	Code int
	Msg  string
}

func renderPage(hooks []Webhook) ([]string, error) {
	data := pageData{}
	for _, e := range errorStatuses {
		data.Errors = append(data.Errors, pageError{e.code, e.msg})
	}
	for _, h := range hooks {
		rt := h.Route
		if n := len(data.Namespaces); n == 0 || data.Namespaces[n-1].Name != rt.Namespace {
			data.Namespaces = append(data.Namespaces, pageNamespace{Name: rt.Namespace})
		}
		w := pageWorkflow{
			ID: h.ID, Name: rt.Name, Namespace: rt.Namespace, Path: h.Path(),
			Methods: rt.Methods, Security: SecurityText(rt), Success: successText(rt),
			Parameters: rt.Parameters,
		}
		if ex := Example(rt.Parameters); ex != nil {
			b, err := json.MarshalIndent(ex, "", "  ")
			if err != nil {
				return nil, err
			}
			w.Example = string(b)
		}
		ns := &data.Namespaces[len(data.Namespaces)-1]
		ns.Workflows = append(ns.Workflows, w)
	}
	var b bytes.Buffer
	if err := pageTemplate.Execute(&b, data); err != nil {
		return nil, err
	}
	return strings.Split(b.String(), baseMarker), nil
}

func successText(rt *route.Route) string {
	r := rt.Response
	switch {
	case r == nil:
		return `200 {"msg":"success","runId":"<id>"} once the run's records are written.`
	case r.OnReceipt:
		return "Custom answer (response.body), once the run is accepted and durable; the steps run after it."
	}
	return "Custom answer (response.body) after the run."
}

func escapeHTML(s string) string { return template.HTMLEscapeString(s) }
