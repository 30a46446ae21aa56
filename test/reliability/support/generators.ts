/**
 * fast-check generators for the reliability tier: Kubernetes manifests, Kyverno policies and hostile YAML text.
 * Structure-aware generators build plausible objects and render them in many YAML styles; random mutations then
 * break that text the way typing, merging and copy-paste do.
 */
import fc from 'fast-check';
import { dump } from 'js-yaml';

/** Seeds are fixed so that a failure reproduces; FUZZ_SEED explores other inputs, FUZZ_SCALE more of them. */
export const FUZZ_SEED = Number(process.env.FUZZ_SEED ?? 20240611);
export const FUZZ_SCALE = Math.max(0.1, Number(process.env.FUZZ_SCALE ?? 1));

/** fast-check options every property uses: a fixed seed, the failing assertion in the report. */
export function fuzzOptions(numRuns: number, seedOffset: number): { numRuns: number; seed: number; includeErrorInReport: true } {
  return { numRuns: runs(numRuns), seed: FUZZ_SEED + seedOffset, includeErrorInReport: true };
}

export function runs(n: number): number {
  return Math.max(1, Math.round(n * FUZZ_SCALE));
}

/** The `fuzz: N inputs` line the tier prints for every fuzzed property. */
export function reportFuzz(what: string, inputs: number): void {
  console.log(`fuzz: ${inputs} inputs (${what}; FUZZ_SEED=${FUZZ_SEED})`);
}

// ---------------------------------------------------------------------------------------------------------------
// Manifests

export const IMAGES = [
  'nginx', 'nginx:1.25', 'nginx:latest', 'public.ecr.aws/nginx/nginx:1.25', 'public.ecr.aws/docker/library/busybox',
  `ghcr.io/org/app@sha256:${'a'.repeat(64)}`, 'localhost:5000/x', '', 'UPPER/Case', ':::', 'docker.io/library/busybox:latest',
  '123456789012.dkr.ecr.us-east-1.amazonaws.com/app:v1', 'x'.repeat(300), 'näive/ünïcode:1', '${IMAGE}', '{{ .Values.image }}',
  'registry.k8s.io/ingress-nginx/controller:v1.11.0', 'quay.io/prometheus/node-exporter:v1.8.0', ' nginx ', 'nginx\ttab',
];

const image = fc.oneof({ weight: 5, arbitrary: fc.constantFrom(...IMAGES) }, { weight: 1, arbitrary: fc.string({ maxLength: 12 }) });
const oddValue = fc.oneof(fc.string({ maxLength: 8 }), fc.integer(), fc.double(), fc.boolean(), fc.constant(null), fc.constant([]), fc.constant({}));

const container = fc.record({
  name: fc.oneof({ weight: 4, arbitrary: fc.constantFrom('app', 'sidecar', 'init', 'c0', 'c1') }, { weight: 1, arbitrary: oddValue }),
  image: fc.oneof({ weight: 6, arbitrary: image }, { weight: 1, arbitrary: oddValue }),
  imagePullPolicy: fc.constantFrom('Always', 'IfNotPresent', 'Never'),
  ports: fc.array(fc.record({ containerPort: fc.integer({ min: -1, max: 70000 }) }), { maxLength: 2 }),
}, { requiredKeys: [] });

const containers = fc.oneof({ weight: 8, arbitrary: fc.array(container, { minLength: 0, maxLength: 4 }) }, { weight: 1, arbitrary: oddValue });

const podSpec = fc.record({
  containers,
  initContainers: fc.array(container, { maxLength: 2 }),
  ephemeralContainers: fc.array(container, { maxLength: 1 }),
  imagePullSecrets: fc.array(fc.record({ name: fc.constantFrom('regcred', '') }), { maxLength: 1 }),
  serviceAccountName: fc.constantFrom('default', 'builder'),
}, { requiredKeys: ['containers'] });

const metadata = fc.record({
  name: fc.oneof({ weight: 5, arbitrary: fc.constantFrom('web', 'api', 'job-1', 'a'.repeat(70)) }, { weight: 1, arbitrary: oddValue }),
  namespace: fc.constantFrom('default', 'prod', 'kube-system', ''),
  labels: fc.dictionary(fc.constantFrom('app', 'tier', 'app.kubernetes.io/name'), fc.constantFrom('web', 'db', '')),
  annotations: fc.dictionary(fc.constantFrom('note', 'policies.kyverno.io/skip'), fc.constantFrom('x', 'true')),
}, { requiredKeys: ['name'] });

const withTemplate = (spec: fc.Arbitrary<unknown>) => fc.record({ replicas: fc.integer({ min: 0, max: 5 }), selector: fc.constant({ matchLabels: { app: 'web' } }), template: fc.record({ metadata: fc.constant({ labels: { app: 'web' } }), spec }) }, { requiredKeys: ['template'] });

export const workload: fc.Arbitrary<Record<string, unknown>> = fc.oneof(
  fc.record({ apiVersion: fc.constant('v1'), kind: fc.constant('Pod'), metadata, spec: podSpec }),
  fc.record({ apiVersion: fc.constant('apps/v1'), kind: fc.constantFrom('Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet'), metadata, spec: withTemplate(podSpec) }),
  fc.record({ apiVersion: fc.constant('batch/v1'), kind: fc.constant('Job'), metadata, spec: fc.record({ template: fc.record({ spec: podSpec }) }) }),
  fc.record({ apiVersion: fc.constant('batch/v1'), kind: fc.constant('CronJob'), metadata, spec: fc.record({ schedule: fc.constant('* * * * *'), jobTemplate: fc.record({ spec: fc.record({ template: fc.record({ spec: podSpec }) }) }) }) }),
);

const otherObject: fc.Arbitrary<Record<string, unknown>> = fc.oneof(
  fc.record({ apiVersion: fc.constant('v1'), kind: fc.constantFrom('Service', 'ConfigMap', 'Namespace', 'Secret'), metadata, data: fc.dictionary(fc.string({ maxLength: 5 }), fc.string({ maxLength: 10 }), { maxKeys: 3 }) }),
  fc.record({ apiVersion: fc.constantFrom('example.com/v1', 'x/y/z', ''), kind: fc.constantFrom('Widget', 'List', 'PodList', ''), metadata, spec: oddValue }),
  fc.record({ kind: fc.constantFrom('Pod', 'Deployment'), spec: oddValue }, { requiredKeys: [] }),
);

export const manifest: fc.Arbitrary<Record<string, unknown>> = fc.oneof(
  { weight: 6, arbitrary: workload },
  { weight: 2, arbitrary: otherObject },
  { weight: 1, arbitrary: fc.array(workload, { maxLength: 3 }).map((items) => ({ apiVersion: 'v1', kind: 'List', items })) },
);

// ---------------------------------------------------------------------------------------------------------------
// Policies

const PATTERN_SCALARS = [
  '*', '?*', 'nginx*', '!*:latest', 'public.ecr.aws/* | docker.io/*', '>1', '<=5', '1-10', '!5', '1Gi', '>1m', 'null', '', '*/*', '?',
  '**', '\\*', '!', '|', '&', '1-', '-1--2', '>=1.2.3', '*:*', '!*', 'public.ecr.aws/*', '*' + '?*'.repeat(30), 'a'.repeat(50) + '*b',
  '<1h', '!= x', '{{ request.object.metadata.name }}', '{{', '}}', '$(./../name)', '$(../../metadata/name)', '$(x',
];
const patternScalar = fc.oneof({ weight: 6, arbitrary: fc.constantFrom(...PATTERN_SCALARS) }, { weight: 1, arbitrary: fc.oneof(fc.integer(), fc.boolean(), fc.constant(null), fc.string({ maxLength: 6 })) });
const PATTERN_KEYS = ['image', 'name', 'containers', 'initContainers', 'spec', 'metadata', 'labels', 'imagePullPolicy', 'x', 'app'];
const ANCHORS = ['', '', '', '=(%)', 'X(%)', '^(%)', '<(%)', '+(%)', '(%)', '=(%', '(%))', '%*'];
const patternKey = fc.tuple(fc.constantFrom(...ANCHORS), fc.constantFrom(...PATTERN_KEYS)).map(([a, k]) => (a === '' ? k : a.replace('%', k)));

const patternTree: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
  node: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    patternScalar,
    fc.array(tie('node'), { minLength: 1, maxLength: 2 }),
    fc.dictionary(patternKey, tie('node'), { maxKeys: 3 }),
  ),
})).node;

/** Mostly the shape real image policies have, with random anchors and values grafted in. */
const podPattern: fc.Arbitrary<unknown> = fc.oneof(
  fc.record({ spec: fc.record({ containers: fc.array(fc.dictionary(patternKey, patternScalar, { minKeys: 1, maxKeys: 2 }), { minLength: 1, maxLength: 2 }) }) }),
  fc.tuple(patternKey, patternKey, patternScalar).map(([a, b, v]) => ({ spec: { [a]: [{ [b]: v }] } })),
  fc.record({ spec: fc.dictionary(patternKey, patternTree, { maxKeys: 2 }) }),
  patternTree,
);

const JMES = [
  '{{ request.object.spec.containers[].image }}', '{{ element.image }}', '{{ images.containers.*.registry }}',
  "{{ regex_match('^(a+)+$', element.image) }}", "{{ regex_match('(x+x+)+y', '{{ element.image }}') }}", '{{ to_upper(@) }}',
  "{{ request.object.metadata.name || 'x' }}", '{{ length(request.object.spec.containers) }}', '{{', '}}', '{{ }}',
  "{{ split(element.image, ':')[1] }}", '{{ [[[[ }}', "{{ request.object.spec.containers[?image=='nginx'] | length(@) }}",
  '{{ nonexist() }}', '{{ `1` }}', '{{ add(`1`, `"x"`) }}', '{{ request.operation }}', '{{ element }}', '{{ @ }}',
  '{{ images.containers.*.tag[] }}', '{{ request.object.spec.containers[*].image | [0] }}', "{{ parse_json('{') }}",
  "{{ base64_decode('!!') }}", '{{ divide(`1`, `0`) }}', "{{ semver_compare('x', '>1') }}", "{{ time_since('', 'x', '') }}",
  '{{ request.object.spec.containers[].{n: name, i: image} }}', '{{ items(request.object.metadata.labels, \'k\', \'v\') }}',
];
const jmes = fc.oneof({ weight: 5, arbitrary: fc.constantFrom(...JMES) }, { weight: 1, arbitrary: fc.string({ maxLength: 10 }).map((s) => `{{ ${s} }}`) });
const OPERATORS = ['Equals', 'NotEquals', 'In', 'AnyIn', 'AllIn', 'NotIn', 'AnyNotIn', 'AllNotIn', 'GreaterThan', 'GreaterThanOrEquals', 'LessThan', 'LessThanOrEquals', 'DurationGreaterThan', 'Bogus', ''];
const condition = fc.record({
  key: fc.oneof(jmes, patternScalar),
  operator: fc.constantFrom(...OPERATORS),
  value: fc.oneof(patternScalar, jmes, fc.array(patternScalar, { maxLength: 3 })),
  message: fc.constant('condition failed'),
}, { requiredKeys: ['key', 'operator'] });
const conditions = fc.oneof(
  fc.record({ any: fc.array(condition, { maxLength: 3 }) }, { requiredKeys: [] }),
  fc.record({ all: fc.array(condition, { maxLength: 3 }) }, { requiredKeys: [] }),
  fc.array(condition, { maxLength: 2 }),
  oddValue,
);

const validateBody: fc.Arbitrary<Record<string, unknown>> = fc.oneof(
  { weight: 4, arbitrary: fc.record({ pattern: podPattern }) },
  { weight: 2, arbitrary: fc.record({ anyPattern: fc.array(podPattern, { minLength: 1, maxLength: 3 }) }) },
  { weight: 2, arbitrary: fc.record({ deny: fc.record({ conditions }) }) },
  {
    weight: 2, arbitrary: fc.record({
      foreach: fc.array(fc.record({
        list: fc.constantFrom('request.object.spec.containers', 'request.object.spec.[ephemeralContainers, initContainers, containers][]', 'request.object.spec.containers[].image', 'nope', '{{'),
        elementScope: fc.boolean(),
        preconditions: conditions,
        pattern: fc.oneof(patternTree, fc.record({ image: patternScalar })),
        deny: fc.record({ conditions }),
        anyPattern: fc.array(patternTree, { maxLength: 2 }),
      }, { requiredKeys: ['list'] }), { minLength: 1, maxLength: 2 }),
    }),
  },
  { weight: 1, arbitrary: fc.record({ cel: fc.record({ expressions: fc.array(fc.record({ expression: fc.constantFrom('object.spec.containers.all(c, c.image.startsWith("public.ecr.aws/"))', 'object.spec.containers.exists(c, c.image.matches("^(a+)+$"))', 'bad(', "size(object.metadata.name) > 3") }), { maxLength: 2 }) }) }) },
);

const KINDS = ['Pod', 'Deployment', 'CronJob', 'Job', 'StatefulSet', '*', 'apps/v1/Deployment', 'v1/Pod', 'Service', 'Pod/exec', '', 'List'];
const resourceFilter = fc.record({
  kinds: fc.array(fc.constantFrom(...KINDS), { maxLength: 3 }),
  names: fc.array(fc.constantFrom('web', '*', 'a?i', ''), { maxLength: 2 }),
  namespaces: fc.array(fc.constantFrom('default', 'prod', '*', 'kube-*'), { maxLength: 2 }),
  selector: fc.oneof(fc.record({ matchLabels: fc.dictionary(fc.constantFrom('app', 'tier'), fc.constantFrom('web', '*')) }), fc.record({ matchExpressions: fc.array(fc.record({ key: fc.constant('app'), operator: fc.constantFrom('In', 'NotIn', 'Exists', 'DoesNotExist', 'Bogus'), values: fc.array(fc.constantFrom('web', 'db'), { maxLength: 2 }) }), { maxLength: 2 }) }), oddValue),
  operations: fc.array(fc.constantFrom('CREATE', 'UPDATE', 'DELETE'), { maxLength: 2 }),
}, { requiredKeys: ['kinds'] });
const matchBlock = fc.oneof(
  { weight: 4, arbitrary: fc.record({ any: fc.array(fc.record({ resources: resourceFilter }), { minLength: 1, maxLength: 2 }) }) },
  { weight: 2, arbitrary: fc.record({ all: fc.array(fc.record({ resources: resourceFilter }), { minLength: 1, maxLength: 2 }) }) },
  { weight: 2, arbitrary: fc.record({ resources: resourceFilter }) },
  { weight: 1, arbitrary: oddValue },
);

const rule = fc.record({
  name: fc.constantFrom('check-image', 'validate-registries', 'r', 'autogen-x', 'check-image', 'validate-registries', ''),
  match: matchBlock,
  exclude: fc.oneof({ weight: 3, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: matchBlock }),
  preconditions: fc.oneof({ weight: 3, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: conditions }),
  context: fc.array(fc.record({ name: fc.constantFrom('v', 'cm', 'x.y'), variable: fc.record({ value: fc.oneof(patternScalar, fc.array(patternScalar, { maxLength: 2 })), jmesPath: fc.constantFrom('@', '[0]', 'length(@)', '{{'), default: patternScalar }, { requiredKeys: [] }) }), { maxLength: 1 }),
  validate: fc.tuple(validateBody, fc.constantFrom('Images must come from an approved registry.', '', '{{ request.object.metadata.name }} uses {{ element.image }}'), fc.constantFrom(undefined, 'Enforce', 'Audit', 'enforce', 'Deny')).map(([body, message, failureAction]) => ({ message, ...body, ...(failureAction !== undefined ? { failureAction } : {}) })),
}, { requiredKeys: ['name', 'match', 'validate'] }).map((r) => JSON.parse(JSON.stringify(r)) as Record<string, unknown>);

export const policy: fc.Arbitrary<Record<string, unknown>> = fc.oneof(
  {
    weight: 8, arbitrary: fc.record({
      apiVersion: fc.constantFrom('kyverno.io/v1', 'kyverno.io/v2beta1'),
      kind: fc.constantFrom('ClusterPolicy', 'Policy'),
      metadata: fc.record({
        name: fc.constantFrom('restrict-registries', 'p1', 'p2', 'p3', 'p4', 'x'.repeat(80)),
        namespace: fc.constantFrom('default', 'prod'),
        annotations: fc.record({ 'pod-policies.kyverno.io/autogen-controllers': fc.constantFrom('none', 'Deployment,CronJob', 'bogus', '') }, { requiredKeys: [] }),
      }, { requiredKeys: ['name'] }),
      spec: fc.record({
        validationFailureAction: fc.constantFrom('Enforce', 'Audit', 'enforce', 'audit', 'Block'),
        background: fc.boolean(),
        applyRules: fc.constantFrom('All', 'One'),
        failurePolicy: fc.constantFrom('Fail', 'Ignore'),
        rules: fc.oneof({ weight: 8, arbitrary: fc.array(rule, { minLength: 1, maxLength: 3 }) }, { weight: 1, arbitrary: oddValue }),
      }, { requiredKeys: ['rules'] }),
    }),
  },
  {
    weight: 1, arbitrary: fc.record({
      apiVersion: fc.constantFrom('kyverno.io/v2', 'kyverno.io/v2beta1'),
      kind: fc.constant('PolicyException'),
      metadata: fc.record({ name: fc.constant('exc'), namespace: fc.constant('default') }),
      spec: fc.record({
        exceptions: fc.array(fc.record({ policyName: fc.constantFrom('restrict-registries', 'p1', '*'), ruleNames: fc.array(fc.constantFrom('check-image', 'autogen-check-image', '*'), { maxLength: 2 }) }), { maxLength: 2 }),
        match: matchBlock,
        conditions,
      }, { requiredKeys: [] }),
    }),
  },
  {
    weight: 1, arbitrary: fc.record({
      apiVersion: fc.constantFrom('policies.kyverno.io/v1alpha1', 'admissionregistration.k8s.io/v1'),
      kind: fc.constantFrom('ValidatingPolicy', 'ValidatingAdmissionPolicy'),
      metadata: fc.record({ name: fc.constant('vpol') }),
      spec: fc.record({
        matchConstraints: fc.constant({ resourceRules: [{ apiGroups: [''], apiVersions: ['v1'], operations: ['CREATE'], resources: ['pods'] }] }),
        validations: fc.array(fc.record({ expression: fc.constantFrom('object.spec.containers.all(c, c.image.startsWith("public.ecr.aws/"))', "object.spec.containers.exists(c, c.image.matches('^(a+)+$'))", 'bad(', 'has(object.spec.x) || 1/0 == 1', 'object.spec.containers.map(c, c.image).size() > 100'), message: fc.constant('no') }), { maxLength: 2 }),
      }, { requiredKeys: [] }),
    }),
  },
);

// ---------------------------------------------------------------------------------------------------------------
// Rendering: the same value in many YAML styles

export interface RenderStyle {
  flowLevel: number;
  indent: number;
  quoting: '"' | "'";
  forceQuotes: boolean;
  /** Block sequences flush with their key (`key:\n- a`) instead of indented. */
  seqNoIndent?: boolean;
  /** Compact flow collections: `[a,b]`, `{k:v}`. */
  compactFlow?: boolean;
  lineBreak: '\n' | '\r\n' | 'mixed' | '\r';
  bom: boolean;
  comments: boolean;
  json: boolean;
}

export const renderStyle: fc.Arbitrary<RenderStyle> = fc.record({
  flowLevel: fc.constantFrom(-1, -1, -1, 0, 1, 2, 3),
  indent: fc.integer({ min: 1, max: 4 }),
  quoting: fc.constantFrom<'"' | "'">('"', "'"),
  forceQuotes: fc.boolean(),
  seqNoIndent: fc.boolean(),
  compactFlow: fc.boolean(),
  lineBreak: fc.constantFrom<RenderStyle['lineBreak']>('\n', '\n', '\n', '\r\n', 'mixed', '\r'),
  bom: fc.boolean(),
  comments: fc.boolean(),
  json: fc.boolean(),
});

export function render(value: unknown, style: RenderStyle): string {
  let text = style.json
    ? `${JSON.stringify(value, null, style.indent)}\n`
    : dump(value, {
      indent: style.indent, flowLevel: style.flowLevel, quoteStyle: style.quoting === '"' ? 'double' : 'single', forceQuotes: style.forceQuotes,
      seqNoIndent: style.seqNoIndent === true, flowSkipCommaSpace: style.compactFlow === true, lineWidth: -1, noRefs: false, skipInvalid: true,
    });
  if (style.comments) text = text.split('\n').map((line, i) => (i % 3 === 1 && line.trim() !== '' && !line.includes('#') && !/[|>][-+]?\d*$/.test(line) ? `${line} # note ${i}` : line)).join('\n');
  if (style.lineBreak === '\r\n') text = text.replace(/\n/g, '\r\n');
  else if (style.lineBreak === '\r') text = text.replace(/\n/g, '\r');
  else if (style.lineBreak === 'mixed') {
    let i = 0;
    text = text.replace(/\n/g, () => (i++ % 2 === 0 ? '\r\n' : '\n'));
  }
  return (style.bom ? '\uFEFF' : '') + text;
}

/** A multi-document YAML file rendered from values. */
export function renderFile(values: readonly unknown[], styles: readonly RenderStyle[], separators: readonly string[]): string {
  return values.map((v, i) => render(v, styles[i % styles.length]).replace(/^\uFEFF/, i === 0 ? '\uFEFF' : '')).map((t, i) => (i === 0 ? t : `${separators[i % separators.length]}${t}`)).join('');
}

const SEPARATORS = ['---\n', '---\r\n', '--- # next\n', '...\n---\n', '---\n\n', '--- \n'];

export const manifestFile: fc.Arbitrary<string> = fc.tuple(fc.array(manifest, { minLength: 1, maxLength: 4 }), fc.array(renderStyle, { minLength: 1, maxLength: 2 }), fc.array(fc.constantFrom(...SEPARATORS), { minLength: 1, maxLength: 2 }))
  .map(([values, styles, seps]) => renderFile(values, styles, seps));

export const policyFile: fc.Arbitrary<string> = fc.tuple(fc.array(policy, { minLength: 1, maxLength: 2 }), fc.array(renderStyle, { minLength: 1, maxLength: 2 }), fc.array(fc.constantFrom(...SEPARATORS), { minLength: 1, maxLength: 2 }))
  .map(([values, styles, seps]) => renderFile(values, styles, seps));

// ---------------------------------------------------------------------------------------------------------------
// Mutations: what typing, merge conflicts and bad copy-paste do to YAML

export const HOSTILE_SNIPPETS = [
  ':', ': ', '- ', '-', '{', '}', '[', ']', '&a ', '*a', '*b', '<<: *a\n', '!!binary ', '!tag ', '!!str ', '|', '>-', "'", '"', '#', '%YAML 1.2\n',
  '---\n', '...\n', '\t', '\r', '\n', '\r\n', '\0', '\uFEFF', '\ud800', '{{ .Values.x }}', '{{- if .Values.on }}\n', '{{- end }}\n', '? ', ',',
  '`', '@', '\\', '    ', 'kind: Pod\n', 'apiVersion: v1\n', 'image: ', '\u2028', '\u0085', 'ø', '😀', '<<<<<<< HEAD\n', '=======\n', '>>>>>>> b\n',
  'containers:\n- image: nginx\n', '&x [*x]', '*undefined', '!!python/object:os.system ', '!!js/function "function(){}" ',
];

export interface Mutation { op: 'insert' | 'delete' | 'replace' | 'duplicate' | 'indent' | 'swap'; at: number; length: number; text: string }

export const mutation: fc.Arbitrary<Mutation> = fc.record({
  op: fc.constantFrom<Mutation['op']>('insert', 'insert', 'delete', 'replace', 'duplicate', 'indent', 'swap'),
  at: fc.nat({ max: 1_000_000 }),
  length: fc.nat({ max: 40 }),
  text: fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...HOSTILE_SNIPPETS) }, { weight: 1, arbitrary: fc.string({ maxLength: 6, unit: 'binary' }) }),
});

export function mutate(text: string, m: Mutation): string {
  const at = text.length === 0 ? 0 : m.at % (text.length + 1);
  const end = Math.min(text.length, at + m.length);
  switch (m.op) {
    case 'insert': return text.slice(0, at) + m.text + text.slice(at);
    case 'delete': return text.slice(0, at) + text.slice(end);
    case 'replace': return text.slice(0, at) + m.text + text.slice(end);
    case 'duplicate': return text.slice(0, end) + text.slice(at, end) + text.slice(end);
    case 'indent': {
      const lineStart = text.lastIndexOf('\n', at - 1) + 1;
      return text.slice(0, lineStart) + ' '.repeat(1 + (m.length % 4)) + text.slice(lineStart);
    }
    case 'swap': {
      const lines = text.split('\n');
      if (lines.length < 2) return text;
      const i = m.at % lines.length;
      const j = (i + 1 + (m.length % (lines.length - 1))) % lines.length;
      [lines[i], lines[j]] = [lines[j], lines[i]];
      return lines.join('\n');
    }
  }
}

export function mutated(base: fc.Arbitrary<string>, maxMutations = 4): fc.Arbitrary<string> {
  return fc.tuple(base, fc.array(mutation, { maxLength: maxMutations })).map(([text, ms]) => ms.reduce(mutate, text));
}

/** Any YAML-ish text: clean renders, mutated renders, and raw noise. */
export const yamlText: fc.Arbitrary<string> = fc.oneof(
  { weight: 3, arbitrary: manifestFile },
  { weight: 4, arbitrary: mutated(manifestFile) },
  { weight: 1, arbitrary: mutated(policyFile, 2) },
  { weight: 1, arbitrary: fc.array(fc.constantFrom(...HOSTILE_SNIPPETS), { maxLength: 30 }).map((a) => a.join('')) },
  { weight: 1, arbitrary: fc.string({ maxLength: 200, unit: 'binary' }) },
);

/** An edit to a text of the given length: LSP-like, possibly reversed or out of range (clients send odd things). */
export interface Edit { start: number; end: number; text: string }

export const edit: fc.Arbitrary<Edit> = fc.record({
  start: fc.nat({ max: 1_000_000 }),
  end: fc.nat({ max: 1_000_000 }),
  text: fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...HOSTILE_SNIPPETS, '', 'nginx', 'public.ecr.aws/nginx/nginx', ' ', 'x') }, { weight: 1, arbitrary: fc.string({ maxLength: 8 }) }),
});

/** Maps an edit onto a text: mostly inside it, sometimes a little past its end. */
export function placeEdit(text: string, e: Edit): Edit {
  const span = text.length + 3;
  const a = e.start % span;
  const b = e.end % 7 === 0 ? a : Math.min(a + (e.end % 30), span);
  return { start: a, end: e.end % 11 === 0 ? Math.max(0, a - (e.end % 5)) : b, text: e.text };
}
