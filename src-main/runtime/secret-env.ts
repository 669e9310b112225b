/** The wallet password, for unattended starts (src-main/wallet/password-source.ts). */
export const PASSWORD_ENV = "POUW_WALLET_PASSWORD";
/** Where `devnet load` also takes the router's API key from. */
export const ROUTER_KEY_ENV = "POUW_ROUTER_API_KEY";

/** Environment variables that carry secrets: read by this process, never passed to a child. */
export const SECRET_ENV_NAMES: readonly string[] = [PASSWORD_ENV, ROUTER_KEY_ENV];

const held = new Map<string, string>();

/**
 * Moves the secret variables out of `env` (this process's environment) into memory, once at
 * start, so no child started later inherits them — including the ones this code does not start
 * itself (esbuild's service, systeminformation's shell commands). `alreadyTaken` are values a
 * launcher (bin/pouw-miner.js) took out before any of our code ran.
 */
export function holdSecretEnv(
  env: NodeJS.ProcessEnv = process.env,
  alreadyTaken: Readonly<Record<string, string>> = {},
): void {
  for (const [name, value] of Object.entries(alreadyTaken)) if (SECRET_ENV_NAMES.includes(name)) held.set(name, value);
  for (const name of SECRET_ENV_NAMES) {
    const value = env[name];
    if (value !== undefined) held.set(name, value);
    delete env[name];
  }
}

/** A secret variable's value: held at start, or still in the environment when nothing held it. */
export function secretEnv(name: string, env?: NodeJS.ProcessEnv): string | undefined {
  if (env) return env[name];
  return process.env[name] ?? held.get(name);
}

/** The environment for a child process: ours plus `extra`, without any secret. */
export function childEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env = { ...process.env, ...extra };
  for (const name of SECRET_ENV_NAMES) delete env[name];
  return env;
}
