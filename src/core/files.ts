import { closeSync, constants, fstatSync, openSync, readFileSync } from 'node:fs';
import { ConfigError } from './errors.js';

/** The largest config file read (SOUL.md, severity.yaml, services.yaml, a scenario…): far past any real one. */
export const CONFIG_MAX_BYTES = 1024 * 1024;

const REASONS: Record<string, string> = {
  ENOENT: 'file not found',
  EACCES: 'permission denied: the file is not readable by this user',
  EISDIR: 'is a folder, not a file',
  ELOOP: 'too many levels of symbolic links',
};

/**
 * Reads a file the operator configured. Only a regular file, and at most `maxBytes`: a FIFO
 * would block the process on open or read, a device never ends, and a huge file would be read
 * into memory by every command that starts. Opened without blocking, then checked on the open
 * descriptor, so the file cannot be swapped between the check and the read. Errors are a
 * ConfigError that names the file and says what is wrong.
 */
export function readOperatorFile(path: string, hint?: string, maxBytes = CONFIG_MAX_BYTES): string {
  let fd: number | undefined;
  try {
    fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
    const stat = fstatSync(fd);
    if (!stat.isFile())
      throw new ConfigError(path, [{ field: '', problem: 'not a regular file (a FIFO, device or folder)' }], hint);
    if (stat.size > maxBytes)
      throw new ConfigError(
        path,
        [{ field: '', problem: `${stat.size} bytes: larger than the ${maxBytes} bytes such a file may have` }],
        hint,
      );
    return readFileSync(fd, 'utf8');
  } catch (error) {
    if (error instanceof ConfigError) throw error;
    const code = (error as NodeJS.ErrnoException).code ?? '';
    throw new ConfigError(path, [{ field: '', problem: REASONS[code] ?? (error as Error).message }], hint);
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}
