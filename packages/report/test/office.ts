/**
 * Print documents as an office does: LibreOffice converts a .docx or .xlsx to PDF, poppler
 * reads the PDF back (its text, and the boxes of its lines). Tests that need them run where
 * they are installed (`.ci/run` installs both) and say plainly when they are skipped.
 */
import { spawnSync } from 'node:child_process';
import { accessSync, constants, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, delimiter, extname, join } from 'node:path';
import { pathToFileURL } from 'node:url';

function onPath(names: readonly string[]): string | undefined {
  const dirs = ['/usr/bin', ...(process.env['PATH'] ?? '').split(delimiter).filter(Boolean)];
  for (const n of names)
    for (const d of dirs) {
      try {
        accessSync(join(d, n), constants.X_OK);
        return join(d, n);
      } catch {
        // next
      }
    }
  return undefined;
}

/** `soffice`, when LibreOffice is installed. */
export const soffice = onPath(['soffice', 'libreoffice']);
/** poppler's `pdftotext`, when installed. */
export const pdftotext = onPath(['pdftotext']);
/** Both tools are here: the print tests can run. */
export const canPrint = soffice !== undefined && pdftotext !== undefined;

/** Why the print tests were skipped; printed once by each test file that skips. */
export const PRINT_MISSING =
  'LibreOffice (soffice) or poppler (pdftotext) is missing: the print tests were skipped. Install them with: apt-get install -y libreoffice-writer-nogui libreoffice-calc-nogui poppler-utils';

/**
 * Convert a document's bytes to PDF with LibreOffice (a fresh profile, so parallel runs do not
 * share one); returns the PDF's bytes. Throws with LibreOffice's output when it fails.
 */
export function printToPdf(bytes: Uint8Array, fileName: string): Uint8Array {
  if (soffice === undefined) throw new Error(PRINT_MISSING);
  const work = mkdtempSync(join(tmpdir(), 'safecity-print-'));
  try {
    const input = join(work, fileName);
    writeFileSync(input, bytes);
    const r = spawnSync(
      soffice,
      [`-env:UserInstallation=${pathToFileURL(join(work, 'profile')).href}`, '--headless', '--norestore', '--convert-to', 'pdf', '--outdir', work, input],
      { encoding: 'utf8', timeout: 120_000 },
    );
    const pdf = join(work, `${basename(fileName, extname(fileName))}.pdf`);
    try {
      return new Uint8Array(readFileSync(pdf));
    } catch {
      throw new Error(`LibreOffice did not print ${fileName} (status ${r.status}): ${r.stderr || r.stdout}`);
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

function poppler(pdf: Uint8Array, args: readonly string[]): string {
  if (pdftotext === undefined) throw new Error(PRINT_MISSING);
  const work = mkdtempSync(join(tmpdir(), 'safecity-pdf-'));
  try {
    const file = join(work, 'doc.pdf');
    writeFileSync(file, pdf);
    const r = spawnSync(pdftotext, [...args, file, '-'], { encoding: 'utf8', timeout: 60_000, maxBuffer: 64 * 1024 * 1024 });
    if (r.status !== 0) throw new Error(`pdftotext failed: ${r.stderr}`);
    return r.stdout;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

/** The PDF's text, page by page (pages split on form feed), in reading layout. */
export function pdfPages(pdf: Uint8Array): string[] {
  const text = poppler(pdf, ['-layout', '-enc', 'UTF-8']);
  const pages = text.split('\f');
  if (pages.length > 1 && pages[pages.length - 1]!.trim() === '') pages.pop();
  return pages;
}

/** One line of text on a printed page, with its box in PDF points. */
export interface PdfLine {
  page: number;
  text: string;
  xMin: number;
  yMin: number;
  xMax: number;
  yMax: number;
}

const decode = (s: string) => s.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&apos;/g, "'").replace(/&amp;/g, '&');

/** Every line of the PDF with its box (poppler's `-bbox-layout`). */
export function pdfLines(pdf: Uint8Array): PdfLine[] {
  const xml = poppler(pdf, ['-bbox-layout', '-enc', 'UTF-8']);
  const lines: PdfLine[] = [];
  let page = 0;
  for (const chunk of xml.split('<page ').slice(1)) {
    page++;
    for (const m of chunk.matchAll(/<line xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([\s\S]*?)<\/line>/g)) {
      const words = [...m[5]!.matchAll(/<word [^>]*>([^<]*)<\/word>/g)].map((w) => decode(w[1]!));
      lines.push({ page, text: words.join(''), xMin: Number(m[1]), yMin: Number(m[2]), xMax: Number(m[3]), yMax: Number(m[4]) });
    }
  }
  return lines;
}

/**
 * Pairs of lines on the same page whose boxes overlap by more than `tolerance` points in both
 * directions: printed text drawn over other text (e.g. a wrapped cell spilling into the next row).
 */
export function overlappingLines(lines: readonly PdfLine[], tolerance = 1): [PdfLine, PdfLine][] {
  const out: [PdfLine, PdfLine][] = [];
  const byPage = new Map<number, PdfLine[]>();
  for (const l of lines) byPage.set(l.page, [...(byPage.get(l.page) ?? []), l]);
  for (const ls of byPage.values()) {
    const sorted = [...ls].sort((a, b) => a.yMin - b.yMin);
    for (let i = 0; i < sorted.length; i++)
      for (let j = i + 1; j < sorted.length && sorted[j]!.yMin < sorted[i]!.yMax - tolerance; j++) {
        const a = sorted[i]!;
        const b = sorted[j]!;
        const dx = Math.min(a.xMax, b.xMax) - Math.max(a.xMin, b.xMin);
        const dy = Math.min(a.yMax, b.yMax) - Math.max(a.yMin, b.yMin);
        if (dx > tolerance && dy > tolerance) out.push([a, b]);
      }
  }
  return out;
}
