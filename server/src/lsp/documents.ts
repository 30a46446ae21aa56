/**
 * Open documents: the editor's text (TextDocument, for offset <-> position at the edge) and the YAML model kept
 * in step with it. Each incremental change is applied to both, so `updateYamlFile` re-parses only the YAML
 * documents an edit touched and the Analyzer's per-document cache keeps the others.
 */
import { TextDocument } from 'vscode-languageserver-textdocument';
import type { TextDocumentContentChangeEvent } from 'vscode-languageserver-protocol';
import { parseYamlFile, updateYamlFile, type YamlFile } from '../engine/yaml/model';
import { uriToKey } from './paths';

export interface OpenDocument {
  readonly uri: string;
  /** File-system path for file: URIs, the URI otherwise; the name the engine sees. */
  readonly key: string;
  readonly document: TextDocument;
  readonly yaml: YamlFile;
}

export class DocumentStore {
  private readonly open = new Map<string, OpenDocument>();

  constructor(private readonly onModelMismatch: (uri: string) => void = () => undefined) {}

  get(uri: string): OpenDocument | undefined {
    return this.open.get(uri);
  }

  all(): OpenDocument[] {
    return [...this.open.values()];
  }

  has(uri: string): boolean {
    return this.open.has(uri);
  }

  byKey(key: string): OpenDocument | undefined {
    for (const doc of this.open.values()) if (doc.key === key) return doc;
    return undefined;
  }

  didOpen(uri: string, languageId: string, version: number, text: string): OpenDocument {
    const doc: OpenDocument = { uri, key: uriToKey(uri), document: TextDocument.create(uri, languageId, version, text), yaml: parseYamlFile(text) };
    this.open.set(uri, doc);
    return doc;
  }

  /** Applies the changes in order (each range refers to the text after the previous change). */
  didChange(uri: string, version: number, changes: readonly TextDocumentContentChangeEvent[]): OpenDocument | undefined {
    const current = this.open.get(uri);
    if (current === undefined) return undefined;
    const document = current.document;
    let yaml = current.yaml;
    for (const change of changes) {
      if ('range' in change && change.range !== undefined) {
        const start = document.offsetAt(change.range.start);
        const end = document.offsetAt(change.range.end);
        TextDocument.update(document, [change], version);
        yaml = updateYamlFile(yaml, { start, end, text: change.text });
      } else {
        TextDocument.update(document, [change], version);
        yaml = parseYamlFile(change.text);
      }
    }
    if (changes.length === 0) TextDocument.update(document, [], version);
    if (yaml.text !== document.getText()) {
      // The incremental model must never drift from the editor's text; if it does, start over from the text.
      this.onModelMismatch(uri);
      yaml = parseYamlFile(document.getText());
    }
    const next: OpenDocument = { uri, key: current.key, document, yaml };
    this.open.set(uri, next);
    return next;
  }

  didClose(uri: string): OpenDocument | undefined {
    const doc = this.open.get(uri);
    this.open.delete(uri);
    return doc;
  }
}
