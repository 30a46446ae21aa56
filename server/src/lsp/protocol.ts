/**
 * The custom messages between the Registry Guard client and server, declared once for both sides.
 * Keep this file import-light: the client bundles it, so it may only use vscode-languageserver-protocol.
 */
import { NotificationType, RequestType, RequestType0, type ProgressToken, type Range, type WorkspaceEdit } from 'vscode-languageserver-protocol';

/** Command ids the extension contributes (the e2e harness drives these). */
export const Commands = {
  checkWorkspace: 'registryGuard.checkWorkspace',
  showPolicies: 'registryGuard.showPolicies',
  restartServer: 'registryGuard.restartServer',
  showOutput: 'registryGuard.showOutput',
  /** Returns {@link ServerState}; hidden from the command palette, meant for tests and bug reports. */
  serverState: 'registryGuard.serverState',
  /** Applies every preferred image rewrite in the workspace's manifests (through {@link FixWorkspaceRequest}). */
  fixWorkspace: 'registryGuard.fixWorkspace',
  /** Asks for a from/to pair and adds it to registryGuard.rewrites.mappings. Argument: {@link AddMappingArguments}. */
  addMapping: 'registryGuard.addMapping',
  /** Adds a pattern (the argument, a string) to registryGuard.allowedRegistries; used by quick fixes. */
  addAllowedRegistry: 'registryGuard.addAllowedRegistry',
} as const;

/** The client-side commands code actions may use; a client lists the ones it has in initializationOptions. */
export const CLIENT_COMMANDS: readonly string[] = [Commands.addMapping, Commands.addAllowedRegistry];

export interface AddMappingArguments {
  /** The repository as written in the manifest (no tag or digest), proposed as "from". */
  from?: string;
  /** The image the quick fix was asked for. */
  image?: string;
}

export interface StatusParams {
  /** Policies in effect (policy files plus the registryGuard.allowedRegistries setting). */
  policies: number;
  rules: number;
  policyFiles: number;
  /** Policy files or documents that could not be loaded. */
  errors: number;
  /** True while the server is still reading the workspace's policy files. */
  scanning: boolean;
}

/** Server → client whenever the policies in effect change. */
export const StatusNotification = new NotificationType<StatusParams>('registryGuard/status');

export interface PolicyRuleSummary {
  name: string;
  /** pattern | anyPattern | deny | foreach; absent for rules Registry Guard does not evaluate. */
  form?: string;
  /** Why the rule is not evaluated, when it is not. */
  unsupported?: string;
  /** Where the rule is declared; absent for rules that come from a setting. */
  range?: Range;
}

export interface PolicySummary {
  /** "<name>" for a ClusterPolicy, "<namespace>/<name>" for a namespaced Policy. */
  name: string;
  kind: string;
  /** Document URI of the policy file; absent for the registryGuard.allowedRegistries setting. */
  uri?: string;
  range?: Range;
  rules: PolicyRuleSummary[];
}

export interface PolicyErrorSummary {
  uri?: string;
  range?: Range;
  message: string;
}

export interface PoliciesResult {
  policies: PolicySummary[];
  errors: PolicyErrorSummary[];
}

/** Client → server: the policies and rules in effect, with where they are defined. */
export const PoliciesRequest = new RequestType0<PoliciesResult, void>('registryGuard/policies');

export interface CheckWorkspaceResult {
  /** Workspace manifests analysed (files that are open in the editor are already checked and skipped). */
  filesChecked: number;
  filesWithProblems: number;
  /** Published diagnostics other than hints. */
  problems: number;
  cancelled: boolean;
}

export interface CheckWorkspaceParams {
  /** Client-initiated progress (the VS Code client shows a cancellable notification for it). */
  workDoneToken?: ProgressToken;
}

/**
 * Client → server: analyse every workspace YAML file that is not open and publish its diagnostics. Progress goes
 * through the params' workDoneToken, or else a server-initiated window/workDoneProgress (cancellable) when the
 * client supports it. Cancelling the request stops the check.
 */
export const CheckWorkspaceRequest = new RequestType<CheckWorkspaceParams, CheckWorkspaceResult, void>('registryGuard/checkWorkspace');

export interface WorkspaceTrustParams {
  isTrusted: boolean;
}

/** Client → server when the workspace becomes trusted (VS Code reloads the window when trust is revoked). */
export const WorkspaceTrustNotification = new NotificationType<WorkspaceTrustParams>('registryGuard/workspaceTrust');

/** initializationOptions the VS Code client sends; other editors may omit them (trusted is assumed). */
export interface InitializationOptions {
  isTrusted?: boolean;
  /**
   * `{ registryGuard: {...} }`: initial settings for clients that neither answer workspace/configuration nor push
   * workspace/didChangeConfiguration (Neovim 0.7 `init_options`). Pulled or pushed settings take precedence.
   */
  settings?: unknown;
  /**
   * Client-side commands (from {@link CLIENT_COMMANDS}) the client implements; code actions that run a command are
   * offered only when the client has it. Other editors omit this and get edit-only actions.
   */
  clientCommands?: string[];
  /**
   * TEST-ONLY switches, ignored unless the server process runs with the environment variable
   * REGISTRY_GUARD_TESTING=1 (no editor setting can turn them on).
   */
  testing?: TestingOptions;
}

/** See {@link InitializationOptions.testing}. */
export interface TestingOptions {
  /** Lets registryGuard.verifyRewriteTargets ask registries on 127.0.0.1/localhost/[::1] over plain http. */
  allowInsecureLoopbackRegistry?: boolean;
}

/** The environment variable that makes the server honour {@link InitializationOptions.testing}. */
export const TESTING_ENVIRONMENT_VARIABLE = 'REGISTRY_GUARD_TESTING';

export interface DocumentState {
  uri: string;
  version: number;
  /** The version whose diagnostics were published last, undefined before the first publish. */
  publishedVersion?: number;
  diagnostics: number;
  kind?: string;
}

export interface ServerState {
  trusted: boolean;
  /** A registry checker exists (registryGuard.verifyRewriteTargets is on and the workspace is trusted). */
  verifyingRewriteTargets: boolean;
  workspaceFolders: string[];
  policyFiles: string[];
  policies: number;
  errors: number;
  scanning: boolean;
  documents: DocumentState[];
  /** process.memoryUsage() of the server, in bytes, for bug reports and the benchmark. */
  memory: { heapUsed: number; heapTotal: number; rss: number; external: number };
}

/** Client → server: a snapshot of the server's state, for tests and bug reports. */
export const ServerStateRequest = new RequestType0<ServerState, void>('registryGuard/state');

export interface FixWorkspaceParams {
  /** Client-initiated progress. */
  workDoneToken?: ProgressToken;
}

export interface SkippedFix {
  uri: string;
  range: Range;
  image: string;
  reason: string;
}

export interface FixWorkspaceResult {
  /** Versioned edits: open documents carry their version, files read from disk carry null. */
  edit: WorkspaceEdit;
  /** Files with at least one rewrite. */
  files: number;
  rewrites: number;
  /** Failing images left as they are, with the reason. */
  skipped: SkippedFix[];
  cancelled: boolean;
}

/**
 * Client → server: the preferred rewrite of every failing image in the workspace's manifests (open documents and
 * the files the include/exclude globs select), checked against the policies in effect. The server does not apply
 * it: the client applies the edit, refusing it if an open document's version moved on meanwhile.
 */
export const FixWorkspaceRequest = new RequestType<FixWorkspaceParams, FixWorkspaceResult, void>('registryGuard/fixWorkspace');
