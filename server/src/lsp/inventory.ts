/**
 * What the workspace's manifests contain, for policy authoring: the kinds present (the autogen lint) and the
 * container images (the pattern hover lists which match). Open documents are read live; files that only the
 * workspace check has seen contribute what it recorded.
 */
import type { WorkspaceImage } from '../engine/authoring';
import { isPolicyDocument } from '../engine/policy';
import { LineIndex } from '../engine/text/lineIndex';
import type { YamlFile, YNode } from '../engine/yaml/model';

export interface ManifestInventory {
  kinds: string[];
  images: WorkspaceImage[];
}

const IMAGE_LISTS = new Set(['containers', 'initContainers', 'ephemeralContainers']);
const cache = new WeakMap<YamlFile, ManifestInventory>();

/** The Kubernetes kinds and container images of a file (policy documents are not manifests). */
export function inventoryOf(file: string, yaml: YamlFile): ManifestInventory {
  const hit = cache.get(yaml);
  if (hit !== undefined && (hit.images.length === 0 || hit.images[0].file === file)) return hit;
  const kinds = new Set<string>();
  const images: WorkspaceImage[] = [];
  let lines: LineIndex | undefined;
  for (const document of yaml.documents) {
    if (document.parsed.contents === null || document.parsed.errors.length > 0) continue;
    const value = document.parsed.toJS();
    if (value === null || typeof value !== 'object' || Array.isArray(value) || isPolicyDocument(value)) continue;
    const { apiVersion, kind } = value as Record<string, unknown>;
    if (typeof apiVersion !== 'string' || typeof kind !== 'string') continue;
    kinds.add(kind);
    collectImages(document.parsed.contents, false, 0, (image, offset) => {
      lines ??= new LineIndex(yaml.text);
      images.push({ image, file, line: lines.positionAt(document.start + offset).line });
    });
  }
  const inventory = { kinds: [...kinds], images };
  cache.set(yaml, inventory);
  return inventory;
}

function collectImages(node: YNode | null, inList: boolean, depth: number, found: (image: string, offset: number) => void): void {
  if (node === null || depth > 64 || node.kind === 'scalar' || node.kind === 'alias') return;
  if (node.kind === 'seq') {
    for (const item of node.items) collectImages(item, inList, depth + 1, found);
    return;
  }
  for (const pair of node.items) {
    const key = pair.key.kind === 'scalar' ? String(pair.key.value) : '';
    const value = pair.value;
    if (inList && key === 'image' && value?.kind === 'scalar' && typeof value.value === 'string' && value.value !== '') {
      found(value.value, value.valueStart);
    } else {
      collectImages(value, IMAGE_LISTS.has(key), depth + 1, found);
    }
  }
}

/** Inventories by document URI: open documents (live) over what the last workspace check recorded. */
export class WorkspaceInventory {
  private readonly checked = new Map<string, ManifestInventory>();

  constructor(private readonly open: () => readonly { uri: string; key: string; yaml: YamlFile }[]) {}

  /** The workspace check read `uri` from disk (only what it contains is kept, not the text). */
  record(uri: string, key: string, yaml: YamlFile): void {
    const inventory = inventoryOf(key, yaml);
    if (inventory.kinds.length === 0) this.checked.delete(uri);
    else this.checked.set(uri, inventory);
  }

  forget(uri: string): void {
    this.checked.delete(uri);
  }

  private entries(): ManifestInventory[] {
    const open = this.open();
    const openUris = new Set(open.map((d) => d.uri));
    const out = open.map((d) => inventoryOf(d.key, d.yaml));
    for (const [uri, inventory] of this.checked) if (!openUris.has(uri)) out.push(inventory);
    return out;
  }

  kinds(): Set<string> {
    return new Set(this.entries().flatMap((e) => e.kinds));
  }

  images(): WorkspaceImage[] {
    return this.entries().flatMap((e) => e.images);
  }
}
