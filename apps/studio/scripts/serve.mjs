// Serves the studio's static build (dist/) on http://127.0.0.1:5173 (or --port N / PORT), with
// the Content-Security-Policy the studio is built for: scripts from this origin only, no eval.
// Any static host can serve dist/ the same way; this is the one-command way to try it.
//
//   npm run studio              (from the repository root: builds what is stale first)
//   node scripts/serve.mjs [--port N] [--host H]
import { createReadStream, existsSync, statSync } from 'node:fs';
import { createServer } from 'node:http';
import { dirname, extname, join, normalize, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const HERE = dirname(fileURLToPath(import.meta.url));
const DIST = join(HERE, '..', 'dist');
export const CSP = "script-src 'self'; object-src 'none'; base-uri 'none'";
const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
};

/** A server of `root` whose every response carries the CSP. */
export function studioServer(root = DIST) {
  return createServer((req, res) => {
    res.setHeader('Content-Security-Policy', CSP);
    res.setHeader('X-Content-Type-Options', 'nosniff');
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405).end();
      return;
    }
    let path;
    try {
      path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    } catch {
      res.writeHead(400).end();
      return;
    }
    if (path.endsWith('/')) path += 'index.html';
    const file = normalize(join(root, path));
    // Never a file outside dist/ (`/../package.json`).
    if (file !== root && !file.startsWith(root + sep)) {
      res.writeHead(403).end();
      return;
    }
    if (!existsSync(file) || !statSync(file).isFile()) {
      res.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8' }).end('not found');
      return;
    }
    res.writeHead(200, { 'Content-Type': TYPES[extname(file)] ?? 'application/octet-stream', 'Cache-Control': path.includes('/assets/') ? 'max-age=31536000, immutable' : 'no-cache' });
    if (req.method === 'HEAD') res.end();
    else createReadStream(file).pipe(res);
  });
}

if (process.argv[1] && fileURLToPath(import.meta.url) === normalize(process.argv[1])) {
  const arg = (name) => {
    const i = process.argv.indexOf(name);
    return i >= 0 ? process.argv[i + 1] : undefined;
  };
  const port = Number(arg('--port') ?? process.env.PORT ?? 5173);
  const host = arg('--host') ?? '127.0.0.1';
  if (!existsSync(join(DIST, 'index.html'))) {
    console.error('The studio is not built: run `npm run build -w @safecity/studio` (or `npm run studio` from the repository root).');
    process.exit(1);
  }
  const server = studioServer();
  server.on('error', (e) => {
    console.error(e.code === 'EADDRINUSE' ? `Port ${port} is in use: pass another with --port N (or PORT=N).` : `The studio's server stopped: ${e.message}`);
    process.exit(1);
  });
  server.listen(port, host, () => {
    console.log(`safecity studio: http://${host === '0.0.0.0' ? 'localhost' : host}:${port}/  (Ctrl-C to stop)`);
  });
}
