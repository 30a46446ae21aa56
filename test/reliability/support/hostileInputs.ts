/** Hostile and odd inputs, built on demand (the big ones are built where they are used, not copied around). */

export function pod(name: string, image: string, eol = '\n'): string {
  return ['apiVersion: v1', 'kind: Pod', 'metadata:', `  name: ${name}`, 'spec:', '  containers:', '    - name: app', `      image: ${image}`, ''].join(eol);
}

/** Billion laughs: 10 levels of 10 aliases each, 10^10 nodes once expanded, in a Pod whose image is the bomb. */
export function billionLaughs(): string {
  const lines = ['apiVersion: v1', 'kind: Pod', 'metadata:', '  name: lol', 'l0: &l0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol","lol"]'];
  for (let i = 1; i <= 10; i++) lines.push(`l${i}: &l${i} [${Array(10).fill(`*l${i - 1}`).join(', ')}]`);
  lines.push('spec:', '  containers:', '    - name: app', '      image: *l10', '');
  return lines.join('\n');
}

/** The same bomb built from merge keys of maps instead of sequences. */
export function mergeKeyBomb(): string {
  const lines = ['apiVersion: v1', 'kind: Pod', 'metadata:', '  name: merge-bomb', 'm0: &m0 {a: 1, b: 2, c: 3, d: 4, e: 5, f: 6, g: 7, h: 8}'];
  for (let i = 1; i <= 12; i++) lines.push(`m${i}: &m${i} {${Array.from({ length: 8 }, (_, k) => `k${k}: *m${i - 1}`).join(', ')}}`);
  lines.push('spec:', '  <<: *m12', '  containers:', '    - name: app', '      image: nginx', '');
  return lines.join('\n');
}

/** A merge key whose source contains the map it merges into. */
export function circularMerge(): string {
  return ['apiVersion: v1', 'kind: Pod', 'metadata: &m', '  name: circular', '  labels:', '    <<: *m', 'spec:', '  containers:', '    - name: app', '      image: nginx', ''].join('\n');
}

/** A sequence that contains itself through an alias (a cycle, not a bomb). */
export function selfContainingAlias(): string {
  return ['apiVersion: v1', 'kind: Pod', 'metadata:', '  name: cycle', 'spec: &s', '  containers:', '    - name: app', '      image: nginx', '      env: [*s]', ''].join('\n');
}

export function deepFlowNesting(depth = 10_000): string {
  return `apiVersion: v1\nkind: Pod\nmetadata:\n  name: deep\nspec:\n  containers: ${'['.repeat(depth)}${']'.repeat(depth)}\n`;
}

export function deepFlowMaps(depth = 10_000): string {
  return `apiVersion: v1\nkind: Pod\nmetadata:\n  name: deep\nspec: ${'{a: '.repeat(depth)}1${'}'.repeat(depth)}\n`;
}

export function deepUnclosedFlow(depth = 100_000): string {
  return `apiVersion: v1\nkind: Pod\nspec: ${'[{'.repeat(depth)}\n`;
}

export function deepBlockNesting(depth = 3000): string {
  return `apiVersion: v1\nkind: Pod\nmetadata:\n  name: deep\n${Array.from({ length: depth }, (_, i) => `${' '.repeat(i)}k:`).join('\n')} v\n`;
}

/** A deep chain of aliases, each level one sequence deeper than the last (small when expanded, but deep). */
export function deepAliasChain(depth = 1100): string {
  const lines = ['apiVersion: v1', 'kind: Pod', 'metadata:', '  name: chain', 'a0: &a0 [x]'];
  for (let i = 1; i < depth; i++) lines.push(`a${i}: &a${i} [*a${i - 1}]`);
  lines.push('spec:', '  containers:', '    - name: app', '      image: nginx', '');
  return lines.join('\n');
}

/** ~`megabytes` MB: one Pod that fails the seed policy, then a ConfigMap whose literal block carries the bulk. */
export function bigFile(megabytes: number): string {
  const line = `    ${'x'.repeat(95)}\n`;
  const lines = Math.ceil((megabytes * 1_000_000) / line.length);
  return `${pod('head', 'nginx')}---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: bulk\ndata:\n  blob: |\n${line.repeat(lines)}`;
}

/** ~`megabytes` MB of small Pods, half of them failing the seed policy. */
export function manyPods(megabytes: number): string {
  const parts: string[] = [];
  let size = 0;
  for (let i = 0; size < megabytes * 1_000_000; i++) {
    const p = pod(`p${i}`, i % 2 === 0 ? 'nginx' : 'public.ecr.aws/nginx/nginx');
    parts.push(p);
    size += p.length + 4;
  }
  return parts.join('---\n');
}

export function documents(count: number): string {
  return Array.from({ length: count }, (_, i) => pod(`p${i}`, i % 2 === 0 ? 'nginx' : 'public.ecr.aws/nginx/nginx')).join('---\n');
}

/** A Pod whose name is one line of `length` characters (the 1 MB single line). */
export function longLine(length = 1_000_000): string {
  return pod('x'.repeat(length), 'nginx');
}

/** A 1 MB flow sequence on one line: many small nodes, no line breaks at all. */
export function longFlowLine(length = 1_000_000): string {
  const items = Math.floor(length / 6);
  return `apiVersion: v1\nkind: Pod\nmetadata: {name: flow, labels: {${Array.from({ length: items }, (_, i) => `k${i}: v`).join(', ')}}}\nspec: {containers: [{name: app, image: nginx}]}\n`;
}

/** A Pod with many containers: every one fails, and every one must be reported. */
export function manyContainers(count: number): string {
  const lines = ['apiVersion: v1', 'kind: Pod', 'metadata:', '  name: wide', 'spec:', '  containers:'];
  for (let i = 0; i < count; i++) lines.push(`    - name: c${i}`, `      image: nginx:1.${i}`);
  return `${lines.join('\n')}\n`;
}
