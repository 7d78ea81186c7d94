/**
 * Running turns shared between servers through Redis, when {@code notebookchat.turns.redis-url} is
 * set: the claim that keeps one turn per session among all servers, each turn's numbered events in
 * a Redis Stream that any server relays to its followers, and stops sent to the server running the
 * turn over pub/sub. Everything durable stays in the database; Redis only holds what is running
 * and, for a grace period, what just finished.
 */
package dev.notebookchat.chat.redis;
