import type { LogFormat } from '../log-record.js';
import { createNginxLogFormat } from './nginx-log-format.js';

/** nginx's predefined `combined` format, which is Apache's `%h %l %u %t "%r" %>s %b "%{Referer}i" "%{User-agent}i"`. */
export const COMBINED_LOG_FORMAT = '$remote_addr - $remote_user [$time_local] "$request" $status $body_bytes_sent "$http_referer" "$http_user_agent"';

/**
 * The combined log format. Text after the user agent is accepted and ignored: many servers log
 * "combined plus" (`"$http_x_forwarded_for" $request_time` appended); give the full format with
 * --format nginx:'...' to read those fields too.
 */
export function createCombinedFormat(): LogFormat {
  return createNginxLogFormat(COMBINED_LOG_FORMAT, { name: 'combined', allowTrailing: true });
}
