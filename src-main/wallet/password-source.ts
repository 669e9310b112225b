import { readFile } from "node:fs/promises";
import { createInterface } from "node:readline";
import { PouwError } from "../../src-shared/errors.js";

import { PASSWORD_ENV, secretEnv } from "../runtime/secret-env.js";

export { PASSWORD_ENV };

/**
 * Where an unattended miner gets its wallet password: a file (first line), the environment, or a
 * hidden prompt when a person is at the terminal. Never a command-line argument: those are visible
 * to every user of the machine in the process list.
 */
export async function readPassword(options: {
  passwordFile?: string;
  env?: NodeJS.ProcessEnv;
  prompt?: string;
  input?: NodeJS.ReadStream;
  output?: NodeJS.WriteStream;
}): Promise<string> {
  if (options.passwordFile) return readSecretFile(options.passwordFile, "password file");
  const fromEnv = secretEnv(PASSWORD_ENV, options.env);
  if (fromEnv) return fromEnv;
  const input = options.input ?? process.stdin;
  if (input.isTTY) return promptHidden(options.prompt ?? "Wallet password: ", input, options.output ?? process.stderr);
  throw new PouwError("INVALID_PARAMS", `no wallet password: pass --password-file FILE or set ${PASSWORD_ENV}`);
}

/** The first line of a file holding a secret (trailing newline and spaces removed). */
export async function readSecretFile(filePath: string, what: string): Promise<string> {
  let text: string;
  try {
    text = await readFile(filePath, "utf8");
  } catch {
    throw new PouwError("NOT_FOUND", `cannot read the ${what} ${filePath}`);
  }
  const line = (text.split(/\r?\n/)[0] ?? "").trim();
  if (line === "") throw new PouwError("INVALID_PARAMS", `the ${what} ${filePath} is empty`);
  return line;
}

function promptHidden(prompt: string, input: NodeJS.ReadStream, output: NodeJS.WriteStream): Promise<string> {
  return new Promise((resolve) => {
    const rl = createInterface({ input, output, terminal: true });
    // Echo nothing of what is typed: readline writes through _writeToOutput.
    const anyRl = rl as unknown as { _writeToOutput: (s: string) => void };
    output.write(prompt);
    anyRl._writeToOutput = () => {};
    rl.question("", (answer) => {
      rl.close();
      output.write("\n");
      resolve(answer);
    });
  });
}
