import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface FakeCommit {
  at: string;
  subject: string;
  author?: string;
  file?: string;
}

/** Creates a real git repository with commits at the given times (no shell). */
export function makeGitRepo(dir: string, commits: readonly FakeCommit[]): string {
  mkdirSync(dir, { recursive: true });
  const git = (args: string[], env: Record<string, string> = {}): void => {
    execFileSync(
      'git',
      [
        '-c',
        'user.name=Test',
        '-c',
        'user.email=test@example.com',
        '-c',
        'init.defaultBranch=main',
        '-C',
        dir,
        ...args,
      ],
      {
        env: { ...process.env, ...env },
        stdio: 'ignore',
      },
    );
  };
  git(['init', '-q']);
  commits.forEach((c, i) => {
    const file = join(dir, c.file ?? 'app.txt');
    mkdirSync(join(file, '..'), { recursive: true });
    writeFileSync(file, `change ${i}\n`, { flag: 'a' });
    git(['add', '-A']);
    const author = c.author ?? 'Dana';
    git(['commit', '-q', '-m', c.subject], {
      GIT_AUTHOR_NAME: author,
      GIT_AUTHOR_EMAIL: `${author.toLowerCase()}@example.com`,
      GIT_AUTHOR_DATE: c.at,
      GIT_COMMITTER_NAME: author,
      GIT_COMMITTER_EMAIL: `${author.toLowerCase()}@example.com`,
      GIT_COMMITTER_DATE: c.at,
    });
  });
  return dir;
}

/**
 * A partial clone (`--filter=tree:0`) of `source`: its commits are here, its trees are not, so a
 * path-limited `git log` needs objects that git would lazily fetch from the promisor remote.
 */
export function makePartialClone(source: string, dir: string): string {
  execFileSync('git', ['-C', source, 'config', 'uploadpack.allowFilter', 'true'], { stdio: 'ignore' });
  execFileSync('git', ['clone', '-q', '--no-local', '--filter=tree:0', `file://${source}`, dir], {
    stdio: 'ignore',
  });
  return dir;
}

/** Sets a key in a repository's own .git/config, as anyone who controls that repository could. */
export function setRepoConfig(dir: string, key: string, value: string): void {
  execFileSync('git', ['-C', dir, 'config', key, value], { stdio: 'ignore' });
}
