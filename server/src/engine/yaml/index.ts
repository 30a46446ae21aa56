// engine/yaml: YAML files as independently parsed documents with source ranges.
export type {
  ScalarStyle, YScalar, YPair, YMap, YSeq, YAlias, YNode, YamlError, ParsedDocument, YamlDocument, YamlFile, TextChange,
} from './model';
export { parseYamlFile, updateYamlFile } from './file';
export { nodeAtPath, nodeAtPathAsWritten } from './path';
export { MAX_DEPTH, MAX_EXPANDED_NODES } from './limits';
