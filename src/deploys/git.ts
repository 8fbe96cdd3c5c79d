import { execFile } from 'node:child_process';
import { ExternalError } from '../core/errors.js';

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
}

export function execGit(options: ExecGitOptions = {}): GitRunner {
  const binary = options.binary ?? 'git';
  return {
    log(query) {
      const args = [
        '--no-pager',
        '-c',
        'core.fsmonitor=false',
        '-c',
        'log.showSignature=false',
        '-C',
        query.repo,
        'log',
        `--since=${query.since.toISOString()}`,
        ...(query.until ? [`--until=${query.until.toISOString()}`] : []),
        `--max-count=${query.limit}`,
        `--format=%H${FIELD}%an${FIELD}%cI${FIELD}%s${RECORD}`,
        '--no-color',
        query.branch ?? 'HEAD',
        '--',
        ...(query.subdir ? [query.subdir] : []),
      ];
      return new Promise((resolve, reject) => {
        execFile(
          binary,
          args,
          {
            timeout: options.timeoutMs ?? 10_000,
            maxBuffer: 8 * 1024 * 1024,
            env: { ...process.env, GIT_TERMINAL_PROMPT: '0', GIT_OPTIONAL_LOCKS: '0', LC_ALL: 'C' },
          },
          (error, stdout, stderr) => {
            if (error) {
              const detail =
                String(stderr || error.message)
                  .trim()
                  .split('\n')[0] ?? '';
              reject(
                new ExternalError(
                  `git log failed in ${query.repo}: ${detail}`,
                  'Check that the repo path in services.yaml is a git repository and the branch exists.',
                ),
              );
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
      });
    },
  };
}
