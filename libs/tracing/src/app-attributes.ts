/**
 * The span attributes the template sets that the OpenTelemetry semantic conventions have no key for. They live under
 * `app.*` and each one is listed here with what it means; every other attribute on our spans is a semantic-convention
 * key. test/order-flow.e2e-spec.ts fails on a span of ours that carries any other key, so a new `app.*` attribute
 * is added here first. Baggage keys copied onto spans (BAGGAGE_ALLOWLIST) belong under `app.*` too.
 *
 * `app.*` is also a semantic-convention namespace (client apps: `app.screen.name`, `app.installation.id`, ...);
 * the unit spec checks that none of these keys is taken by the conventions.
 */

/**
 * The request id: the client's `x-request-id` when sane, otherwise a UUID the gateway made. Travels to every service
 * as a baggage entry of the same name, is copied onto each process's entry span (entry-span-baggage.ts) and is
 * logged as `request_id`.
 */
export const ATTR_APP_REQUEST_ID = 'app.request.id';

/** Every documented `app.*` attribute key. */
export const APP_ATTRIBUTES: readonly string[] = [ATTR_APP_REQUEST_ID];
