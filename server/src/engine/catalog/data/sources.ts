// Every public statement the rewrite catalog rests on. Entries cite these by id; a candidate's `source`
// lists the refs and addresses of its entry's sources. Add a source before adding a fact.
import type { CatalogSource } from '../model';

export const CATALOG_SOURCES: readonly CatalogSource[] = [
  {
    id: 'docker-mirrors-official-images',
    ref: 'rust-lang/docker-rust#75',
    url: 'https://github.com/rust-lang/docker-rust/issues/75',
    supports: 'An Official Images maintainer (2022-01-10): "Docker Inc. mirrors all of the Official Images automatically: https://gallery.ecr.aws/docker/", linking Docker\'s blog post on Official Images on Amazon ECR Public.',
  },
  {
    id: 'ecr-roadmap-official-images-sync',
    ref: 'aws/containers-roadmap#1168',
    url: 'https://github.com/aws/containers-roadmap/issues/1168',
    supports: '"Automatically sync docker-library/official-images to public.ecr.aws", labelled Shipped.',
  },
  {
    id: 'ecr-roadmap-mirror-lag',
    ref: 'aws/containers-roadmap#1660',
    url: 'https://github.com/aws/containers-roadmap/issues/1660',
    supports: 'The ECR Public mirror of the Official Images has been out of sync with Docker Hub (139 vs 173 images in 2022): a mirrored tag must be checked before use.',
  },
  {
    id: 'official-images-library',
    ref: 'docker-library/official-images library/',
    url: 'https://github.com/docker-library/official-images/tree/master/library',
    supports: 'One file per Docker Official Image; the file name is the image name under Docker Hub library/.',
  },
  {
    id: 'distribution-reference-normalize',
    ref: 'distribution/reference normalize.go',
    url: 'https://github.com/distribution/reference/blob/main/normalize.go',
    supports: 'Docker Hub is docker.io; index.docker.io is its legacy name and "the actual domain of Docker Hub\'s registry is registry-1.docker.io"; single-name repositories live under library/.',
  },
  {
    id: 'ecr-pull-through-upstreams',
    ref: 'Amazon ECR CreatePullThroughCacheRule, upstreamRegistryUrl',
    url: 'https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_CreatePullThroughCacheRule.html',
    supports: 'Docker Hub\'s registry endpoint is registry-1.docker.io (the upstream URL of a Docker Hub cache rule).',
  },
  {
    id: 'nginx-ecr-public',
    ref: 'nginx/docker-nginx#611, #869, #952',
    url: 'https://github.com/nginx/docker-nginx/issues/869',
    supports: 'NGINX publishes its nginx image to its own ECR Public repository gallery.ecr.aws/nginx/nginx, synced from Docker Hub by a job of its own that has lagged behind (#869, #952).',
  },
  {
    id: 'eks-workshop-nginx',
    ref: 'aws-samples/eks-workshop-v2 security/kyverno/restricting-images',
    url: 'https://github.com/aws-samples/eks-workshop-v2/blob/main/website/docs/security/kyverno/restricting-images.md',
    supports: 'The EKS workshop\'s registry policy admits public.ecr.aws/nginx/nginx as the replacement for nginx.',
  },
  {
    id: 'nginx-ingress-ecr-public',
    ref: 'nginx/kubernetes-ingress#2177',
    url: 'https://github.com/nginx/kubernetes-ingress/pull/2177',
    supports: '"Start uploading images to https://gallery.ecr.aws/nginx/nginx-ingress".',
  },
  {
    id: 'nginx-exporter-ecr-public',
    ref: 'nginx/nginx-prometheus-exporter#230',
    url: 'https://github.com/nginx/nginx-prometheus-exporter/pull/230',
    supports: '"Start pushing images to https://gallery.ecr.aws/nginx/nginx-prometheus-exporter".',
  },
  {
    id: 'nginx-unprivileged-ecr-public',
    ref: 'nginx/docker-nginx-unprivileged#111',
    url: 'https://github.com/nginx/docker-nginx-unprivileged/issues/111',
    supports: 'NGINX publishes nginxinc/nginx-unprivileged to ECR Public as public.ecr.aws/nginx/nginx-unprivileged.',
  },
  {
    id: 'ubuntu-oci-registries',
    ref: 'Canonical, Ubuntu OCI registries: getting started',
    url: 'https://documentation.ubuntu.com/oci-registries/oci-how-to/getting-started/',
    supports: 'Ubuntu images are at public.ecr.aws/ubuntu/ubuntu; they are refreshed up to several times a day, while the Docker Hub Official Image is updated only every two weeks.',
  },
  {
    id: 'amazonlinux-ecr-public',
    ref: 'aws/aws-cli#7891; amazonlinux/container-images README',
    url: 'https://github.com/amazonlinux/container-images',
    supports: 'Amazon Linux images are published to ECR (public.ecr.aws/amazonlinux/amazonlinux, used by aws-cli#7891) the same day as an AMI release, and submitted to Docker Official Images in weekly batches.',
  },
  {
    id: 'datadog-registries',
    ref: 'Datadog docs: Changing your container registry',
    url: 'https://docs.datadoghq.com/containers/guide/changing_container_registry/',
    supports: 'Datadog publishes agent, cluster-agent, operator, dogstatsd and synthetics-private-location-worker on Docker Hub (docker.io/datadog), GAR (gcr.io/datadoghq, eu.gcr.io, asia.gcr.io), ACR (datadoghq.azurecr.io), registry.datadoghq.com and Amazon ECR Public (public.ecr.aws/datadog).',
  },
  {
    id: 'datadog-ecr-missing-tag',
    ref: 'DataDog/helm-charts#198',
    url: 'https://github.com/DataDog/helm-charts/issues/198',
    supports: 'A tag of public.ecr.aws/datadog/agent was missing ("manifest unknown") while it existed elsewhere.',
  },
  {
    id: 'karpenter-chart',
    ref: 'aws/karpenter-provider-aws charts/karpenter/values.yaml',
    url: 'https://github.com/aws/karpenter-provider-aws/blob/main/charts/karpenter/values.yaml',
    supports: 'The Karpenter controller image is public.ecr.aws/karpenter/controller (chart at oci://public.ecr.aws/karpenter/karpenter).',
  },
  {
    id: 'eks-distro-v1-35-eks-15',
    ref: 'aws/eks-distro release v1-35-eks-15',
    url: 'https://newreleases.io/project/github/aws/eks-distro/release/v1-35-eks-15',
    supports: 'EKS Distro 1-35 release 15 ships kubernetes/pause:v1.35.8-eks-1-35-15, coredns/coredns:v1.14.6-eks-1-35-15 and etcd-io/etcd:v3.5.21-eks-1-35-15 under public.ecr.aws/eks-distro.',
  },
  {
    id: 'vcluster-eks-distro-images',
    ref: 'loft-sh/vcluster pkg/helm/values/eks.go',
    url: 'https://github.com/loft-sh/vcluster/blob/a418dd8d63c52d4fbdbd50367ca4a516ef652b44/pkg/helm/values/eks.go',
    supports: 'EKS Distro kube-apiserver, kube-controller-manager, etcd and coredns images per Kubernetes minor 1.25-1.34, e.g. kube-apiserver:v1.34.3-eks-1-34-15, etcd-io/etcd:v3.5.10-eks-1-34-15, coredns/coredns:v1.11.1-eks-1-34-15.',
  },
  {
    id: 'upstream-etcd-tags',
    ref: 'loft-sh/vcluster K8SEtcdVersionMap; kubeadm config images',
    url: 'https://github.com/loft-sh/vcluster/tree/main/pkg/helm/values',
    supports: 'Upstream etcd images are tagged <etcd version>-<build>, e.g. registry.k8s.io/etcd:3.5.9-0 (Kubernetes 1.28), 3.5.10-0 (1.29), 3.5.21-0 (kubeadm 1.33).',
  },
  {
    id: 'eks-workshop-pause',
    ref: 'aws-samples/eks-workshop-v2 (Karpenter module)',
    url: 'https://github.com/aws-samples/eks-workshop-v2',
    supports: 'The EKS workshop runs public.ecr.aws/eks-distro/kubernetes/pause:3.2.',
  },
  {
    id: 'karpenter-workshop-pause',
    ref: 'aws-samples/karpenter-workshop-additional 06-EC2NodeClass/22-app.sh',
    url: 'https://github.com/aws-samples/karpenter-workshop-additional/blob/main/06-EC2NodeClass/22-app.sh',
    supports: 'AWS\'s Karpenter workshop runs public.ecr.aws/eks-distro/kubernetes/pause:3.7.',
  },
  {
    id: 'bitnami-ecr-retired',
    ref: 'aws/containers-roadmap#2817; bitnami/containers#93713; bitnami/charts#36537',
    url: 'https://github.com/aws/containers-roadmap/issues/2817',
    supports: 'Bitnami content on AWS is retired on 2026-06-10: pulls of public.ecr.aws/bitnami/* (317 repositories) fail after that date.',
  },
  {
    id: 'ecr-pull-through-urls',
    ref: 'Amazon ECR User Guide: Pulling an image with a pull through cache rule',
    url: 'https://docs.aws.amazon.com/AmazonECR/latest/userguide/pull-through-cache-working.html',
    supports: '<account>.dkr.ecr.<region>.amazonaws.com/<prefix>/<upstream repository>:<tag>; for Docker Hub Official Images the library/ prefix must be included, for all other Docker Hub repositories it must be omitted.',
  },
  {
    id: 'ecr-pull-through-prefixes',
    ref: 'Amazon ECR User Guide: Customizing repository prefixes',
    url: 'https://docs.aws.amazon.com/AmazonECR/latest/userguide/pull-through-cache-private-wildcards.html',
    supports: 'There is always an assumed / after the ECR repository prefix; ROOT is a special prefix for ECR-to-ECR rules.',
  },
  {
    id: 'ecr-pull-through-regions',
    ref: 'AWS What\'s New 2023-11-17: ECR pull through cache adds Docker Hub, ACR, GHCR',
    url: 'https://aws.amazon.com/about-aws/whats-new/2023/11/amazon-ecr-pull-through-cache-additional-upstream-registries/',
    supports: 'Pull through cache rules are supported in all AWS Regions except AWS GovCloud (US) and the China Regions.',
  },
];
