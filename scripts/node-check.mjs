// Fails early with a clear line when the running Node is older than the target (Node 24 LTS).
// npm scripts put node_modules/.bin first on PATH, where the `node` package provides Node 24.
export function requireNode24(what) {
  const major = Number(process.versions.node.split('.')[0]);
  if (major < 24) {
    console.error(
      `fengqiao: ${what} needs Node.js 24 (found ${process.version}). Run it through npm (npm ${what}) after npm install, which provides Node 24 in node_modules/.bin.`,
    );
    process.exit(1);
  }
}
