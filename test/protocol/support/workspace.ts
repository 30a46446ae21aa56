// Helpers shared by the protocol tests: a server on a fresh copy of the fixture workspace.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { copyWorkspace, fileUri, LspTestClient, type StartOptions } from './lspClient';

export interface Session {
  client: LspTestClient;
  ws: string;
  file(relative: string): { path: string; uri: string; text: string };
}

/** Starts a server on a copy of the workspace fixture, waits for its policy scan, runs `body`, always stops it. */
export async function withServer(options: StartOptions & { prepare?: (ws: string) => void; policies?: number }, body: (s: Session) => Promise<void>): Promise<void> {
  const ws = copyWorkspace();
  options.prepare?.(ws);
  const client = await LspTestClient.start({ folders: [ws], ...options });
  try {
    const expected = options.policies ?? 1;
    await client.waitFor(`the policy scan to find ${expected} policies`, () => client.statuses.find((s) => !s.scanning && s.policies === expected));
    await body({
      client,
      ws,
      file(relative) {
        const p = path.join(ws, relative);
        return { path: p, uri: fileUri(p), text: fs.existsSync(p) ? fs.readFileSync(p, 'utf8') : '' };
      },
    });
  } finally {
    await client.stop();
    fs.rmSync(ws, { recursive: true, force: true });
  }
}
