import { Analyzer, PolicyStore, type FileAnalysis } from '../engine/analysis';
import { LineIndex } from '../engine/text/lineIndex';
import { parseYamlFile, type YamlFile } from '../engine/yaml/model';
import type { PolicySet, RuleResult } from '../engine/policy';
import { autogenStatusRules } from '../engine/policy/autogen';
import { collectInputs, readIgnoreFile, readTextFile, type InputFile } from './inputs';

export type ResultValue = 'pass' | 'fail' | 'skip' | 'error' | 'warn';

export interface ReportViolation { path: string; image?: string; file: string; line: number; column: number; endLine: number; endColumn: number }
export interface ReportResult {
  policy: string;
  rule: string;
  resource: { apiVersion: string; kind: string; namespace: string; name: string; file: string; line: number };
  result: ResultValue;
  action: 'Enforce' | 'Audit';
  message: string;
  violations: ReportViolation[];
}
export interface ReportError { file: string; line: number; column: number; message: string }
export interface Summary { pass: number; fail: number; warn: number; error: number; skip: number }
export interface CheckReport {
  results: ReportResult[];
  errors: ReportError[];
  warnings: string[];
  summary: Summary;
  policyCount: number;
  ruleCount: number;
  resourceCount: number;
  exceptionCount: number;
}

export interface CheckInput {
  paths: readonly string[];
  policies: readonly string[];
  excludes: readonly string[];
  auditWarn: boolean;
  allowedRegistries: readonly string[];
  cwd: string;
}

/**
 * One input's text. Its YAML model is built when it is checked and dropped right after (`release`), so a
 * scan of thousands of files never holds every model at once.
 */
export interface LoadedFile { input: InputFile; text: string; yaml?: YamlFile; lines?: LineIndex }

export function yamlOf(file: LoadedFile): YamlFile {
  file.yaml ??= parseYamlFile(file.text);
  return file.yaml;
}

function release(file: LoadedFile): void {
  file.yaml = undefined;
  file.lines = undefined;
}

export interface LoadedInputs {
  store: PolicyStore;
  /** The manifest inputs that could be read, in input order. */
  manifests: LoadedFile[];
  errors: ReportError[];
  /** Said on standard error: ignored exclude globs and the like. */
  warnings: string[];
}

/**
 * Reads every input and every --policy path once, and loads the policies found among them. Files that
 * cannot be read become errors; everything else is still loaded.
 */
export function loadInputs(input: Omit<CheckInput, 'auditWarn'>): LoadedInputs {
  const excludes = [...input.excludes, ...readIgnoreFile(input.cwd)];
  const manifestInputs = collectInputs(input.paths, excludes, input.cwd);
  const policyInputs = collectInputs(input.policies, [], input.cwd);
  const errors: ReportError[] = [];
  for (const e of [...manifestInputs.errors, ...policyInputs.errors]) errors.push({ file: e.file, line: 0, column: 0, message: e.message });

  const loaded = new Map<string, LoadedFile>();
  const load = (file: InputFile): LoadedFile | undefined => {
    const known = loaded.get(file.absolute);
    if (known !== undefined) return known;
    const read = readTextFile(file);
    if ('error' in read) {
      errors.push({ file: file.display, line: 0, column: 0, message: read.error });
      return undefined;
    }
    const entry: LoadedFile = { input: file, text: read.text };
    loaded.set(file.absolute, entry);
    return entry;
  };

  const store = new PolicyStore();
  store.setAllowedRegistries(input.allowedRegistries);
  const byKey = new Map<string, LoadedFile>();
  for (const file of [...policyInputs.files, ...manifestInputs.files]) {
    const entry = load(file);
    if (entry === undefined) continue;
    byKey.set(file.display, entry);
    store.setFile(file.display, entry.text);
  }
  for (const e of store.errors) {
    const entry = byKey.get(e.file);
    const pos = entry ? position(entry, e.offset) : { line: 0, column: 0 };
    errors.push({ file: e.file, ...pos, message: e.message });
  }
  const manifests = manifestInputs.files.map((f) => loaded.get(f.absolute)).filter((f): f is LoadedFile => f !== undefined);
  return { store, manifests, errors, warnings: manifestInputs.warnings };
}

/** Reads every input, loads the policies found among them, and evaluates every manifest. */
export function runCheck(input: CheckInput): CheckReport {
  const { store, manifests, errors, warnings } = loadInputs(input);
  const analyzer = new Analyzer(store);
  // `kyverno apply` counts failures of a policy annotated `policies.kyverno.io/scored: "false"` as warnings.
  const unscored = new Set(store.set.compiled.filter((p) => p.annotations['policies.kyverno.io/scored'] === 'false').map((p) => p.loaded.key));
  const results: ReportResult[] = [];
  const resources = new Set<string>();
  for (const entry of manifests) {
    const file = entry.input;
    let analysis: FileAnalysis;
    try {
      analysis = analyzer.analyze(file.display, yamlOf(entry));
    } catch (e) {
      errors.push({ file: file.display, line: 0, column: 0, message: `internal error while checking this file: ${e instanceof Error ? e.message : String(e)}` });
      continue;
    }
    for (const n of analysis.notices) {
      if (n.severity === 'error') errors.push({ file: file.display, ...position(entry, n.start), message: n.message });
    }
    for (const r of analysis.results) {
      resources.add(`${file.display}#${r.resource.documentIndex}`);
      results.push(toReportResult(r, entry, input.auditWarn, unscored.has(r.policy)));
    }
    release(entry);
  }

  const summary: Summary = { pass: 0, fail: 0, warn: 0, error: 0, skip: 0 };
  for (const r of results) summary[r.result]++;
  const set = store.set;
  return {
    results, errors, warnings, summary,
    policyCount: set.policies.length,
    ruleCount: countRules(set),
    resourceCount: resources.size,
    exceptionCount: set.exceptions.length,
  };
}

/** As `kyverno apply` counts them: the written rules plus the ones autogen adds for Pod controllers. */
function countRules(set: PolicySet): number {
  const kyverno = set.compiled.reduce((n, p) => n + p.baseRules.length + autogenStatusRules(p.rawRules, p.annotations).length, 0);
  // A CEL policy is judged as one rule per spec (its own and each autogen one), as Kyverno reports it.
  return kyverno + set.celPolicies.reduce((n, p) => n + p.specs.length, 0);
}

function toReportResult(r: RuleResult, file: LoadedFile, auditWarn: boolean, unscored: boolean): ReportResult {
  const kindPos = position(file, r.resource.kindStart);
  const result: ResultValue = r.status === 'fail' && (unscored || (auditWarn && r.action === 'Audit')) ? 'warn' : r.status;
  return {
    policy: r.policy,
    rule: r.rule,
    resource: { apiVersion: r.resource.apiVersion, kind: r.resource.kind, namespace: r.resource.namespace, name: r.resource.name, file: file.input.display, line: kindPos.line },
    result,
    action: r.action,
    message: r.message,
    violations: r.violations.map((v) => {
      const s = position(file, v.start);
      const e = position(file, v.end);
      return { path: v.path, ...(v.image !== undefined ? { image: v.image } : {}), file: file.input.display, line: s.line, column: s.column, endLine: e.line, endColumn: e.column };
    }),
  };
}

/** 1-based line and column (UTF-16 code units, as LSP and SARIF count them). */
export function position(file: LoadedFile, offset: number): { line: number; column: number } {
  file.lines ??= new LineIndex(file.text);
  const p = file.lines.positionAt(offset);
  return { line: p.line + 1, column: p.character + 1 };
}

export function exitCode(report: CheckReport): number {
  if (report.errors.length > 0) return 2;
  return report.summary.fail > 0 || report.summary.error > 0 ? 1 : 0;
}
