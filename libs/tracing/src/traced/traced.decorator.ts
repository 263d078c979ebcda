import 'reflect-metadata';
import { type Attributes, type SpanKind, type SpanOptions, diag } from '@opentelemetry/api';
import { traceCall, traceIterator } from './trace-invocation';

/** Current semconv name (stable), spelled out so this file needs nothing beyond the API package. */
const ATTR_CODE_FUNCTION_NAME = 'code.function.name';

/**
 * Marks our wrappers so a class-level @Traced() skips methods that have their own. It is metadata
 * rather than a property so it survives decorators that wrap us and copy metadata, as we do.
 */
const TRACED_METADATA = Symbol('@app/tracing:traced');

type Method = (this: unknown, ...args: unknown[]) => unknown;

export interface TracedOptions {
  /**
   * Span name; defaults to `ClassName.method`. On a class it replaces the class name instead,
   * giving `name.method`.
   */
  name?: string;
  kind?: SpanKind;
  /**
   * Span attributes, or a function computing them from the call's arguments. If that function
   * throws, the call still runs; its span just lacks these attributes.
   */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- must accept any method's parameter list
  attributes?: Attributes | ((...args: any[]) => Attributes);
}

/**
 * Traces a method, or every method of a class, in a span named `ClassName.method`.
 *
 * Sync methods, Promises and other thenables, Observables (a span per subscription) and
 * generators (a span per iteration) are covered until their work is done. Errors are recorded and
 * rethrown unchanged. The wrapper keeps the method's name, arity and reflect-metadata, so it can
 * be written above or below Nest decorators such as `@Get()` or `@MessagePattern()`.
 */
export function Traced(options: TracedOptions = {}): ClassDecorator & MethodDecorator {
  const decorate = (target: object, key?: string | symbol, descriptor?: PropertyDescriptor) => {
    if (key === undefined) return traceClass(target as { name: string; prototype: object }, options);
    // Static methods are decorated on the class itself, instance methods on its prototype.
    const className = typeof target === 'function' ? target.name : target.constructor.name;
    if (typeof descriptor?.value !== 'function') {
      throw new TypeError(`@Traced() can only decorate methods, and ${className}.${String(key)} is not one`);
    }
    descriptor.value = traceMethod(descriptor.value as Method, className, String(key), options);
    return descriptor;
  };
  return decorate as ClassDecorator & MethodDecorator;
}

/**
 * Class decorators run after method decorators, so by now Nest has put its metadata on the
 * original functions; traceMethod carries it over to the wrappers.
 */
function traceClass(cls: { name: string; prototype: object }, options: TracedOptions): void {
  const prototype = cls.prototype;
  for (const key of Object.getOwnPropertyNames(prototype)) {
    const descriptor = Object.getOwnPropertyDescriptor(prototype, key)!;
    // Accessors have no `value`; a method-level @Traced() has already wrapped, and its options win.
    const method: unknown = descriptor.value;
    if (key === 'constructor' || typeof method !== 'function' || isTraced(method)) continue;
    const prefixed = { ...options, name: `${options.name ?? cls.name}.${key}` };
    // Same key, so TypeScript's design:* metadata (stored on prototype + key) still applies.
    Object.defineProperty(prototype, key, {
      ...descriptor,
      value: traceMethod(descriptor.value as Method, cls.name, key, prefixed),
    });
  }
}

function traceMethod(original: Method, className: string, methodName: string, options: TracedOptions): Method {
  const name = options.name ?? `${className}.${methodName}`;
  const functionName = `${className}.${methodName}`;
  const isGenerator = ['GeneratorFunction', 'AsyncGeneratorFunction'].includes(
    (original as { [Symbol.toStringTag]?: string })[Symbol.toStringTag] ?? '',
  );

  const traced = function (this: unknown, ...args: unknown[]): unknown {
    const spanOptions: SpanOptions = {
      kind: options.kind,
      attributes: { [ATTR_CODE_FUNCTION_NAME]: functionName, ...resolveAttributes(options, args, name) },
    };
    return isGenerator
      ? traceIterator(original.apply(this, args) as Generator | AsyncGenerator, name, spanOptions)
      : traceCall(() => original.apply(this, args), name, spanOptions);
  };

  // Frameworks and people read these off the handler: keep them the original's.
  Object.defineProperty(traced, 'name', { value: original.name });
  Object.defineProperty(traced, 'length', { value: original.length });
  for (const key of Reflect.getOwnMetadataKeys(original)) {
    Reflect.defineMetadata(key, Reflect.getOwnMetadata(key, original), traced);
  }
  Reflect.defineMetadata(TRACED_METADATA, true, traced);
  return traced;
}

function isTraced(fn: object): boolean {
  return Reflect.getOwnMetadata(TRACED_METADATA, fn) === true;
}

function resolveAttributes(options: TracedOptions, args: unknown[], spanName: string): Attributes | undefined {
  if (typeof options.attributes !== 'function') return options.attributes;
  try {
    return options.attributes(...args);
  } catch (error) {
    // Telemetry must never break the traced call.
    diag.warn(`@Traced(): attributes for span ${spanName} threw; recording the span without them`, error);
    return undefined;
  }
}
