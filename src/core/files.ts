import {
  closeSync,
  constants,
  fstatSync,
  mkdirSync,
  openSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { ConfigError, ExternalError } from './errors.js';

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

/** What an errno means for a person, with what to do about it. */
export function describeFsError(error: unknown, action: string, path: string): ExternalError {
  const code = (error as NodeJS.ErrnoException).code ?? '';
  const parent = dirname(path);
  const known: Record<string, [string, string]> = {
    ENOENT: [`the folder ${parent} does not exist`, `Create ${parent} first, or choose another path.`],
    EACCES: ['permission denied', `Check the permissions of ${parent}, or choose a path you can write.`],
    EPERM: ['permission denied', `Check the permissions of ${parent}, or choose a path you can write.`],
    EROFS: ['the file system is read-only', 'Choose a path on a writable file system.'],
    ENOSPC: ['the disk is full', 'Free some space, or choose another disk.'],
    EISDIR: ['it is a folder', 'Give a file path, not a folder.'],
    ENOTDIR: [`part of ${parent} is a file, not a folder`, 'Check the path.'],
  };
  const [problem, hint] = known[code] ?? [(error as Error).message, 'Check the path and try again.'];
  return Object.assign(new ExternalError(`cannot ${action} ${path}: ${problem}`, hint), { cause: error });
}

/** Creates a folder (and its parents) that only the operator can enter, whatever the umask. */
export function makePrivateDir(dir: string): void {
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
  } catch (error) {
    throw describeFsError(error, 'create the folder', dir);
  }
}

/**
 * Writes a file only the operator can read (0600, whatever the umask and whatever mode an
 * older copy had), in full or not at all: the text goes to a private temporary file beside
 * it, which then replaces the target.
 */
export function writePrivateFile(path: string, data: string): void {
  const temporary = join(dirname(path), `.${basename(path)}.${process.pid}.${Date.now()}.tmp`);
  try {
    writeFileSync(temporary, data, { mode: 0o600, flag: 'wx' });
    renameSync(temporary, path);
  } catch (error) {
    rmSync(temporary, { force: true });
    throw describeFsError(error, 'write', path);
  }
}
