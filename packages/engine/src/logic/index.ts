/**
 * JsonLogic compiled into closures: `createLogicCompiler` and the shared types.
 * @module
 */
export { createLogicCompiler } from './compile.js';
export type { LogicLimits } from './cost.js';
export type {
  LogicCompileResult,
  LogicCompiler,
  LogicFn,
  LogicFrame,
  LogicIssue,
  LogicOperator,
  LogicRule,
  LogicVarRef,
} from './types.js';
