import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { runCli, workspace, seedPolicy, pod } from './cliHarness';

const crlfPod = [
  'apiVersion: v1', 'kind: Pod', 'metadata:', '  name: crlf', 'spec:', '  containers:',
  '    - name: a', '      image: "nginx:1.27"   # pinned',
  "    - {name: b, image: 'busybox@sha256:1111111111111111111111111111111111111111111111111111111111111111'}",
  '',
].join('\r\n');

test('fix --dry-run prints a unified diff and writes nothing', () => {
  const dir = workspace({ 'policy.yaml': seedPolicy, 'pod.yaml': pod('p', ['nginx:1.27']) });
  const before = fs.readFileSync(path.join(dir, 'pod.yaml'), 'utf8');
  const r = runCli(['fix', '--dry-run', '.'], dir);
  assert.equal(r.status, 0, r.stdout + r.stderr);
  assert.ok(r.stdout.includes('--- a/pod.yaml\n+++ b/pod.yaml\n'), r.stdout);
  assert.ok(r.stdout.includes('-      image: nginx:1.27\n+      image: public.ecr.aws/docker/library/nginx:1.27\n'), r.stdout);
  assert.match(r.stdout, /^@@ -\d+,\d+ \+\d+,\d+ @@$/m);
  assert.match(r.stdout, /would fix: 1, not fixed: 0/);
  assert.equal(fs.readFileSync(path.join(dir, 'pod.yaml'), 'utf8'), before);
});

test('fix rewrites to the preferred mirror, keeps tag, digest, quotes, comments, flow style and CRLF, and the result passes', () => {
  const dir = workspace({ 'policy.yaml': seedPolicy, 'pod.yaml': crlfPod });
  const r = runCli(['fix', '.'], dir);
  assert.equal(r.status, 0, r.stdout + r.stderr);
  const after = fs.readFileSync(path.join(dir, 'pod.yaml'), 'utf8');
  assert.equal(after, crlfPod
    .replace('"nginx:1.27"', '"public.ecr.aws/docker/library/nginx:1.27"')
    .replace("'busybox@sha256:", "'public.ecr.aws/docker/library/busybox@sha256:"));
  assert.equal(fs.readdirSync(dir).filter((f) => f.includes('.tmp')).length, 0, 'no temporary files left');
  const check = runCli(['check', '.'], dir);
  assert.equal(check.status, 0, check.stdout);
});

test('an image with no known mirror is left alone and reported, with exit 1', () => {
  const dir = workspace({ 'policy.yaml': seedPolicy, 'pod.yaml': pod('p', ['ghcr.io/acme/app:1', 'nginx']) });
  const r = runCli(['fix', '.'], dir);
  assert.equal(r.status, 1, r.stdout + r.stderr);
  assert.match(r.stdout, /pod\.yaml:8:14: not fixed: ghcr\.io\/acme\/app:1: /);
  assert.match(r.stdout, /pod\.yaml:10:14: rewrote nginx -> public\.ecr\.aws\/docker\/library\/nginx/);
  const after = fs.readFileSync(path.join(dir, 'pod.yaml'), 'utf8');
  assert.ok(after.includes('image: ghcr.io/acme/app:1'));
  assert.ok(after.includes('image: public.ecr.aws/docker/library/nginx'));
});

test('fix keeps the file mode and refuses standard input', () => {
  const dir = workspace({ 'policy.yaml': seedPolicy, 'pod.yaml': pod('p', ['nginx']) });
  fs.chmodSync(path.join(dir, 'pod.yaml'), 0o600);
  assert.equal(runCli(['fix', '.'], dir).status, 0);
  assert.equal(fs.statSync(path.join(dir, 'pod.yaml')).mode & 0o777, 0o600);
  const stdin = runCli(['fix', '--policy', 'policy.yaml', '-'], dir, pod('p', ['nginx']));
  assert.equal(stdin.status, 2);
  assert.match(stdin.stderr, /standard input/);
});
