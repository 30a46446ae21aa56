/**
 * What the UI tier reads from and does to the code-server workbench, in terms of what a person sees: words on
 * rendered lines, squiggles under them, Problems rows, the quick-fix menu and the colours (token classes) of the
 * text. Every helper waits for the workbench to settle into the expected state and throws with what it saw instead.
 */
import type { Page } from '../vscode/harness/tools';

export const EDITOR = '.editor-instance .monaco-editor';

export interface Rect { left: number; right: number; top: number; bottom: number }

// The functions handed to page.evaluate run in the browser. The project compiles without the DOM library, so the
// little of it they touch is declared here, for this module only.
interface DomNode { textContent: string | null; className: string; getBoundingClientRect(): Rect; querySelectorAll(selector: string): ArrayLike<DomNode> }
interface DomRange { setStart(node: DomNode, offset: number): void; setEnd(node: DomNode, offset: number): void; getBoundingClientRect(): Rect }
declare const document: {
  querySelector(selector: string): DomNode | null;
  querySelectorAll(selector: string): ArrayLike<DomNode & { getAttribute(name: string): string | null }>;
  createTreeWalker(root: DomNode, whatToShow: number): { nextNode(): DomNode | null };
  createRange(): DomRange;
};
declare const NodeFilter: { SHOW_TEXT: number };

export function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

export function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}

/** Where on a line to look for a word: after the line's first `:` (a value, the default) or from its first character. */
export type Within = 'value' | 'line';

/**
 * The on-screen box of `word` in the editor's first visible line that matches `line` (a regex source; Monaco
 * renders spaces as U+00A0, which the page normalises first). Undefined when no such line is rendered.
 */
export function wordRect(page: Page, line: string, word: string, within: Within = 'value'): Promise<Rect | undefined> {
  return page.evaluate(({ editor, line, word, within }) => {
    const pattern = new RegExp(line);
    for (const el of Array.from(document.querySelectorAll(`${editor} .view-line`))) {
      const text = (el.textContent ?? '').replace(/\u00a0/g, ' ');
      if (!pattern.test(text)) continue;
      const at = text.indexOf(word, within === 'value' ? text.indexOf(':') + 1 : 0);
      if (at < 0) continue;
      const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
      const range = document.createRange();
      let offset = 0;
      let startSet = false;
      for (let node = walker.nextNode(); node; node = walker.nextNode()) {
        const length = node.textContent?.length ?? 0;
        if (!startSet && at < offset + length) { range.setStart(node, at - offset); startSet = true; }
        if (startSet && at + word.length <= offset + length) {
          range.setEnd(node, at + word.length - offset);
          const r = range.getBoundingClientRect();
          return { left: r.left, right: r.right, top: r.top, bottom: r.bottom };
        }
        offset += length;
      }
    }
    return undefined;
  }, { editor: EDITOR, line, word, within });
}

/** Waits until a line matching `line` with `word` on it is rendered. */
export async function waitForWord(page: Page, line: string, word: string, within: Within = 'value', timeoutMs = 10_000): Promise<Rect> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const rect = await wordRect(page, line, word, within);
    if (rect) return rect;
    if (Date.now() > deadline) throw new Error(`the editor shows no line /${line}/ with "${word}": ${JSON.stringify(await renderedLines(page))}`);
    await delay(100);
  }
}

/** The text of the editor's rendered lines, top to bottom. */
export async function renderedLines(page: Page): Promise<string[]> {
  const lines = await page.evaluate((editor) => Array.from(document.querySelectorAll(`${editor} .view-line`)).map((el) => {
    const r = el.getBoundingClientRect();
    return { top: r.top, text: (el.textContent ?? '').replace(/\u00a0/g, ' ') };
  }), EDITOR);
  return lines.sort((a, b) => a.top - b.top).map((l) => l.text);
}

/** Clicks into the middle of `word` on the matching line: the cursor lands inside it and the editor has focus. */
export async function clickWord(page: Page, line: string, word: string, within: Within = 'value'): Promise<void> {
  const at = await waitForWord(page, line, word, within);
  await page.mouse.click((at.left + at.right) / 2, (at.top + at.bottom) / 2);
}

export type Severity = 'error' | 'warning' | 'info';

export function squiggleRects(page: Page, kind: Severity): Promise<Rect[]> {
  return page.evaluate(({ selector }) => Array.from(document.querySelectorAll(selector)).map((el) => {
    const r = el.getBoundingClientRect();
    return { left: r.left, right: r.right, top: r.top, bottom: r.bottom };
  }), { selector: `${EDITOR} .squiggly-${kind}` });
}

/** Waits until exactly one squiggle of `kind` is drawn, and it spans `word` on the matching line. */
export async function waitForSquiggleUnder(page: Page, kind: Severity, line: string, word: string, within: Within = 'value'): Promise<string> {
  const deadline = Date.now() + 45_000;
  let last = '';
  for (;;) {
    const target = await wordRect(page, line, word, within);
    const squiggles = await squiggleRects(page, kind);
    if (target && squiggles.length === 1) {
      const [s] = squiggles;
      const sameLine = s.top < target.bottom && s.bottom > target.top - 2;
      const spans = Math.abs(s.left - target.left) <= 2 && Math.abs(s.right - target.right) <= 2;
      if (sameLine && spans) return `${kind} squiggle x ${s.left.toFixed(0)}-${s.right.toFixed(0)} matches "${word}" x ${target.left.toFixed(0)}-${target.right.toFixed(0)}`;
    }
    last = `word ${JSON.stringify(target)}, ${kind} squiggles ${JSON.stringify(squiggles)}`;
    if (Date.now() > deadline) throw new Error(`no single ${kind} squiggle under "${word}": ${last}`);
    await delay(150);
  }
}

/** Waits until the editor draws no error and no warning squiggle (information and hint marks may stay). */
export async function noSquiggles(page: Page): Promise<void> {
  await page.waitForFunction((editor) => !document.querySelector(`${editor} .squiggly-error, ${editor} .squiggly-warning`), EDITOR, { timeout: 30_000 });
}

export async function quickOpen(page: Page, file: string): Promise<void> {
  await page.keyboard.press('Control+P');
  await page.waitForSelector('.quick-input-widget .quick-input-box input', { state: 'visible', timeout: 20_000 });
  await page.keyboard.type(file);
  // The list first shows recently opened files; Enter only once the filtered, focused row is the file.
  await page.locator('.quick-input-list .monaco-list-row.focused', { hasText: file }).first().waitFor({ timeout: 20_000 });
  await page.keyboard.press('Enter');
  await page.locator('.tabs-container .tab.active', { hasText: file }).first().waitFor({ timeout: 20_000 });
  await page.waitForSelector(`${EDITOR} .view-lines`, { timeout: 20_000 });
}

/** Puts the cursor on the matching line and retypes it from its first non-blank character, as a user would. */
export async function retypeLine(page: Page, line: string, anchorWord: string, newText: string): Promise<void> {
  await clickWord(page, line, anchorWord);
  await page.keyboard.press('End');
  await page.keyboard.press('Shift+Home');
  await page.keyboard.type(newText);
  await page.keyboard.press('Escape'); // close any suggestion widget the typing opened
  await waitForWord(page, `^\\s*${escapeRegExp(newText)}\\s*$`, newText.slice(newText.indexOf(':') + 1).trim());
}

export async function problemsText(page: Page): Promise<string> {
  return (await page.locator('.markers-panel').first().innerText({ timeout: 10_000 })).replace(/\s+/g, ' ').trim();
}

/**
 * The Problems panel as its rows' accessible names: "N problems in file F of folder ." for a file, "Error: <message>
 * at line L and character C ... generated by <source>" for a marker.
 */
export function problemRows(page: Page): Promise<string[]> {
  return page.evaluate(() => Array.from(document.querySelectorAll('.markers-panel .monaco-list-row'))
    .map((row) => row.getAttribute('aria-label') ?? ''), undefined);
}

/** The Problems rows grouped by file: file name → its marker rows ("Error: …", "Warning: …", "Info: …"). */
export function problemsByFile(rows: string[]): Map<string, string[]> {
  const files = new Map<string, string[]>();
  let current: string[] | undefined;
  for (const row of rows) {
    const file = / problems? in file (\S+) /.exec(row);
    if (file) {
      current = [];
      files.set(file[1], current);
    } else if (current && /^(Error|Warning|Info|Hint): /.test(row)) {
      current.push(row);
    }
  }
  return files;
}

/** Polls the Problems rows until `accept` returns a description of what it found, or throws with the last rows. */
// 45 s: on a loaded 2-core machine (other tiers and sessions running) the panel once took over 20 s to show the re-checked state.
export async function waitForProblems(page: Page, what: string, accept: (files: Map<string, string[]>, rows: string[]) => string | undefined, timeoutMs = 45_000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const rows = await problemRows(page);
    const found = accept(problemsByFile(rows), rows);
    if (found !== undefined) return found;
    if (Date.now() > deadline) throw new Error(`Problems never showed ${what}: ${JSON.stringify(rows)}`);
    await delay(150);
  }
}

/** Waits until the Problems panel lists nothing at all. */
export async function noProblems(page: Page): Promise<void> {
  await page.waitForFunction(() => !document.querySelector('.markers-panel .monaco-list-row'), undefined, { timeout: 20_000 });
}

/**
 * Waits until the explorer and the tabs stop badging `file` with problems. They redraw their decorations a little
 * after the editor and the Problems panel, and a screenshot should not show a count that is already gone.
 */
export async function noProblemBadge(page: Page, file: string): Promise<void> {
  await page.waitForFunction((file) => !Array.from(document.querySelectorAll('.monaco-icon-label'))
    .some((label) => {
      const name = label.getAttribute('aria-label') ?? '';
      return name.includes(`/${file} `) && / \d+ problems? in this file/.test(name);
    }), file, { timeout: 20_000 });
}

const MENU_ROW = '.action-widget .monaco-list-row';

/**
 * Opens the quick-fix menu (Ctrl+.) at the cursor and waits until it lists every title in `expected`.
 * Returns the titles of the menu's action rows, top to bottom.
 */
export async function openQuickFixMenu(page: Page, expected: string[]): Promise<string[]> {
  await page.keyboard.press('Control+.');
  for (const title of expected) await page.locator(MENU_ROW, { hasText: title }).first().waitFor({ timeout: 20_000 });
  return quickFixMenuTitles(page);
}

export function quickFixMenuTitles(page: Page): Promise<string[]> {
  return page.evaluate((selector) => Array.from(document.querySelectorAll(`${selector}.action`))
    .map((row) => (row.textContent ?? '').replace(/\s+/g, ' ').trim()), MENU_ROW);
}

/**
 * Chooses the menu row whose text starts with `title` with the keyboard, as the row cannot be clicked (the context
 * view's pointer block takes the click): arrows move the focus until it is on that row, Enter applies it.
 */
export async function chooseQuickFix(page: Page, title: string): Promise<void> {
  const focusedTitle = (): Promise<string> => page.evaluate((selector) => (document.querySelector(`${selector}.focused`)?.textContent ?? '').replace(/\s+/g, ' ').trim(), MENU_ROW);
  const rows = await quickFixMenuTitles(page);
  for (let i = 0; i <= rows.length; i++) {
    if ((await focusedTitle()).startsWith(title)) {
      await page.keyboard.press('Enter');
      await page.waitForSelector('.action-widget', { state: 'hidden', timeout: 10_000 });
      return;
    }
    await page.keyboard.press('ArrowDown');
    await delay(50);
  }
  throw new Error(`the keyboard never focused "${title}" in the quick-fix menu ${JSON.stringify(rows)}`);
}

/** A rendered token: its text and its class list (Monaco gives each colour of the theme its own `mtkN` class). */
export interface Token { text: string; classes: string }

/** The tokens of the first rendered line matching `line`, left to right. */
export async function lineTokens(page: Page, line: string): Promise<Token[]> {
  const tokens = await page.evaluate(({ editor, line }) => {
    const pattern = new RegExp(line);
    for (const el of Array.from(document.querySelectorAll(`${editor} .view-line`))) {
      if (!pattern.test((el.textContent ?? '').replace(/\u00a0/g, ' '))) continue;
      return Array.from(el.querySelectorAll('span > span')).map((span) => ({ text: (span.textContent ?? '').replace(/\u00a0/g, ' '), classes: span.className }));
    }
    return undefined;
  }, { editor: EDITOR, line });
  if (!tokens) throw new Error(`no rendered line /${line}/: ${JSON.stringify(await renderedLines(page))}`);
  return tokens;
}

/**
 * The colour class (`mtkN`) of the token on the matching line whose text, trimmed, is `text` (or, with `contains`,
 * includes it). Monaco merges neighbouring tokens of the same colour, so a token is a run of one colour.
 */
export async function tokenColour(page: Page, line: string, text: string, match: 'exact' | 'contains' = 'exact'): Promise<string> {
  const tokens = await lineTokens(page, line);
  const token = tokens.find((t) => (match === 'exact' ? t.text.trim() === text : t.text.includes(text)));
  if (!token) throw new Error(`no token "${text}" on /${line}/: ${JSON.stringify(tokens)}`);
  const colour = /\bmtk\d+\b/.exec(token.classes);
  if (!colour) throw new Error(`token "${text}" has no colour class: ${token.classes}`);
  return colour[0];
}

/**
 * A screenshot of part of the page (playwright's `clip`, which the shared harness's Page type leaves out): a close
 * view of a few lines is where colours can be told apart.
 */
export async function screenshotRegion(page: Page, file: string, region: Rect): Promise<void> {
  const clip = { x: Math.max(0, region.left), y: Math.max(0, region.top), width: region.right - region.left, height: region.bottom - region.top };
  await (page as unknown as { screenshot(options: { path: string; clip: typeof clip }): Promise<unknown> }).screenshot({ path: file, clip });
}

/** Runs a command from the command palette by its label. */
export async function runCommand(page: Page, label: string): Promise<void> {
  await page.keyboard.press('Control+Shift+P');
  await page.waitForSelector('.quick-input-widget .quick-input-box input', { state: 'visible', timeout: 20_000 });
  await page.keyboard.type(label);
  await page.locator('.quick-input-list .monaco-list-row.focused', { hasText: label }).first().waitFor({ timeout: 20_000 });
  await page.keyboard.press('Enter');
}
