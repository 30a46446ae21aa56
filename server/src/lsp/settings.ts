/**
 * The `registryGuard.*` settings as the server uses them. The manifest (package.json contributes.configuration)
 * describes them to the user; this file owns their defaults and how a raw value is made safe.
 */
import type { CatalogMapping, CatalogOptions, PullThroughCacheOptions } from '../engine/catalog';

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
  /** registryGuard.maxFileSize: larger files are not analysed (megabytes, 1 MB = 1,000,000 characters). */
  maxFileSizeMB: number;
  /** registryGuard.rewrites.* and registryGuard.pullThroughCache.*, as the catalog takes them. */
  catalog: CatalogOptions;
  /**
   * registryGuard.verifyRewriteTargets: ask the target registry whether a rewrite's tag or digest exists. The only
   * setting that makes the server use the network; honoured in trusted workspaces only.
   */
  verifyRewriteTargets: boolean;
}

export const MAX_DIAGNOSTICS_DELAY_MS = 50;

export const DEFAULT_DOCUMENT_SETTINGS: DocumentSettings = { severity: { enforce: 'error', audit: 'warning' } };

export const DEFAULT_INCLUDE = ['**/*.yaml', '**/*.yml'];
export const DEFAULT_EXCLUDE = [
  '**/node_modules/**', '**/.git/**', '**/dist/**', '**/out/**', '**/vendor/**', '**/.terraform/**',
  '**/.venv/**', '**/__pycache__/**', '**/target/**', '**/.idea/**', '**/.vscode-test/**',
];

export const DEFAULT_FOLDER_SETTINGS: FolderSettings = { include: DEFAULT_INCLUDE, exclude: DEFAULT_EXCLUDE, extraPaths: [] };

export const DEFAULT_MAX_FILE_SIZE_MB = 20;
export const MAX_FILE_SIZE_SETTING = 'registryGuard.maxFileSize';
const MAX_FILE_SIZE_MB_CAP = 1024;

export const DEFAULT_SERVER_SETTINGS: ServerSettings = {
  diagnosticsDelay: 30, allowedRegistries: [], maxFileSizeMB: DEFAULT_MAX_FILE_SIZE_MB, catalog: {}, verifyRewriteTargets: false,
};

export const VERIFY_REWRITE_TARGETS_SETTING = 'registryGuard.verifyRewriteTargets';

/** The file size limit in characters (what the analyzer compares). */
export function maxFileBytes(settings: ServerSettings): number {
  return Math.round(settings.maxFileSizeMB * 1_000_000);
}

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
    maxFileSizeMB: maxFileSize(section(raw, 'maxFileSize')),
    catalog: catalogOptions(raw),
    // Only a real `true` turns the network on: a string "true" or any other value leaves it off.
    verifyRewriteTargets: section(raw, 'verifyRewriteTargets') === true,
  };
}

function maxFileSize(value: unknown): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) return DEFAULT_MAX_FILE_SIZE_MB;
  return Math.min(MAX_FILE_SIZE_MB_CAP, value);
}

/**
 * Mappings are passed on as written (the catalog validates them and reports problems as data); the pull-through
 * cache counts as asked for once an account or a region is set.
 */
function catalogOptions(raw: unknown): CatalogOptions {
  const rewrites = section(raw, 'rewrites');
  const options: CatalogOptions = {};
  const mappings = section(rewrites, 'mappings');
  if (Array.isArray(mappings)) {
    options.mappings = mappings.filter((m): m is CatalogMapping => m !== null && typeof m === 'object' && !Array.isArray(m));
  }
  const disabled = stringList(section(rewrites, 'disabled'), []);
  if (disabled.length > 0) options.disabled = disabled;
  const cache = section(raw, 'pullThroughCache');
  const account = section(cache, 'account');
  const region = section(cache, 'region');
  const hasText = (v: unknown) => typeof v === 'string' && v.trim() !== '';
  if (hasText(account) || hasText(region)) {
    const prefixes = section(cache, 'prefixes');
    options.pullThroughCache = {
      account: typeof account === 'string' ? account.trim() : '',
      region: typeof region === 'string' ? region.trim() : '',
      prefixes: (prefixes !== null && typeof prefixes === 'object' && !Array.isArray(prefixes) ? prefixes : {}) as PullThroughCacheOptions['prefixes'],
    };
  }
  return options;
}
