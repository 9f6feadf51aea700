{{/*
Names, labels and the per-service settings shared by every template.
*/}}

{{- define "accord.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* Resource name prefix: at most 40 characters so "<prefix>-storage-gateway" stays a DNS label. */}}
{{- define "accord.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 40 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 40 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 40 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{- define "accord.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* Labels every pod of the release carries: what the NetworkPolicy calls "the department's own pods". */}}
{{- define "accord.selectorLabels" -}}
app.kubernetes.io/name: {{ include "accord.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{- define "accord.labels" -}}
helm.sh/chart: {{ include "accord.chart" . }}
{{ include "accord.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: accord
accord.dev/department: {{ .Values.department | quote }}
{{- end }}

{{/* Selector labels of one component: (dict "root" $ "component" "ledger"). */}}
{{- define "accord.componentSelectorLabels" -}}
{{ include "accord.selectorLabels" .root }}
app.kubernetes.io/component: {{ .component }}
{{- end }}

{{- define "accord.componentLabels" -}}
{{ include "accord.labels" .root }}
app.kubernetes.io/component: {{ .component }}
{{- end }}

{{- define "accord.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "accord.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- default "default" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{/*
The components of a department as a YAML list: name, values key, HTTP port,
whether it runs on Kafka/PostgreSQL, needs the department keys or calls the
ledger. The console is listed only when enabled.
*/}}
{{- define "accord.components" -}}
- name: ledger
  values: ledger
  port: 7100
  backend: true
  keys: true
  callsLedger: false
  singleWriter: true
- name: contracts
  values: contracts
  port: 7101
  backend: true
  keys: true
  callsLedger: true
  singleWriter: true
- name: catalog
  values: catalog
  port: 7102
  backend: true
  keys: true
  callsLedger: true
  singleWriter: false
- name: storage-gateway
  values: storageGateway
  port: 7103
  backend: true
  keys: true
  callsLedger: true
  singleWriter: false
{{- if .Values.console.enabled }}
- name: console
  values: console
  port: 8080
  backend: false
  keys: false
  callsLedger: false
  singleWriter: false
{{- end }}
{{- end }}

{{- define "accord.componentList" -}}
{{- (fromYamlArray (include "accord.components" .)) | toJson }}
{{- end }}

{{/* In-cluster base URL of a component: (dict "root" $ "name" "ledger" "port" 7100). */}}
{{- define "accord.componentUrl" -}}
{{- printf "http://%s-%s:%v" (include "accord.fullname" .root) .name .port }}
{{- end }}

{{/* Image reference: (dict "root" $ "image" .Values.ledger.image). */}}
{{- define "accord.image" -}}
{{- $tag := default .root.Chart.AppVersion .image.tag }}
{{- if .root.Values.global.imageRegistry }}
{{- printf "%s/%s:%s" (trimSuffix "/" .root.Values.global.imageRegistry) .image.repository $tag }}
{{- else }}
{{- printf "%s:%s" .image.repository $tag }}
{{- end }}
{{- end }}

{{- define "accord.keysSecretName" -}}
{{- default (printf "%s-keys" (include "accord.fullname" .)) .Values.keys.existingSecret }}
{{- end }}

{{- define "accord.kekSecretName" -}}
{{- default (printf "%s-kek" (include "accord.fullname" .)) .Values.kek.existingSecret }}
{{- end }}

{{- define "accord.apiTokensSecretName" -}}
{{- default (printf "%s-api-tokens" (include "accord.fullname" .)) .Values.apiTokens.existingSecret }}
{{- end }}

{{/* ACCORD_GATEWAY_PEERS: dept=url,dept2=url2 */}}
{{- define "accord.gatewayPeers" -}}
{{- $peers := list }}
{{- range .Values.peers }}
{{- $peers = append $peers (printf "%s=%s" .department (trimSuffix "/" .url)) }}
{{- end }}
{{- join "," $peers }}
{{- end }}

{{/* ACCORD_CONSOLE_DEPARTMENTS: this department with its in-cluster service URLs. */}}
{{- define "accord.consoleDepartments" -}}
{{- $urls := dict
  "ledger" (include "accord.componentUrl" (dict "root" . "name" "ledger" "port" 7100))
  "contracts" (include "accord.componentUrl" (dict "root" . "name" "contracts" "port" 7101))
  "catalog" (include "accord.componentUrl" (dict "root" . "name" "catalog" "port" 7102))
  "storage-gateway" (include "accord.componentUrl" (dict "root" . "name" "storage-gateway" "port" 7103)) }}
{{- list (dict "id" .Values.department "urls" $urls) | toJson }}
{{- end }}

{{/* The PostgreSQL schema of a backend component: (dict "root" $ "name" "storage-gateway"). */}}
{{- define "accord.databaseSchema" -}}
{{- printf "%s%s" .root.Values.postgresql.schemaPrefix (.name | replace "-" "_") }}
{{- end }}

{{/*
Environment of one component: (dict "root" $ "c" <component>). Secrets are
never inlined: tokens, passwords and keys come from secretKeyRef or mounted
files.
*/}}
{{- define "accord.env" -}}
{{- $root := .root }}
{{- $c := .c }}
{{- $v := index $root.Values $c.values -}}
- name: ACCORD_HTTP_HOST
  value: "0.0.0.0"
- name: ACCORD_HTTP_PORT
  value: {{ $c.port | quote }}
- name: ACCORD_LOG_LEVEL
  value: {{ $root.Values.logLevel | quote }}
{{- if $c.backend }}
- name: ACCORD_DEPARTMENT
  value: {{ $root.Values.department | quote }}
- name: ACCORD_DATA_DIR
  value: /tmp/accord
- name: ACCORD_API_TOKENS
  valueFrom:
    secretKeyRef:
      name: {{ include "accord.apiTokensSecretName" $root }}
      key: api-tokens.json
- name: ACCORD_BUS
  value: {{ printf "kafka:%s" (join "," $root.Values.kafka.bootstrapServers) | quote }}
{{- if $root.Values.kafka.tls.enabled }}
- name: ACCORD_BUS_TLS
  value: "true"
{{- if $root.Values.kafka.tls.caSecret }}
- name: ACCORD_BUS_TLS_CA_FILE
  value: /etc/accord/kafka-ca/ca.crt
{{- end }}
{{- end }}
{{- if $root.Values.kafka.sasl.enabled }}
- name: ACCORD_BUS_SASL_MECHANISM
  value: {{ $root.Values.kafka.sasl.mechanism | quote }}
- name: ACCORD_BUS_SASL_USERNAME
  value: {{ $root.Values.kafka.sasl.username | quote }}
- name: ACCORD_BUS_SASL_PASSWORD
  valueFrom:
    secretKeyRef:
      name: {{ $root.Values.kafka.sasl.passwordSecret }}
      key: {{ $root.Values.kafka.sasl.passwordKey }}
{{- end }}
{{- with $root.Values.postgresql }}
{{- if .uriKey }}
- name: ACCORD_DATABASE
  valueFrom:
    secretKeyRef:
      name: {{ .existingSecret }}
      key: {{ .uriKey }}
{{- else }}
- name: PGUSER
  valueFrom:
    secretKeyRef:
      name: {{ .existingSecret }}
      key: {{ .usernameKey }}
- name: PGPASSWORD
  valueFrom:
    secretKeyRef:
      name: {{ .existingSecret }}
      key: {{ .passwordKey }}
- name: ACCORD_DATABASE
  value: {{ printf "postgres://$(PGUSER):$(PGPASSWORD)@%s:%v/%s" .host .port .database | quote }}
{{- end }}
{{- end }}
- name: ACCORD_DATABASE_SCHEMA
  value: {{ include "accord.databaseSchema" (dict "root" $root "name" $c.name) | quote }}
{{- if $root.Values.otlpEndpoint }}
- name: ACCORD_OTEL_EXPORTER_OTLP_ENDPOINT
  value: {{ $root.Values.otlpEndpoint | quote }}
{{- end }}
{{- end }}
{{- if $c.keys }}
- name: ACCORD_KEYS_FILE
  value: /etc/accord/keys/department-keys.json
{{- end }}
{{- if $c.callsLedger }}
- name: ACCORD_LEDGER_URL
  value: {{ include "accord.componentUrl" (dict "root" $root "name" "ledger" "port" 7100) | quote }}
- name: ACCORD_LEDGER_TOKEN
  valueFrom:
    secretKeyRef:
      name: {{ include "accord.apiTokensSecretName" $root }}
      key: internal-token
{{- end }}
{{- if eq $c.name "ledger" }}
{{- with $root.Values.channels }}
- name: ACCORD_LEDGER_CHANNELS
  value: {{ join "," . | quote }}
{{- end }}
{{- with $root.Values.ledger.sigWorkers }}
- name: ACCORD_LEDGER_SIG_WORKERS
  value: {{ . | toString | quote }}
{{- end }}
{{- end }}
{{- if eq $c.name "storage-gateway" }}
- name: ACCORD_OBJECT_STORE
  value: {{ printf "minio:%s" $root.Values.objectStore.endpoint | quote }}
- name: ACCORD_OBJECT_STORE_ACCESS_KEY
  valueFrom:
    secretKeyRef:
      name: {{ $root.Values.objectStore.existingSecret }}
      key: {{ $root.Values.objectStore.accessKeyKey }}
- name: ACCORD_OBJECT_STORE_SECRET_KEY
  valueFrom:
    secretKeyRef:
      name: {{ $root.Values.objectStore.existingSecret }}
      key: {{ $root.Values.objectStore.secretKeyKey }}
- name: ACCORD_OBJECT_STORE_BUCKET
  value: {{ default (printf "accord-%s" $root.Values.department) $root.Values.objectStore.bucket | quote }}
{{- if $root.Values.objectStore.caSecret }}
- name: NODE_EXTRA_CA_CERTS
  value: /etc/accord/object-store-ca/ca.crt
{{- end }}
- name: ACCORD_GATEWAY_KEK_FILE
  value: /etc/accord/kek/storage-gateway-kek.json
{{- with (include "accord.gatewayPeers" $root) }}
- name: ACCORD_GATEWAY_PEERS
  value: {{ . | quote }}
{{- end }}
{{- end }}
{{- if eq $c.name "console" }}
- name: ACCORD_CONSOLE_DEPARTMENTS
  value: {{ include "accord.consoleDepartments" $root | quote }}
{{- end }}
{{- with $v.extraEnv }}
{{ toYaml . }}
{{- end }}
{{- end }}

{{/* One egress rule: {to: [peers], ports: [..]}; no `to` allows the ports towards any address. */}}
{{- define "accord.egressRule" -}}
- {{- with .to }}
  to:
    {{- toYaml . | nindent 4 }}
  {{- end }}
  ports:
    {{- range .ports }}
    - port: {{ . }}
      protocol: TCP
    {{- end }}
{{- end }}
