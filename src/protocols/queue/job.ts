import type { Hit } from '../../core/hit.js';

/** The version of a queue job's data; a worker refuses jobs of another. */
export const QUEUE_JOB_VERSION = 1;
/** Most hits one job may carry (a producer's `hitsPerJob` is at most this). */
export const MAX_HITS_PER_JOB = 1_000;

/** What a queue job carries: built hits (privacy applied in the web process), any consumers. */
export interface QueueJobData {
  readonly v: typeof QUEUE_JOB_VERSION;
  readonly hits: readonly Hit[];
}

export type QueueJobReading = { readonly ok: true; readonly hits: Hit[] } | { readonly ok: false; readonly problem: string };

const REQUIRED_STRINGS = ['hitId', 'clientId', 'method', 'route', 'protocol', 'host', 'path', 'location', 'title'] as const;
const REQUIRED_NUMBERS = ['sessionId', 'timestampMs', 'status', 'durationMs'] as const;
const OPTIONAL_STRINGS = ['userId', 'referrer', 'userAgent'] as const;

/**
 * Reads a job's data as it came out of Redis (anyone with access to it may have written it):
 * the version, and every hit's fields and types. A job that is not one is refused whole, with
 * what was expected and what was found.
 */
export function readQueueJob(data: unknown): QueueJobReading {
  if (!isRecord(data)) return refused(`job data must be an object { v: ${QUEUE_JOB_VERSION}, hits: [...] }, got ${kindOf(data)}`);
  if (data.v !== QUEUE_JOB_VERSION) return refused(`job data version must be ${QUEUE_JOB_VERSION}, got ${JSON.stringify(data.v) ?? 'nothing'}: a worker and web processes of different Footfall versions share this queue; upgrade them together`);
  const { hits } = data;
  if (!Array.isArray(hits) || hits.length === 0 || hits.length > MAX_HITS_PER_JOB) {
    return refused(`job data \`hits\` must be an array of 1 to ${MAX_HITS_PER_JOB} hits, got ${Array.isArray(hits) ? `${hits.length} hits` : kindOf(hits)}`);
  }
  for (let i = 0; i < hits.length; i++) {
    const problem = hitProblem(hits[i]);
    if (problem !== undefined) return refused(`job data hits[${i}]: ${problem}`);
  }
  return { ok: true, hits: hits as Hit[] };
}

function hitProblem(hit: unknown): string | undefined {
  if (!isRecord(hit)) return `must be an object, got ${kindOf(hit)}`;
  for (const name of REQUIRED_STRINGS) if (typeof hit[name] !== 'string' || hit[name] === '') return `\`${name}\` must be a non-empty string, got ${kindOf(hit[name])}`;
  for (const name of REQUIRED_NUMBERS) if (typeof hit[name] !== 'number' || !Number.isFinite(hit[name])) return `\`${name}\` must be a finite number, got ${kindOf(hit[name])}`;
  for (const name of OPTIONAL_STRINGS) if (hit[name] !== undefined && typeof hit[name] !== 'string') return `\`${name}\` must be a string when present, got ${kindOf(hit[name])}`;
  const { params } = hit;
  if (params === undefined) return undefined;
  if (!isRecord(params)) return `\`params\` must be an object when present, got ${kindOf(params)}`;
  for (const [name, value] of Object.entries(params)) {
    if (typeof value !== 'string' && typeof value !== 'number' && typeof value !== 'boolean') return `\`params.${name}\` must be a string, number or boolean, got ${kindOf(value)}`;
  }
  return undefined;
}

function refused(problem: string): QueueJobReading {
  return { ok: false, problem };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function kindOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string') return value.length > 40 ? `a string of ${value.length} characters` : JSON.stringify(value);
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return typeof value === 'undefined' ? 'nothing' : `a${typeof value === 'object' ? 'n' : ''} ${typeof value}`;
}
