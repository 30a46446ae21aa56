/**
 * The `registryGuard.*` settings as the server uses them. The manifest (package.json contributes.configuration)
 * describes them to the user; this file owns their defaults and how a raw value is made safe.
 */
export type SeverityName = 'error' | 'warning' | 'information' | 'hint';

/** Settings read per document (scope `resource`). */
export interface DocumentSettings {
  severity: { enforce: SeverityName; audit: SeverityName };
}

/** Settings read per workspace folder: which files of the folder hold policies. */
export interface FolderSettings {
  include: string[];
  exclude: string[];
  extraPaths: string[];
}

/** Settings that apply to the whole server (scope `window`). */
export interface ServerSettings {
  diagnosticsDelay: number;
  allowedRegistries: string[];
}

export const MAX_DIAGNOSTICS_DELAY_MS = 50;

export const DEFAULT_DOCUMENT_SETTINGS: DocumentSettings = { severity: { enforce: 'error', audit: 'warning' } };

export const DEFAULT_INCLUDE = ['**/*.yaml', '**/*.yml'];
export const DEFAULT_EXCLUDE = [
  '**/node_modules/**', '**/.git/**', '**/dist/**', '**/out/**', '**/vendor/**', '**/.terraform/**',
  '**/.venv/**', '**/__pycache__/**', '**/target/**', '**/.idea/**', '**/.vscode-test/**',
];

export const DEFAULT_FOLDER_SETTINGS: FolderSettings = { include: DEFAULT_INCLUDE, exclude: DEFAULT_EXCLUDE, extraPaths: [] };

export const DEFAULT_SERVER_SETTINGS: ServerSettings = { diagnosticsDelay: 30, allowedRegistries: [] };

const SEVERITIES: readonly SeverityName[] = ['error', 'warning', 'information', 'hint'];

function section(raw: unknown, key: string): unknown {
  return raw !== null && typeof raw === 'object' ? (raw as Record<string, unknown>)[key] : undefined;
}

function severity(value: unknown, fallback: SeverityName): SeverityName {
  return typeof value === 'string' && (SEVERITIES as readonly string[]).includes(value) ? (value as SeverityName) : fallback;
}

function stringList(value: unknown, fallback: string[]): string[] {
  if (!Array.isArray(value)) return fallback;
  return value.filter((v): v is string => typeof v === 'string' && v.trim().length > 0).map((v) => v.trim());
}

/** `raw` is the `registryGuard` section as the client returns it (any shape; bad values fall back to defaults). */
export function documentSettings(raw: unknown): DocumentSettings {
  const sev = section(raw, 'severity');
  return {
    severity: {
      enforce: severity(section(sev, 'enforce'), DEFAULT_DOCUMENT_SETTINGS.severity.enforce),
      audit: severity(section(sev, 'audit'), DEFAULT_DOCUMENT_SETTINGS.severity.audit),
    },
  };
}

export function folderSettings(raw: unknown): FolderSettings {
  const policies = section(raw, 'policies');
  return {
    include: stringList(section(policies, 'include'), DEFAULT_INCLUDE),
    exclude: stringList(section(policies, 'exclude'), DEFAULT_EXCLUDE),
    extraPaths: stringList(section(policies, 'extraPaths'), []),
  };
}

export function serverSettings(raw: unknown): ServerSettings {
  const delay = section(raw, 'diagnosticsDelay');
  return {
    diagnosticsDelay: typeof delay === 'number' && Number.isFinite(delay)
      ? Math.min(MAX_DIAGNOSTICS_DELAY_MS, Math.max(0, Math.round(delay)))
      : DEFAULT_SERVER_SETTINGS.diagnosticsDelay,
    allowedRegistries: stringList(section(raw, 'allowedRegistries'), []),
  };
}
