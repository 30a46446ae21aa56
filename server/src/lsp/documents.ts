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
  /**
   * The YAML model of the text, built on first use. A text over the size limit gets a placeholder with no YAML
   * documents (the Analyzer reports the limit from its length), so a huge file costs nothing but its text.
   */
  readonly yaml: YamlFile;
}

/** An open document whose YAML model is built lazily, and never for a text over the size limit. */
class StoredDocument implements OpenDocument {
  /** The model and the document version it was built for (TextDocument.update changes the document in place). */
  private model: { version: number; yaml: YamlFile } | undefined;
  private placeholder: YamlFile | undefined;

  constructor(
    readonly uri: string,
    readonly key: string,
    readonly document: TextDocument,
    private readonly maxBytes: () => number,
    model?: YamlFile,
  ) {
    if (model !== undefined) this.model = { version: document.version, yaml: model };
  }

  get yaml(): YamlFile {
    const text = this.document.getText();
    if (text.length > this.maxBytes()) {
      this.model = undefined;
      if (this.placeholder?.text !== text) this.placeholder = { text, documents: [] };
      return this.placeholder;
    }
    this.placeholder = undefined;
    if (this.model?.version !== this.document.version) this.model = { version: this.document.version, yaml: parseYamlFile(text) };
    return this.model.yaml;
  }

  /** The model if it was built for the current text (nothing is parsed here). */
  get builtModel(): YamlFile | undefined {
    return this.model?.version === this.document.version ? this.model.yaml : undefined;
  }
}

export class DocumentStore {
  private readonly open = new Map<string, StoredDocument>();

  /**
   * @param maxBytes texts longer than this get no YAML model (registryGuard.maxFileSize), read at each use so
   * that a change of the setting applies to open documents.
   */
  constructor(
    private readonly onModelMismatch: (uri: string) => void = () => undefined,
    private readonly maxBytes: () => number = () => Number.POSITIVE_INFINITY,
  ) {}

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

  /**
   * Stores the document; its YAML model is built on first use, so a text the model cannot read (or one over the
   * size limit) is still tracked and later edits apply to it.
   */
  didOpen(uri: string, languageId: string, version: number, text: string): OpenDocument {
    const doc = new StoredDocument(uri, uriToKey(uri), TextDocument.create(uri, languageId, version, text), this.maxBytes);
    this.open.set(uri, doc);
    return doc;
  }

  /** Applies the changes in order (each range refers to the text after the previous change). */
  didChange(uri: string, version: number, changes: readonly TextDocumentContentChangeEvent[]): OpenDocument | undefined {
    const current = this.open.get(uri);
    if (current === undefined) return undefined;
    const document = current.document;
    // Only a model already built for the current text is updated incrementally; otherwise the next use parses.
    let yaml = current.builtModel;
    for (const change of changes) {
      if ('range' in change && change.range !== undefined) {
        const start = document.offsetAt(change.range.start);
        const end = document.offsetAt(change.range.end);
        TextDocument.update(document, [change], version);
        if (yaml !== undefined) yaml = document.getText().length > this.maxBytes() ? undefined : updateYamlFile(yaml, { start, end, text: change.text });
      } else {
        TextDocument.update(document, [change], version);
        yaml = undefined;
      }
    }
    if (changes.length === 0) TextDocument.update(document, [], version);
    if (yaml !== undefined && yaml.text !== document.getText()) {
      // The incremental model must never drift from the editor's text; if it does, start over from the text.
      this.onModelMismatch(uri);
      yaml = undefined;
    }
    const next = new StoredDocument(uri, current.key, document, this.maxBytes, yaml);
    this.open.set(uri, next);
    return next;
  }
  didClose(uri: string): OpenDocument | undefined {
    const doc = this.open.get(uri);
    this.open.delete(uri);
    return doc;
  }
}
