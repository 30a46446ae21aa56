import { parseArgs, UsageError, USAGE } from './args';
import { runCheck, exitCode } from './check';
import { formatText } from './format/text';
import { formatJson } from './format/json';
import { formatSarif } from './format/sarif';
import { runFix } from './fix';

declare const REGISTRY_GUARD_VERSION: string | undefined;
const VERSION = typeof REGISTRY_GUARD_VERSION === 'string' ? REGISTRY_GUARD_VERSION : '0.1.0';

function main(argv: readonly string[]): number {
  let command;
  try {
    command = parseArgs(argv);
  } catch (e) {
    if (e instanceof UsageError) {
      process.stderr.write(`registry-guard: ${e.message}\n\n${USAGE}\n`);
      return 2;
    }
    throw e;
  }
  switch (command.command) {
    case 'help':
      process.stdout.write(`${USAGE}\n`);
      return 0;
    case 'version':
      process.stdout.write(`${VERSION}\n`);
      return 0;
    case 'check': {
      const report = runCheck({ ...command, cwd: process.cwd() });
      for (const w of report.warnings) process.stderr.write(`registry-guard: ${w}\n`);
      const text = command.format === 'json' ? formatJson(report) : command.format === 'sarif' ? formatSarif(report, VERSION) : formatText(report, command.auditWarn);
      process.stdout.write(text);
      return exitCode(report);
    }
    case 'fix':
      return runFix({ ...command, cwd: process.cwd() }, process.stdout, process.stderr);
  }
}

try {
  process.exitCode = main(process.argv.slice(2));
} catch (e) {
  // A user never sees a stack trace; the message still says what went wrong.
  process.stderr.write(`registry-guard: internal error: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exitCode = 2;
}
