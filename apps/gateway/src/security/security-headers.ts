import type { HelmetOptions } from 'helmet';

/**
 * helmet's defaults (a same-origin Content-Security-Policy, HSTS, nosniff, frame-ancestors 'self', no
 * X-Powered-By…) with one change. Swagger UI at /docs loads only its own scripts from /docs and uses inline styles
 * and data: images, all of which the default CSP allows. What it would not survive is `upgrade-insecure-requests`:
 * on a page served over plain http from anywhere but localhost (docker compose on another host, a LAN address), the
 * browser rewrites the page's own script and style URLs to https, which the gateway does not speak, and /docs stays
 * blank. TLS is terminated in front of the gateway where there is TLS; HSTS still tells browsers to stay on https.
 */
export const SECURITY_HEADERS: HelmetOptions = {
  contentSecurityPolicy: { directives: { upgradeInsecureRequests: null } },
};
