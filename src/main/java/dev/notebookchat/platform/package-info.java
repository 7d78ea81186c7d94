/**
 * What every component leans on and none owns: JSON binding with snake_case names, request
 * limits, the database migrations that run before anything touches the schema, and the clock.
 */
package dev.notebookchat.platform;
