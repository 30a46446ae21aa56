export type OutputFormat = 'text' | 'json' | 'sarif';

export interface CheckOptions {
  command: 'check';
  paths: string[];
  policies: string[];
  excludes: string[];
  format: OutputFormat;
  auditWarn: boolean;
  allowedRegistries: string[];
}

export interface FixOptions {
  command: 'fix';
  paths: string[];
  policies: string[];
  excludes: string[];
  dryRun: boolean;
  allowedRegistries: string[];
}

export type CliCommand = CheckOptions | FixOptions | { command: 'help' } | { command: 'version' };

export class UsageError extends Error {}

export const USAGE = `Usage:
  registry-guard check [--policy PATH]... [--exclude GLOB]... [--format text|json|sarif] [--audit-warn]
                       [--allow-registry PATTERN]... PATH...
  registry-guard fix [--dry-run] [--policy PATH]... [--exclude GLOB]... PATH...
  registry-guard --help | --version

PATH is a file or folder (*.yaml, *.yml are read), or - for standard input.
Policies and PolicyExceptions are found among the inputs and in every --policy PATH.
--exclude GLOB skips matching paths (minimatch, relative to the current folder); so do the globs
listed in a .registryguardignore file in the current folder.

check exits 0 when all passed, 1 when a rule failed, 2 on a usage error or an input or policy that
could not be read, parsed or validated (every other input is still reported).
fix writes the preferred, policy-checked rewrite of each failing image (--dry-run: a unified diff, no
writes); it exits 0 when every failing image was fixed, 1 when some had no safe fix, 2 on errors or a
file that changed underneath.`;

export function parseArgs(argv: readonly string[]): CliCommand {
  if (argv.length === 0) throw new UsageError('no command given');
  const [command, ...rest] = argv;
  if (command === '--help' || command === '-h' || command === 'help') return { command: 'help' };
  if (command === '--version' || command === '-v') return { command: 'version' };
  if (command !== 'check' && command !== 'fix') throw new UsageError(`unknown command '${command}'`);

  const paths: string[] = [];
  const policies: string[] = [];
  const excludes: string[] = [];
  const allowedRegistries: string[] = [];
  let format: OutputFormat = 'text';
  let auditWarn = false;
  let dryRun = false;
  for (let i = 0; i < rest.length; i++) {
    const arg = rest[i];
    const [flag, inline] = arg.startsWith('--') && arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined];
    const value = (): string => {
      if (inline !== undefined) return inline;
      const next = rest[++i];
      if (next === undefined) throw new UsageError(`${flag} needs a value`);
      return next;
    };
    switch (flag) {
      case '--policy': case '-p': policies.push(value()); break;
      case '--exclude': case '-e': excludes.push(value()); break;
      case '--allow-registry': allowedRegistries.push(value()); break;
      case '--format': case '-o': {
        const f = value();
        if (command !== 'check') throw new UsageError('--format is only for check');
        if (f !== 'text' && f !== 'json' && f !== 'sarif') throw new UsageError(`unknown format '${f}' (text, json or sarif)`);
        format = f;
        break;
      }
      case '--audit-warn': auditWarn = true; break;
      case '--dry-run': dryRun = true; break;
      case '--': paths.push(...rest.slice(i + 1)); i = rest.length; break;
      default:
        if (arg.startsWith('-') && arg !== '-') throw new UsageError(`unknown option '${arg}'`);
        paths.push(arg);
    }
  }
  if (paths.length === 0) throw new UsageError('no PATH given');
  if (command === 'check') {
    if (dryRun) throw new UsageError('--dry-run is only for fix');
    return { command, paths, policies, excludes, format, auditWarn, allowedRegistries };
  }
  if (auditWarn) throw new UsageError('--audit-warn is only for check');
  return { command, paths, policies, excludes, dryRun, allowedRegistries };
}
