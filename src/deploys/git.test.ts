import { chmodSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeGitRepo, makePartialClone, setRepoConfig } from '../../test/support/git-repo.js';
import { execGit } from './git.js';

let dir: string;
let marker: string;
let program: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'ic-git-'));
  marker = join(dir, 'RAN');
  // A program the inspected repository's config names: it leaves a marker, then does the real job.
  program = join(dir, 'evil.sh');
  writeFileSync(program, `#!/bin/sh\ntouch '${marker}'\nexec git-upload-pack "$@"\n`);
  chmodSync(program, 0o700);
  makeGitRepo(join(dir, 'origin'), [
    { at: '2026-11-26T12:30:00Z', subject: 'search: new ranking', file: 'services/search/rank.txt' },
    { at: '2026-11-26T13:35:00Z', subject: 'docs only', file: 'docs/readme.txt' },
  ]);
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const query = (repo: string) => ({
  repo,
  since: new Date('2026-11-26T00:00:00Z'),
  subdir: 'services/search',
  limit: 10,
});

describe('execGit: nothing in the inspected repository config runs', () => {
  it('does not lazy-fetch through remote.origin.uploadpack in a partial clone, and says why it stopped', async () => {
    const clone = makePartialClone(join(dir, 'origin'), join(dir, 'clone'));
    setRepoConfig(clone, 'remote.origin.uploadpack', program);
    const error = await execGit()
      .log(query(clone))
      .then(
        () => null,
        (e: Error) => e,
      );
    expect(existsSync(marker)).toBe(false);
    expect(error?.message).toMatch(/partial clone/);
    expect(error?.message).toContain(clone);
  });

  it('does not run an ext:: remote that the repository allows itself', async () => {
    const clone = makePartialClone(join(dir, 'origin'), join(dir, 'clone'));
    setRepoConfig(clone, 'protocol.ext.allow', 'always');
    setRepoConfig(clone, 'remote.origin.url', `ext::sh -c touch% ${marker}`);
    await execGit()
      .log(query(clone))
      .catch(() => undefined);
    expect(existsSync(marker)).toBe(false);
  });

  it('runs no pager, fsmonitor or signature program named in the config, and still reads the history', async () => {
    const repo = join(dir, 'origin');
    for (const key of ['core.pager', 'pager.log', 'core.fsmonitor', 'gpg.program', 'core.sshCommand'])
      setRepoConfig(repo, key, program);
    setRepoConfig(repo, 'log.showSignature', 'true');
    const commits = await execGit().log(query(repo));
    expect(commits.map((c) => c.subject)).toEqual(['search: new ranking']);
    expect(existsSync(marker)).toBe(false);
  });
});
