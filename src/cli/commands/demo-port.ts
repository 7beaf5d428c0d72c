/** The demo's collector port when none is given (falls back to a free one when taken). */
export const DEFAULT_PORT = 8787;
