/**
 * The worker side of runBounded: named engine tasks. Big inputs are built here from a name (see hostileInputs.ts)
 * rather than copied in. Each task answers with plain data.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { Analyzer, PolicyStore, type Notice } from '../../../server/src/engine/analysis';
import { parseYamlFile, updateYamlFile } from '../../../server/src/engine/yaml';
import { jmespathSearch, compileGoRegex, evaluateConditions, type EvalContext } from '../../../server/src/engine/jmespath';
import { wildcardMatch, validateValue } from '../../../server/src/engine/pattern';
import * as hostile from './hostileInputs';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import { SEED_POLICY } from './engine';
import { repoRoot } from '../../support/paths';

export type Builder = Exclude<keyof typeof hostile, 'pod'>;

export interface AnalyzeInput {
  text?: string;
  build?: { name: Builder; args?: number[] };
  /** Policy files; the seed policy when absent. */
  policies?: { file: string; text: string }[];
  /** Path the file is analysed under (Helm `templates/` paths matter). */
  file?: string;
  /** Re-analyse after an edit that replaces this text (first occurrence) with `with`. */
  edit?: { replace: string; with: string };
  /** Install injectFault.cjs in this worker first: searching any string that starts with the marker throws. */
  faultMarker?: string;
}

export interface AnalyzeSummary {
  length: number;
  documents: number;
  kind: string;
  findings: number;
  images: string[];
  messages: string[];
  notices: Notice[];
  policies: number;
  policyErrors: string[];
  results: { policy: string; rule: string; status: string; message: string }[];
  afterEdit?: { findings: number; notices: Notice[] };
}

const tasks = {
  analyze(input: AnalyzeInput): AnalyzeSummary {
    if (input.faultMarker !== undefined) {
      process.env.REGISTRY_GUARD_FAULT_MARKER = input.faultMarker;
      createRequire(__filename)(path.join(repoRoot, 'test', 'reliability', 'injectFault.cjs'));
    }
    const text = input.text ?? (hostile[input.build!.name] as (...a: number[]) => string)(...(input.build!.args ?? []));
    const store = new PolicyStore();
    // Parsed first, as the CLI does (the server's disk path hands the text over: both take the same route after).
    for (const p of input.policies ?? [{ file: 'policies/restrict-image-registries.yaml', text: SEED_POLICY }]) store.setFile(p.file, parseYamlFile(p.text));
    const analyzer = new Analyzer(store);
    const yaml = parseYamlFile(text);
    const analysis = analyzer.analyze(input.file ?? 'input.yaml', yaml);
    const summary: AnalyzeSummary = {
      length: text.length,
      documents: yaml.documents.length,
      kind: analysis.kind,
      findings: analysis.findings.length,
      images: [...new Set(analysis.findings.map((f) => f.image ?? ''))].slice(0, 20),
      messages: [...new Set(analysis.findings.map((f) => f.message))].slice(0, 20),
      notices: analysis.notices.slice(0, 20),
      policies: store.set.policies.length,
      policyErrors: store.errors.map((e) => `${e.file}@${e.offset}: ${e.message}`),
      results: analysis.results.slice(0, 50).map((r) => ({ policy: r.policy, rule: r.rule, status: r.status, message: r.message })),
    };
    if (input.edit !== undefined) {
      const at = text.indexOf(input.edit.replace);
      if (at < 0) throw new Error(`edit target ${input.edit.replace} not in the text`);
      const next = analyzer.analyze(input.file ?? 'input.yaml', updateYamlFile(yaml, { start: at, end: at + input.edit.replace.length, text: input.edit.with }));
      summary.afterEdit = { findings: next.findings.length, notices: next.notices.slice(0, 20) };
    }
    return summary;
  },

  jmespath(input: { expression: string; data: unknown }): { value: unknown } | { error: string } {
    try {
      return { value: jmespathSearch(input.expression, input.data) };
    } catch (e) {
      return { error: e instanceof Error ? e.message : String(e) };
    }
  },

  conditions(input: { conditions: unknown; object: unknown }): unknown {
    const ctx: EvalContext = { request: { object: input.object, operation: 'CREATE' }, images: {} };
    return evaluateConditions(input.conditions, ctx);
  },

  goRegex(input: { pattern: string; text: string }): { matched: boolean } | { error: string } {
    const re = compileGoRegex(input.pattern);
    if ('error' in re) return re;
    try {
      return { matched: re.test(input.text) };
    } catch (e) {
      return { error: e instanceof Error ? e.message : String(e) };
    }
  },

  wildcard(input: { pattern: string; value: string }): boolean {
    return wildcardMatch(input.pattern, input.value);
  },

  validateValue(input: { value: unknown; pattern: unknown }): boolean {
    return validateValue(input.value, input.pattern);
  },
};

export type TaskName = keyof typeof tasks;
export type TaskResult<N extends TaskName> = ReturnType<(typeof tasks)[N]>;

if (parentPort !== null && workerData !== null && typeof workerData === 'object' && 'task' in workerData) {
  const { task, input } = workerData as { task: TaskName; input: never };
  try {
    const value = tasks[task](input);
    parentPort.postMessage({ ok: true, value });
  } catch (e) {
    parentPort.postMessage({ ok: false, error: e instanceof Error ? e.stack ?? e.message : String(e) });
  }
}
