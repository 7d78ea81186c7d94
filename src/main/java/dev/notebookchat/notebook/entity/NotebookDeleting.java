package dev.notebookchat.notebook.entity;

/**
 * Fired just before a notebook is deleted, so components that depend on notebooks (chat) can stop
 * their work for it without the notebook component knowing them.
 */
public record NotebookDeleting(String notebookId) {
}
