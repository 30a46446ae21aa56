/** The answer to registryGuard/policies: every policy and rule in effect, with where each is defined. */
import { ALLOW_LIST_FILE, type PolicyStore } from '../engine/analysis';
import type { PolicySourceLocator } from './diagnostics';
import { keyToUri } from './paths';
import type { PoliciesResult } from './protocol';

export function policySummaries(store: PolicyStore, locator: PolicySourceLocator): PoliciesResult {
  const uriOf = (file: string) => (file === ALLOW_LIST_FILE ? undefined : keyToUri(file));
  return {
    policies: store.set.policies.map((policy) => {
      const at = locator.locate(policy.file, policy.offset, policy.offset);
      return {
        name: policy.key,
        kind: policy.kind,
        uri: at?.uri ?? uriOf(policy.file),
        range: at?.range,
        rules: policy.rules.map((rule) => {
          const source = rule.source === undefined ? undefined : locator.locate(rule.source.file, rule.source.start, rule.source.end);
          return { name: rule.name, form: rule.form, unsupported: rule.unsupported, range: source?.range };
        }),
      };
    }),
    errors: store.errors.map((error) => {
      const at = locator.locate(error.file, error.offset, error.offset);
      return { uri: at?.uri ?? uriOf(error.file), range: at?.range, message: error.message };
    }),
  };
}
