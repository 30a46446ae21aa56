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
  readonly key: string;

  constructor(key: string) {
    // Raised for every missing key and usually absorbed a few frames up, so it is control flow:
    // capturing a stack trace each time would cost more than the lookup it reports.
    const limit = Error.stackTraceLimit;
    Error.stackTraceLimit = 0;
    try {
      super(`Unknown key "${key}" in path`, 'notFound');
    } finally {
      Error.stackTraceLimit = limit;
    }
    this.key = key;
  }
}

/** The prefix Kyverno's own functions put on their errors. */
export function functionError(name: string, detail: string): JmesPathError {
  return new JmesPathError(`JMESPath function '${name}': ${detail}`, 'function');
}
