// The compact CRD schema form that crds/generate.mjs writes (see its header for the field names).

export type SchemaType = 'object' | 'array' | 'string' | 'integer' | 'number' | 'boolean';

export interface SchemaNode {
  readonly t?: SchemaType;
  readonly d?: string;
  readonly df?: unknown;
  readonly e?: readonly (string | number | boolean | null)[];
  readonly u?: true;
  readonly ml?: number;
  readonly mnl?: number;
  readonly min?: number;
  readonly max?: number;
  readonly r?: readonly string[];
  readonly not?: readonly string[];
  readonly one?: readonly (readonly string[])[];
  readonly p?: Readonly<Record<string, number>>;
  readonly i?: number;
  readonly ap?: number | true;
}

export interface SchemaRoot {
  readonly group: string;
  readonly version: string;
  readonly kind: string;
  readonly namespaced: boolean;
  readonly served: boolean;
  readonly deprecated: boolean;
  readonly root: number;
}
