/**
 * Settings per resource, as the house style asks: document settings are pulled from the client
 * (workspace/configuration with the document's URI as scope) and cached until the configuration changes.
 * Clients without workspace/configuration (or editors that only push settings) fall back to the pushed values.
 */
import {
  DEFAULT_SERVER_SETTINGS, documentSettings, folderSettings, serverSettings,
  type DocumentSettings, type FolderSettings, type ServerSettings,
} from './settings';
import type { ValidationSettings } from './validation';

export const SECTION = 'registryGuard';

/** Reads the raw `registryGuard` section for a scope (a document or folder URI; undefined = window). */
export interface ConfigurationReader {
  read(scopeUri: string | undefined): Promise<unknown>;
}

export class SettingsCache implements ValidationSettings {
  private readonly documents = new Map<string, Promise<DocumentSettings>>();
  private server: ServerSettings = DEFAULT_SERVER_SETTINGS;

  constructor(private readonly reader: ConfigurationReader) {}

  forDocument(uri: string): Promise<DocumentSettings> {
    let settings = this.documents.get(uri);
    if (settings === undefined) {
      settings = this.reader.read(uri).then(documentSettings, () => documentSettings(undefined));
      this.documents.set(uri, settings);
    }
    return settings;
  }

  delay(): number {
    return this.server.diagnosticsDelay;
  }

  get serverSettings(): ServerSettings {
    return this.server;
  }

  async refreshServerSettings(): Promise<ServerSettings> {
    this.server = serverSettings(await this.reader.read(undefined).catch(() => undefined));
    return this.server;
  }

  async forFolder(folderUri: string | undefined): Promise<FolderSettings> {
    return folderSettings(await this.reader.read(folderUri).catch(() => undefined));
  }

  forget(uri: string): void {
    this.documents.delete(uri);
  }

  clear(): void {
    this.documents.clear();
  }
}

/** For clients that push settings with workspace/didChangeConfiguration instead of answering workspace/configuration. */
export class PushedConfiguration implements ConfigurationReader {
  private settings: unknown;

  update(allSettings: unknown): void {
    if (allSettings !== null && typeof allSettings === 'object' && SECTION in allSettings) {
      this.settings = (allSettings as Record<string, unknown>)[SECTION];
    }
  }

  read(): Promise<unknown> {
    return Promise.resolve(this.settings);
  }
}
