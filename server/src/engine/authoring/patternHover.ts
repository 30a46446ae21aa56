// Hover text for a pattern string: what its alternatives and operators mean, and which images of the
// workspace it accepts, decided with Kyverno's own value matcher (raw strings, §1.5).
import { validateValue } from '../pattern';
import { splitAlternatives, type PatternOperator } from '../policyLint/wildcardSets';

const OPERATOR_WORDS: Record<PatternOperator, string> = {
  Equal: 'matches', NotEqual: 'does not match', More: 'is greater than', Less: 'is less than',
  MoreEqual: 'is at least', LessEqual: 'is at most', InRange: 'is in the range', NotInRange: 'is outside the range',
};

const MAX_LISTED = 15;

function code(text: string): string {
  return '`' + text.replace(/`/g, 'ˋ') + '`';
}

export function describePattern(pattern: string): string {
  const alternatives = splitAlternatives(pattern);
  const lines: string[] = [`**Kyverno pattern** ${code(pattern)}`];
  const describePart = (p: { text: string; operator: PatternOperator; operand: string }): string => {
    if (p.operator === 'InRange' || p.operator === 'NotInRange') return `${OPERATOR_WORDS[p.operator]} ${code(p.operand)}`;
    return `${OPERATOR_WORDS[p.operator]} ${code(p.operand)}`;
  };
  if (alternatives.length === 1 && alternatives[0].parts.length === 1) {
    lines.push(`The value ${describePart(alternatives[0].parts[0])}.`);
  } else {
    lines.push(alternatives.length > 1 ? 'The value passes if **one** of these holds:' : 'The value passes if:');
    for (const alt of alternatives) lines.push(`- ${alt.parts.map(describePart).join(' **and** ')}`);
  }
  const notes: string[] = [];
  if (pattern.includes('*')) notes.push('`*` matches any characters, `/` and `:` included');
  if (pattern.includes('?')) notes.push('`?` matches exactly one character');
  notes.push('the whole value must match, compared as written (no `docker.io/` is added to `nginx`)');
  lines.push(`(${notes.join('; ')}.)`);
  return lines.join('\n\n');
}

export function workspaceMatches(pattern: string, images: readonly { image: string; file: string; line: number }[]): string {
  const byImage = new Map<string, { file: string; line: number }[]>();
  for (const i of images) {
    const list = byImage.get(i.image) ?? [];
    list.push({ file: i.file, line: i.line });
    byImage.set(i.image, list);
  }
  if (byImage.size === 0) return '_No container images found in the workspace._';
  const matching: string[] = [];
  const failing: string[] = [];
  for (const [image, where] of [...byImage.entries()].sort((a, b) => a[0].localeCompare(b[0]))) {
    const first = where[0];
    const location = `${baseName(first.file)}:${first.line + 1}${where.length > 1 ? ` (+${where.length - 1})` : ''}`;
    (validateValue(image, pattern) ? matching : failing).push(`${code(image)} — ${location}`);
  }
  const list = (items: string[]): string => items.slice(0, MAX_LISTED).map((x) => `- ${x}`).join('\n') + (items.length > MAX_LISTED ? `\n- … ${items.length - MAX_LISTED} more` : '');
  const parts = [`**Workspace images:** ${matching.length} of ${byImage.size} match.`];
  if (matching.length > 0) parts.push(`Matches:\n${list(matching)}`);
  if (failing.length > 0) parts.push(`Does not match:\n${list(failing)}`);
  return parts.join('\n\n');
}

function baseName(file: string): string {
  const cut = Math.max(file.lastIndexOf('/'), file.lastIndexOf('\\'));
  return cut >= 0 ? file.slice(cut + 1) : file;
}
