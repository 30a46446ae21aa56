// Bounds that keep hostile or accidental input from exhausting the stack or memory.

/** Collection nesting, in the text (js-yaml's maxDepth; its default of 100 is too tight for real files) and through aliases. */
export const MAX_DEPTH = 1000;

/** Nodes a document may expand to once aliases are resolved (the billion-laughs guard). */
export const MAX_EXPANDED_NODES = 1_000_000;
