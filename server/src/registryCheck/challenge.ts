// RFC 7235 `WWW-Authenticate` challenges, e.g.
//   Bearer realm="https://public.ecr.aws/token/",service="public.ecr.aws",scope="repository:nginx/nginx:pull"
// Several challenges may share one header (fetch joins repeated headers with ", "). One left-to-right
// scan; every step consumes at least one character.

export interface Challenge {
  /** Lower-case scheme, e.g. `bearer`, `basic`. */
  scheme: string;
  /** Lower-case parameter names to their (unquoted) values. */
  params: Record<string, string>;
}

const SEPARATORS = new Set([' ', '\t', ',', '=', '"']);

export function parseChallenges(header: string): Challenge[] {
  const challenges: Challenge[] = [];
  let current: Challenge | undefined;
  let pos = 0;
  const skip = (chars: string): void => {
    while (pos < header.length && chars.includes(header[pos])) pos++;
  };
  const readToken = (): string => {
    const start = pos;
    while (pos < header.length && !SEPARATORS.has(header[pos])) pos++;
    return header.slice(start, pos);
  };
  const readValue = (): string => {
    if (header[pos] !== '"') {
      const start = pos;
      while (pos < header.length && header[pos] !== ',' && header[pos] !== ' ' && header[pos] !== '\t') pos++;
      return header.slice(start, pos);
    }
    pos++;
    let value = '';
    while (pos < header.length && header[pos] !== '"') {
      if (header[pos] === '\\' && pos + 1 < header.length) pos++;
      value += header[pos];
      pos++;
    }
    pos++; // the closing quote (or past the end)
    return value;
  };

  while (pos < header.length) {
    skip(' \t,');
    if (pos >= header.length) break;
    const token = readToken();
    if (token === '') {
      pos++; // a stray `=` or `"`: step over it
      continue;
    }
    skip(' \t');
    if (header[pos] === '=' && current) {
      pos++;
      skip(' \t');
      current.params[token.toLowerCase()] = readValue();
    } else if (header[pos] === '=') {
      pos++; // a parameter before any scheme: ignore it
      readValue();
    } else {
      current = { scheme: token.toLowerCase(), params: {} };
      challenges.push(current);
    }
  }
  return challenges;
}
