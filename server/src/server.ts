/**
 * Registry Guard language server entry point. The transport comes from argv (createConnection reads
 * --node-ipc, --stdio or --socket=N): the VS Code extension uses IPC, other editors `node dist/server.js --stdio`.
 */
import { createConnection, ProposedFeatures } from 'vscode-languageserver/node';
import { nodeFileSystem } from './lsp/fileSystem';
import { RegistryGuardSession } from './lsp/session';

const connection = createConnection(ProposedFeatures.all);

// Under --stdio, stdout is the transport: anything written with console.* must go to the client's log instead.
/* eslint-disable no-console -- replacing console's methods is the point here */
console.log = (...args: unknown[]) => connection.console.log(args.map(String).join(' '));
console.info = (...args: unknown[]) => connection.console.info(args.map(String).join(' '));
console.warn = (...args: unknown[]) => connection.console.warn(args.map(String).join(' '));
console.error = (...args: unknown[]) => connection.console.error(args.map(String).join(' '));
console.debug = (...args: unknown[]) => connection.console.log(args.map(String).join(' '));
/* eslint-enable no-console */

process.on('uncaughtException', (error) => connection.console.error(`Registry Guard: uncaught exception: ${error.stack ?? error.message}`));
process.on('unhandledRejection', (reason) => connection.console.error(`Registry Guard: unhandled rejection: ${reason instanceof Error ? reason.stack : String(reason)}`));

new RegistryGuardSession(connection, nodeFileSystem).listen();
