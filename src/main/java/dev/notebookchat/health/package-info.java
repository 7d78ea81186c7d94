/**
 * What the platform asks to decide whether to send traffic: liveness is the process itself,
 * readiness needs the database to answer.
 */
package dev.notebookchat.health;
