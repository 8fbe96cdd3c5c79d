import Anthropic from '@anthropic-ai/sdk';
import { registerSecret, type Logger } from '../core/logger.js';

export interface AnthropicClientOptions {
  apiKey: string;
  baseURL?: string | undefined;
  maxRetries: number;
  timeoutMs: number;
  /** The SDK's own warnings go through this (pino, stderr) with the rest of the logs. */
  logger: Logger;
}

/**
 * The one way this project builds an Anthropic client (the commander's model and the eval judge):
 * the key is registered as a secret first, so it never reaches a log line and is cut from any error
 * text a server or proxy echoes it in.
 */
export function anthropicClient(options: AnthropicClientOptions): Anthropic {
  registerSecret(options.apiKey);
  return new Anthropic({
    apiKey: options.apiKey,
    ...(options.baseURL ? { baseURL: options.baseURL } : {}),
    maxRetries: options.maxRetries,
    timeout: options.timeoutMs,
    logger: options.logger,
  });
}
