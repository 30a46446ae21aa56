// Image references in the grammar of github.com/distribution/reference v0.6.0 `Parse` (the parser
// Kyverno's `images` variable uses), written as a single left-to-right scan: every step looks at each
// character a bounded number of times, so the cost is linear in the input whatever it contains.
//
//   reference := name [ ":" tag ] [ "@" digest ]
//   name      := [ domain "/" ] path-component ( "/" path-component )*
//   domain    := ( domain-name | "[" ipv6 "]" ) [ ":" port ]
//   path-component := [a-z0-9]+ ( ( "." | "_" | "__" | "-"+ ) [a-z0-9]+ )*
//   tag       := [\w][\w.-]{0,127}
//   digest    := algorithm ":" hex{32,}     (then checked by go-digest: sha256 = 64 lower-case hex)
//
// Why a scan can replace the library's regular expression: `@` can only start the digest, a `:` after
// the last `/` can only start the tag (a port is always followed by `/`), and the first `/`-separated
// component is the domain exactly when there are at least two components and it is a valid domain.

export interface ImageReference {
  raw: string;
  /** The registry host (and port) as written, or '' when the name has no domain part. */
  domain: string;
  /** The repository path without the domain, e.g. `library/nginx` or `nginx`. */
  path: string;
  tag?: string;
  digest?: string;
}

/** The error texts of distribution/reference and go-digest, which Kyverno embeds in its own messages. */
export const referenceErrors = {
  invalidFormat: 'invalid reference format',
  uppercase: 'repository name must be lowercase',
  nameEmpty: 'repository name must have at least one component',
  nameTooLong: 'repository name must not be more than 255 characters',
  digestFormat: 'invalid checksum digest format',
  digestLength: 'invalid checksum digest length',
  digestUnsupported: 'unsupported digest algorithm',
} as const;

const NAME_TOTAL_LENGTH_MAX = 255;
const TAG_MAX_LENGTH = 128;

/** Hex length of each digest algorithm go-digest knows (the ones linked into Kyverno). */
const DIGEST_HEX_LENGTH: Readonly<Record<string, number>> = { sha256: 64, sha384: 96, sha512: 128 };

export function parseImageReference(raw: string): ImageReference | { error: string } {
  const parts = matchReference(raw);
  if (!parts) {
    if (raw === '') return { error: referenceErrors.nameEmpty };
    if (matchReference(goToLower(raw))) return { error: referenceErrors.uppercase };
    return { error: referenceErrors.invalidFormat };
  }
  if (parts.name.length > NAME_TOTAL_LENGTH_MAX) return { error: referenceErrors.nameTooLong };
  if (parts.digest !== undefined) {
    const digestError = validateDigest(parts.digest);
    if (digestError) return { error: digestError };
  }
  const reference: ImageReference = { raw, domain: parts.domain, path: parts.path };
  if (parts.tag !== undefined) reference.tag = parts.tag;
  if (parts.digest !== undefined) reference.digest = parts.digest;
  return reference;
}

interface ReferenceParts { name: string; domain: string; path: string; tag?: string; digest?: string }

/** The shape check of the reference regular expression; undefined when the text is not a reference. */
function matchReference(text: string): ReferenceParts | undefined {
  let rest = text;
  let digest: string | undefined;
  const at = rest.indexOf('@');
  if (at >= 0) {
    digest = rest.slice(at + 1);
    if (!isDigestShape(digest)) return undefined;
    rest = rest.slice(0, at);
  }
  let tag: string | undefined;
  const colon = rest.lastIndexOf(':');
  if (colon > rest.lastIndexOf('/')) {
    tag = rest.slice(colon + 1);
    if (!isTag(tag)) return undefined;
    rest = rest.slice(0, colon);
  }
  const components = rest.split('/');
  let domain = '';
  let pathStart = 0;
  if (components.length >= 2 && isDomain(components[0])) {
    domain = components[0];
    pathStart = 1;
  }
  for (let i = pathStart; i < components.length; i++) {
    if (!isPathComponent(components[i])) return undefined;
  }
  const parts: ReferenceParts = { name: rest, domain, path: components.slice(pathStart).join('/') };
  if (tag !== undefined) parts.tag = tag;
  if (digest !== undefined) parts.digest = digest;
  return parts;
}

function isLowerAlnum(c: number): boolean {
  return (c >= 0x61 && c <= 0x7a) || (c >= 0x30 && c <= 0x39);
}
function isAlnum(c: number): boolean {
  return isLowerAlnum(c) || (c >= 0x41 && c <= 0x5a);
}
function isLetter(c: number): boolean {
  return (c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a);
}
function isDigit(c: number): boolean {
  return c >= 0x30 && c <= 0x39;
}
function isHex(c: number): boolean {
  return isDigit(c) || (c >= 0x61 && c <= 0x66) || (c >= 0x41 && c <= 0x46);
}
/** Go's `\w`: ASCII letters, digits and underscore. */
function isWord(c: number): boolean {
  return isAlnum(c) || c === 0x5f;
}

/** `[a-z0-9]+ ( ( "." | "_" | "__" | "-"+ ) [a-z0-9]+ )*` */
export function isPathComponent(s: string): boolean {
  let i = 0;
  const n = s.length;
  if (n === 0 || !isLowerAlnum(s.charCodeAt(0))) return false;
  while (i < n) {
    while (i < n && isLowerAlnum(s.charCodeAt(i))) i++;
    if (i === n) return true;
    const c = s.charCodeAt(i);
    if (c === 0x2e) i++;
    else if (c === 0x5f) i += s.charCodeAt(i + 1) === 0x5f ? 2 : 1;
    else if (c === 0x2d) while (i < n && s.charCodeAt(i) === 0x2d) i++;
    else return false;
    if (i >= n || !isLowerAlnum(s.charCodeAt(i))) return false;
  }
  return true;
}

/** `( domain-name | "[" [a-fA-F0-9:]+ "]" ) ( ":" [0-9]+ )?` */
function isDomain(s: string): boolean {
  let hostEnd: number;
  if (s.startsWith('[')) {
    const close = s.indexOf(']');
    if (close < 2) return false;
    for (let i = 1; i < close; i++) {
      const c = s.charCodeAt(i);
      if (!isHex(c) && c !== 0x3a) return false;
    }
    hostEnd = close + 1;
  } else {
    const colon = s.indexOf(':');
    hostEnd = colon < 0 ? s.length : colon;
    if (!isDomainName(s.slice(0, hostEnd))) return false;
  }
  if (hostEnd === s.length) return true;
  if (s.charCodeAt(hostEnd) !== 0x3a || hostEnd + 1 === s.length) return false;
  for (let i = hostEnd + 1; i < s.length; i++) if (!isDigit(s.charCodeAt(i))) return false;
  return true;
}

/** Dot-separated components of `[a-zA-Z0-9]` or `[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9]`. */
function isDomainName(s: string): boolean {
  if (s === '') return false;
  for (const component of s.split('.')) {
    if (component === '') return false;
    if (!isAlnum(component.charCodeAt(0)) || !isAlnum(component.charCodeAt(component.length - 1))) return false;
    for (let i = 1; i < component.length - 1; i++) {
      const c = component.charCodeAt(i);
      if (!isAlnum(c) && c !== 0x2d) return false;
    }
  }
  return true;
}

/** `[\w][\w.-]{0,127}` */
function isTag(s: string): boolean {
  if (s.length === 0 || s.length > TAG_MAX_LENGTH || !isWord(s.charCodeAt(0))) return false;
  for (let i = 1; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (!isWord(c) && c !== 0x2e && c !== 0x2d) return false;
  }
  return true;
}

/** `[A-Za-z][A-Za-z0-9]*([-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}` */
function isDigestShape(s: string): boolean {
  const colon = s.indexOf(':');
  if (colon < 1) return false;
  let expectLetter = true;
  for (let i = 0; i < colon; i++) {
    const c = s.charCodeAt(i);
    if (expectLetter) {
      if (!isLetter(c)) return false;
      expectLetter = false;
    } else if (c === 0x2d || c === 0x5f || c === 0x2b || c === 0x2e) {
      expectLetter = true;
    } else if (!isAlnum(c)) {
      return false;
    }
  }
  if (expectLetter) return false;
  const hexLength = s.length - colon - 1;
  if (hexLength < 32) return false;
  for (let i = colon + 1; i < s.length; i++) if (!isHex(s.charCodeAt(i))) return false;
  return true;
}

/** go-digest `Digest.Validate`, applied by `reference.Parse` to a digest that has the right shape. */
function validateDigest(digest: string): string | undefined {
  const colon = digest.indexOf(':');
  const algorithm = digest.slice(0, colon);
  const encoded = digest.slice(colon + 1);
  const expectedLength = Object.prototype.hasOwnProperty.call(DIGEST_HEX_LENGTH, algorithm) ? DIGEST_HEX_LENGTH[algorithm] : undefined;
  if (expectedLength === undefined) {
    return isGoDigestShape(digest) ? referenceErrors.digestUnsupported : referenceErrors.digestFormat;
  }
  if (encoded.length !== expectedLength) return referenceErrors.digestLength;
  for (let i = 0; i < encoded.length; i++) {
    const c = encoded.charCodeAt(i);
    if (!isDigit(c) && !(c >= 0x61 && c <= 0x66)) return referenceErrors.digestFormat;
  }
  return undefined;
}

/** go-digest `DigestRegexpAnchored`: `[a-z0-9]+([.+_-][a-z0-9]+)*:[a-zA-Z0-9=_-]+` */
function isGoDigestShape(digest: string): boolean {
  const colon = digest.indexOf(':');
  let expectAlnum = true;
  for (let i = 0; i < colon; i++) {
    const c = digest.charCodeAt(i);
    if (isLowerAlnum(c)) expectAlnum = false;
    else if (!expectAlnum && (c === 0x2e || c === 0x2b || c === 0x5f || c === 0x2d)) expectAlnum = true;
    else return false;
  }
  if (expectAlnum || colon + 1 >= digest.length) return false;
  for (let i = colon + 1; i < digest.length; i++) {
    const c = digest.charCodeAt(i);
    if (!isAlnum(c) && c !== 0x3d && c !== 0x5f && c !== 0x2d) return false;
  }
  return true;
}

/**
 * Go's `strings.ToLower` maps each rune with its simple case mapping; JavaScript's full mapping differs
 * only for U+0130 (İ), which Go lowers to a plain `i`.
 */
export function goToLower(s: string): string {
  return s.replace(/\u0130/g, 'i').toLowerCase();
}
