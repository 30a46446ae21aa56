// Errors raised while compiling or evaluating a JMESPath expression.

export type JmesPathErrorKind = 'syntax' | 'notFound' | 'function' | 'runtime';

export class JmesPathError extends Error {
  constructor(
    message: string,
    readonly kind: JmesPathErrorKind,
  ) {
    super(message);
    this.name = 'JmesPathError';
  }
}

/**
 * Kyverno's interpreter fails a field access on an object that lacks the key (plain JMESPath would
 * yield null). Projections, filters, pipes, `||` and function arguments absorb it; a path such as
 * `request.object.metadata.labels.app` does not.
 */
export class NotFoundError extends JmesPathError {
  constructor(readonly key: string) {
    super(`Unknown key "${key}" in path`, 'notFound');
  }
}

/** The prefix Kyverno's own functions put on their errors. */
export function functionError(name: string, detail: string): JmesPathError {
  return new JmesPathError(`JMESPath function '${name}': ${detail}`, 'function');
}
