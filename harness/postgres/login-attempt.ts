/** One password login over TCP, as psql reported it. Passwords are never recorded. */
export interface LoginAttempt {
  at: string;
  user: string;
  host: string;
  port: number;
  database: string;
  /** Which credential was presented, e.g. "bootstrap admin password". */
  credential: string;
  exitCode: number;
  stdout: string;
  stderr: string;
}
