/**
 * The one error mapping of the API: every failure before a stream starts leaves as
 * {@code {"error": "<code>", "message": "<human text>"}} with its status, and nothing internal
 * (stack trace, SQL, secret) ever reaches the body.
 */
package dev.notebookchat.problems;
