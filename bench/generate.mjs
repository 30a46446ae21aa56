// Seeded generator of realistic multi-document Kubernetes manifests for the benchmark.
// Same seed, same bytes: every run (and every machine) measures the same input.
//
//   node bench/generate.mjs [--out bench/data] [--seed 42]     writes manifests-1m.yaml and manifests-10m.yaml
//
// Mix (by document): Deployment 30%, Service 25%, ConfigMap 20%, CronJob 13%, Pod 12%. Workloads have 1–3
// containers and 0–2 initContainers; images are plain, quoted, port-qualified and digest-pinned; documents carry
// comments, flow-style probes and resources, and block scalars (literal and folded).
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const DEFAULT_SEED = 20240611;

/** mulberry32: small, fast, good enough for test data; never Math.random (runs must be reproducible). */
export function rng(seed) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (lo, hi) => lo + Math.floor(next() * (hi - lo + 1));
  const pick = (list) => list[Math.floor(next() * list.length)];
  const chance = (p) => next() < p;
  const hex = (n) => {
    let s = '';
    for (let i = 0; i < n; i++) s += '0123456789abcdef'[Math.floor(next() * 16)];
    return s;
  };
  return { next, int, pick, chance, hex };
}

const TEAMS = ['payments', 'search', 'checkout', 'identity', 'billing', 'catalog', 'platform', 'data', 'edge', 'ml'];
const NAMESPACES = ['default', 'prod-eu', 'prod-us', 'staging', 'team-a', 'team-b', 'kube-system', 'monitoring', 'dev'];
const APPS = ['api', 'worker', 'frontend', 'gateway', 'indexer', 'scheduler', 'exporter', 'cache', 'sync', 'auth'];

// Where images come from in real clusters: the allowed ECR Public, private ECR, Docker Hub (explicit and implicit),
// GHCR, Quay, registry.k8s.io and self-hosted registries with a port.
const IMAGE_MAKERS = [
  (r) => `public.ecr.aws/nginx/nginx:1.${r.int(20, 27)}`,
  (r) => `public.ecr.aws/docker/library/redis:7.${r.int(0, 4)}-alpine`,
  (r) => `public.ecr.aws/${r.pick(TEAMS)}/${r.pick(APPS)}:v${r.int(1, 9)}.${r.int(0, 30)}.${r.int(0, 9)}`,
  (r) => `123456789012.dkr.ecr.${r.pick(['us-east-1', 'eu-west-1', 'ap-south-1'])}.amazonaws.com/${r.pick(TEAMS)}/${r.pick(APPS)}:${r.hex(7)}`,
  (r) => `nginx:1.${r.int(20, 27)}`,
  () => 'nginx',
  (r) => `docker.io/library/${r.pick(['busybox', 'alpine', 'postgres', 'redis'])}:${r.pick(['latest', '1.36', '3.19', '16'])}`,
  (r) => `${r.pick(['bitnami', 'grafana', 'prom'])}/${r.pick(['kafka', 'grafana', 'node-exporter'])}:${r.int(1, 11)}.${r.int(0, 9)}`,
  (r) => `ghcr.io/acme/${r.pick(APPS)}:${r.pick(['main', 'latest', `sha-${r.hex(7)}`])}`,
  (r) => `ghcr.io/acme/${r.pick(APPS)}@sha256:${r.hex(64)}`,
  (r) => `quay.io/${r.pick(['prometheus', 'jetstack', 'coreos'])}/${r.pick(['prometheus', 'cert-manager-controller', 'etcd'])}:v${r.int(1, 3)}.${r.int(0, 50)}.${r.int(0, 9)}`,
  (r) => `registry.k8s.io/${r.pick(['pause', 'coredns/coredns', 'kube-proxy'])}:${r.pick(['3.9', 'v1.11.1', 'v1.30.2'])}`,
  (r) => `registry.example.com:5000/${r.pick(TEAMS)}/${r.pick(APPS)}:${r.int(1, 400)}`,
  (r) => `localhost:5000/${r.pick(APPS)}:dev`,
  (r) => `public.ecr.aws/${r.pick(TEAMS)}/${r.pick(APPS)}:v${r.int(1, 5)}@sha256:${r.hex(64)}`,
];

function imageRef(r) {
  return r.pick(IMAGE_MAKERS)(r);
}

/** An image as it appears after `image:`: plain, double- or single-quoted. */
function imageScalar(r, image) {
  const style = r.next();
  if (style < 0.6) return image;
  if (style < 0.85) return `"${image}"`;
  return `'${image}'`;
}

function labels(r, indent, app, team) {
  const pad = ' '.repeat(indent);
  let s = `${pad}app.kubernetes.io/name: ${app}\n${pad}app.kubernetes.io/part-of: ${team}\n`;
  if (r.chance(0.5)) s += `${pad}app.kubernetes.io/version: "${r.int(1, 9)}.${r.int(0, 20)}.${r.int(0, 9)}"\n`;
  if (r.chance(0.3)) s += `${pad}tier: ${r.pick(['backend', 'frontend', 'batch'])}\n`;
  return s;
}

function container(r, indent, name, init) {
  const pad = ' '.repeat(indent);
  let s = `${pad}- name: ${name}\n`;
  if (r.chance(0.15)) s += `${pad}  # pinned by the release pipeline\n`;
  s += `${pad}  image: ${imageScalar(r, imageRef(r))}\n`;
  if (r.chance(0.5)) s += `${pad}  imagePullPolicy: ${r.pick(['IfNotPresent', 'Always'])}\n`;
  if (init) {
    s += `${pad}  command: ["sh", "-c", "until nslookup ${r.pick(APPS)}; do sleep 2; done"]\n`;
    return s;
  }
  if (r.chance(0.6)) {
    const port = r.pick([80, 8080, 8443, 9090, 3000]);
    s += `${pad}  ports:\n${pad}    - containerPort: ${port}\n${pad}      name: ${r.pick(['http', 'https', 'metrics'])}\n${pad}      protocol: TCP\n`;
  }
  if (r.chance(0.7)) {
    s += `${pad}  env:\n`;
    const n = r.int(2, 8);
    for (let i = 0; i < n; i++) {
      if (r.chance(0.3)) {
        s += `${pad}    - name: ${r.pick(['DB_PASSWORD', 'API_TOKEN', 'SECRET_KEY'])}_${i}\n${pad}      valueFrom:\n${pad}        secretKeyRef:\n${pad}          name: ${r.pick(APPS)}-secrets\n${pad}          key: ${r.pick(['password', 'token', 'key'])}\n`;
      } else {
        s += `${pad}    - name: ${r.pick(['LOG_LEVEL', 'REGION', 'FEATURE_FLAGS', 'PORT'])}_${i}\n${pad}      value: "${r.pick(['info', 'debug', 'eu-west-1', 'a,b,c', '8080'])}"\n`;
      }
    }
  }
  const resources = r.next();
  if (resources < 0.5) {
    // Flow style, as many charts render it.
    s += `${pad}  resources: { requests: { cpu: ${r.int(50, 500)}m, memory: ${r.int(64, 512)}Mi }, limits: { memory: ${r.int(256, 2048)}Mi } }\n`;
  } else if (resources < 0.75) {
    s += `${pad}  resources:\n${pad}    requests:\n${pad}      cpu: ${r.int(50, 500)}m\n${pad}      memory: ${r.int(64, 512)}Mi\n`;
  }
  if (r.chance(0.4)) {
    s += `${pad}  livenessProbe:\n${pad}    httpGet: {path: /healthz, port: ${r.pick([8080, 9090])}}\n${pad}    initialDelaySeconds: ${r.int(1, 30)}\n`;
  }
  if (r.chance(0.3)) {
    s += `${pad}  readinessProbe:\n${pad}    exec:\n${pad}      command:\n${pad}        - cat\n${pad}        - /tmp/ready\n${pad}    periodSeconds: ${r.int(5, 20)}\n`;
  }
  if (r.chance(0.3)) s += `${pad}  securityContext: {runAsNonRoot: true, readOnlyRootFilesystem: ${r.chance(0.5)}}\n`;
  if (r.chance(0.6)) {
    s += `${pad}  volumeMounts:\n${pad}    - name: config\n${pad}      mountPath: /etc/${name}\n${pad}      readOnly: true\n`;
    if (r.chance(0.5)) s += `${pad}    - name: tmp\n${pad}      mountPath: /tmp\n`;
  }
  return s;
}

function podSpec(r, indent, app) {
  const pad = ' '.repeat(indent);
  let s = '';
  if (r.chance(0.4)) s += `${pad}serviceAccountName: ${app}\n`;
  const inits = r.chance(0.6) ? 0 : r.int(1, 2);
  if (inits > 0) {
    s += `${pad}initContainers:\n`;
    for (let i = 0; i < inits; i++) s += container(r, indent + 2, `init-${i}`, true);
  }
  s += `${pad}containers:\n`;
  const n = r.int(1, 3);
  for (let i = 0; i < n; i++) s += container(r, indent + 2, i === 0 ? app : `sidecar-${i}`, false);
  if (r.chance(0.6)) {
    s += `${pad}volumes:\n${pad}  - name: config\n${pad}    configMap:\n${pad}      name: ${app}-config\n${pad}  - name: tmp\n${pad}    emptyDir: {}\n`;
  }
  if (r.chance(0.3)) s += `${pad}nodeSelector:\n${pad}  kubernetes.io/os: linux\n`;
  if (r.chance(0.3)) {
    s += `${pad}affinity:\n${pad}  podAntiAffinity:\n${pad}    preferredDuringSchedulingIgnoredDuringExecution:\n${pad}      - weight: 100\n${pad}        podAffinityTerm:\n${pad}          topologyKey: kubernetes.io/hostname\n${pad}          labelSelector:\n${pad}            matchLabels:\n${pad}              app.kubernetes.io/name: ${app}\n`;
  }
  if (r.chance(0.2)) s += `${pad}tolerations: [{key: dedicated, operator: Equal, value: ${app}, effect: NoSchedule}]\n`;
  return s;
}

function metadata(r, name, ns, app, team) {
  let s = `metadata:\n  name: ${name}\n`;
  if (ns !== 'default' || r.chance(0.5)) s += `  namespace: ${ns}\n`;
  s += `  labels:\n${labels(r, 4, app, team)}`;
  if (r.chance(0.6)) {
    s += `  annotations:\n    owner: "${team}@example.com"\n`;
    if (r.chance(0.5)) s += `    argocd.argoproj.io/sync-wave: "${r.int(-2, 5)}"\n`;
    if (r.chance(0.4)) s += `    description: >\n      ${app} for the ${team} team,\n      deployed by the platform pipeline.\n`;
  }
  return s;
}

function deployment(r, id) {
  const app = r.pick(APPS), team = r.pick(TEAMS), ns = r.pick(NAMESPACES);
  const name = `${team}-${app}-${id}`;
  return `apiVersion: apps/v1\nkind: Deployment\n${metadata(r, name, ns, app, team)}spec:\n  replicas: ${r.int(1, 6)}\n  selector:\n    matchLabels:\n      app.kubernetes.io/name: ${app}\n  template:\n    metadata:\n      labels:\n${labels(r, 8, app, team)}    spec:\n${podSpec(r, 6, app)}`;
}

function cronJob(r, id) {
  const app = r.pick(APPS), team = r.pick(TEAMS), ns = r.pick(NAMESPACES);
  const name = `${team}-${app}-job-${id}`;
  return `apiVersion: batch/v1\nkind: CronJob\n${metadata(r, name, ns, app, team)}spec:\n  schedule: "${r.int(0, 59)} ${r.int(0, 23)} * * *"\n  concurrencyPolicy: Forbid\n  jobTemplate:\n    spec:\n      backoffLimit: ${r.int(0, 6)}\n      template:\n        spec:\n          restartPolicy: OnFailure\n${podSpec(r, 10, app)}`;
}

function pod(r, id) {
  const app = r.pick(APPS), team = r.pick(TEAMS), ns = r.pick(NAMESPACES);
  return `apiVersion: v1\nkind: Pod\n${metadata(r, `${team}-${app}-pod-${id}`, ns, app, team)}spec:\n${podSpec(r, 2, app)}`;
}

function service(r, id) {
  const app = r.pick(APPS), team = r.pick(TEAMS), ns = r.pick(NAMESPACES);
  const port = r.pick([80, 443, 8080]);
  return `apiVersion: v1\nkind: Service\n${metadata(r, `${team}-${app}-svc-${id}`, ns, app, team)}spec:\n  type: ${r.pick(['ClusterIP', 'ClusterIP', 'NodePort', 'LoadBalancer'])}\n  selector:\n    app.kubernetes.io/name: ${app}\n  ports:\n    - name: http\n      port: ${port}\n      targetPort: ${r.pick([8080, 'http'])}\n      protocol: TCP\n${r.chance(0.5) ? '    - name: metrics\n      port: 9090\n      targetPort: metrics\n      protocol: TCP\n' : ''}  sessionAffinity: ${r.pick(['None', 'ClientIP'])}\n${r.chance(0.4) ? '  ipFamilyPolicy: SingleStack\n  ipFamilies: [IPv4]\n' : ''}`;
}

function configMap(r, id) {
  const app = r.pick(APPS), team = r.pick(TEAMS), ns = r.pick(NAMESPACES);
  let s = `apiVersion: v1\nkind: ConfigMap\n${metadata(r, `${team}-${app}-config-${id}`, ns, app, team)}data:\n`;
  s += `  LOG_LEVEL: ${r.pick(['info', 'debug', 'warn'])}\n`;
  // A literal block that mentions an image and a document marker-like line: neither is a container image.
  s += `  app.properties: |\n    server.port=${r.pick([8080, 9090])}\n    cache.ttl=${r.int(10, 600)}s\n    # image: not-a-container/ignored:tag\n    feature.x=${r.chance(0.5)}\n    upstream=http://${r.pick(APPS)}.${ns}.svc:80\n`;
  if (r.chance(0.5)) s += `  motd: >-\n    Welcome to ${team}.\n    This folded text spans\n    several lines.\n`;
  if (r.chance(0.7)) {
    s += `  nginx.conf: |\n    worker_processes ${r.int(1, 4)};\n    events { worker_connections ${r.pick([512, 1024, 4096])}; }\n    http {\n`;
    const locations = r.int(2, 6);
    for (let i = 0; i < locations; i++) {
      const up = r.pick(APPS);
      s += `      upstream ${up}_${i} { server ${up}.${ns}.svc.cluster.local:${r.pick([80, 8080])}; keepalive 16; }\n`;
      s += `      server {\n        listen ${8000 + i};\n        location /${up}/ {\n          proxy_pass http://${up}_${i};\n          proxy_set_header Host $host;\n          proxy_read_timeout ${r.int(5, 120)}s;\n        }\n      }\n`;
    }
    s += `    }\n`;
  }
  if (r.chance(0.3)) s += `  settings.json: '{"retries": ${r.int(1, 5)}, "timeoutMs": ${r.int(100, 5000)}}'\n`;
  return s;
}

const KINDS = [
  [0.30, deployment],
  [0.25, service],
  [0.20, configMap],
  [0.13, cronJob],
  [0.12, pod],
];

function documentText(r, id) {
  let x = r.next();
  for (const [p, make] of KINDS) {
    if (x < p) return make(r, id);
    x -= p;
  }
  return pod(r, id);
}

/** Documents until the text reaches `bytes` (UTF-8; the text is ASCII, so bytes == characters). */
export function generateManifests({ seed = DEFAULT_SEED, bytes }) {
  const r = rng(seed);
  const parts = [];
  let size = 0;
  let documents = 0;
  while (size < bytes) {
    let doc = documentText(r, documents);
    if (r.chance(0.1)) doc = `# ${r.pick(['Generated by helm', 'Managed by Argo CD', 'Do not edit by hand'])}\n${doc}`;
    const text = `${documents === 0 ? '' : '---\n'}${doc}`;
    parts.push(text);
    size += text.length;
    documents++;
  }
  return { text: parts.join(''), documents };
}

/** Exactly `count` documents (for the document-count doubling test). */
export function generateDocumentCount({ seed = DEFAULT_SEED, count }) {
  const r = rng(seed);
  const parts = [];
  for (let i = 0; i < count; i++) parts.push(`${i === 0 ? '' : '---\n'}${documentText(r, i)}`);
  return parts.join('');
}

/**
 * `count` small files, as a repository of manifests looks: documents are added until the file reaches a target of
 * `bytesEach` × 0.5–1.5 bytes, at most 3 (a document is ~1.7 kB, so bytesEach 600 gives ~2 kB and ~1.2 documents per file).
 */
export function* generateFiles({ seed = DEFAULT_SEED, count, bytesEach }) {
  const r = rng(seed);
  let id = 0;
  for (let i = 0; i < count; i++) {
    const parts = [];
    let size = 0;
    const target = Math.max(200, Math.round(bytesEach * (0.5 + r.next())));
    while (size < target && parts.length < 3) {
      const text = `${parts.length === 0 ? '' : '---\n'}${documentText(r, id++)}`;
      parts.push(text);
      size += text.length;
    }
    yield { name: `${r.pick(TEAMS)}/${String(i).padStart(5, '0')}-${r.pick(APPS)}.yaml`, text: parts.join('') };
  }
}

/** Offsets of every `image:` value (inside quotes) in generated text: the bench edits these. */
export function imageSpans(text) {
  const spans = [];
  const re = /^([ \t]*(?:- )?)image: (["']?)([^"'\n]+)\2[ \t]*$/gm;
  for (let m; (m = re.exec(text)) !== null;) {
    const start = m.index + m[1].length + 'image: '.length + m[2].length;
    spans.push({ start, end: start + m[3].length, image: m[3] });
  }
  return spans;
}

export const SIZES = { '1MB': 1_000_000, '10MB': 10_000_000 };

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  const flag = (name, fallback) => {
    const i = args.indexOf(name);
    return i >= 0 ? args[i + 1] : fallback;
  };
  const out = flag('--out', join(fileURLToPath(new URL('.', import.meta.url)), 'data'));
  const seed = Number(flag('--seed', DEFAULT_SEED));
  mkdirSync(out, { recursive: true });
  for (const [label, bytes] of Object.entries(SIZES)) {
    const { text, documents } = generateManifests({ seed, bytes });
    const file = join(out, `manifests-${label}.yaml`);
    writeFileSync(file, text);
    console.log(`${file}: ${text.length} bytes, ${documents} documents, ${imageSpans(text).length} images`);
  }
}
