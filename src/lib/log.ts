/**
 * pino loggers for every osnet component, with secrets redacted by key and by registered value.
 *
 * @example
 *   const log = createLogger('daemon');
 *   log.info({ port: id }, 'port created');
 */
import { type DestinationStream, type Logger, type LoggerOptions, pino } from 'pino';
import { REDACT_PATHS } from './log-lines.ts';
import { redactObject, redactText } from './redact.ts';

export type { Logger } from 'pino';

/** `destination`: a stream, or a file descriptor (2: stderr, where CLIs and services log). */
export function createLogger(
  name: string,
  opts: LoggerOptions = {},
  destination?: DestinationStream | number,
): Logger {
  const options: LoggerOptions = {
    name,
    level: process.env.OSNET_LOG_LEVEL ?? 'info',
    redact: { paths: REDACT_PATHS, censor: '***' },
    hooks: {
      // free text and nested objects may still carry a registered secret value
      logMethod(args, method) {
        const clean = args.map((a) => (typeof a === 'string' ? redactText(a) : redactObject(a)));
        return method.apply(this, clean as Parameters<typeof method>);
      },
    },
    ...opts,
  };
  if (destination === undefined) return pino(options);
  return pino(options, typeof destination === 'number' ? pino.destination(destination) : destination);
}

/** A logger that writes nothing (library default when the caller passes none). */
export const silentLogger: Logger = pino({ level: 'silent' });
