// The only static import is the version: ESM loads every static import before the first line
// runs, and `safecity --version` must answer without commander, the command table or the io
// helpers (run.ts). Everything else is loaded once the command is known.
import { VERSION } from './version.js';

const argv = process.argv.slice(2);

// A closed pipe (e.g. `safecity score … | head`) ends the command quietly, as other tools do.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw e;
  });
}

if (argv.length === 1 && (argv[0] === '--version' || argv[0] === '-V')) {
  // What commander prints for it (run.ts gives it the same VERSION), without loading commander.
  process.stdout.write(`${VERSION}\n`);
} else {
  import('./run.js')
    .then(({ run }) =>
      run(argv, {
        stdout: (t) => process.stdout.write(t),
        stderr: (t) => process.stderr.write(t),
        isTTY: Boolean(process.stderr.isTTY),
        cwd: process.cwd(),
      }),
    )
    .then(
      (code) => {
        process.exitCode = code;
      },
      async (e: unknown) => {
        const message = e instanceof Error ? e.message : String(e);
        // the message may quote data: shown with no control character, as everything else
        const shown = await import('./terminal.js').then(
          (t) => t.terminalText(message),
          () => message.replace(/[\x00-\x08\x0b-\x1f\x7f-\x9f]/g, '?'),
        );
        process.stderr.write(`internal error: ${shown}\n`);
        process.exitCode = 1;
      },
    );
}
