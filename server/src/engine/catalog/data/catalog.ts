// The rewrite catalog: versioned data, each entry citing the sources (./sources.ts) it rests on.
// Nothing here is guessed from a naming pattern: a target is listed only when a source shows it exists,
// and a tag of a rebuilt image (EKS Distro) only when a source shows that very tag.
import type { Catalog, CatalogEntry } from '../model';
import { CATALOG_SOURCES } from './sources';

/**
 * Docker Official Images (Docker Hub `library/<name>`) whose mirror the catalog offers. Each name is a
 * file under docker-library/official-images `library/`, checked 2026-11-27; names whose file exists only
 * in the history of that folder (deprecated images, e.g. `grafana`, `centos`, `openjdk`) are left out.
 */
const OFFICIAL_IMAGES: readonly string[] = [
  'adminer', 'almalinux', 'alpine', 'amazoncorretto', 'amazonlinux', 'archlinux', 'bash', 'buildpack-deps',
  'busybox', 'caddy', 'cassandra', 'clojure', 'couchdb', 'debian', 'docker', 'drupal', 'eclipse-mosquitto',
  'eclipse-temurin', 'elasticsearch', 'elixir', 'erlang', 'fedora', 'ghost', 'golang', 'gradle', 'groovy',
  'haproxy', 'haskell', 'hello-world', 'httpd', 'influxdb', 'jetty', 'julia', 'kong', 'mariadb', 'maven',
  'memcached', 'mongo', 'mysql', 'nats', 'neo4j', 'nextcloud', 'nginx', 'node', 'oraclelinux', 'perl',
  'photon', 'php', 'postgres', 'python', 'rabbitmq', 'redis', 'redmine', 'registry', 'ruby', 'rust', 'solr',
  'sonarqube', 'swift', 'telegraf', 'tomcat', 'traefik', 'ubuntu', 'wordpress', 'zookeeper',
];

const DATADOG_IMAGES = ['agent', 'cluster-agent', 'operator', 'dogstatsd', 'synthetics-private-location-worker'] as const;

// Datadog pushes the same images to every registry in its docs; the ECR copy is the same product, but its
// manifests are not documented to be byte-identical, so digests are not carried over.
const datadogEntries: CatalogEntry[] = DATADOG_IMAGES.map((name) => ({
  id: `datadog/${name}`,
  kind: 'publisher',
  title: `Datadog ${name} on Amazon ECR Public`,
  from: [
    `docker.io/datadog/${name}`,
    `gcr.io/datadoghq/${name}`,
    `eu.gcr.io/datadoghq/${name}`,
    `asia.gcr.io/datadoghq/${name}`,
    `datadoghq.azurecr.io/${name}`,
    `registry.datadoghq.com/${name}`,
  ],
  to: `public.ecr.aws/datadog/${name}`,
  keepsDigest: false,
  reason: 'Datadog publishes this image to Amazon ECR Public as well; the same tags are published there, but ECR Public has missed tags before, and the manifests are not documented to be identical, so a digest is not carried over.',
  sources: ['datadog-registries', 'datadog-ecr-missing-tag'],
}));

// The Kubernetes control-plane builds listed by the vcluster source: upstream vX.Y.Z → EKS-D vX.Y.Z-eks-X-Y-N.
const KUBERNETES_CONTROL_PLANE_TAGS: Readonly<Record<string, string>> = {
  'v1.34.3': 'v1.34.3-eks-1-34-15',
  'v1.33.7': 'v1.33.7-eks-1-33-20',
  'v1.32.10': 'v1.32.10-eks-1-32-25',
  'v1.31.14': 'v1.31.14-eks-1-31-30',
  'v1.30.14': 'v1.30.14-eks-1-30-35',
  'v1.29.15': 'v1.29.15-eks-1-29-40',
  'v1.28.15': 'v1.28.15-eks-1-28-45',
  'v1.27.16': 'v1.27.16-eks-1-27-50',
  'v1.26.20': 'v1.26.20-eks-1-26-55',
  'v1.25.25': 'v1.25.25-eks-1-25-60',
};

const EKS_DISTRO_REASON =
  'EKS Distro rebuilds this component from the same upstream release with its own patches and tags, so the tag changes and the digest is not carried over.';

const entries: CatalogEntry[] = [
  {
    id: 'bitnami-retired',
    kind: 'forbidden-target',
    title: 'Bitnami on Amazon ECR Public (retired)',
    prefix: 'public.ecr.aws/bitnami/',
    reason: 'Bitnami content on Amazon ECR Public was retired on 2026-06-10: pulls of public.ecr.aws/bitnami/* fail.',
    sources: ['bitnami-ecr-retired'],
  },
  {
    id: 'docker-official-images',
    kind: 'official-mirror',
    title: 'Docker Official Images mirror on Amazon ECR Public',
    target: 'public.ecr.aws/docker/library',
    images: OFFICIAL_IMAGES,
    keepsDigest: true,
    reason: 'Docker mirrors every Docker Official Image to Amazon ECR Public under docker/library, so this is the same image: the tag and the digest are kept. The mirror has lagged behind Docker Hub before: check that the tag exists.',
    sources: ['docker-mirrors-official-images', 'ecr-roadmap-official-images-sync', 'official-images-library', 'ecr-roadmap-mirror-lag'],
  },
  {
    id: 'nginx/nginx',
    kind: 'publisher',
    title: 'NGINX\'s own nginx repository on Amazon ECR Public',
    from: ['docker.io/library/nginx'],
    to: 'public.ecr.aws/nginx/nginx',
    keepsDigest: false,
    reason: 'NGINX publishes nginx in its own ECR Public repository (the one the EKS workshop uses), synced by its own job that has lagged behind Docker Hub: a separate repository whose manifests are not documented to be identical, so a digest is not carried over.',
    sources: ['nginx-ecr-public', 'eks-workshop-nginx'],
  },
  {
    id: 'nginx/nginx-unprivileged',
    kind: 'publisher',
    title: 'NGINX unprivileged image on Amazon ECR Public',
    from: ['docker.io/nginxinc/nginx-unprivileged'],
    to: 'public.ecr.aws/nginx/nginx-unprivileged',
    keepsDigest: false,
    reason: 'NGINX publishes the unprivileged image to its own ECR Public repository as well; the manifests are not documented to be identical, so a digest is not carried over.',
    sources: ['nginx-unprivileged-ecr-public'],
  },
  {
    id: 'nginx/nginx-ingress',
    kind: 'publisher',
    title: 'NGINX Ingress Controller on Amazon ECR Public',
    from: ['docker.io/nginx/nginx-ingress'],
    to: 'public.ecr.aws/nginx/nginx-ingress',
    keepsDigest: false,
    reason: 'NGINX uploads the Ingress Controller images to its ECR Public repository as well; the manifests are not documented to be identical, so a digest is not carried over.',
    sources: ['nginx-ingress-ecr-public'],
  },
  {
    id: 'nginx/nginx-prometheus-exporter',
    kind: 'publisher',
    title: 'NGINX Prometheus exporter on Amazon ECR Public',
    from: ['docker.io/nginx/nginx-prometheus-exporter'],
    to: 'public.ecr.aws/nginx/nginx-prometheus-exporter',
    keepsDigest: false,
    reason: 'NGINX pushes the exporter images to its ECR Public repository as well; the manifests are not documented to be identical, so a digest is not carried over.',
    sources: ['nginx-exporter-ecr-public'],
  },
  {
    id: 'ubuntu/ubuntu',
    kind: 'publisher',
    title: 'Canonical\'s Ubuntu repository on Amazon ECR Public',
    from: ['docker.io/library/ubuntu'],
    to: 'public.ecr.aws/ubuntu/ubuntu',
    keepsDigest: false,
    reason: 'Canonical publishes Ubuntu to ECR Public itself and refreshes it up to several times a day, while the Docker Official Image is updated every two weeks: a different build, so a digest is not carried over.',
    sources: ['ubuntu-oci-registries'],
  },
  {
    id: 'amazonlinux/amazonlinux',
    kind: 'publisher',
    title: 'Amazon Linux repository on Amazon ECR Public',
    from: ['docker.io/library/amazonlinux'],
    to: 'public.ecr.aws/amazonlinux/amazonlinux',
    keepsDigest: false,
    reason: 'Amazon Linux is published to ECR Public the day of each release and to Docker Official Images in weekly batches: a different build, so a digest is not carried over.',
    sources: ['amazonlinux-ecr-public'],
  },
  ...datadogEntries,
  {
    id: 'karpenter',
    kind: 'namespace',
    title: 'Karpenter on Amazon ECR Public',
    namespace: 'public.ecr.aws/karpenter',
    note: 'Karpenter is published on Amazon ECR Public only (controller image and Helm chart), so there is nothing to rewrite from; listed for allow-lists and documentation.',
    sources: ['karpenter-chart'],
  },
  {
    id: 'eks-distro/pause',
    kind: 'tag-map',
    title: 'EKS Distro pause image',
    from: 'registry.k8s.io/pause',
    to: 'public.ecr.aws/eks-distro/kubernetes/pause',
    // EKS Distro's own pause tags follow the Kubernetes release (v1.35.8-eks-1-35-15), which no upstream
    // pause tag names; only these upstream-numbered tags are shown to exist.
    tags: { '3.2': '3.2', '3.7': '3.7' },
    keepsDigest: false,
    reason: EKS_DISTRO_REASON,
    sources: ['eks-workshop-pause', 'karpenter-workshop-pause', 'eks-distro-v1-35-eks-15'],
  },
  {
    id: 'eks-distro/coredns',
    kind: 'tag-map',
    title: 'EKS Distro CoreDNS',
    from: 'registry.k8s.io/coredns/coredns',
    to: 'public.ecr.aws/eks-distro/coredns/coredns',
    tags: {
      'v1.14.6': 'v1.14.6-eks-1-35-15',
      'v1.11.1': 'v1.11.1-eks-1-34-15',
      'v1.10.1': 'v1.10.1-eks-1-32-25',
      'v1.9.3': 'v1.9.3-eks-1-26-55',
    },
    keepsDigest: false,
    reason: EKS_DISTRO_REASON,
    sources: ['eks-distro-v1-35-eks-15', 'vcluster-eks-distro-images'],
  },
  {
    id: 'eks-distro/etcd',
    kind: 'tag-map',
    title: 'EKS Distro etcd',
    from: 'registry.k8s.io/etcd',
    to: 'public.ecr.aws/eks-distro/etcd-io/etcd',
    tags: {
      '3.5.21-0': 'v3.5.21-eks-1-35-15',
      '3.5.10-0': 'v3.5.10-eks-1-34-15',
      '3.5.9-0': 'v3.5.9-eks-1-33-20',
    },
    keepsDigest: false,
    reason: EKS_DISTRO_REASON,
    sources: ['eks-distro-v1-35-eks-15', 'vcluster-eks-distro-images', 'upstream-etcd-tags'],
  },
  {
    id: 'eks-distro/kube-apiserver',
    kind: 'tag-map',
    title: 'EKS Distro kube-apiserver',
    from: 'registry.k8s.io/kube-apiserver',
    to: 'public.ecr.aws/eks-distro/kubernetes/kube-apiserver',
    tags: KUBERNETES_CONTROL_PLANE_TAGS,
    keepsDigest: false,
    reason: EKS_DISTRO_REASON,
    sources: ['vcluster-eks-distro-images'],
  },
  {
    id: 'eks-distro/kube-controller-manager',
    kind: 'tag-map',
    title: 'EKS Distro kube-controller-manager',
    from: 'registry.k8s.io/kube-controller-manager',
    to: 'public.ecr.aws/eks-distro/kubernetes/kube-controller-manager',
    tags: KUBERNETES_CONTROL_PLANE_TAGS,
    keepsDigest: false,
    reason: EKS_DISTRO_REASON,
    sources: ['vcluster-eks-distro-images'],
  },
];

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const key of Object.keys(value)) deepFreeze((value as Record<string, unknown>)[key]);
  }
  return value;
}

export const CATALOG: Catalog = deepFreeze({
  version: '2026.11.1',
  checked: '2026-11-27',
  sources: CATALOG_SOURCES,
  entries,
});
