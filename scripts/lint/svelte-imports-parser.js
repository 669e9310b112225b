import { parseForESLint as parseSvelte } from "svelte-eslint-parser";

/**
 * The parser eslint-plugin-import-x uses to read a Svelte component's imports (eslint.config.js,
 * `import-x/parsers`). svelte-eslint-parser nests a component's `<script>` statements inside a
 * SvelteScriptElement, where import-x (which reads only the top level of the program) does not see
 * them, so a component looked like a file without imports and an import cycle through it went
 * unnoticed. This lifts the statements of every `<script>` to the top level; the markup is dropped
 * (it holds no imports). Only for import-x: ESLint itself still lints components with
 * svelte-eslint-parser.
 */
export function parseForESLint(code, options) {
  const result = parseSvelte(code, options);
  result.ast.body = result.ast.body.flatMap((node) => (node.type === "SvelteScriptElement" ? node.body : []));
  return result;
}
