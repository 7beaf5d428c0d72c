import type { LogFormat } from '../log-record.js';
import { createNginxLogFormat } from './nginx-log-format.js';

/** The Common Log Format (Apache's `%h %l %u %t "%r" %>s %b`), written as an nginx log_format. */
export const COMMON_LOG_FORMAT = '$remote_addr - $remote_user [$time_local] "$request" $status $body_bytes_sent';

/** The common log format: a line must end after the size (a combined line is not a common one). */
export function createCommonFormat(): LogFormat {
  return createNginxLogFormat(COMMON_LOG_FORMAT, { name: 'common' });
}
