import { FootfallError, isFootfallError } from '../../../errors.js';
import type { PostgresTarget } from './postgres-target.js';
import { withoutPassword } from './postgres-target.js';

/** Network failures of the driver: the server is not there (or not answering). */
const UNREACHABLE = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'ECONNRESET']);

/**
 * A failure while opening the store as one of Footfall's errors: unreachable, login refused
 * (SQLSTATE class 28), no such database (3D000), permission denied (42501). Each names the URL
 * without its password. Anything else is returned as it was.
 */
export function connectError(error: unknown, target: PostgresTarget): unknown {
  if (isFootfallError(error)) return error;
  const { code, message } = (error ?? {}) as { code?: unknown; message?: unknown };
  const cause = withoutPassword(typeof message === 'string' && message !== '' ? message : String(error), target.url);
  const errno = typeof code === 'string' ? code : '';
  // Class 08: connection exceptions; 57P01-57P03: the server is shutting down or starting.
  if (UNREACHABLE.has(errno) || errno.startsWith('08') || /^57P0[1-3]$/.test(errno) || (errno === '' && /timeout|terminated unexpectedly|Connection terminated/i.test(cause))) {
    return new FootfallError('FOOTFALL_ERR_DATABASE_UNREACHABLE', target.label, errno === '' ? cause : `${errno} (${cause})`);
  }
  if (errno.startsWith('28')) return new FootfallError('FOOTFALL_ERR_DATABASE_AUTH', target.label, cause);
  if (errno === '3D000') return new FootfallError('FOOTFALL_ERR_DATABASE_MISSING', target.label, cause);
  if (errno === '42501') return new FootfallError('FOOTFALL_ERR_DATABASE_PERMISSION', target.label, target.schema, cause);
  return error;
}
