/** The command's version, as `safecity --version` prints it (kept equal to package.json's by a test). */
export const VERSION = '0.1.0';
