package dev.notebookchat.notebook.entity;

/**
 * How far a source's or note's passages are: {@code pending} until a server takes it up after a change,
 * {@code indexing} while one splits and embeds it, {@code ready} when its passages match its text, and
 * {@code failed} when that could not be done (the item still works in full-text contexts).
 */
public enum IndexStatus { pending, indexing, ready, failed }
