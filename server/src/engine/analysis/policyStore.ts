import { parseYamlFile, type YamlFile } from '../yaml/model';
import { PolicySet, isPolicyDocument, type PolicyLoadError } from '../policy';
import { ALLOW_LIST_FILE, allowListPolicyText } from './allowList';
import { headerValue } from './fileKind';

/** Cheap pre-check so that scanning a large workspace does not parse every YAML file twice. */
const POLICY_KIND = /^[ \t]*kind:[ \t]*["']?(ClusterPolicy|Policy|PolicyException|ValidatingPolicy|NamespacedValidatingPolicy|ValidatingAdmissionPolicy|ValidatingAdmissionPolicyBinding)["']?[ \t]*(#.*)?$/m;

export function mightContainPolicy(text: string): boolean {
  return POLICY_KIND.test(text);
}

export function containsPolicy(yaml: YamlFile): boolean {
  return yaml.documents.some((d) => d.parsed.contents !== null && isPolicyDocument(headerValue(d.parsed)));
}

/**
 * The policies in effect: every policy file the editor or CLI knows about, plus the inline allow-list.
 * The PolicySet is rebuilt lazily, once per change, and `version` tells caches when it changed.
 */
export class PolicyStore {
  private readonly files = new Map<string, YamlFile>();
  private allowList: string | undefined;
  private built: PolicySet | undefined;
  private currentVersion = 0;

  get version(): number {
    return this.currentVersion;
  }

  /** Records the file if it holds a policy document; forgets it otherwise. Returns whether it is a policy file. */
  setFile(file: string, content: string | YamlFile): boolean {
    const yaml = typeof content === 'string' ? (mightContainPolicy(content) ? parseYamlFile(content) : undefined) : content;
    const previous = this.files.get(file);
    if (yaml !== undefined && containsPolicy(yaml)) {
      if (previous?.text !== yaml.text) {
        this.files.set(file, yaml);
        this.changed();
      }
      return true;
    }
    if (previous !== undefined) {
      this.files.delete(file);
      this.changed();
    }
    return false;
  }

  removeFile(file: string): void {
    if (this.files.delete(file)) this.changed();
  }

  removeFilesUnder(prefix: string): void {
    const folder = prefix.endsWith('/') ? prefix : `${prefix}/`;
    let removed = false;
    for (const file of [...this.files.keys()]) {
      if (file.startsWith(folder)) removed = this.files.delete(file) || removed;
    }
    if (removed) this.changed();
  }

  hasPolicyFile(file: string): boolean {
    return this.files.has(file);
  }

  policyFiles(): string[] {
    return [...this.files.keys()];
  }

  setAllowedRegistries(patterns: readonly string[]): void {
    const text = allowListPolicyText(patterns);
    if (text === this.allowList) return;
    this.allowList = text;
    this.changed();
  }

  get set(): PolicySet {
    if (this.built === undefined) {
      const docs = [...this.files].map(([file, yaml]) => ({ file, yaml }));
      if (this.allowList !== undefined) docs.push({ file: ALLOW_LIST_FILE, yaml: parseYamlFile(this.allowList) });
      this.built = PolicySet.fromDocuments(docs);
    }
    return this.built;
  }

  get errors(): readonly PolicyLoadError[] {
    return this.set.errors;
  }

  private changed(): void {
    this.built = undefined;
    this.currentVersion++;
  }
}
