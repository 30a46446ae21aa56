// Image references as Kyverno's CEL image library reads them (kyverno/sdk extensions/cel/libs/image),
// which parses with go-containerregistry `name.ParseReference` in its default (weak) mode. This is a
// different grammar from the `images` context variable (distribution/reference, engine/image):
//  - Docker Hub is `index.docker.io` (`docker.io` and "no registry" both become it);
//  - a single-component Docker Hub repository gets `library/`;
//  - the first path component is a registry only when it contains `.` or `:`, so `localhost/x` is the
//    Docker Hub repository `localhost/x`;
//  - a reference without tag or digest has the tag `latest`; `name:tag@digest` is a digest reference.

const DEFAULT_REGISTRY = 'index.docker.io';
const DOCKER_HUB_ALIAS = 'docker.io';
const DEFAULT_NAMESPACE = 'library';
const DEFAULT_TAG = 'latest';
const REPOSITORY_CHARS = 'abcdefghijklmnopqrstuvwxyz0123456789_-./';
const TAG_CHARS = 'abcdefghijklmnopqrstuvwxyz0123456789_-.ABCDEFGHIJKLMNOPQRSTUVWXYZ';
const DIGEST_CHARS = 'sh:0123456789abcdef';

export interface ContainerImageReference {
  /** `Tag` or `Digest`: what ParseReference returned. */
  kind: 'tag' | 'digest';
  /** Context().RegistryStr(), e.g. `index.docker.io`, `ghcr.io`, `localhost:5000`. */
  registry: string;
  /** Context().RepositoryStr(), with `library/` for single-component Docker Hub names. */
  repository: string;
  /** The tag as written ("" when none; a tag reference then reports `latest`). */
  writtenTag: string;
  /** The digest of a digest reference, "" otherwise. */
  digest: string;
  /** The input string (Reference.String()). */
  original: string;
}

export type ParseResult = { ref: ContainerImageReference } | { error: string };

/** go-containerregistry `checkElement`: length in runes and an allowed character set. */
function checkElement(name: string, element: string, allowed: string, min: number, max: number): string | undefined {
  const runes = [...element];
  if (runes.length < min || runes.length > max) return `${name} must be between ${min} and ${max} characters in length: ${element}`;
  for (const r of runes) if (!allowed.includes(r)) return `${name} can only contain the characters \`${allowed}\`: ${element}`;
  return undefined;
}

/** Characters Go's url package accepts unescaped in a host (`shouldEscape(c, encodeHost)` is false). */
const HOST_PUNCTUATION = "-._~!$&'()*+,;=:[]<>\"";

function isDigits(s: string): boolean {
  for (const c of s) if (c < '0' || c > '9') return false;
  return true;
}

/**
 * `checkRegistry`: `url.Parse("//" + name)` must succeed with Host == name, i.e. the name is an RFC 3986
 * authority without user info, path, query or fragment, with a numeric port if any.
 */
function checkRegistry(name: string): string | undefined {
  const bad = `registries must be valid RFC 3986 URI authorities: ${name}`;
  for (const ch of name) {
    const code = ch.codePointAt(0) ?? 0;
    if (code < 0x20 || code === 0x7f) return bad;
    if (code >= 0x80) continue;
    if (/[A-Za-z0-9]/.test(ch) || HOST_PUNCTUATION.includes(ch)) continue;
    return bad;
  }
  if (name.startsWith('[')) {
    const close = name.indexOf(']');
    if (close < 0) return bad;
    const rest = name.slice(close + 1);
    if (rest !== '' && !(rest.startsWith(':') && isDigits(rest.slice(1)))) return bad;
    return undefined;
  }
  const colon = name.lastIndexOf(':');
  if (colon >= 0 && !isDigits(name.slice(colon + 1))) return bad;
  return undefined;
}

function newRegistry(name: string): { registry: string } | { error: string } {
  const problem = checkRegistry(name);
  if (problem !== undefined) return { error: problem };
  if (name === '' || name === DOCKER_HUB_ALIAS) return { registry: DEFAULT_REGISTRY };
  return { registry: name };
}

interface Repository { registry: string; repository: string }

function repositoryStr(r: Repository): string {
  return !r.repository.includes('/') && r.registry === DEFAULT_REGISTRY ? `${DEFAULT_NAMESPACE}/${r.repository}` : r.repository;
}

function repositoryName(r: Repository): string {
  return `${r.registry}/${repositoryStr(r)}`;
}

function newRepository(name: string): Repository | { error: string } {
  if (name === '') return { error: 'a repository name must be specified' };
  let registry = '';
  let repo = name;
  const slash = name.indexOf('/');
  if (slash >= 0) {
    const first = name.slice(0, slash);
    if (first.includes('.') || first.includes(':')) {
      registry = first;
      repo = name.slice(slash + 1);
    }
  }
  const problem = checkElement('repository', repo, REPOSITORY_CHARS, 2, 255);
  if (problem !== undefined) return { error: problem };
  const reg = newRegistry(registry);
  if ('error' in reg) return reg;
  return { registry: reg.registry, repository: repo };
}

function newTag(name: string): (Repository & { tag: string }) | { error: string } {
  let base = name;
  let tag = '';
  const parts = name.split(':');
  // A last ':' part containing '/' belongs to a registry port (`host:5000/repo`), not a tag.
  if (parts.length > 1 && !parts[parts.length - 1].includes('/')) {
    base = parts.slice(0, -1).join(':');
    tag = parts[parts.length - 1];
  }
  if (tag !== '') {
    const problem = checkElement('tag', tag, TAG_CHARS, 1, 127);
    if (problem !== undefined) return { error: problem };
  }
  const repo = newRepository(base);
  if ('error' in repo) return repo;
  return { ...repo, tag };
}

function newDigest(name: string): (Repository & { digest: string }) | { error: string } {
  const parts = name.split('@');
  if (parts.length !== 2) return { error: `a digest must contain exactly one '@' separator (e.g. registry/repository@digest) saw: ${name}` };
  let base = parts[0];
  const digest = parts[1];
  const problem = checkElement('digest', digest, DIGEST_CHARS, 7 + 64, 7 + 64);
  if (problem !== undefined) return { error: problem };
  const tagged = newTag(base);
  if (!('error' in tagged)) base = repositoryName(tagged);
  const repo = newRepository(base);
  if ('error' in repo) return repo;
  return { ...repo, digest };
}

/** `name.ParseReference(s)` with default options: a Tag if that parses, else a Digest. */
export function parseContainerImageReference(s: string): ParseResult {
  if (s.startsWith('http://') || s.startsWith('https://')) {
    return { error: `image reference must not contain a URL scheme (http:// or https://): ${s}; to connect to a registry over plain HTTP, use name.Insecure` };
  }
  const tag = newTag(s);
  if (!('error' in tag)) {
    return { ref: { kind: 'tag', registry: tag.registry, repository: repositoryStr(tag), writtenTag: tag.tag, digest: '', original: s } };
  }
  const dig = newDigest(s);
  if (!('error' in dig)) {
    return { ref: { kind: 'digest', registry: dig.registry, repository: repositoryStr(dig), writtenTag: taggedDigestTag(s), digest: dig.digest, original: s } };
  }
  return { error: `could not parse reference: ${s}` };
}

/** The `tag` in `repo:tag@digest`; a ':' before the last '/' is a registry port, not a tag. */
function taggedDigestTag(ref: string): string {
  const at = ref.indexOf('@');
  if (at < 0) return '';
  const before = ref.slice(0, at);
  const colon = before.lastIndexOf(':');
  if (colon < 0 || colon < before.lastIndexOf('/')) return '';
  return before.slice(colon + 1);
}

// The library's methods (kyverno/sdk extensions/cel/libs/image impl.go).

export function imageRegistry(r: ContainerImageReference): string {
  return r.registry;
}

export function imageRepository(r: ContainerImageReference): string {
  return r.repository;
}

/** Tag references: the tag (default `latest`); digest references: `tag@digest` when a tag was written, else the digest. */
export function imageIdentifier(r: ContainerImageReference): string {
  if (r.kind === 'tag') return r.writtenTag !== '' ? r.writtenTag : DEFAULT_TAG;
  return r.writtenTag !== '' ? `${r.writtenTag}@${r.digest}` : r.digest;
}

export function imageTag(r: ContainerImageReference): string {
  if (r.kind === 'tag') return r.writtenTag !== '' ? r.writtenTag : DEFAULT_TAG;
  return r.writtenTag;
}

export function imageDigest(r: ContainerImageReference): string {
  return r.kind === 'digest' ? r.digest : '';
}

export function imageContainsDigest(r: ContainerImageReference): boolean {
  return r.kind === 'digest' && r.digest !== '';
}
