import { execFile } from 'node:child_process';
import { ExternalError } from '../core/errors.js';
import { Semaphore } from '../core/semaphore.js';

export interface Commit {
  sha: string;
  author: string;
  /** Committer time: when the change landed on the branch. */
  at: string;
  subject: string;
}

export interface GitLogQuery {
  repo: string;
  since: Date;
  until?: Date | undefined;
  branch?: string | undefined;
  /** Limit to commits touching this folder (a service in a monorepo). */
  subdir?: string | undefined;
  limit: number;
}

/** Reads commit history. The only implementation runs git with an argument array, never a shell. */
export interface GitRunner {
  log(query: GitLogQuery): Promise<Commit[]>;
}

const FIELD = '\x1f';
const RECORD = '\x1e';

export interface ExecGitOptions {
  /** Path of the git binary; "git" from PATH by default. */
  binary?: string;
  timeoutMs?: number;
  /** git processes at once; more calls wait their turn (a batch of 100 calls must not fork 100 processes). */
  maxConcurrent?: number;
}

/**
 * `-c` settings that take precedence over the inspected repository's own config (a repository is
 * untrusted input: anyone who controls its .git/config must not be able to make us run a
 * program). Pager, fsmonitor and signature checking are the programs `git log` can start itself;
 * hooks do not run for log, but the path is pinned anyway.
 */
const SAFE_CONFIG = [
  'core.fsmonitor=false',
  'core.hooksPath=/dev/null',
  'log.showSignature=false',
  // Every transport refused: a partial clone's lazy fetch would otherwise run the repository's
  // remote.<name>.uploadpack, core.sshCommand, an ext:: or remote-helper URL.
  'protocol.allow=never',
].flatMap((setting) => ['-c', setting]);

/**
 * The environment git runs in. GIT_ALLOW_PROTOCOL set but empty allows no transport at all and,
 * unlike protocol.<name>.allow, overrides whatever the repository's config allows itself;
 * GIT_NO_LAZY_FETCH (git 2.44 and later) turns lazy fetching off before any transport is tried.
 */
function gitEnv(): NodeJS.ProcessEnv {
  return {
    ...process.env,
    GIT_ALLOW_PROTOCOL: '',
    GIT_NO_LAZY_FETCH: '1',
    GIT_TERMINAL_PROMPT: '0',
    GIT_OPTIONAL_LOCKS: '0',
    LC_ALL: 'C',
  };
}

/** git's first error line, said so an operator can act on it. */
function describeFailure(repo: string, stderr: string): { message: string; hint: string } {
  if (/promisor remote|transport '[^']*' not allowed|lazy fetching disabled/i.test(stderr)) {
    return {
      message: `git log failed in ${repo}: it is a partial clone and the history needs objects it does not have; incident-commander never fetches them (that would run programs the repository's config names)`,
      hint: 'Point repo: in services.yaml at a full clone, or fetch the missing objects yourself (git -C REPO fetch --refetch).',
    };
  }
  const detail = stderr.trim().split('\n')[0] ?? '';
  return {
    message: `git log failed in ${repo}: ${detail}`,
    hint: 'Check that the repo path in services.yaml is a git repository and the branch exists.',
  };
}

export function execGit(options: ExecGitOptions = {}): GitRunner {
  const binary = options.binary ?? 'git';
  const slots = new Semaphore(options.maxConcurrent ?? 4);
  return {
    log(query) {
      const args = [
        '--no-pager',
        ...SAFE_CONFIG,
        '-C',
        query.repo,
        'log',
        `--since=${query.since.toISOString()}`,
        ...(query.until ? [`--until=${query.until.toISOString()}`] : []),
        `--max-count=${query.limit}`,
        `--format=%H${FIELD}%an${FIELD}%cI${FIELD}%s${RECORD}`,
        '--no-color',
        '--no-show-signature',
        '--no-ext-diff',
        '--no-textconv',
        query.branch ?? 'HEAD',
        '--',
        ...(query.subdir ? [query.subdir] : []),
      ];
      return slots.run(
        () =>
          new Promise<Commit[]>((resolve, reject) => {
            execFile(
              binary,
              args,
              { timeout: options.timeoutMs ?? 10_000, maxBuffer: 8 * 1024 * 1024, env: gitEnv() },
              (error, stdout, stderr) => {
                if (error) {
                  const { message, hint } = describeFailure(query.repo, String(stderr || error.message));
                  reject(new ExternalError(message, hint));
                  return;
                }
                const commits = stdout
                  .split(RECORD)
                  .map((r) => r.replace(/^\n/, ''))
                  .filter(Boolean)
                  .map((record) => {
                    const [sha = '', author = '', at = '', subject = ''] = record.split(FIELD);
                    return { sha, author, at: new Date(at).toISOString(), subject };
                  });
                resolve(commits);
              },
            );
          }),
      );
    },
  };
}
