/**
 * Notebooks and what they hold: sources (documents, pasted text) and notes. Everything here belongs
 * to one owner, the token's subject; a notebook of another owner is indistinguishable from one that
 * does not exist.
 */
package dev.notebookchat.notebook;
