// The problem record every policy check produces (re-exported by index.ts as the contract).

export interface TextEdit { start: number; end: number; newText: string }

export interface PolicyFix { title: string; edits: TextEdit[]; preferred?: boolean }

export interface PolicyProblem {
  severity: 'error' | 'warning' | 'info' | 'hint';
  /** Stable identifier, e.g. `schema-unknown-field`, `kyverno-duplicate-rule-name`, `registry-lookalike-host`. */
  code: string;
  message: string;
  /** Relative to the document (ParsedDocument.text), like every offset of the YAML model. */
  start: number;
  end: number;
  fix?: PolicyFix;
}

export interface LintContext {
  /** Kinds present in the workspace, for the autogen lint (e.g. Deployment, CronJob). */
  workloadKinds?: ReadonlySet<string>;
}
