/**
 * The self-contained build of exceljs 4.4 (the same API as its Node entry, zipped with JSZip,
 * no code generated from strings): typed as the package's own declarations.
 */
declare module 'exceljs/dist/exceljs.bare.min.js' {
  import ExcelJS from 'exceljs';
  export default ExcelJS;
}
