/**
 * What every component leans on and none owns: JSON binding with snake_case names, request
 * limits, the database migrations that run before anything touches the schema, the clock, and how a
 * configured number of seconds becomes a duration.
 */
package dev.notebookchat.platform;
