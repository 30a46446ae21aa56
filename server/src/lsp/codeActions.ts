/**
 * Code actions: rewrite a blocked image to a target that passes (checked by engine/fixes), allow its registry
 * in the policy, add a mapping, fix every image of a file, and apply policy-lint fixes. Every edit names the
 * document version it was computed for (documentChanges), and an action resolved or applied against another
 * version is refused, so a stale fix can never land in newer text.
 *
 * With registryGuard.verifyRewriteTargets, rewrite targets are also checked against their registry: offering
 * actions only reads the checker's cache (a known-good target says "(verified)", a missing one is not offered)
 * and starts lookups for unknown targets in the background; resolving a rewrite waits for its lookup and refuses
 * a missing target.
 */
import {
  CodeActionKind, LSPErrorCodes, ResponseError,
  type CodeAction, type CodeActionParams, type Diagnostic, type Range, type TextEdit as LspTextEdit, type WorkspaceEdit,
} from 'vscode-languageserver-protocol';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { ALLOW_LIST_FILE, type FileAnalysis, type Finding } from '../engine/analysis';
import type { CatalogOptions, RewriteCandidate, RewriteNote } from '../engine/catalog';
import {
  allowRegistryFix, imageSites, overlappingEdits, planFixes, sortEdits,
  type AllowRegistryFix, type CheckedCandidate, type CheckedImage, type FileAnalyzer, type FixPlan, type ImageSite,
} from '../engine/fixes';
import type { YamlFile } from '../engine/yaml/model';
import { DIAGNOSTIC_SOURCE } from './diagnostics';
import type { OpenDocument } from './documents';
import { problemDiagnostic, type LocatedProblem } from './policyAuthoring';
import { Commands } from './protocol';
import { knownMissing, notFoundReason, VerifiedFixCache, type TargetVerifier } from './targetVerification';

/** `source.fixAll.registryGuard`: every preferred fix of the document (editor.codeActionsOnSave). */
export const FIX_ALL_KIND = `${CodeActionKind.SourceFixAll}.registryGuard`;

/** A policy file's current text, from the open buffer or the disk copy the server loaded. */
export interface PolicyText {
  uri: string;
  yaml: YamlFile;
  /** The open document's version; null when the file is not open (the edit then applies to the file as it is). */
  version: number | null;
}

export interface CodeActionEnvironment {
  documents: { get(uri: string): OpenDocument | undefined };
  analyzer: FileAnalyzer;
  policyText(file: string): PolicyText | undefined;
  /** The allow-list setting's policy text (for "Allow ... in registryGuard.allowedRegistries"). */
  allowListText(): YamlFile | undefined;
  catalog(): CatalogOptions | undefined;
  /** Changes whenever the policies in effect or the catalog settings change. */
  generation(): string;
  lintProblems(doc: OpenDocument): LocatedProblem[];
  /** The registry checker while registryGuard.verifyRewriteTargets is on in a trusted workspace, else undefined. */
  verifier?(): TargetVerifier | undefined;
}

export interface CodeActionClientSupport {
  /** The client resolves edits lazily (codeAction/resolve with `edit`): edits are computed at apply time. */
  resolveEdit: boolean;
  /** WorkspaceEdit.documentChanges (versioned edits). Without it edits fall back to `changes`. */
  documentChanges: boolean;
  /** CodeAction.disabled is shown (why a target is not offered). */
  disabled: boolean;
  /** Client-side commands the client declared (initializationOptions.clientCommands). */
  commands: ReadonlySet<string>;
}

/** What `data` carries so that codeAction/resolve can recompute the same action for the same version. */
export type ActionData =
  | { rg: 'rewrite'; uri: string; version: number; start: number; end: number; target: string }
  | { rg: 'allow'; uri: string; version: number; start: number; end: number; policy: string; policyFile: string; policyStamp: string }
  | { rg: 'fixAll'; uri: string; version: number; kind: string }
  | { rg: 'lint'; uri: string; version: number; start: number; end: number; code: string; title: string };

interface CachedPlan {
  generation: string;
  verifier: TargetVerifier | undefined;
  /** Every target the plan looked at, and those of them the registry had said were missing. */
  targets: ReadonlySet<string>;
  missing: ReadonlySet<string>;
  plan: FixPlan;
}

interface FileEdit {
  uri: string;
  version: number | null;
  document: TextDocument;
  edits: { start: number; end: number; newText: string }[];
}

export class CodeActionHandler {
  private cache: VerifiedFixCache;
  /** The last plan per file version: the editor asks for code actions on every cursor move. */
  private plans = new WeakMap<YamlFile, CachedPlan>();
  private lastVerifier: TargetVerifier | undefined;
  /** Targets whose background lookup this handler started and that have not finished. */
  private readonly lookups = new Set<string>();

  constructor(private readonly env: CodeActionEnvironment, private readonly client: () => CodeActionClientSupport) {
    this.cache = new VerifiedFixCache('', () => this.verifier());
  }

  provide(params: CodeActionParams): CodeAction[] {
    const doc = this.env.documents.get(params.textDocument.uri);
    if (doc === undefined) return [];
    const only = params.context.only;
    const from = doc.document.offsetAt(params.range.start);
    const to = doc.document.offsetAt(params.range.end);
    const actions: CodeAction[] = [];
    const analysis = this.env.analyzer.analyze(doc.key, doc.yaml);
    if (wants(only, CodeActionKind.QuickFix)) {
      if (analysis.kind === 'manifest') actions.push(...this.imageActions(doc, analysis, from, to, params.context.diagnostics));
      actions.push(...this.lintActions(doc, from, to, params.context.diagnostics));
    }
    if (only !== undefined && wants(only, FIX_ALL_KIND)) {
      const fixAll = this.fixAllAction(doc, analysis, FIX_ALL_KIND, 1);
      if (fixAll !== undefined) actions.push(fixAll);
    }
    return actions;
  }

  /**
   * codeAction/resolve: the edit for the version the action was offered for, or ContentModified. A rewrite is
   * first looked up in its registry when verification is on (at most the checker's timeout); a target the
   * registry does not have is refused, so nothing is applied.
   */
  async resolve(action: CodeAction): Promise<CodeAction> {
    const data = action.data as ActionData | undefined;
    if (data === undefined || typeof data !== 'object' || typeof data.rg !== 'string') return action;
    this.currentDocument(data);
    const verifier = this.verifier();
    if (data.rg === 'rewrite' && verifier !== undefined) {
      const answer = await verifier.check(data.target);
      if (answer === 'missing') {
        throw new ResponseError(LSPErrorCodes.RequestFailed, `Registry Guard did not rewrite to ${data.target}: ${notFoundReason(data.target)}.`);
      }
    }
    const doc = this.currentDocument(data); // the lookup took time: the document may have moved on
    const resolved = this.recompute(doc, data);
    if (resolved?.edit === undefined) {
      throw new ResponseError(LSPErrorCodes.ContentModified, `This fix no longer applies to ${data.uri}; ask for fixes again.`);
    }
    return { ...action, edit: resolved.edit };
  }

  /** The workspace-wide fix of one file (open or read from disk), as edits with their version. */
  fileFix(uri: string, key: string, yaml: YamlFile, version: number | null, document: TextDocument): { plan: FixPlan; edit?: FileEdit } {
    const plan = planFixes(this.env.analyzer, key, yaml, { catalog: this.env.catalog(), cache: this.fixCache() });
    if (plan.edits.length === 0) return { plan };
    return { plan, edit: { uri, version, document, edits: plan.edits } };
  }

  /** A WorkspaceEdit over several files, versioned where the client allows it. */
  workspaceEdit(files: readonly FileEdit[]): WorkspaceEdit {
    return toWorkspaceEdit(files, this.client().documentChanges);
  }

  // -----------------------------------------------------------------------------------------------

  private currentDocument(data: ActionData): OpenDocument {
    const doc = this.env.documents.get(data.uri);
    if (doc === undefined || doc.document.version !== data.version) {
      throw new ResponseError(LSPErrorCodes.ContentModified, `${data.uri} changed after this fix was computed (version ${data.version}); ask for fixes again.`);
    }
    return doc;
  }

  private fixCache(): VerifiedFixCache {
    const generation = this.env.generation();
    if (this.cache.generation !== generation) this.cache = new VerifiedFixCache(generation, () => this.verifier());
    return this.cache;
  }

  private verifier(): TargetVerifier | undefined {
    const verifier = this.env.verifier?.();
    if (verifier !== this.lastVerifier) {
      this.lastVerifier = verifier;
      this.lookups.clear();
    }
    return verifier;
  }

  /** The file version's plan, reused while the policies, the checker and its answers about the plan's targets stay. */
  private plan(doc: OpenDocument): FixPlan {
    const cache = this.fixCache();
    const verifier = this.verifier();
    const hit = this.plans.get(doc.yaml);
    if (hit !== undefined && hit.generation === cache.generation && hit.verifier === verifier && sameSet(knownMissing(hit.targets, verifier), hit.missing)) {
      return hit.plan;
    }
    const targets = new Set<string>();
    const plan = cache.watching(targets, () => planFixes(this.env.analyzer, doc.key, doc.yaml, { catalog: this.env.catalog(), cache }));
    this.plans.set(doc.yaml, { generation: cache.generation, verifier, targets, missing: knownMissing(targets, verifier), plan });
    return plan;
  }

  /** The targets that pass the policies, without those the registry is known not to have (ranked again). */
  private checked(doc: OpenDocument, site: ImageSite): CheckedImage {
    return this.fixCache().checked(this.env.analyzer, doc.key, doc.yaml, site, this.env.catalog());
  }

  /** Starts a background lookup for a target whose answer is not cached; the next request sees the answer. */
  private lookUp(verifier: TargetVerifier, image: string): void {
    if (this.lookups.has(image)) return;
    this.lookups.add(image);
    const finished = (): void => {
      // A lookup of a checker that has since been dropped changes nothing.
      if (verifier === this.lastVerifier) this.lookups.delete(image);
    };
    verifier.check(image).then(finished, finished);
  }

  private sitesIn(doc: OpenDocument, analysis: FileAnalysis, from: number, to: number): ImageSite[] {
    const touching = analysis.findings.filter((f) => f.start <= to && f.end >= from);
    return imageSites(doc.yaml, touching).sites;
  }

  private imageActions(doc: OpenDocument, analysis: FileAnalysis, from: number, to: number, contextDiagnostics: Diagnostic[]): CodeAction[] {
    const actions: CodeAction[] = [];
    const client = this.client();
    const sites = this.sitesIn(doc, analysis, from, to);
    const verifier = this.verifier();
    for (const site of sites) {
      const diagnostics = diagnosticsFor(doc, site, contextDiagnostics);
      const checked = this.checked(doc, site);
      for (const candidate of checked.candidates) {
        const answer = verifier?.peek(candidate.image);
        if (verifier !== undefined && answer === undefined) this.lookUp(verifier, candidate.image);
        actions.push(this.rewriteAction(doc, site, candidate, diagnostics, answer === 'exists'));
      }
      if (verifier !== undefined && client.disabled) actions.push(...this.missingTargets(doc, site, verifier, diagnostics));
      if (client.disabled) actions.push(...refusedTargets(checked.notes, diagnostics));
      actions.push(...this.allowActions(doc, site, diagnostics));
      if (client.commands.has(Commands.addMapping)) {
        const repository = repositoryOf(site.image);
        actions.push({
          title: addMappingTitle(repository),
          kind: CodeActionKind.QuickFix,
          diagnostics,
          command: { title: addMappingTitle(repository), command: Commands.addMapping, arguments: [{ from: repository, image: site.image }] },
        });
      }
    }
    if (sites.length > 0) {
      const fixAll = this.fixAllAction(doc, analysis, CodeActionKind.QuickFix, 2);
      if (fixAll !== undefined) actions.push(fixAll);
    }
    return actions;
  }

  private rewriteAction(doc: OpenDocument, site: ImageSite, candidate: CheckedCandidate, diagnostics: Diagnostic[], verified: boolean): CodeAction {
    const data: ActionData = { rg: 'rewrite', uri: doc.uri, version: doc.document.version, start: site.start, end: site.end, target: candidate.image };
    return this.withEdit({
      title: rewriteTitle(site.image, candidate, verified),
      kind: CodeActionKind.QuickFix,
      isPreferred: candidate.preferred,
      diagnostics,
    }, data, () => this.ownEdit(doc, [candidate.edit]));
  }

  /** Targets that pass the policies but that the registry said it does not have, as disabled actions saying so. */
  private missingTargets(doc: OpenDocument, site: ImageSite, verifier: TargetVerifier, diagnostics: Diagnostic[]): CodeAction[] {
    const all = this.fixCache().unverified(this.env.analyzer, doc.key, doc.yaml, site, this.env.catalog());
    return all.candidates.filter((c) => verifier.peek(c.image) === 'missing').map((c) => ({
      title: rewriteTitle(site.image, c),
      kind: CodeActionKind.QuickFix,
      diagnostics,
      disabled: { reason: notFoundReason(c.image) },
    }));
  }

  private allowActions(doc: OpenDocument, site: ImageSite, diagnostics: Diagnostic[]): CodeAction[] {
    const actions: CodeAction[] = [];
    for (const allowed of this.allowFixes(doc, site)) {
      if (allowed.file === ALLOW_LIST_FILE) {
        if (!this.client().commands.has(Commands.addAllowedRegistry)) continue;
        const title = `Allow ${allowed.pattern} in setting registryGuard.allowedRegistries`;
        actions.push({ title, kind: CodeActionKind.QuickFix, diagnostics, command: { title, command: Commands.addAllowedRegistry, arguments: [allowed.pattern] } });
        continue;
      }
      const policy = this.env.policyText(allowed.file);
      if (policy === undefined) continue;
      const data: ActionData = {
        rg: 'allow', uri: doc.uri, version: doc.document.version, start: site.start, end: site.end,
        policy: allowed.policy, policyFile: allowed.file, policyStamp: stamp(policy),
      };
      actions.push(this.withEdit({ title: allowed.title, kind: CodeActionKind.QuickFix, diagnostics }, data, () => this.policyEdit(policy, allowed)));
    }
    return actions;
  }

  /** One "Allow" per policy: every failing rule of that policy widened together (all must pass for the image). */
  private allowFixes(doc: OpenDocument, site: ImageSite): AllowRegistryFix[] {
    const resource = doc.yaml.documents[site.documentIndex]?.parsed;
    if (resource === undefined) return [];
    const byPolicy = new Map<string, Finding[]>();
    for (const finding of site.findings) byPolicy.set(finding.policy, [...(byPolicy.get(finding.policy) ?? []), finding]);
    const out: AllowRegistryFix[] = [];
    for (const findings of byPolicy.values()) {
      let merged: AllowRegistryFix | undefined;
      for (const finding of findings) {
        const file = finding.ruleSource?.file;
        if (file === undefined) {
          merged = undefined;
          break;
        }
        const yaml = file === ALLOW_LIST_FILE ? this.env.allowListText() : this.env.policyText(file)?.yaml;
        if (yaml === undefined) {
          merged = undefined;
          break;
        }
        const fix = allowRegistryFix({ file, yaml }, finding, resource);
        if ('reason' in fix || (merged !== undefined && (merged.file !== fix.file || merged.pattern !== fix.pattern))) {
          merged = undefined;
          break;
        }
        const edits = merged === undefined ? fix.edits : [...merged.edits, ...fix.edits.filter((e) => !merged!.edits.some((m) => m.start === e.start))];
        merged = { ...fix, edits };
      }
      if (merged !== undefined && overlappingEdits(merged.edits) === undefined) out.push(merged);
    }
    return out;
  }

  private fixAllAction(doc: OpenDocument, analysis: FileAnalysis, kind: string, minimum: number): CodeAction | undefined {
    const edits = this.fixAllEdits(doc, analysis);
    if (edits.length < minimum) return undefined;
    const data: ActionData = { rg: 'fixAll', uri: doc.uri, version: doc.document.version, kind };
    const title = kind === FIX_ALL_KIND ? `Registry Guard: fix all in file (${count(edits.length, 'fix', 'fixes')})` : `Fix all in file: apply ${count(edits.length, 'preferred fix', 'preferred fixes')}`;
    return this.withEdit({ title, kind }, data, () => this.ownEdit(doc, edits));
  }

  /** Every preferred image rewrite, and in policy files every preferred lint fix, that do not overlap. */
  private fixAllEdits(doc: OpenDocument, analysis: FileAnalysis): { start: number; end: number; newText: string }[] {
    const edits: { start: number; end: number; newText: string }[] = [];
    if (analysis.kind === 'manifest') edits.push(...this.plan(doc).edits);
    for (const problem of this.env.lintProblems(doc)) {
      const fix = problem.fix;
      if (fix === undefined || !fix.preferred) continue;
      if (overlappingEdits([...edits, ...fix.edits]) === undefined) edits.push(...fix.edits);
    }
    const sorted = sortEdits(edits);
    if (overlappingEdits(sorted) !== undefined) throw new Error('internal error: fix-all edits overlap');
    return sorted;
  }

  private lintActions(doc: OpenDocument, from: number, to: number, contextDiagnostics: Diagnostic[]): CodeAction[] {
    const actions: CodeAction[] = [];
    for (const problem of this.env.lintProblems(doc)) {
      const fix = problem.fix;
      if (fix === undefined || problem.start > to || problem.end < from) continue;
      const diagnostic = problemDiagnostic(doc.document, problem);
      const matching = contextDiagnostics.filter((d) => d.code === diagnostic.code && sameRange(d.range, diagnostic.range));
      const data: ActionData = { rg: 'lint', uri: doc.uri, version: doc.document.version, start: problem.start, end: problem.end, code: problem.problem.code, title: fix.title };
      actions.push(this.withEdit({
        title: fix.title,
        kind: CodeActionKind.QuickFix,
        isPreferred: fix.preferred,
        diagnostics: matching.length > 0 ? matching : [diagnostic],
      }, data, () => this.ownEdit(doc, fix.edits)));
    }
    return actions;
  }

  /** The action again, from its data, for the document's current version (undefined: it no longer exists). */
  private recompute(doc: OpenDocument, data: ActionData): { edit: WorkspaceEdit } | undefined {
    const analysis = this.env.analyzer.analyze(doc.key, doc.yaml);
    switch (data.rg) {
      case 'rewrite': {
        const site = this.sitesIn(doc, analysis, data.start, data.end).find((s) => s.start === data.start && s.end === data.end);
        const candidate = site === undefined ? undefined : this.checked(doc, site).candidates.find((c) => c.image === data.target);
        return candidate === undefined ? undefined : { edit: this.ownEdit(doc, [candidate.edit]) };
      }
      case 'allow': {
        const site = this.sitesIn(doc, analysis, data.start, data.end).find((s) => s.start === data.start && s.end === data.end);
        const policy = this.env.policyText(data.policyFile);
        if (site === undefined || policy === undefined || stamp(policy) !== data.policyStamp) return undefined;
        const allowed = this.allowFixes(doc, site).find((a) => a.policy === data.policy && a.file === data.policyFile);
        return allowed === undefined ? undefined : { edit: this.policyEdit(policy, allowed) };
      }
      case 'fixAll': {
        const edits = this.fixAllEdits(doc, analysis);
        return edits.length === 0 ? undefined : { edit: this.ownEdit(doc, edits) };
      }
      case 'lint': {
        const problem = this.env.lintProblems(doc).find((p) => p.start === data.start && p.end === data.end && p.problem.code === data.code && p.fix?.title === data.title);
        return problem?.fix === undefined ? undefined : { edit: this.ownEdit(doc, problem.fix.edits) };
      }
    }
  }

  /** Eager edit, or `data` only when the client resolves edits at apply time (then the version is checked again). */
  private withEdit(action: CodeAction, data: ActionData, edit: () => WorkspaceEdit): CodeAction {
    if (this.client().resolveEdit) return { ...action, data };
    return { ...action, edit: edit(), data };
  }

  private ownEdit(doc: OpenDocument, edits: readonly { start: number; end: number; newText: string }[]): WorkspaceEdit {
    return this.workspaceEdit([{ uri: doc.uri, version: doc.document.version, document: doc.document, edits: [...edits] }]);
  }

  private policyEdit(policy: PolicyText, allowed: AllowRegistryFix): WorkspaceEdit {
    const document = TextDocument.create(policy.uri, 'yaml', policy.version ?? 0, policy.yaml.text);
    return this.workspaceEdit([{ uri: policy.uri, version: policy.version, document, edits: allowed.edits }]);
  }
}

/** Whether an action of `kind` is wanted when the client asks for `only` (undefined: everything). */
export function wants(only: readonly string[] | undefined, kind: string): boolean {
  return only === undefined || only.some((k) => kind === k || kind.startsWith(`${k}.`));
}

export function toWorkspaceEdit(files: readonly FileEdit[], documentChanges: boolean): WorkspaceEdit {
  const lsp = files.map((f) => ({
    uri: f.uri,
    version: f.version,
    edits: sortEdits(f.edits).map((e): LspTextEdit => ({ range: { start: f.document.positionAt(e.start), end: f.document.positionAt(e.end) }, newText: e.newText })),
  }));
  if (documentChanges) {
    return { documentChanges: lsp.map((f) => ({ textDocument: { uri: f.uri, version: f.version }, edits: f.edits })) };
  }
  return { changes: Object.fromEntries(lsp.map((f) => [f.uri, f.edits])) };
}

/**
 * "Rewrite to public.ecr.aws/docker/library/nginx (Docker Official Image mirror on Amazon ECR Public)", with
 * " (verified)" once the target's registry confirmed the tag or digest exists.
 */
export function rewriteTitle(image: string, candidate: RewriteCandidate, verified = false): string {
  const suffix = `: ${candidate.image}`;
  const label = candidate.title.endsWith(suffix) ? candidate.title.slice(0, -suffix.length) : candidate.title;
  const dropsDigest = image.includes('@') && !candidate.image.includes('@');
  return `Rewrite to ${candidate.image} (${label})${verified ? ' (verified)' : ''}${dropsDigest ? ' — drops the digest: a separate build' : ''}`;
}

export function addMappingTitle(repository: string): string {
  return `Add a rewrite mapping for ${repository}…`;
}

/** Targets the catalog knows but refuses for this image, as disabled actions that say why. */
function refusedTargets(notes: readonly RewriteNote[], diagnostics: Diagnostic[]): CodeAction[] {
  return notes.filter((n) => n.target !== undefined).map((n) => ({
    title: `Rewrite to ${n.target}`,
    kind: CodeActionKind.QuickFix,
    diagnostics,
    disabled: { reason: n.reason },
  }));
}

/** The client's diagnostics for this image (same range, ours), else ones built from the findings. */
function diagnosticsFor(doc: OpenDocument, site: ImageSite, context: Diagnostic[]): Diagnostic[] {
  const range: Range = { start: doc.document.positionAt(site.start), end: doc.document.positionAt(site.end) };
  const codes = new Set(site.findings.map((f) => `${f.policy}/${f.rule}`));
  const matching = context.filter((d) => d.source === DIAGNOSTIC_SOURCE && sameRange(d.range, range) && codes.has(String(d.code)));
  if (matching.length > 0) return matching;
  return site.findings.map((f) => ({ range, source: DIAGNOSTIC_SOURCE, code: `${f.policy}/${f.rule}`, message: f.policyMessage }));
}

function sameSet(a: ReadonlySet<string>, b: ReadonlySet<string>): boolean {
  return a.size === b.size && [...a].every((x) => b.has(x));
}

function sameRange(a: Range, b: Range): boolean {
  return a.start.line === b.start.line && a.start.character === b.start.character && a.end.line === b.end.line && a.end.character === b.end.character;
}

/** The repository part of an image as written (no tag, no digest). */
export function repositoryOf(image: string): string {
  return image.replace(/@.*$/, '').replace(/:[^/]*$/, '');
}

/** Identifies the policy text an "Allow" edit was computed for (version when open, content otherwise). */
function stamp(policy: PolicyText): string {
  if (policy.version !== null) return `v${policy.version}`;
  let hash = 0x811c9dc5;
  const text = policy.yaml.text;
  for (let i = 0; i < text.length; i++) hash = Math.imul(hash ^ text.charCodeAt(i), 0x01000193) >>> 0;
  return `t${text.length}:${hash.toString(16)}`;
}

function count(n: number, one: string, many: string): string {
  return `${n} ${n === 1 ? one : many}`;
}
