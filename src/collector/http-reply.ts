import type { ServerResponse } from 'node:http';

/** Sends a JSON answer (unless the client is gone). */
export function sendJson(res: ServerResponse, status: number, value: unknown, headers: Record<string, string> = {}): void {
  if (res.headersSent || res.destroyed) return;
  const body = JSON.stringify(value);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(body), 'cache-control': 'no-store', ...headers });
  res.end(body);
}

/** An error answer: `{ error, ...details }`. */
export function sendError(res: ServerResponse, status: number, error: string, details?: unknown, headers: Record<string, string> = {}): void {
  const extra = details !== null && typeof details === 'object' ? details : {};
  sendJson(res, status, { error, ...extra }, headers);
}

export function sendEmpty(res: ServerResponse, status: number, headers: Record<string, string> = {}): void {
  if (res.headersSent || res.destroyed) return;
  res.writeHead(status, headers);
  res.end();
}
