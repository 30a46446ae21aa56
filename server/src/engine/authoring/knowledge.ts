// What an author of a Kyverno policy needs to know while typing: anchors, pattern operators, kinds,
// failure actions and the autogen annotation, each with a short explanation and an example (semantics
// §1–§5). Plain data, shared by completion and hover.

export interface Knowledge { label: string; detail: string; documentation: string; insertText?: string }

const yaml = (text: string): string => '```yaml\n' + text.trim() + '\n```';

export const ANCHORS: Record<string, Knowledge> = {
  '()': {
    label: '(key)', detail: 'Conditional anchor',
    documentation: 'If the resource has `key` and its value matches, the sibling keys are checked; if not, this element (or the rule) is **skipped**, not failed.\n\n'
      + yaml(`pattern:
  spec:
    containers:
      - (image): "*:latest"      # only for :latest images ...
        imagePullPolicy: Always  # ... require Always`),
    insertText: '(',
  },
  '=()': {
    label: '=(key)', detail: 'Equality anchor (optional field)',
    documentation: 'If `key` is present, its value must match; if it is absent, the check passes. Use it for optional lists such as `initContainers` and `ephemeralContainers` (a plain key would fail on Pods without them).\n\n'
      + yaml(`pattern:
  spec:
    =(initContainers):
      - image: "public.ecr.aws/*"
    containers:
      - image: "public.ecr.aws/*"`),
    insertText: '=(',
  },
  'X()': {
    label: 'X(key)', detail: 'Negation anchor',
    documentation: 'The resource must **not** have `key` (its value is never looked at): present ⇒ the rule fails with "negation anchor matched in resource".\n\n'
      + yaml(`pattern:
  spec:
    =(volumes):
      - X(hostPath): "null"`),
    insertText: 'X(',
  },
  '^()': {
    label: '^(key)', detail: 'Existence anchor',
    documentation: 'The value must be a list in the resource, and for each pattern element **at least one** list element must match (instead of every element). The pattern value must be a non-empty list.\n\n'
      + yaml(`pattern:
  spec:
    ^(containers):
      - image: "public.ecr.aws/*"   # at least one container from ECR Public`),
    insertText: '^(',
  },
  '<()': {
    label: '<(key)', detail: 'Global anchor',
    documentation: 'If the value does not match, the **whole rule is skipped** for this resource.\n\n'
      + yaml(`pattern:
  spec:
    containers:
      - <(image): "registry.internal/*"   # rule applies only to internal images
    imagePullSecrets:
      - name: "?*"`),
    insertText: '<(',
  },
  '+()': {
    label: '+(key)', detail: 'Add-if-not-present anchor (mutate only)',
    documentation: 'Only meaningful in `mutate.patchStrategicMerge`. Kyverno rejects it in a validate pattern: "unsupported anchor +(key)".',
  },
};

export const OPERATORS: Knowledge[] = [
  { label: '*', detail: 'Wildcard: any run of characters', insertText: '*',
    documentation: 'Matches any sequence of characters, **including `/`, `:` and `@`** and the empty string. The whole value must match (anchored).\n\n' + yaml('image: "public.ecr.aws/*"        # any image under public.ecr.aws/') },
  { label: '?', detail: 'Wildcard: exactly one character', insertText: '?',
    documentation: 'Matches exactly one character (of any kind). `"?*"` means "present and not empty".\n\n' + yaml('image: "nginx:1.2?"   # nginx:1.25, nginx:1.26 ... not nginx:1.2') },
  { label: '|', detail: 'Or: one of the alternatives', insertText: ' | ',
    documentation: 'Splits the pattern into alternatives (trimmed); the value must match one of them. `|` has no escape.\n\n' + yaml('image: "public.ecr.aws/* | 123456789012.dkr.ecr.us-east-1.amazonaws.com/*"') },
  { label: '&', detail: 'And: every part must match', insertText: ' & ',
    documentation: 'Inside one alternative, every `&` part must match. `&` binds tighter than `|`.\n\n' + yaml('image: "public.ecr.aws/* & !*:latest"   # ECR Public, but no :latest') },
  { label: '!', detail: 'Not: the value must not match', insertText: '!',
    documentation: 'Negates the rest of the part (a wildcard pattern, number or quantity).\n\n' + yaml('image: "!*:latest"') },
  { label: '>', detail: 'Greater than (numbers, quantities, durations)', insertText: '>',
    documentation: 'Numeric comparison; both sides must parse as numbers, Kubernetes quantities (`1Gi`, `500m`) or Go durations (`1h30m`). Not applicable to strings such as image names.\n\n' + yaml('replicas: ">1"') },
  { label: '<', detail: 'Less than (numbers, quantities, durations)', insertText: '<',
    documentation: 'Numeric comparison, as `>`.\n\n' + yaml('memory: "<2Gi"') },
  { label: '>=', detail: 'Greater than or equal', insertText: '>=',
    documentation: 'Numeric comparison, as `>`.\n\n' + yaml('cpu: ">=100m"') },
  { label: '<=', detail: 'Less than or equal', insertText: '<=',
    documentation: 'Numeric comparison, as `>`.\n\n' + yaml('terminationGracePeriodSeconds: "<=30"') },
  { label: 'a-b', detail: 'In range (inclusive)', insertText: '1-10',
    documentation: '`a-b` means `>= a` and `<= b`; the ends are numbers with an optional unit.\n\n' + yaml('memory: "128Mi-1Gi"') },
  { label: 'a!-b', detail: 'Outside a range', insertText: '1!-10',
    documentation: '`a!-b` means `< a` or `> b`.\n\n' + yaml('port: "1!-1023"   # no privileged ports') },
];

export interface KindForm { kind: string; groupVersion: string; description: string }

export const KINDS: KindForm[] = [
  { kind: 'Pod', groupVersion: 'v1', description: 'Pods; with the default autogen annotation Kyverno also generates rules for the Pod controllers (Deployment, CronJob, ...).' },
  { kind: 'Deployment', groupVersion: 'apps/v1', description: 'Deployments (`spec.template.spec.containers`).' },
  { kind: 'StatefulSet', groupVersion: 'apps/v1', description: 'StatefulSets.' },
  { kind: 'DaemonSet', groupVersion: 'apps/v1', description: 'DaemonSets.' },
  { kind: 'ReplicaSet', groupVersion: 'apps/v1', description: 'ReplicaSets.' },
  { kind: 'Job', groupVersion: 'batch/v1', description: 'Jobs.' },
  { kind: 'CronJob', groupVersion: 'batch/v1', description: 'CronJobs (`spec.jobTemplate.spec.template.spec.containers`).' },
  { kind: 'ReplicationController', groupVersion: 'v1', description: 'ReplicationControllers.' },
  { kind: 'Service', groupVersion: 'v1', description: 'Services.' },
  { kind: 'ConfigMap', groupVersion: 'v1', description: 'ConfigMaps.' },
  { kind: 'Secret', groupVersion: 'v1', description: 'Secrets.' },
  { kind: 'ServiceAccount', groupVersion: 'v1', description: 'ServiceAccounts.' },
  { kind: 'Namespace', groupVersion: 'v1', description: 'Namespaces (cluster-scoped: not allowed in a namespaced Policy).' },
  { kind: 'Ingress', groupVersion: 'networking.k8s.io/v1', description: 'Ingresses.' },
];

export const KIND_FORMS_DOC = 'Kinds are written `Kind`, `version/Kind` or `group/version/Kind` (a 4th part or a `.suffix` selects a subresource, e.g. `Pod/exec`); each part may use `*`/`?` wildcards. `Pod` matches Pods of every group/version.';

export const FAILURE_ACTIONS: Record<string, Knowledge> = {
  Enforce: {
    label: 'Enforce', detail: 'Block the request',
    documentation: 'A failing resource is **rejected** at admission (`kubectl apply` fails with the rule message). Registry Guard shows these failures as errors.\n\n' + yaml(`validate:
  failureAction: Enforce
  message: "Only images from Amazon ECR Public are allowed."`),
  },
  Audit: {
    label: 'Audit', detail: 'Allow and report',
    documentation: 'A failing resource is **admitted** and the failure is recorded in a PolicyReport (and, with `spec.emitWarning: true`, returned as a warning). Registry Guard shows these as warnings.\n\n' + yaml(`validate:
  failureAction: Audit`),
  },
};

export const AUTOGEN_ANNOTATION = 'pod-policies.kyverno.io/autogen-controllers';

export const AUTOGEN_DOC = 'Which Pod controllers Kyverno auto-generates rules for from a rule that matches `Pod` (`autogen-<rule>` for Deployment, DaemonSet, Job, StatefulSet, ReplicaSet, ReplicationController; `autogen-cronjob-<rule>` for CronJob). '
  + 'Absent: all seven. `none`: none. Otherwise a comma-separated list of kinds, split on `,` **without trimming** (no spaces) and case-sensitive. `all` is rejected by Kyverno.\n\n'
  + yaml(`metadata:
  annotations:
    ${AUTOGEN_ANNOTATION}: Deployment,CronJob`);

export const AUTOGEN_VALUES: Knowledge[] = [
  { label: 'none', detail: 'No auto-generated rules', documentation: 'Disables auto-generation: Deployments, CronJobs ... are admitted, and their Pods are checked only when the controller creates them (the failure then shows up on the ReplicaSet/Job, not in `kubectl apply`).' },
  { label: 'Deployment,CronJob', detail: 'Only Deployments and CronJobs', documentation: 'Generates `autogen-<rule>` for Deployments and `autogen-cronjob-<rule>` for CronJobs only.' },
  { label: 'DaemonSet,Deployment,Job,StatefulSet,ReplicaSet,ReplicationController,CronJob', detail: 'All Pod controllers (same as no annotation)', documentation: 'Every Pod controller Kyverno knows; equivalent to removing the annotation.' },
  ...['DaemonSet', 'Deployment', 'Job', 'StatefulSet', 'ReplicaSet', 'ReplicationController', 'CronJob'].map((k) => ({ label: k, detail: 'Pod controller kind', documentation: `Generate rules for ${k} only (combine kinds with \`,\`, no spaces).` })),
];

export const POLICY_ANNOTATIONS: Knowledge[] = [
  { label: AUTOGEN_ANNOTATION, detail: 'Pod controllers to auto-generate rules for', documentation: AUTOGEN_DOC, insertText: `${AUTOGEN_ANNOTATION}: ` },
  { label: 'policies.kyverno.io/title', detail: 'Display title', documentation: 'Human-readable policy title shown in reports and the Kyverno policy library.', insertText: 'policies.kyverno.io/title: ' },
  { label: 'policies.kyverno.io/category', detail: 'Category', documentation: 'Comma-separated categories, e.g. `Best Practices, EKS Best Practices`.', insertText: 'policies.kyverno.io/category: ' },
  { label: 'policies.kyverno.io/severity', detail: 'Severity (low, medium, high)', documentation: 'Copied to policy report results.', insertText: 'policies.kyverno.io/severity: ' },
  { label: 'policies.kyverno.io/subject', detail: 'Subject kinds', documentation: 'The kinds the policy is about, e.g. `Pod`.', insertText: 'policies.kyverno.io/subject: ' },
  { label: 'policies.kyverno.io/description', detail: 'Description', documentation: 'What the policy checks and why.', insertText: 'policies.kyverno.io/description: ' },
];

/** Pod spec fields an image pattern usually needs, with the anchor each one wants. */
export const POD_SPEC_KEYS: Knowledge[] = [
  { label: 'containers', detail: 'Containers (always present)', documentation: 'Every container must match the first pattern item.\n\n' + yaml(`containers:
  - image: "public.ecr.aws/*"`), insertText: 'containers:' },
  { label: '=(initContainers)', detail: 'Init containers (optional: equality anchor)', documentation: ANCHORS['=()'].documentation, insertText: '=(initContainers):' },
  { label: '=(ephemeralContainers)', detail: 'Ephemeral containers (optional: equality anchor)', documentation: 'Ephemeral containers are added with `kubectl debug`; without this key they are not checked.\n\n' + yaml(`=(ephemeralContainers):
  - image: "public.ecr.aws/*"`), insertText: '=(ephemeralContainers):' },
];
