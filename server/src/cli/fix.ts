import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Writable } from 'node:stream';
import { Analyzer } from '../engine/analysis';
import { applyEdits, planFixes } from '../engine/fixes';
import type { FixOptions } from './args';
import { loadInputs, position, yamlOf, type LoadedFile } from './check';
import { decodeText, describe } from './inputs';
import { unifiedDiff } from './unifiedDiff';

/**
 * `registry-guard fix`: applies the same preferred, policy-checked rewrites the editor offers. Each file is
 * written atomically (a temporary file in the same folder, then a rename), and only if its content is
 * still exactly what was read: a file changed underneath is reported and left alone.
 *
 * Exit status: 0 every failing image was fixed (or nothing failed), 1 some failing image has no safe fix,
 * 2 usage error, or an input that could not be read, or a file that could not be written or had changed.
 */
export function runFix(options: FixOptions & { cwd: string }, out: Writable, err: Writable): number {
  const { store, manifests, errors, warnings } = loadInputs({ ...options });
  for (const w of warnings) err.write(`registry-guard: ${w}\n`);
  for (const e of errors) err.write(`registry-guard: ${e.file}${e.line > 0 ? `:${e.line}:${e.column}` : ''}: ${e.message}\n`);
  const analyzer = new Analyzer(store);
  let fixed = 0;
  let remaining = 0;
  let failedWrites = 0;
  for (const file of manifests) {
    if (file.input.absolute === '-') {
      err.write('registry-guard: fix cannot rewrite standard input; pass files instead\n');
      failedWrites++;
      continue;
    }
    let plan;
    try {
      plan = planFixes(analyzer, file.input.display, yamlOf(file));
    } catch (e) {
      err.write(`registry-guard: ${file.input.display}: internal error while planning fixes: ${e instanceof Error ? e.message : String(e)}\n`);
      failedWrites++;
      continue;
    }
    const verb = options.dryRun ? 'would rewrite' : 'rewrote';
    const lines = [
      ...plan.skipped.map((s) => ({ at: s.start, text: `not fixed: ${s.image}: ${s.reason}` })),
      ...plan.fixes.map((f) => ({ at: f.edit.start, text: `${verb} ${f.site.image} -> ${f.candidate.image}` })),
    ].sort((a, b) => a.at - b.at);
    for (const line of lines) {
      const p = position(file, line.at);
      out.write(`${file.input.display}:${p.line}:${p.column}: ${line.text}\n`);
    }
    remaining += plan.skipped.length;
    if (plan.edits.length === 0) continue;
    const after = applyEdits(file.text, plan.edits);
    if (typeof after !== 'string') {
      err.write(`registry-guard: ${file.input.display}: ${after.error}\n`);
      failedWrites++;
      continue;
    }
    if (options.dryRun) {
      out.write(unifiedDiff(`a/${file.input.display}`, `b/${file.input.display}`, file.text, after));
      fixed += plan.fixes.length;
      continue;
    }
    const written = writeIfUnchanged(file, after);
    if (written !== true) {
      err.write(`registry-guard: ${file.input.display}: ${written}\n`);
      failedWrites++;
      remaining += plan.fixes.length;
      continue;
    }
    fixed += plan.fixes.length;
  }
  out.write(`${options.dryRun ? 'would fix' : 'fixed'}: ${fixed}, not fixed: ${remaining}\n`);
  if (errors.length > 0 || failedWrites > 0) return 2;
  return remaining > 0 ? 1 : 0;
}

/**
 * Writes `text` over the file only if the file still holds exactly the text that was read. The check is
 * repeated after the temporary file is complete, right before the rename, to keep the window small.
 */
function writeIfUnchanged(file: LoadedFile, text: string): true | string {
  // A symbolic link stays a link: the file it points to is the one rewritten.
  let target: string;
  try {
    target = fs.realpathSync(file.input.absolute);
  } catch (e) {
    return `not written: ${describe(e)}`;
  }
  const unchanged = (): boolean => {
    try {
      const now = decodeText(fs.readFileSync(target));
      return 'text' in now && now.text === file.text;
    } catch {
      return false;
    }
  };
  if (!unchanged()) return 'not written: the file changed since it was read';
  let mode = 0o644;
  try {
    mode = fs.statSync(target).mode & 0o7777;
  } catch (e) {
    return `not written: ${describe(e)}`;
  }
  const temp = path.join(path.dirname(target), `.${path.basename(target)}.registry-guard-${process.pid}-${Date.now()}.tmp`);
  try {
    const fd = fs.openSync(temp, 'wx', mode);
    try {
      fs.writeFileSync(fd, text, 'utf8');
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
    if (!unchanged()) {
      fs.rmSync(temp, { force: true });
      return 'not written: the file changed since it was read';
    }
    fs.renameSync(temp, target);
    return true;
  } catch (e) {
    fs.rmSync(temp, { force: true });
    return `not written: ${describe(e)}`;
  }
}
