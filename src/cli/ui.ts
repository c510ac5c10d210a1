import { startUi } from '../../ui/server.js';
import { ScribaError } from '../errors.js';
import type { Io } from './io.js';

export interface UiFlags {
  db: string;
  host: string;
  port: number;
  token?: string;
  allowWrite: boolean;
}

/** `scriba ui`: serves the dashboard over the store until SIGINT or SIGTERM. */
export async function uiCommand(flags: UiFlags, io: Io, stopped: () => Promise<unknown>): Promise<number> {
  if (flags.port > 65535) throw new ScribaError('invalid-argument', `--port expects an integer from 0 to 65535, got ${flags.port}`);
  const token = flags.token ?? process.env.SCRIBA_UI_TOKEN;
  if (token !== undefined && token.length < 16) throw new ScribaError('invalid-argument', '--token: expected at least 16 characters');
  let ui;
  try {
    ui = await startUi({ db: flags.db, host: flags.host, port: flags.port, allowWrite: flags.allowWrite, ...(token ? { token } : {}) });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE') throw new ScribaError('unavailable', `--port: ${flags.port} is in use on ${flags.host}; pick another (--port 0 takes any free one)`);
    if (code === 'EADDRNOTAVAIL' || code === 'ENOTFOUND') throw new ScribaError('invalid-argument', `--host: ${flags.host} is not an address of this machine`);
    throw error;
  }
  io.out(`Scriba dashboard on ${ui.url}${flags.allowWrite ? ' (stop, resume and delete allowed)' : ' (read-only)'}`);
  if (ui.token && token === undefined) io.err('scriba ui: bound beyond loopback, so a token is required; it is in the URL above (set one with --token or SCRIBA_UI_TOKEN)');
  await stopped();
  await ui.close();
  return 0;
}
