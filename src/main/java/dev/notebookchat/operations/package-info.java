/**
 * What the people who run the server watch: Prometheus metrics through MicroProfile Metrics (turns by
 * outcome, time to first token, turn duration, tokens, retries, running turns and open streams) and one
 * log line per finished turn. The chat component reports each turn here once, when it ends; nothing in
 * this package is on the path of a single token beyond counting it.
 */
package dev.notebookchat.operations;
