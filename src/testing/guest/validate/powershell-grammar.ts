/**
 * A real PowerShell parse without PowerShell: the tree-sitter PowerShell grammar (npm
 * `tree-sitter-powershell`, its WebAssembly build) run by `web-tree-sitter`. Reports every ERROR or
 * MISSING node with its line, so a script that PowerShell could not even parse fails here.
 *
 * @example
 *   const problems = await powershellSyntaxErrors("Set-DnsClient -InterfaceAlias 'eth0");
 *   // ['line 1: syntax error at ...']
 */
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { Language, type Node, Parser } from 'web-tree-sitter';

let parser: Promise<Parser> | undefined;

function load(): Promise<Parser> {
  parser ??= (async () => {
    await Parser.init();
    const pkg = createRequire(import.meta.url).resolve('tree-sitter-powershell/package.json');
    const lang = await Language.load(join(dirname(pkg), 'tree-sitter-powershell.wasm'));
    const p = new Parser();
    p.setLanguage(lang);
    return p;
  })();
  return parser;
}

function collect(node: Node, out: string[]): void {
  if (node.isError || node.isMissing) {
    const what = node.isMissing
      ? `missing ${node.type}`
      : `syntax error at ${JSON.stringify(node.text.slice(0, 40))}`;
    out.push(`line ${node.startPosition.row + 1}: ${what}`);
    return;
  }
  if (!node.hasError) return;
  for (const child of node.children) if (child) collect(child, out);
}

/** Syntax errors the PowerShell grammar finds in `source` (empty when it parses cleanly). */
export async function powershellSyntaxErrors(source: string): Promise<string[]> {
  const p = await load();
  const tree = p.parse(source);
  if (!tree) return ['the PowerShell grammar returned no tree'];
  const out: string[] = [];
  collect(tree.rootNode, out);
  tree.delete();
  return out;
}
