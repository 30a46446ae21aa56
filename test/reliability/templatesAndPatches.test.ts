/**
 * Files that are not complete manifests raise no false diagnostics: Helm chart templates (at most one hint),
 * Kustomize kustomization.yaml, strategic-merge patches (partial Deployments without container images), JSON6902
 * patch files, and fragments still being written. Complete manifests next to them are still judged.
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { Analyzer } from '../../server/src/engine/analysis';
import { parseYamlFile } from '../../server/src/engine/yaml';
import { libraryPolicyTexts, storeWith } from './support/engine';
import { assertCleanExit, checkJsonReport, runCli, workspace } from './support/cli';
import { SEED_POLICY } from './support/engine';

const analyzer = new Analyzer(storeWith(libraryPolicyTexts()));

function analyze(file: string, text: string) {
  return analyzer.analyze(file, parseYamlFile(text));
}

const HELM: Record<string, string> = {
  'chart/templates/deployment.yaml': `apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{ include "chart.fullname" . }}
  labels:
    {{- include "chart.labels" . | nindent 4 }}
spec:
  {{- if not .Values.autoscaling.enabled }}
  replicas: {{ .Values.replicaCount }}
  {{- end }}
  selector:
    matchLabels:
      {{- include "chart.selectorLabels" . | nindent 6 }}
  template:
    spec:
      {{- with .Values.imagePullSecrets }}
      imagePullSecrets:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      containers:
        - name: {{ .Chart.Name }}
          image: "{{ .Values.image.repository }}:{{ .Values.image.tag | default .Chart.AppVersion }}"
          imagePullPolicy: {{ .Values.image.pullPolicy }}
`,
  'chart/templates/pod-quoted.yaml': `apiVersion: v1
kind: Pod
metadata:
  name: "{{ .Release.Name }}-test-connection"
  annotations:
    "helm.sh/hook": test
spec:
  containers:
    - name: wget
      image: "{{ .Values.testImage }}"
`,
  'chart/templates/jobs.yaml': `{{- range .Values.jobs }}
---
apiVersion: batch/v1
kind: Job
metadata:
  name: {{ .name }}
spec:
  template:
    spec:
      containers:
      - name: job
        image: {{ .image }}
{{- end }}
`,
  'chart/templates/_helpers.tpl': `{{/* Expand the name of the chart. */}}
{{- define "chart.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}
`,
  'chart/templates/mixed.yaml': `apiVersion: v1
kind: ConfigMap
metadata:
  name: plain
data:
  a: b
---
apiVersion: v1
kind: Pod
metadata:
  name: {{ .Release.Name }}
spec:
  containers:
  - name: a
    image: {{ .Values.image }}
`,
  'deploy/not-under-templates.yaml': `{{- if .Values.enabled }}
apiVersion: v1
kind: Pod
metadata:
  name: x
spec:
  containers:
  - name: a
    image: {{ .Values.image | quote }}
{{- end }}
`,
  'chart/values.yaml': 'image:\n  repository: nginx\n  tag: latest\nreplicaCount: 1\njobs:\n- name: a\n  image: busybox\n',
  'chart/Chart.yaml': 'apiVersion: v2\nname: chart\nversion: 0.1.0\nappVersion: "1.25"\n',
};

const KUSTOMIZE: Record<string, string> = {
  'overlays/prod/kustomization.yaml': `apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization
resources:
- ../../base
images:
- name: nginx
  newName: public.ecr.aws/nginx/nginx
  newTag: "1.25"
patches:
- path: replicas.yaml
- path: resources.yaml
- path: image-patch.yaml
  target: {kind: Deployment, name: web}
- target: {kind: Deployment, name: web}
  patch: |-
    - op: replace
      path: /spec/template/spec/containers/0/image
      value: nginx
`,
  'overlays/prod/replicas.yaml': 'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  replicas: 3\n',
  'overlays/prod/resources.yaml': 'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  template:\n    spec:\n      containers:\n      - name: app\n        resources:\n          limits: {cpu: 500m, memory: 256Mi}\n      - name: sidecar\n        $patch: delete\n',
  'overlays/prod/env.yaml': 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  containers:\n  - name: app\n    env:\n    - {name: MODE, value: prod}\n',
  'overlays/prod/cronjob-schedule.yaml': 'apiVersion: batch/v1\nkind: CronJob\nmetadata:\n  name: nightly\nspec:\n  schedule: "0 3 * * *"\n',
  'overlays/prod/image-patch.yaml': '- op: replace\n  path: /spec/template/spec/containers/0/image\n  value: nginx:latest\n- op: add\n  path: /spec/template/spec/initContainers/-\n  value: {name: init, image: busybox}\n',
  'overlays/prod/image-patch.json': '[{"op": "replace", "path": "/spec/template/spec/containers/0/image", "value": "nginx"}]\n',
  'fragments/metadata-only.yaml': 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: draft\n',
  'fragments/typing.yaml': 'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: draft\nspec:\n  template:\n    spec:\n      containers:\n      - name: app\n        image:\n',
};

test('Helm chart templates: no diagnostics beyond one hint per file', () => {
  for (const [file, text] of Object.entries(HELM)) {
    const a = analyze(file, text);
    assert.deepEqual(a.findings, [], file);
    assert.ok(a.notices.length <= 1, `${file}: ${JSON.stringify(a.notices)}`);
    assert.ok(a.notices.every((n) => n.severity === 'hint'), `${file}: only a hint, ${JSON.stringify(a.notices)}`);
  }
  assert.equal(analyze('chart/templates/deployment.yaml', HELM['chart/templates/deployment.yaml']).kind, 'helm-template');
});

test('Kustomize: kustomization.yaml, strategic-merge patches, JSON6902 patches and fragments raise no diagnostics beyond one hint', () => {
  // Found by this tier: partial Deployments (patches with only replicas or resources) failed every image policy
  // ("failed at path /spec/template/"), one false Error per policy.
  for (const [file, text] of Object.entries(KUSTOMIZE)) {
    const a = analyze(file, text);
    assert.deepEqual(a.findings.map((f) => `${f.policy}/${f.rule}: ${f.message}`), [], file);
    assert.ok(a.notices.length <= 1, `${file}: ${JSON.stringify(a.notices)}`);
    assert.ok(a.notices.every((n) => n.severity === 'hint'), `${file}: only a hint, ${JSON.stringify(a.notices)}`);
  }
  const patch = analyze('overlays/prod/replicas.yaml', KUSTOMIZE['overlays/prod/replicas.yaml']);
  assert.deepEqual(patch.notices.map((n) => n.code), ['partial-document']);
  assert.match(patch.notices[0].message, /Deployment documents that do not give every container an image/);
});

test('a complete manifest next to a patch in the same file is still judged, and one image missing from a Pod makes it a fragment', () => {
  const complete = 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: full\nspec:\n  containers:\n  - name: app\n    image: nginx\n';
  const a = analyze('mixed.yaml', `${KUSTOMIZE['overlays/prod/replicas.yaml']}---\n${complete}`);
  assert.deepEqual([...new Set(a.findings.flatMap((f) => (f.image === undefined ? [] : [f.image])))], ['nginx']);
  assert.ok(a.findings.some((f) => f.policy === 'restrict-image-registries'));
  assert.deepEqual(a.notices.map((n) => n.code), ['partial-document']);

  const oneMissing = analyze('pod.yaml', `${complete}  - name: sidecar\n    resources: {}\n`);
  assert.deepEqual(oneMissing.findings, []);
  assert.deepEqual(oneMissing.notices.map((n) => n.code), ['partial-document']);
  const initMissing = analyze('pod.yaml', `${complete}  initContainers:\n  - name: init\n`);
  assert.deepEqual(initMissing.findings, []);
});

test('the CLI on a Helm chart and a Kustomize overlay: exit 0, nothing reported', () => {
  const dir = workspace({ 'policy.yaml': SEED_POLICY, ...HELM, ...KUSTOMIZE });
  const r = runCli(['check', '--policy', 'policy.yaml', '--format', 'json', 'chart', 'deploy', 'overlays', 'fragments'], dir);
  assertCleanExit(r, 'check chart overlays');
  const report = checkJsonReport(r, 'check chart overlays');
  assert.deepEqual(report.results, []);
  assert.deepEqual(report.errors, []);
  assert.equal(r.status, 0);
});
