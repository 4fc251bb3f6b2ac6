/**
 * Problems and warnings of one workbook, listed up to a limit and then counted: a workbook with
 * a hundred thousand bad rows gets the first ones with their places and one line saying how many
 * more, in time and memory that do not grow with the rest.
 *
 * The engine's errors keep every problem and cap only their message (`capProblems`); a workbook
 * cannot keep them all (a million bad cells), so this list stops keeping at the limit, and counts
 * with the engine's `groupDigits`, as the engine's `omittedLine` does.
 * @module
 */
import { groupDigits, type Issue } from '@safecity/engine';

/** Problems (or warnings) of one workbook: the first `max` kept, the rest only counted. */
export class ProblemList {
  /** The problems kept, in the order found. */
  readonly listed: Issue[] = [];
  /** How many more were found and not kept. */
  more = 0;

  constructor(
    /** The most kept (listed). */
    readonly max: number,
    /** What is counted, for the closing line: `问题` or `提示`. */
    private readonly noun: '问题' | '提示' = '问题',
  ) {}

  /** Add problems: kept while there is room, else counted. */
  push(...issues: Issue[]): void {
    for (const i of issues) {
      if (this.listed.length < this.max) this.listed.push(i);
      else this.more++;
    }
  }

  /** How many were found, kept or not. */
  get length(): number {
    return this.listed.length + this.more;
  }

  /**
   * The kept problems and, when some were not kept, one more at `place` saying how many:
   * “还有 N 处问题未列出…”.
   */
  list(place: string): Issue[] {
    if (this.more === 0) return this.listed.slice();
    const unit = this.noun === '问题' ? '处' : '条';
    return [
      ...this.listed,
      {
        path: place,
        message: `还有 ${groupDigits(this.more)} ${unit}${this.noun}未逐一列出（每个工作簿只列出前 ${this.max} ${unit}）；请改正以上${this.noun === '问题' ? '问题' : '各处'}后重新提交，其余的会在下次读取时列出`,
      },
    ];
  }
}
