/**
 * Chat sessions about a notebook and the turns that answer in them. A turn saves the user's
 * message, streams the provider's answer to everyone following it as numbered events, and saves
 * the answer, each in its own transaction, so nothing written is lost whatever fails.
 */
package dev.notebookchat.chat;
