/**
 * `registryGuard.allowedRegistries` lets a team without a policy file state its allow-list inline. It
 * behaves exactly like this Enforce ClusterPolicy, so it goes through the same evaluation (autogen
 * included) as a real policy and its diagnostics read the same way.
 */
export const ALLOW_LIST_POLICY_NAME = 'registryguard-allowed-registries';
export const ALLOW_LIST_RULE_NAME = 'allowed-registries';
export const ALLOW_LIST_FILE = 'setting:registryGuard.allowedRegistries';

export function allowListPolicyText(patterns: readonly string[]): string | undefined {
  const alternatives = patterns.map((p) => p.trim()).filter((p) => p.length > 0);
  if (alternatives.length === 0) return undefined;
  const pattern = JSON.stringify(alternatives.join(' | '));
  const message = JSON.stringify(`Image registry is not in registryGuard.allowedRegistries (${alternatives.join(', ')}).`);
  return [
    'apiVersion: kyverno.io/v1',
    'kind: ClusterPolicy',
    'metadata:',
    `  name: ${ALLOW_LIST_POLICY_NAME}`,
    'spec:',
    '  background: true',
    '  rules:',
    `    - name: ${ALLOW_LIST_RULE_NAME}`,
    '      match:',
    '        any:',
    '          - resources:',
    '              kinds: [Pod]',
    '      validate:',
    '        failureAction: Enforce',
    `        message: ${message}`,
    '        pattern:',
    '          spec:',
    '            =(ephemeralContainers):',
    `              - image: ${pattern}`,
    '            =(initContainers):',
    `              - image: ${pattern}`,
    '            containers:',
    `              - image: ${pattern}`,
    '',
  ].join('\n');
}
