import { isHealthCheckRoute } from '../core/health-check.js';
import type { DeclaredRoute } from './types.js';

/**
 * The declared routes a report expects hits on. Health checks (the adapters' rule, from
 * core) are left out unless kept: the adapters do not record them by default, so a declared
 * `/health` would be listed unused forever and `--fail-on-unused` could never pass.
 */
export function expectedRoutes(routes: readonly DeclaredRoute[], keepHealthRoutes: boolean): DeclaredRoute[] {
  return keepHealthRoutes ? [...routes] : routes.filter((route) => !isHealthCheckRoute(route.route));
}
