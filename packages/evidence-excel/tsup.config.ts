import { defineConfig } from 'tsup';
import library from '../../tsup.library.js';

// The shared library build (see the repository root), with a second entry: the template
// writer (`@safecity/evidence-excel/template`), kept out of the index so that a bundle of the
// reader (a browser page) never sees exceljs.
export default defineConfig({ ...(library as object), entry: ['src/index.ts', 'src/template.ts'] });
