import type { SpanOptions } from '@opentelemetry/api';
import { Observable, isObservable } from 'rxjs';
import { SpanScope } from './span-scope';

/**
 * Runs a plain or async function call inside a span that lasts as long as its result: until it
 * returns or throws, until a returned thenable settles, or, for a returned Observable, until its
 * first subscription completes, errors or unsubscribes (see {@link traceObservable}).
 */
export function traceCall(call: () => unknown, name: string, options: SpanOptions): unknown {
  const scope = new SpanScope(name, options);
  let result: unknown;
  try {
    result = scope.run(call);
  } catch (error) {
    scope.fail(error);
    throw error; // same object, still synchronous
  }

  if (isObservable(result)) {
    // We only learn that a method is lazy after calling it, so its call already has a span. The
    // first subscription (Nest subscribes at once) adopts that span, so one call shows as one span.
    // An Observable nobody subscribes to never ends its span, so that span is never exported.
    return traceObservable(result, name, options, scope);
  }
  if (isThenable(result)) {
    // Promise.resolve() also adopts non-native thenables, so callers always get a real Promise.
    return Promise.resolve(result).then(
      (value) => {
        scope.end();
        return value;
      },
      (error: unknown) => {
        scope.fail(error);
        throw error;
      },
    );
  }
  scope.end();
  return result;
}

/**
 * Gives each subscription a span that lasts until complete, error or unsubscribe: the first one
 * adopts `callScope` (the span of the call that built the Observable) when given, later ones get
 * their own, started at subscribe. The subscriber's callbacks run with that span active, so work
 * they trigger nests under it.
 */
export function traceObservable<T>(
  source: Observable<T>,
  name: string,
  options: SpanOptions,
  callScope?: SpanScope,
): Observable<T> {
  let unclaimed = callScope;
  return new Observable<T>((subscriber) => {
    const scope = unclaimed ?? new SpanScope(name, options);
    unclaimed = undefined;
    const subscription = scope.run(() =>
      source.subscribe({
        next: (value) => scope.run(() => subscriber.next(value)),
        // The span ends before the subscriber hears about it, so by then it is exported.
        error: (error: unknown) => {
          scope.fail(error);
          scope.run(() => subscriber.error(error));
        },
        complete: () => {
          scope.end();
          scope.run(() => subscriber.complete());
        },
      }),
    );
    // Teardown also runs after error/complete; SpanScope.end() makes that harmless.
    return () => {
      subscription.unsubscribe();
      scope.end();
    };
  });
}

type Step = 'next' | 'return' | 'throw';
type Steps = Record<Step, (arg: unknown) => unknown>;

/**
 * Wraps a generator object so one span covers its whole iteration: it starts on the first step
 * (a generator runs no code before that) and ends when the generator is done, throws, or the
 * consumer stops early (`break` calls `return()`). Every step runs with the span active.
 */
export function traceIterator<G extends Generator | AsyncGenerator>(
  generator: G,
  name: string,
  options: SpanOptions,
): G {
  const isAsync = Symbol.asyncIterator in generator;
  let scope: SpanScope | undefined;

  const step = (method: Step, arg: unknown): unknown => {
    const active = (scope ??= new SpanScope(name, options));
    const settle = (result: IteratorResult<unknown>) => {
      if (result.done) active.end();
      return result;
    };
    const fail = (error: unknown): never => {
      active.fail(error);
      throw error;
    };
    try {
      const result = active.run(() => (generator as unknown as Steps)[method](arg));
      return isAsync
        ? (result as Promise<IteratorResult<unknown>>).then(settle, fail)
        : settle(result as IteratorResult<unknown>);
    } catch (error) {
      return fail(error);
    }
  };

  // Inheriting from the real generator keeps Symbol.toStringTag, Symbol.(async)Iterator, disposal
  // and iterator helpers; all of them go through the three methods overridden here.
  return Object.create(generator, {
    next: { value: (arg?: unknown) => step('next', arg) },
    return: { value: (arg?: unknown) => step('return', arg) },
    throw: { value: (arg?: unknown) => step('throw', arg) },
  }) as G;
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (
    (typeof value === 'object' || typeof value === 'function') &&
    value !== null &&
    typeof (value as PromiseLike<unknown>).then === 'function'
  );
}
