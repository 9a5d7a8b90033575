// The registry: every codemod goprod knows, by name. A codemod's name equals its file name.
import type { Codemod } from '../src/engine/codemod.js';
import checkErrors from './check-errors.js';
import closeErrors from './close-errors.js';
import ctxPropagate from './ctx-propagate.js';
import envConfig from './env-config.js';
import httpTimeouts from './http-timeouts.js';
import errorsAs from './errors-as.js';
import errorsIs from './errors-is.js';
import loopvar from './loopvar.js';
import wrapErrors from './wrap-errors.js';

export const codemods: readonly Codemod[] = [
  wrapErrors,
  errorsIs,
  errorsAs,
  loopvar,
  closeErrors,
  envConfig,
  checkErrors,
  ctxPropagate,
  httpTimeouts,
];
