/** Last path segments that name a health check (Kubernetes probes, load balancers, uptime monitors). */
export const HEALTH_CHECK_NAMES: ReadonlySet<string> = new Set(['health', 'healthz', 'healthcheck', 'health-check', 'health_check', 'ready', 'readyz', 'readiness', 'live', 'livez', 'liveness', 'ping']);

/**
 * Whether a route template (or a path) is a health check rather than API usage: its last
 * segment is a health name (any case), under any prefix without parameters (`/health`,
 * `/api/health-check`, `/v1/healthz`, `/actuator/health/liveness`). `/clusters/:id/health`
 * is an endpoint of the API, and so is `/v1/users/:id/status` (`status` is no health name).
 *
 * One rule for both sides: the adapters do not record these requests by default, and the
 * collector does not expect hits on these declared routes by default.
 */
export function isHealthCheckRoute(route: string): boolean {
  // Asked on every recorded request: the last segment decides first, without splitting the rest.
  const trimmed = route.replace(/\/+$/, '');
  const last = trimmed.slice(trimmed.lastIndexOf('/') + 1);
  if (!HEALTH_CHECK_NAMES.has(last.toLowerCase())) return false;
  return !trimmed.split('/').some((segment) => /^:|[*{(]/.test(segment));
}
