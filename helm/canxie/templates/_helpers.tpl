{{/* Chart name, truncated to the 63 characters of a DNS label. */}}
{{- define "canxie.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/* Full name: <release>-<chart> unless the release name already holds the chart name. */}}
{{- define "canxie.fullname" -}}
{{- if .Values.fullnameOverride -}}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- $name := default .Chart.Name .Values.nameOverride -}}
{{- if contains $name .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}
{{- end -}}

{{- define "canxie.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/* Labels selecting one component; call with (dict "root" $ "component" "web"). */}}
{{- define "canxie.selectorLabels" -}}
app.kubernetes.io/name: {{ include "canxie.name" .root }}
app.kubernetes.io/instance: {{ .root.Release.Name }}
app.kubernetes.io/component: {{ .component }}
{{- end -}}

{{/* All labels of an object; call with (dict "root" $ "component" "web"). */}}
{{- define "canxie.labels" -}}
helm.sh/chart: {{ include "canxie.chart" .root }}
{{ include "canxie.selectorLabels" . }}
app.kubernetes.io/version: {{ .root.Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .root.Release.Service }}
app.kubernetes.io/part-of: canxie
{{- with .root.Values.commonLabels }}
{{ toYaml . }}
{{- end }}
{{- end -}}

{{- define "canxie.serviceAccountName" -}}
{{- if .Values.serviceAccount.create -}}
{{- default (include "canxie.fullname" .) .Values.serviceAccount.name -}}
{{- else -}}
{{- default "default" .Values.serviceAccount.name -}}
{{- end -}}
{{- end -}}

{{- define "canxie.image" -}}
{{- $tag := default .Chart.AppVersion .Values.image.tag -}}
{{- if .Values.image.digest -}}
{{- printf "%s@%s" .Values.image.repository .Values.image.digest -}}
{{- else -}}
{{- printf "%s:%s" .Values.image.repository $tag -}}
{{- end -}}
{{- end -}}

{{- define "canxie.configMapName" -}}
{{- printf "%s-config" (include "canxie.fullname" .) -}}
{{- end -}}

{{/* The Secret the pods read: the existing one, or the one this chart renders. */}}
{{- define "canxie.secretName" -}}
{{- if .Values.existingSecret -}}
{{- .Values.existingSecret -}}
{{- else -}}
{{- printf "%s-secret" (include "canxie.fullname" .) -}}
{{- end -}}
{{- end -}}

{{/* Fails rendering with a clear message when no database or broker connection is given. */}}
{{- define "canxie.validateValues" -}}
{{- if not .Values.existingSecret -}}
{{- if not .Values.database.url -}}
{{- fail "canxie: set database.url (the PostgreSQL URL) or existingSecret (a Secret holding CANXIE_DATABASE_URL and CANXIE_BROKER_URL)" -}}
{{- end -}}
{{- if not .Values.broker.url -}}
{{- fail "canxie: set broker.url (the RabbitMQ URL) or existingSecret (a Secret holding CANXIE_DATABASE_URL and CANXIE_BROKER_URL)" -}}
{{- end -}}
{{- end -}}
{{- end -}}

{{/* Checksums of the configuration, so pods roll when it changes. */}}
{{- define "canxie.checksums" -}}
checksum/config: {{ include (print .Template.BasePath "/configmap.yaml") . | sha256sum }}
{{- if .Values.existingSecret }}
checksum/secret: {{ printf "existing:%s" .Values.existingSecret | sha256sum }}
{{- else }}
checksum/secret: {{ include (print .Template.BasePath "/secret.yaml") . | sha256sum }}
{{- end }}
{{- end -}}

{{/* Environment shared by every canxie container. */}}
{{- define "canxie.envFrom" -}}
- configMapRef:
    name: {{ include "canxie.configMapName" . }}
- secretRef:
    name: {{ include "canxie.secretName" . }}
{{- end -}}

{{- define "canxie.volumes" -}}
- name: tmp
  emptyDir:
    sizeLimit: {{ .Values.tmpSizeLimit }}
{{- end -}}

{{- define "canxie.volumeMounts" -}}
- name: tmp
  mountPath: /tmp
{{- end -}}

{{/* Pod-level settings shared by every canxie pod. */}}
{{- define "canxie.podSpecCommon" -}}
serviceAccountName: {{ include "canxie.serviceAccountName" . }}
automountServiceAccountToken: {{ .Values.serviceAccount.automountServiceAccountToken }}
securityContext:
  {{- toYaml .Values.podSecurityContext | nindent 2 }}
{{- with .Values.imagePullSecrets }}
imagePullSecrets:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- end -}}

{{/* Init container that waits until provisioning is done. */}}
{{- define "canxie.waitForProvisioning" -}}
{{- if and .Values.migrations.enabled .Values.migrations.waitForProvisioning -}}
initContainers:
  - name: wait-for-provisioning
    image: {{ include "canxie.image" . }}
    imagePullPolicy: {{ .Values.image.pullPolicy }}
    command:
      - sh
      - -c
      - >-
        until canxie provision --check; do
        echo "waiting for provisioning (canxie provision --check)";
        sleep {{ .Values.migrations.waitIntervalSeconds }};
        done
    envFrom:
      {{- include "canxie.envFrom" . | nindent 6 }}
    securityContext:
      {{- toYaml .Values.securityContext | nindent 6 }}
    resources:
      requests:
        cpu: 10m
        memory: 128Mi
      limits:
        memory: 256Mi
    volumeMounts:
      {{- include "canxie.volumeMounts" . | nindent 6 }}
{{- end }}
{{- end -}}

{{/* Non-secret settings (ConfigMap data). */}}
{{- define "canxie.configData" -}}
CANXIE_QUEUE: {{ .Values.config.queue | quote }}
CANXIE_LOG_FORMAT: {{ .Values.config.logFormat | quote }}
CANXIE_LOG_LEVEL: {{ .Values.config.logLevel | quote }}
CANXIE_SWEEP_SECONDS: {{ .Values.config.sweepSeconds | toString | quote }}
CANXIE_TRUSTED_PROXIES: {{ .Values.config.trustedProxies | toString | quote }}
{{- range $key, $value := .Values.config.extraEnv }}
{{ $key }}: {{ $value | toString | quote }}
{{- end }}
{{- end -}}

{{/* Secret settings (Secret data, base64). Empty optional keys are left out. */}}
{{- define "canxie.secretData" -}}
CANXIE_DATABASE_URL: {{ .Values.database.url | b64enc | quote }}
CANXIE_BROKER_URL: {{ .Values.broker.url | b64enc | quote }}
{{- with .Values.secrets.bootstrapToken }}
CANXIE_BOOTSTRAP_TOKEN: {{ . | b64enc | quote }}
{{- end }}
{{- with .Values.secrets.encryptionKey }}
CANXIE_ENCRYPTION_KEY: {{ . | b64enc | quote }}
{{- end }}
{{- with .Values.secrets.signingKey }}
CANXIE_SIGNING_KEY: {{ . | b64enc | quote }}
{{- end }}
{{- with .Values.secrets.metricsToken }}
CANXIE_METRICS_TOKEN: {{ . | b64enc | quote }}
{{- end }}
{{- end -}}
