// Test doubles for the language server's handler classes: no connection, no disk.
import * as path from 'node:path';
import type { Diagnostic } from 'vscode-languageserver-protocol';
import type { DirectoryEntry, FileSystem } from '../../../server/src/lsp/fileSystem';
import type { Logger } from '../../../server/src/lsp/logger';
import type { PolicyFiles } from '../../../server/src/lsp/policySources';
import type { AnalysisEngine, DiagnosticsSink } from '../../../server/src/lsp/validation';
import type { FileAnalysis, Finding } from '../../../server/src/engine/analysis';
import type { YamlFile } from '../../../server/src/engine/yaml/model';

/** Files by absolute path; directories are implied by the paths; symlinks map a path to a target path. */
export class MemoryFileSystem implements FileSystem {
  readonly files = new Map<string, string>();
  readonly symlinks = new Map<string, string>();
  readonly readDirectories: string[] = [];
  readonly readFiles: string[] = [];

  constructor(files: Record<string, string> = {}) {
    for (const [file, text] of Object.entries(files)) this.files.set(file, text);
  }

  async readFile(file: string, maxBytes: number): Promise<string | undefined> {
    const real = this.resolve(file);
    this.readFiles.push(file);
    const text = real === undefined ? undefined : this.files.get(real);
    return text !== undefined && Buffer.byteLength(text) <= maxBytes ? text : undefined;
  }

  async readDirectory(dir: string): Promise<DirectoryEntry[]> {
    this.readDirectories.push(dir);
    const entries = new Map<string, DirectoryEntry['kind']>();
    const prefix = dir.endsWith('/') ? dir : `${dir}/`;
    for (const p of [...this.files.keys(), ...this.symlinks.keys()]) {
      if (!p.startsWith(prefix)) continue;
      const [first, ...rest] = p.slice(prefix.length).split('/');
      const kind = rest.length > 0 ? 'directory' : this.symlinks.has(p) ? 'symlink' : 'file';
      if (!entries.has(first) || kind === 'directory') entries.set(first, kind);
    }
    return [...entries].map(([name, kind]) => ({ name, kind }));
  }

  async stat(file: string): Promise<'file' | 'directory' | undefined> {
    const real = this.resolve(file);
    if (real === undefined) return undefined;
    if (this.files.has(real)) return 'file';
    const prefix = `${real}/`;
    return [...this.files.keys()].some((p) => p.startsWith(prefix)) ? 'directory' : undefined;
  }

  async realPath(file: string): Promise<string | undefined> {
    return this.resolve(file);
  }

  private resolve(file: string): string | undefined {
    const normal = path.normalize(file);
    return this.symlinks.get(normal) ?? normal;
  }
}

/** A PolicyStore stand-in: a file is a "policy file" when its text contains `kind: ClusterPolicy`. */
export class FakePolicyFiles implements PolicyFiles {
  readonly texts = new Map<string, string>();
  allowed: string[] = [];
  version = 0;

  setFile(file: string, content: string | YamlFile): boolean {
    const text = typeof content === 'string' ? content : content.text;
    if (/kind: ClusterPolicy/.test(text)) {
      if (this.texts.get(file) !== text) {
        this.texts.set(file, text);
        this.version++;
      }
      return true;
    }
    this.removeFile(file);
    return false;
  }

  removeFile(file: string): void {
    if (this.texts.delete(file)) this.version++;
  }

  removeFilesUnder(prefix: string): void {
    const folder = prefix.endsWith('/') ? prefix : `${prefix}/`;
    for (const file of [...this.texts.keys()]) if (file.startsWith(folder)) this.removeFile(file);
  }

  hasPolicyFile(file: string): boolean {
    return this.texts.has(file);
  }

  setAllowedRegistries(patterns: readonly string[]): void {
    if (JSON.stringify(patterns) === JSON.stringify(this.allowed)) return;
    this.allowed = [...patterns];
    this.version++;
  }

  files(): string[] {
    return [...this.texts.keys()].sort();
  }
}

export interface Published {
  uri: string;
  version: number | undefined;
  diagnostics: Diagnostic[];
}

export class RecordingSink implements DiagnosticsSink {
  readonly published: Published[] = [];

  publish(uri: string, version: number | undefined, diagnostics: Diagnostic[]): void {
    this.published.push({ uri, version, diagnostics });
  }

  last(uri: string): Published | undefined {
    return this.published.filter((p) => p.uri === uri).at(-1);
  }

  for(uri: string): Published[] {
    return this.published.filter((p) => p.uri === uri);
  }
}

export class RecordingLogger implements Logger {
  readonly lines: string[] = [];
  info(message: string): void {
    this.lines.push(`info: ${message}`);
  }
  warn(message: string): void {
    this.lines.push(`warn: ${message}`);
  }
  error(message: string): void {
    this.lines.push(`error: ${message}`);
  }
}

export const CLUSTER_POLICY = `apiVersion: kyverno.io/v1
kind: ClusterPolicy
metadata:
  name: restrict-image-registries
spec:
  rules:
    - name: validate-registries
      match:
        any:
          - resources:
              kinds: [Pod]
      validate:
        failureAction: Enforce
        message: "Unknown Image registry."
        pattern:
          spec:
            containers:
              - image: "public.ecr.aws/*"
`;

export const NGINX_POD = `apiVersion: v1
kind: Pod
metadata:
  name: nginx
spec:
  containers:
    - image: nginx
      name: nginx
`;

/** Flags every `image: nginx` as an Enforce finding; throws for files named in `broken`. */
export class FakeEngine implements AnalysisEngine {
  readonly analysed: string[] = [];
  readonly broken = new Set<string>();

  analyze(file: string, yaml: YamlFile): FileAnalysis {
    this.analysed.push(file);
    if (this.broken.has(file)) throw new Error('engine bug');
    const findings: Finding[] = [];
    for (const m of yaml.text.matchAll(/image: (nginx)\b/g)) {
      const start = m.index! + 'image: '.length;
      findings.push({
        policy: 'p', rule: 'r', action: 'Enforce', status: 'fail', message: 'm', policyMessage: 'Not allowed.', path: '/spec/containers/0/image/',
        image: 'nginx', start, end: start + 5, resource: { kind: 'Pod', namespace: '', name: 'nginx' },
      });
    }
    return { kind: 'manifest', results: [], findings, notices: [] };
  }
}


/** A diagnostic's message as text (LSP 3.18 allows MarkupContent too). */
export function messageOf(d: Diagnostic): string {
  return typeof d.message === 'string' ? d.message : d.message.value;
}
