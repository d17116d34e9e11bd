{{/*
hookflow.name is the chart name, or nameOverride.
*/}}
{{- define "hookflow.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/*
hookflow.fullname is the base of object names: fullnameOverride, else the
release name when it holds the chart name, else "<release>-<chart>".
*/}}
{{- define "hookflow.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{/*
hookflow.managerName names the manager Deployment, ClusterRole and bindings.
*/}}
{{- define "hookflow.managerName" -}}
{{- printf "%s-manager" (include "hookflow.fullname" .) | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/*
hookflow.leaderElectionName names the leader election Role and RoleBinding.
*/}}
{{- define "hookflow.leaderElectionName" -}}
{{- printf "%s-leader-election" (include "hookflow.fullname" .) | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/*
hookflow.metricsServiceName names the Service of the manager's metrics.
*/}}
{{- define "hookflow.metricsServiceName" -}}
{{- printf "%s-manager-metrics" (include "hookflow.fullname" .) | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/*
hookflow.serviceAccountName is the manager's ServiceAccount.
*/}}
{{- define "hookflow.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "hookflow.managerName" .) .Values.serviceAccount.name }}
{{- else }}
{{- default "default" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{/*
hookflow.image is the manager image: repository:tag, the tag defaulting to
the chart's appVersion.
*/}}
{{- define "hookflow.image" -}}
{{- printf "%s:%s" .Values.image.repository (default .Chart.AppVersion .Values.image.tag) }}
{{- end }}

{{/*
hookflow.labels are set on every object of the chart.
*/}}
{{- define "hookflow.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{ include "hookflow.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end }}

{{/*
hookflow.selectorLabels select the manager pods.
*/}}
{{- define "hookflow.selectorLabels" -}}
app.kubernetes.io/name: {{ include "hookflow.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/component: manager
{{- end }}
