import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  catalog, catalogEntries, catalogInfo, planRewrite, rankCandidates, rewriteCandidates, validateCatalogOptions,
  type CatalogOptions, type RewriteCandidate, type RewritePlan,
} from '../../../../server/src/engine/catalog';

const D1 = `sha256:${'a'.repeat(64)}`;
const D2 = `sha256:${'0123456789abcdef'.repeat(4)}`;
const MIRROR = 'public.ecr.aws/docker/library';
const CACHE = '123456789012.dkr.ecr.eu-west-1.amazonaws.com';
const PULL_THROUGH: CatalogOptions = {
  pullThroughCache: {
    account: '123456789012',
    region: 'eu-west-1',
    prefixes: { 'docker-hub': 'docker-hub', 'registry.k8s.io': 'k8s', quay: 'quay', ghcr: 'ghcr', 'ecr-public': 'ecr-public' },
  },
};

function images(plan: RewritePlan | RewriteCandidate[]): string[] {
  return (Array.isArray(plan) ? plan : plan.candidates).map((candidate) => candidate.image);
}
function preferred(plan: RewritePlan): string | undefined {
  const chosen = plan.candidates.filter((candidate) => candidate.preferred);
  assert.ok(chosen.length <= 1, `at most one preferred candidate, got ${chosen.length}`);
  return chosen[0]?.image;
}
function notesText(plan: RewritePlan): string {
  return plan.notes.map((note) => note.reason).join('\n');
}

interface Row {
  image: string;
  options?: CatalogOptions;
  /** Every candidate image, in order. */
  expect: string[];
  preferred?: string;
  /** Images whose candidate says keepsDigest (default: the docker/library mirror candidates). */
  keepsDigest?: string[];
  /** A note must match. */
  note?: RegExp;
}

const TABLE: Row[] = [
  // Docker Official Images: every spelling of Docker Hub becomes the docker/library mirror, tag kept.
  ...['nginx:1.27', 'library/nginx:1.27', 'docker.io/nginx:1.27', 'docker.io/library/nginx:1.27', 'index.docker.io/nginx:1.27',
    'index.docker.io/library/nginx:1.27', 'registry-1.docker.io/library/nginx:1.27', 'registry-1.docker.io/nginx:1.27', 'Docker.IO/library/nginx:1.27',
  ].map((image): Row => ({
    image,
    expect: [`${MIRROR}/nginx:1.27`, 'public.ecr.aws/nginx/nginx:1.27'],
    preferred: `${MIRROR}/nginx:1.27`,
    keepsDigest: [`${MIRROR}/nginx:1.27`],
  })),
  { image: 'nginx', expect: [`${MIRROR}/nginx`, 'public.ecr.aws/nginx/nginx'], preferred: `${MIRROR}/nginx` },
  // The mirror is byte-identical: the digest stays; the publisher's own build cannot take a digest.
  {
    image: `nginx@${D1}`, expect: [`${MIRROR}/nginx@${D1}`], preferred: `${MIRROR}/nginx@${D1}`, keepsDigest: [`${MIRROR}/nginx@${D1}`],
    note: /public\.ecr\.aws\/nginx\/nginx is a separate build: the digest does not carry over/,
  },
  {
    image: `docker.io/library/nginx:1.27@${D2}`,
    expect: [`${MIRROR}/nginx:1.27@${D2}`, 'public.ecr.aws/nginx/nginx:1.27'],
    preferred: `${MIRROR}/nginx:1.27@${D2}`,
    keepsDigest: [`${MIRROR}/nginx:1.27@${D2}`],
  },
  { image: 'redis:7.2-alpine', expect: [`${MIRROR}/redis:7.2-alpine`], preferred: `${MIRROR}/redis:7.2-alpine` },
  { image: 'python:3.12-slim', expect: [`${MIRROR}/python:3.12-slim`], preferred: `${MIRROR}/python:3.12-slim` },
  { image: 'ubuntu:24.04', expect: [`${MIRROR}/ubuntu:24.04`, 'public.ecr.aws/ubuntu/ubuntu:24.04'], preferred: `${MIRROR}/ubuntu:24.04` },
  {
    image: 'amazonlinux:2023', expect: [`${MIRROR}/amazonlinux:2023`, 'public.ecr.aws/amazonlinux/amazonlinux:2023'],
    preferred: `${MIRROR}/amazonlinux:2023`,
  },
  // Not an Official Image (or not one the catalog lists): never docker/library.
  { image: 'grafana/grafana:11.0.0', expect: [], note: /allow its registry/ },
  { image: 'myorg/nginx:1.27', expect: [] },
  { image: 'grafana', expect: [], note: /"grafana" is not among the \d+ Docker Official Images/ },
  { image: 'docker.io/library/centos:7', expect: [], note: /"centos" is not among/ },
  // Publisher namespaces: a separate build, never preferred by itself.
  { image: 'nginxinc/nginx-unprivileged:1.27-alpine', expect: ['public.ecr.aws/nginx/nginx-unprivileged:1.27-alpine'] },
  { image: 'nginx/nginx-ingress:3.5.0', expect: ['public.ecr.aws/nginx/nginx-ingress:3.5.0'] },
  { image: 'nginx/nginx-prometheus-exporter:1.1.0', expect: ['public.ecr.aws/nginx/nginx-prometheus-exporter:1.1.0'] },
  { image: 'datadog/agent:7.50.0', expect: ['public.ecr.aws/datadog/agent:7.50.0'] },
  { image: 'gcr.io/datadoghq/cluster-agent:7.50.0', expect: ['public.ecr.aws/datadog/cluster-agent:7.50.0'] },
  { image: `gcr.io/datadoghq/agent:7.50.0@${D1}`, expect: ['public.ecr.aws/datadog/agent:7.50.0'] },
  { image: `gcr.io/datadoghq/agent@${D1}`, expect: [], note: /separate build: the digest does not carry over and there is no tag to keep/ },
  // registry.k8s.io: only the EKS Distro map, never a prefix swap.
  { image: 'registry.k8s.io/coredns/coredns:v1.11.1', expect: ['public.ecr.aws/eks-distro/coredns/coredns:v1.11.1-eks-1-34-15'] },
  { image: 'registry.k8s.io/coredns/coredns:v1.14.6', expect: ['public.ecr.aws/eks-distro/coredns/coredns:v1.14.6-eks-1-35-15'] },
  { image: 'registry.k8s.io/etcd:3.5.21-0', expect: ['public.ecr.aws/eks-distro/etcd-io/etcd:v3.5.21-eks-1-35-15'] },
  { image: 'registry.k8s.io/kube-apiserver:v1.34.3', expect: ['public.ecr.aws/eks-distro/kubernetes/kube-apiserver:v1.34.3-eks-1-34-15'] },
  { image: 'registry.k8s.io/kube-controller-manager:v1.29.15', expect: ['public.ecr.aws/eks-distro/kubernetes/kube-controller-manager:v1.29.15-eks-1-29-40'] },
  { image: 'registry.k8s.io/pause:3.7', expect: ['public.ecr.aws/eks-distro/kubernetes/pause:3.7'] },
  { image: 'registry.k8s.io/pause:3.10', expect: [], note: /no EKS Distro build is known for tag "3\.10"/ },
  { image: 'registry.k8s.io/pause', expect: [], note: /no EKS Distro build is known for tag "latest"/ },
  { image: 'registry.k8s.io/kube-apiserver:v1.35.0', expect: [], note: /tag "v1\.35\.0"/ },
  { image: `registry.k8s.io/coredns/coredns@${D1}`, expect: [], note: /pinned by digest only/ },
  { image: 'registry.k8s.io/ingress-nginx/controller:v1.11.0', expect: [], note: /no EKS Distro build of this registry\.k8s\.io image/ },
  {
    image: `registry.k8s.io/coredns/coredns:v1.10.1@${D1}`,
    expect: ['public.ecr.aws/eks-distro/coredns/coredns:v1.10.1-eks-1-32-25'],
  },
  // No known mirror: nothing invented.
  { image: 'quay.io/prometheus/node-exporter:v1.8.0', expect: [], note: /allow its registry/ },
  { image: 'ghcr.io/fluxcd/source-controller:v1.3.0', expect: [] },
  { image: 'gcr.io/distroless/static:nonroot', expect: [] },
  { image: 'localhost:5000/app:dev', expect: [] },
  { image: 'public.ecr.aws/nginx/nginx:1.27', expect: [] },
  // Bitnami on ECR Public is retired.
  { image: 'public.ecr.aws/bitnami/redis:7.2', expect: [], note: /retired on 2026-06-10/ },
  { image: 'bitnami/redis:7.2', expect: [] },
  { image: 'bitnami/redis:7.2', options: { mappings: [{ from: 'bitnami/*', to: 'public.ecr.aws/bitnami/*' }] }, expect: [], note: /retired on 2026-06-10/ },
  { image: 'bitnami/redis:7.2', options: { mappings: [{ from: 'bitnami/redis', to: 'PUBLIC.ECR.AWS/bitnami/redis' }] }, expect: [], note: /retired/ },
  // User mappings come first and are preferred.
  {
    image: 'nginx:1.27', options: { mappings: [{ from: 'nginx', to: 'registry.example.com/mirror/nginx' }] },
    expect: ['registry.example.com/mirror/nginx:1.27', `${MIRROR}/nginx:1.27`, 'public.ecr.aws/nginx/nginx:1.27'],
    preferred: 'registry.example.com/mirror/nginx:1.27',
  },
  {
    image: 'quay.io/prometheus/node-exporter:v1.8.0', options: { mappings: [{ from: 'quay.io/prometheus/*', to: 'public.ecr.aws/myalias/prometheus/*' }] },
    expect: ['public.ecr.aws/myalias/prometheus/node-exporter:v1.8.0'], preferred: 'public.ecr.aws/myalias/prometheus/node-exporter:v1.8.0',
  },
  {
    image: `ghcr.io/org/app:1.0@${D1}`, options: { mappings: [{ from: 'ghcr.io/*', to: 'registry.example.com/ghcr/*', keepDigest: true }] },
    expect: [`registry.example.com/ghcr/org/app:1.0@${D1}`], preferred: `registry.example.com/ghcr/org/app:1.0@${D1}`,
    keepsDigest: [`registry.example.com/ghcr/org/app:1.0@${D1}`],
  },
  {
    image: `ghcr.io/org/app@${D1}`, options: { mappings: [{ from: 'ghcr.io/org/app', to: 'registry.example.com/app' }] },
    expect: [], note: /does not keep digests and the image has no tag to keep/,
  },
  { image: 'myorg/app:1', options: { mappings: [{ from: 'quay.io/myorg/*', to: 'public.ecr.aws/x/*' }] }, expect: [] },
  // Disabled entries and targets.
  { image: 'nginx:1.27', options: { disabled: ['docker-official-images'] }, expect: ['public.ecr.aws/nginx/nginx:1.27'], note: /"docker-official-images" is disabled/ },
  { image: 'nginx:1.27', options: { disabled: ['public.ecr.aws/nginx/nginx'] }, expect: [`${MIRROR}/nginx:1.27`], preferred: `${MIRROR}/nginx:1.27` },
  // Pull-through cache: the image's own upstream through the cache keeps tag and digest.
  {
    image: 'nginx:1.27', options: PULL_THROUGH,
    expect: [`${CACHE}/docker-hub/library/nginx:1.27`, `${CACHE}/ecr-public/docker/library/nginx:1.27`, `${CACHE}/ecr-public/nginx/nginx:1.27`],
    preferred: `${CACHE}/docker-hub/library/nginx:1.27`,
    keepsDigest: [`${CACHE}/docker-hub/library/nginx:1.27`, `${CACHE}/ecr-public/docker/library/nginx:1.27`],
  },
  { image: 'docker.io/grafana/grafana:11.0.0', options: PULL_THROUGH, expect: [`${CACHE}/docker-hub/grafana/grafana:11.0.0`], preferred: `${CACHE}/docker-hub/grafana/grafana:11.0.0`,
    keepsDigest: [`${CACHE}/docker-hub/grafana/grafana:11.0.0`] },
  {
    image: `registry.k8s.io/pause:3.10@${D1}`, options: PULL_THROUGH,
    expect: [`${CACHE}/k8s/pause:3.10@${D1}`], preferred: `${CACHE}/k8s/pause:3.10@${D1}`, note: /tag "3\.10"/,
    keepsDigest: [`${CACHE}/k8s/pause:3.10@${D1}`],
  },
  {
    image: 'registry.k8s.io/coredns/coredns:v1.11.1', options: PULL_THROUGH,
    expect: [`${CACHE}/k8s/coredns/coredns:v1.11.1`, `${CACHE}/ecr-public/eks-distro/coredns/coredns:v1.11.1-eks-1-34-15`],
    preferred: `${CACHE}/k8s/coredns/coredns:v1.11.1`,
    keepsDigest: [`${CACHE}/k8s/coredns/coredns:v1.11.1`],
  },
  { image: 'quay.io/prometheus/node-exporter:v1.8.0', options: PULL_THROUGH, expect: [`${CACHE}/quay/prometheus/node-exporter:v1.8.0`],
    preferred: `${CACHE}/quay/prometheus/node-exporter:v1.8.0`,
    keepsDigest: [`${CACHE}/quay/prometheus/node-exporter:v1.8.0`] },
  { image: 'ghcr.io/fluxcd/source-controller:v1.3.0', options: PULL_THROUGH, expect: [`${CACHE}/ghcr/fluxcd/source-controller:v1.3.0`],
    preferred: `${CACHE}/ghcr/fluxcd/source-controller:v1.3.0`,
    keepsDigest: [`${CACHE}/ghcr/fluxcd/source-controller:v1.3.0`] },
  { image: 'public.ecr.aws/karpenter/controller:1.0.0', options: PULL_THROUGH, expect: [`${CACHE}/ecr-public/karpenter/controller:1.0.0`],
    preferred: `${CACHE}/ecr-public/karpenter/controller:1.0.0`,
    keepsDigest: [`${CACHE}/ecr-public/karpenter/controller:1.0.0`] },
  { image: 'public.ecr.aws/bitnami/redis:7.2', options: PULL_THROUGH, expect: [], note: /retired on 2026-06-10/ },
  { image: 'gcr.io/distroless/static:nonroot', options: PULL_THROUGH, expect: [] },
  { image: `${CACHE}/docker-hub/library/nginx:1.27`, options: PULL_THROUGH, expect: [] },
  {
    image: 'nginx:1.27',
    options: { pullThroughCache: { account: '123456789012', region: 'eu-west-1', prefixes: { 'ecr-public': 'ecr-public/' } } },
    expect: [`${CACHE}/ecr-public/docker/library/nginx:1.27`, `${CACHE}/ecr-public/nginx/nginx:1.27`],
    preferred: `${CACHE}/ecr-public/docker/library/nginx:1.27`,
    keepsDigest: [`${CACHE}/ecr-public/docker/library/nginx:1.27`],
    note: /no pull-through cache prefix is configured for docker-hub/,
  },
  {
    image: 'nginx:1.27', options: { pullThroughCache: { account: '123456789012', region: 'eu-west-1', prefixes: { 'docker-hub': 'hub' } } },
    expect: [`${CACHE}/hub/library/nginx:1.27`], preferred: `${CACHE}/hub/library/nginx:1.27`,
    keepsDigest: [`${CACHE}/hub/library/nginx:1.27`],
    note: /need an ecr-public pull-through cache prefix/,
  },
  {
    image: 'nginx:1.27', options: { pullThroughCache: { account: '1234', region: 'eu-west-1', prefixes: { 'docker-hub': 'docker-hub' } } },
    expect: [], note: /12 digits/,
  },
];

describe('rewrite catalog: table', () => {
  for (const row of TABLE) {
    const label = `${row.image}${row.options ? ` with ${JSON.stringify(row.options)}` : ''}`;
    it(label, () => {
      const plan = planRewrite(row.image, row.options);
      assert.equal(plan.error, undefined);
      assert.deepEqual(images(plan), row.expect);
      assert.equal(preferred(plan), row.preferred);
      const keeping = plan.candidates.filter((candidate) => candidate.keepsDigest).map((candidate) => candidate.image);
      // Unless a row says otherwise, exactly the docker/library mirror candidates keep digests.
      assert.deepEqual(keeping, row.keepsDigest ?? row.expect.filter((image) => image.startsWith(`${MIRROR}/`)));
      if (row.note) assert.match(notesText(plan), row.note);
      if (row.expect.length === 0) assert.ok(plan.notes.length > 0, 'an empty answer says why');
      assert.deepEqual(images(rewriteCandidates(row.image, row.options)), row.expect);
    });
  }
});

describe('rewrite catalog: invariants over the table', () => {
  const plans = TABLE.map((row) => ({ row, plan: planRewrite(row.image, row.options) }));

  it('never offers public.ecr.aws/bitnami, directly or through a cache', () => {
    for (const { plan } of plans) {
      for (const image of images(plan)) {
        assert.ok(!/(^|\/)public\.ecr\.aws\/bitnami\//i.test(image) && !/\/ecr-public\/bitnami\//.test(image), image);
      }
    }
  });

  it('never maps a non-library Docker Hub image to docker/library', () => {
    for (const { row, plan } of plans) {
      if (/docker\/library\//.test(images(plan).join(' ')) && row.options?.mappings === undefined) {
        assert.match(plan.normalized ?? '', /^docker\.io\/library\//, row.image);
      }
    }
  });

  it('keeps the tag of the source on every non-EKS-Distro candidate', () => {
    for (const { plan } of plans) {
      const tag = /:([\w][\w.-]*)(?:@|$)/.exec((plan.normalized ?? '').replace(/^[^/]*\//, ''))?.[1];
      for (const candidate of plan.candidates) {
        if (candidate.image.includes('/eks-distro/')) continue;
        const candidateTag = /:([\w][\w.-]*)(?:@|$)/.exec(candidate.image.replace(/^[^/]*\//, ''))?.[1];
        assert.equal(candidateTag, tag, candidate.image);
      }
    }
  });

  it('cites a source on every candidate and says why', () => {
    for (const { plan } of plans) {
      for (const candidate of plan.candidates) {
        assert.ok(candidate.source.length > 0 && candidate.reason.length > 0 && candidate.title.includes(candidate.image), candidate.image);
      }
    }
  });

  it('only rewrites registry.k8s.io images to tags listed in the EKS Distro map', () => {
    const tagMaps = catalogEntries().filter((entry) => entry.kind === 'tag-map');
    for (const { plan } of plans) {
      for (const image of images(plan)) {
        if (!image.includes('eks-distro/')) continue;
        const entry = tagMaps.find((e) => e.kind === 'tag-map' && image.includes(e.to.slice('public.ecr.aws/'.length)));
        assert.ok(entry && entry.kind === 'tag-map', image);
        const tag = image.slice(image.lastIndexOf(':') + 1);
        assert.ok(Object.values(entry.tags).includes(tag), image);
      }
    }
  });
});

describe('rewrite catalog: property over generated references', () => {
  const officialNames = (() => {
    const entry = catalogEntries().find((e) => e.kind === 'official-mirror');
    return entry && entry.kind === 'official-mirror' ? entry.images : [];
  })();
  const hex = fc.stringMatching(/^[0-9a-f]{64}$/);
  const reference = fc.tuple(
    fc.constantFrom('', 'docker.io/', 'index.docker.io/', 'registry-1.docker.io/', 'docker.io/library/', 'library/', 'bitnami/', 'myorg/',
      'public.ecr.aws/', 'public.ecr.aws/bitnami/', 'registry.k8s.io/', 'quay.io/org/', 'ghcr.io/org/', 'gcr.io/datadoghq/'),
    fc.oneof(fc.constantFrom(...officialNames, 'pause', 'coredns/coredns', 'etcd', 'agent', 'grafana', 'centos'), fc.stringMatching(/^[a-z][a-z0-9]{0,6}$/)),
    fc.option(fc.constantFrom('1.27', 'latest', '3.7', '3.10', 'v1.11.1', '3.5.21-0', 'v1.34.3', '7'), { nil: undefined }),
    fc.option(hex.map((h) => `sha256:${h}`), { nil: undefined }),
  ).map(([prefix, name, tag, digest]) => `${prefix}${name}${tag ? `:${tag}` : ''}${digest ? `@${digest}` : ''}`);
  const options = fc.option(fc.constant(PULL_THROUGH), { nil: undefined });

  it('never invents: docker/library only for listed Official Images, digests only where kept, no Bitnami, one preferred at most', () => {
    fc.assert(fc.property(reference, options, (image, opts) => {
      const plan = planRewrite(image, opts);
      assert.equal(plan.error, undefined, image);
      const source = plan.normalized ?? '';
      const digest = /@(sha256:[0-9a-f]{64})$/.exec(source)?.[1];
      assert.ok(plan.candidates.filter((c) => c.preferred).length <= 1);
      for (const candidate of plan.candidates) {
        assert.ok(!/public\.ecr\.aws\/bitnami\/|\/ecr-public\/bitnami\//.test(candidate.image), candidate.image);
        if (candidate.image.includes('docker/library/')) {
          const official = /^docker\.io\/library\/([a-z0-9._-]+)(?:[:@]|$)/.exec(source);
          assert.ok(official && officialNames.includes(official[1]), `${image} -> ${candidate.image}`);
        }
        if (digest !== undefined) assert.equal(candidate.image.endsWith(`@${digest}`), candidate.keepsDigest, candidate.image);
        if (opts) assert.ok(candidate.image.startsWith(`${CACHE}/`), candidate.image);
        else assert.ok(candidate.image.startsWith('public.ecr.aws/'), candidate.image);
      }
      if (plan.candidates.length === 0) assert.ok(plan.notes.length > 0, image);
    }), { numRuns: 500 });
  });
});

describe('rewrite catalog: bad input', () => {
  for (const image of ['', 'Nginx:1.27', 'nginx:', '{{ .Values.image }}', 'nginx@sha256:abc', ' nginx', 'a//b']) {
    it(`"${image}" is an error with no candidates`, () => {
      const plan = planRewrite(image);
      assert.ok(plan.error, 'error set');
      assert.deepEqual(plan.candidates, []);
    });
  }

  it('is total on non-string input', () => {
    const plan = planRewrite(42 as unknown as string);
    assert.ok(plan.error);
  });
});

describe('rewrite catalog: options', () => {
  const cases: [string, CatalogOptions, RegExp][] = [
    ['account', { pullThroughCache: { account: '12345678901a', region: 'us-east-1', prefixes: {} } }, /^pullThroughCache\.account: .*12 digits/],
    ['region shape', { pullThroughCache: { account: '123456789012', region: 'useast1', prefixes: {} } }, /^pullThroughCache\.region: .*not an AWS region/],
    ['China region', { pullThroughCache: { account: '123456789012', region: 'cn-north-1', prefixes: {} } }, /China/],
    ['GovCloud region', { pullThroughCache: { account: '123456789012', region: 'us-gov-west-1', prefixes: {} } }, /GovCloud/],
    ['ROOT prefix', { pullThroughCache: { account: '123456789012', region: 'us-east-1', prefixes: { quay: 'ROOT' } } }, /prefixes\.quay: ROOT/],
    ['bad prefix', { pullThroughCache: { account: '123456789012', region: 'us-east-1', prefixes: { quay: 'My Cache' } } }, /prefixes\.quay/],
    ['unknown upstream', { pullThroughCache: { account: '123456789012', region: 'us-east-1', prefixes: { gitlab: 'gl' } as never } }, /prefixes\.gitlab: unknown upstream/],
    ['mapping wildcard mismatch', { mappings: [{ from: 'quay.io/*', to: 'public.ecr.aws/x' }] }, /^mappings\[0\]: .*both end in/],
    ['mapping inner wildcard', { mappings: [{ from: 'quay.io/*/app', to: 'public.ecr.aws/x/app' }] }, /only a trailing/],
    ['mapping bare star', { mappings: [{ from: '/*', to: 'public.ecr.aws/*' }] }, /mappings\[0\]\.from/],
    ['mapping with tag', { mappings: [{ from: 'nginx:1.27', to: 'public.ecr.aws/x/nginx' }] }, /mappings\[0\]\.from: .*without tag or digest/],
    ['mapping bad target', { mappings: [{ from: 'nginx', to: 'Public ECR' }] }, /mappings\[0\]\.to/],
    ['mapping keepDigest type', { mappings: [{ from: 'nginx', to: 'public.ecr.aws/x/nginx', keepDigest: 'yes' as never }] }, /keepDigest/],
  ];
  for (const [label, options, expected] of cases) {
    it(`reports ${label}`, () => {
      const problems = validateCatalogOptions(options).map((problem) => `${problem.path}: ${problem.message}`);
      assert.ok(problems.some((problem) => expected.test(problem)), problems.join('\n'));
    });
  }

  it('accepts a good configuration, a trailing slash on a prefix included', () => {
    assert.deepEqual(validateCatalogOptions(PULL_THROUGH), []);
    assert.deepEqual(validateCatalogOptions({
      pullThroughCache: { account: '000000000000', region: 'ap-southeast-2', prefixes: { 'docker-hub': 'team-a/hub/' } },
      mappings: [{ from: 'quay.io/*', to: 'public.ecr.aws/x/*' }, { from: 'bitnami/*', to: 'registry.example.com:5000/b/*', keepDigest: true }],
      disabled: ['nginx/nginx'],
    }), []);
    assert.deepEqual(images(planRewrite('nginx:1', { pullThroughCache: { account: '000000000000', region: 'ap-southeast-2', prefixes: { 'docker-hub': 'team-a/hub/' } } })),
      ['000000000000.dkr.ecr.ap-southeast-2.amazonaws.com/team-a/hub/library/nginx:1']);
  });

  it('an invalid mapping is left out and reported in the plan', () => {
    const plan = planRewrite('nginx:1.27', { mappings: [{ from: 'nginx', to: 'Not A Repo' }] });
    assert.deepEqual(images(plan), [`${MIRROR}/nginx:1.27`, 'public.ecr.aws/nginx/nginx:1.27']);
    assert.match(notesText(plan), /ignored option mappings\[0\]\.to/);
  });

  it('a Docker Hub namespace pattern does not match the library namespace', () => {
    const options: CatalogOptions = { mappings: [{ from: 'bitnami/*', to: 'registry.example.com/b/*' }] };
    assert.deepEqual(images(planRewrite('bitnami/redis:7', options)), ['registry.example.com/b/redis:7']);
    assert.deepEqual(images(planRewrite('docker.io/bitnami/charts/redis:7', options)), ['registry.example.com/b/charts/redis:7']);
    assert.deepEqual(images(planRewrite('bitnamilegacy/redis:7', options)), []);
    assert.deepEqual(images(planRewrite('redis:7', options)), [`${MIRROR}/redis:7`]);
  });

  it('a registry-wide pattern maps every repository of that registry', () => {
    const options: CatalogOptions = { mappings: [{ from: 'index.docker.io/*', to: 'registry.example.com/hub/*' }] };
    assert.deepEqual(images(planRewrite('grafana/grafana:11', options)), ['registry.example.com/hub/grafana/grafana:11']);
    assert.deepEqual(images(planRewrite('nginx:1', options))[0], 'registry.example.com/hub/library/nginx:1');
    assert.deepEqual(images(planRewrite('quay.io/a/b:1', options)), []);
  });

  it('a mapping onto the image itself is not a candidate', () => {
    assert.deepEqual(images(planRewrite('quay.io/a/b:1', { mappings: [{ from: 'quay.io/a/b', to: 'quay.io/a/b' }] })), []);
  });

  it('a user mapping that duplicates a catalog target is offered once, as the user\'s', () => {
    const plan = planRewrite('nginx:1.27', { mappings: [{ from: 'nginx', to: `${MIRROR}/nginx`, keepDigest: true }] });
    assert.deepEqual(images(plan), [`${MIRROR}/nginx:1.27`, 'public.ecr.aws/nginx/nginx:1.27']);
    assert.match(plan.candidates[0].source, /settings: mappings\[0\]/);
    assert.equal(plan.candidates[0].preferred, true);
  });
});

describe('rankCandidates', () => {
  const nginx = rewriteCandidates('nginx:1.27');
  const onlyPublicEcr = (image: string) => image.startsWith('public.ecr.aws/');

  it('keeps passing candidates and the catalog preference when its candidate survives', () => {
    const ranked = rankCandidates(nginx, onlyPublicEcr);
    assert.deepEqual(images(ranked), images(nginx));
    assert.deepEqual(ranked.map((c) => c.preferred), [true, false]);
  });

  it('prefers a single survivor, even an alternative build', () => {
    const ranked = rankCandidates(nginx, (image) => image.startsWith('public.ecr.aws/nginx/'));
    assert.deepEqual(images(ranked), ['public.ecr.aws/nginx/nginx:1.27']);
    assert.equal(ranked[0].preferred, true);
  });

  it('prefers none when several survive and the preferred one did not', () => {
    const three = rewriteCandidates('nginx:1.27', PULL_THROUGH);
    const ranked = rankCandidates(three, (image) => image.includes('/ecr-public/'));
    assert.equal(ranked.length, 2);
    assert.deepEqual(ranked.map((c) => c.preferred), [false, false]);
  });

  it('returns nothing when nothing passes, and never changes its input', () => {
    const before = JSON.stringify(nginx);
    assert.deepEqual(rankCandidates(nginx, () => false), []);
    rankCandidates(nginx, (image) => image.includes('/nginx/nginx'));
    assert.equal(JSON.stringify(nginx), before);
  });
});

describe('catalog data', () => {
  const data = catalog();
  const sourceIds = new Set(data.sources.map((source) => source.id));

  it('is versioned, dated and frozen', () => {
    assert.match(catalogInfo().version, /^\d{4}\.\d{1,2}\.\d+$/);
    assert.match(catalogInfo().checked, /^\d{4}-\d{2}-\d{2}$/);
    assert.ok(Object.isFrozen(data) && Object.isFrozen(data.entries) && data.entries.every((entry) => Object.isFrozen(entry)));
    assert.throws(() => { (catalogEntries() as unknown as unknown[]).push({}); });
  });

  it('cites an existing source in every entry, and every source has a reference and an address', () => {
    assert.equal(sourceIds.size, data.sources.length, 'source ids are unique');
    for (const source of data.sources) assert.ok(source.ref && /^https:\/\//.test(source.url) && source.supports, source.id);
    for (const entry of data.entries) {
      assert.ok(entry.sources.length > 0, entry.id);
      for (const id of entry.sources) assert.ok(sourceIds.has(id), `${entry.id} cites unknown source ${id}`);
    }
    assert.equal(new Set(data.entries.map((entry) => entry.id)).size, data.entries.length, 'entry ids are unique');
  });

  it('targets only Amazon ECR Public, never the retired Bitnami namespace', () => {
    for (const entry of data.entries) {
      const target = entry.kind === 'official-mirror' ? entry.target : entry.kind === 'publisher' || entry.kind === 'tag-map' ? entry.to : undefined;
      if (target === undefined) continue;
      assert.match(target, /^public\.ecr\.aws\/[a-z0-9-]+\//, entry.id);
      assert.ok(!target.startsWith('public.ecr.aws/bitnami/'), entry.id);
    }
  });

  it('lists Official Images as unique, sorted, single repository names', () => {
    const mirror = data.entries.find((entry) => entry.kind === 'official-mirror');
    assert.ok(mirror && mirror.kind === 'official-mirror');
    assert.deepEqual([...mirror.images], [...new Set(mirror.images)].sort());
    for (const name of mirror.images) assert.match(name, /^[a-z0-9]+(?:[._-][a-z0-9]+)*$/);
    for (const name of ['nginx', 'redis', 'postgres', 'python', 'node', 'golang', 'alpine', 'busybox', 'ubuntu', 'debian']) {
      assert.ok(mirror.images.includes(name), name);
    }
  });

  it('keeps publisher and EKS Distro sources apart from the byte-identical mirror', () => {
    for (const entry of data.entries) {
      if (entry.kind === 'publisher' || entry.kind === 'tag-map') assert.equal(entry.keepsDigest, false, entry.id);
      if (entry.kind === 'official-mirror') assert.equal(entry.keepsDigest, true, entry.id);
      if (entry.kind === 'tag-map') {
        assert.ok(entry.from.startsWith('registry.k8s.io/'), entry.id);
        assert.ok(Object.keys(entry.tags).length > 0, entry.id);
      }
    }
  });
});
