// Preload (node --require, or NODE_OPTIONS="--require <this file>" so child processes inherit it) that traps every
// way a Node process reaches the network: net/tls connections, http(s) requests, DNS lookups and fetch. A
// destination that is not loopback (or a local socket path) is recorded, one JSON line per attempt, in the file
// REGISTRY_GUARD_NETWORK_LOG names, and the call throws. Loopback stays open: test servers and editors talk over it.
/* eslint-disable @typescript-eslint/no-require-imports -- a CommonJS preload: require() is how it loads */
'use strict';
const fs = require('node:fs');
const net = require('node:net');
const tls = require('node:tls');
const http = require('node:http');
const https = require('node:https');
const dns = require('node:dns');

const logFile = process.env.REGISTRY_GUARD_NETWORK_LOG;

function isLoopbackHost(host) {
  if (host === undefined || host === null || host === '') return true; // Node's default host is localhost
  const h = String(host).replace(/^\[|\]$/g, '').toLowerCase();
  return h === 'localhost' || h.endsWith('.localhost') || h === '::1' || /^127\./.test(h) || h === '0:0:0:0:0:0:0:1' || /^::ffff:127\./.test(h);
}

function record(kind, destination) {
  const entry = { pid: process.pid, kind, destination: String(destination), argv: process.argv.slice(1, 3).join(' '), stack: new Error().stack.split('\n').slice(2, 9).join('\n') };
  if (logFile) {
    try {
      fs.appendFileSync(logFile, `${JSON.stringify(entry)}\n`);
    } catch {
      // the log folder is gone: the run that owns it has ended
    }
  }
  const error = new Error(`network access blocked by trapNetwork.cjs: ${kind} ${destination}`);
  error.code = 'ERR_NETWORK_TRAPPED';
  throw error;
}

/** net/tls connect(options | port[, host] | path) → the destination, or undefined for loopback and local sockets. */
function remoteOf(args) {
  let [first, second] = args;
  if (Array.isArray(first)) first = first[0]; // Socket#connect's internal normalized form
  if (first !== null && typeof first === 'object') {
    if (first.path !== undefined) return undefined;
    const host = first.host ?? first.hostname;
    return isLoopbackHost(host) ? undefined : `${host}:${first.port}`;
  }
  if (typeof first === 'string' && !/^\d+$/.test(first)) return undefined; // a pipe or socket path
  return typeof second === 'string' && !isLoopbackHost(second) ? `${second}:${first}` : undefined;
}

function wrapConnect(owner, name, kind) {
  const original = owner[name];
  if (typeof original !== 'function') return;
  owner[name] = function trappedConnect(...args) {
    const remote = remoteOf(args);
    if (remote !== undefined) record(kind, remote);
    return original.apply(this, args);
  };
}

wrapConnect(net, 'connect', 'net.connect');
wrapConnect(net, 'createConnection', 'net.createConnection');
wrapConnect(net.Socket.prototype, 'connect', 'net.Socket#connect');
wrapConnect(tls, 'connect', 'tls.connect');

function requestTarget(args) {
  const [first, second] = args;
  let url;
  if (typeof first === 'string') url = new URL(first);
  else if (first instanceof URL) url = first;
  const options = url === undefined ? first ?? {} : typeof second === 'object' && second !== null ? second : {};
  const host = url?.hostname ?? options.hostname ?? options.host;
  if (options.socketPath !== undefined) return undefined;
  return isLoopbackHost(host) ? undefined : `${host}`;
}

for (const [mod, label] of [[http, 'http'], [https, 'https']]) {
  for (const name of ['request', 'get']) {
    const original = mod[name];
    mod[name] = function trappedRequest(...args) {
      const target = requestTarget(args);
      if (target !== undefined) record(`${label}.${name}`, target);
      return original.apply(this, args);
    };
  }
}

function wrapDns(owner, prefix) {
  for (const name of ['lookup', 'lookupService', 'resolve', 'resolve4', 'resolve6', 'resolveAny', 'resolveCname', 'resolveMx', 'resolveNs', 'resolveSrv', 'resolveTxt', 'reverse']) {
    const original = owner[name];
    if (typeof original !== 'function') continue;
    owner[name] = function trappedDns(host, ...rest) {
      if (!isLoopbackHost(host)) record(`${prefix}.${name}`, host);
      return original.call(this, host, ...rest);
    };
  }
}
wrapDns(dns, 'dns');
wrapDns(dns.promises, 'dns.promises');

if (typeof globalThis.fetch === 'function') {
  const originalFetch = globalThis.fetch;
  globalThis.fetch = function trappedFetch(input, init) {
    const raw = typeof input === 'string' ? input : input instanceof URL ? input.href : input?.url;
    let host;
    try {
      host = new URL(String(raw)).hostname;
    } catch {
      host = String(raw);
    }
    if (!isLoopbackHost(host)) {
      try {
        record('fetch', raw);
      } catch (error) {
        return Promise.reject(error);
      }
    }
    return originalFetch.call(this, input, init);
  };
}
