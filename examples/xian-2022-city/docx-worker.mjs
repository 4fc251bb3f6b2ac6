// The demo's Word writer, in a worker thread on the machine's other core: the demo's main thread
// reads, scores and writes the Markdown, xlsx and HTML, and hands each Word document here as a
// job. The docx library and the Markdown parser load only here (while the main thread reads the
// evidence), so the two threads do not hold two copies of them. Jobs run one at a time, in order.
import { writeFileSync } from 'node:fs';
import { parentPort } from 'node:worker_threads';
import { rulesets, units } from '@safecity/ruleset-xian-2022';
import { cityReportMarkdownDocx, feedbackDocx, markdownDocx } from '@safecity/report';

// The docx library and the Markdown parser loaded now, while the main thread reads the evidence.
await markdownDocx('# 西安市', { date: '2023-03-31' });

const write = {
  /** A unit's feedback lists (their rows worked out by the main thread, for its Markdown and xlsx too). */
  feedback: ({ card, rows, date, issuer }) => feedbackDocx(card, { ruleset: rulesets[card.ruleset.id], units, date, issuer, rows }),
  /** The city's 自评报告 (or its 社会公示 version), from the Markdown the main thread built. */
  city: ({ markdown, options }) => cityReportMarkdownDocx(markdown, options),
  /** Any other Markdown (the rectification report, a 单位自评报告). */
  markdown: ({ markdown, options }) => markdownDocx(markdown, options),
};
let queue = Promise.resolve();
parentPort.on('message', (job) => {
  queue = queue.then(async () => {
    if (job.kind === 'end') {
      parentPort.postMessage({ done: true });
      parentPort.close();
      return;
    }
    writeFileSync(job.path, await write[job.kind](job));
  });
});
