/**
 * Who is calling and what they may hold: the caller is the verified JWT's subject, the dev login
 * issues such tokens for the embedded default, and each user's provider keys are kept encrypted
 * (AES-GCM) and only ever shown back as a hint.
 */
package dev.notebookchat.security;
