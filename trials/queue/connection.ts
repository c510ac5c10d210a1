/**
 * Connections to the queue's Redis (or Valkey): `redis://[:password@]host:port[/db]`, or
 * `rediss://` for TLS, as ioredis reads them. The first connection fails fast with a message
 * that says what went wrong; once connected, a lost connection is retried for ever (Redis
 * restarting is a fault the queue survives, not an error).
 */
import { Redis } from 'ioredis';
import { ScribaError } from '../../src/errors.js';

/** Checks a queue URL; returns it unchanged, or throws naming `what` (a flag or option). */
export function checkQueueUrl(url: string, what: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new ScribaError('invalid-argument', `${what}: expected redis://HOST:PORT[/DB] (or rediss:// for TLS), got "${url}"`);
  }
  if (parsed.protocol !== 'redis:' && parsed.protocol !== 'rediss:') {
    throw new ScribaError('invalid-argument', `${what}: expected a redis:// or rediss:// URL, got "${redact(url)}"`);
  }
  if (parsed.pathname !== '' && parsed.pathname !== '/' && !/^\/\d+$/.test(parsed.pathname)) {
    throw new ScribaError('invalid-argument', `${what}: the path of a Redis URL is a database number (/0, /1, ...), got "${parsed.pathname}"`);
  }
  return url;
}

/** The URL without its password, for messages. */
export function redact(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return url;
  }
}

/**
 * Opens a connection and waits until Redis answers. BullMQ needs `maxRetriesPerRequest: null`
 * on the connections it blocks on; commands issued while Redis is away wait for it.
 */
export async function connectRedis(url: string, what = '--queue'): Promise<Redis> {
  checkQueueUrl(url, what);
  let lastError: Error | undefined;
  const redis = new Redis(url, {
    lazyConnect: true,
    maxRetriesPerRequest: null,
    retryStrategy: (attempt) => Math.min(100 * attempt, 2000),
  });
  const remember = (error: Error): void => {
    lastError = error;
  };
  redis.on('error', remember);
  try {
    await redis.connect();
    await redis.ping();
  } catch (error) {
    redis.disconnect();
    throw new ScribaError('unavailable', `cannot use Redis at ${redact(url)}: ${explain(lastError ?? (error as Error))}`);
  }
  return redis;
}

function explain(error: Error): string {
  const text = error.message;
  if (/WRONGPASS|invalid password/i.test(text)) return 'the password was refused (WRONGPASS); check the URL\'s :password@ part';
  if (/NOAUTH/.test(text)) return 'it asks for a password (NOAUTH); give it as redis://:PASSWORD@HOST:PORT';
  if (/ECONNREFUSED/.test(text)) return `nothing listens there (${text}); is redis-server running?`;
  if (/self[- ]signed|unable to (get|verify)|certificate/i.test(text)) {
    return `its TLS certificate is not trusted (${text}); for a private CA, point NODE_EXTRA_CA_CERTS at its certificate (PEM)`;
  }
  if (/ENOTFOUND|EAI_AGAIN/.test(text)) return `the host name does not resolve (${text})`;
  return text;
}
