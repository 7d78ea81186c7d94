/**
 * Passage retrieval: sources and notes are split into overlapping passages, each embedded once in the
 * server by an in-process model, and a question finds the passages closest to it by exact cosine
 * similarity over its notebook's vectors. Turns use it when the selected context does not fit a model's
 * window, the embedded model uses it to quote whole sentences, and answers cite the passages they used.
 */
package dev.notebookchat.retrieval;
