import { LoggerService, UrlReaderService } from '@backstage/backend-plugin-api';
import { ConfigReader } from '@backstage/config';
import { ScmIntegrations } from '@backstage/integration';
import {
  ActionContext,
  TemplateAction,
} from '@backstage/plugin-scaffolder-node';
import { TemplateInfo } from '@backstage/plugin-scaffolder-common';
import { JsonObject, JsonValue } from '@backstage/types';
import fs from 'node:fs/promises';
import path from 'node:path';

/** SCM integrations with only the defaults, as an empty app-config gives. */
export const integrations = ScmIntegrations.fromConfig(new ConfigReader({}));

/**
 * A URL reader for templates on the local disk. `fetchContents` copies
 * `file://` template sources itself and never asks the reader, so any call
 * here means the benchmark measured something other than a local fetch.
 */
export const localOnlyReader: UrlReaderService = {
  async readUrl(url) {
    throw new Error(`the benchmark reads local templates only, not ${url}`);
  },
  async readTree(url) {
    throw new Error(`the benchmark reads local templates only, not ${url}`);
  },
  async search(url) {
    throw new Error(`the benchmark reads local templates only, not ${url}`);
  },
};

// Logging to the console would time the terminal, not the action.
const silentLogger: LoggerService = {
  error() {},
  warn() {},
  info() {},
  debug() {},
  child() {
    return silentLogger;
  },
};

/**
 * A context for `action`'s handler, built by hand as the task runner builds
 * one: a silent logger, outputs collected into `outputs`, checkpoints that
 * just run, and temporary directories under `tmpRoot`.
 *
 * Not `createMockActionContext` from the scaffolder test utilities: it builds
 * its spies with the `jest` global, which exists only inside Jest.
 */
export function createActionContext<
  TInput extends JsonObject,
  TOutput extends JsonObject,
>(
  // Only its types are used: they make the context fit its handler.
  _action: TemplateAction<TInput, TOutput, 'v2'>,
  options: {
    workspacePath: string;
    input: TInput;
    tmpRoot: string;
    templateInfo?: TemplateInfo;
  },
): {
  ctx: ActionContext<TInput, TOutput>;
  outputs: Map<string, JsonValue>;
} {
  const outputs = new Map<string, JsonValue>();
  const ctx: ActionContext<TInput, TOutput> = {
    logger: silentLogger,
    workspacePath: options.workspacePath,
    input: options.input,
    templateInfo: options.templateInfo,
    task: { id: 'bench-task' },
    step: { id: 'bench-step', name: 'Benchmark step' },
    async checkpoint(opts) {
      return opts.fn();
    },
    output(name, value) {
      outputs.set(String(name), value as JsonValue);
    },
    async createTemporaryDirectory() {
      await fs.mkdir(options.tmpRoot, { recursive: true });
      return fs.mkdtemp(path.join(options.tmpRoot, 'task-tmp-'));
    },
    async getInitiatorCredentials() {
      throw new Error('the benchmarked actions never ask for credentials');
    },
  };
  return { ctx, outputs };
}
